"""Storage: one narrow interface (Database) over SQLite and PostgreSQL."""

from watchfloor.store.database import Database, DatabaseError, NewDocument, Stats
from watchfloor.store.search import SearchFilters

__all__ = ["Database", "DatabaseError", "NewDocument", "SearchFilters", "Stats"]
