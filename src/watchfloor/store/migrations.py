"""Schema migrations: numbered functions, each applied once and recorded in schema_migrations.

Convention: migration 1 creates the tables from ``schema.metadata`` as they are defined now;
every later migration must be idempotent (check before it adds a column or index), because
on a fresh database migration 1 already creates the newest table shapes. A migration runs in
one transaction, so a crash leaves the database at the previous version (PostgreSQL and
SQLite both have transactional DDL).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, inspect, select, text

from watchfloor.store import schema

# Characters of a document's text that PostgreSQL indexes for full-text search: a tsvector
# holds at most 1 MB, which very long documents (book-length PDFs) would exceed.
PG_FTS_MAX_CHARS = 500_000


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


def _create_tables(conn: Connection) -> None:
    schema.metadata.create_all(conn, checkfirst=True)


def _full_text_search(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.execute(
            text(
                "CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5("
                "title, text, content='documents', content_rowid='pk', "
                "tokenize='porter unicode61 remove_diacritics 2')"
            )
        )
        # External-content FTS5 tables are kept in step by triggers.
        conn.execute(
            text(
                "CREATE TRIGGER IF NOT EXISTS documents_fts_ai AFTER INSERT ON documents BEGIN "
                "INSERT INTO documents_fts(rowid, title, text) "
                "VALUES (new.pk, new.title, new.text); END"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER IF NOT EXISTS documents_fts_ad AFTER DELETE ON documents BEGIN "
                "INSERT INTO documents_fts(documents_fts, rowid, title, text) "
                "VALUES ('delete', old.pk, old.title, old.text); END"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER IF NOT EXISTS documents_fts_au AFTER UPDATE OF title, text "
                "ON documents BEGIN "
                "INSERT INTO documents_fts(documents_fts, rowid, title, text) "
                "VALUES ('delete', old.pk, old.title, old.text); "
                "INSERT INTO documents_fts(rowid, title, text) "
                "VALUES (new.pk, new.title, new.text); END"
            )
        )
    elif conn.dialect.name == "postgresql":
        columns = {c["name"] for c in inspect(conn).get_columns("documents")}
        if "tsv" not in columns:
            conn.execute(
                text(
                    "ALTER TABLE documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
                    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
                    f"setweight(to_tsvector('english', left(text, {PG_FTS_MAX_CHARS})), 'B')"
                    ") STORED"
                )
            )
        conn.execute(
            text("CREATE INDEX IF NOT EXISTS ix_documents_tsv ON documents USING gin (tsv)")
        )
    else:  # pragma: no cover - guarded by Database.open
        raise RuntimeError(f"unsupported database dialect {conn.dialect.name}")


def _document_embeddings(conn: Connection) -> None:
    schema.document_embeddings.create(conn, checkfirst=True)


def _read_path_indexes(conn: Connection) -> None:
    """Indexes for the web pages' queries at 10,000+ reports (benchmarks/web_load.py):
    mentions by place/actor with their doc_id (connected content read from the index alone),
    events at one place, day and type (the "same event" self-join scanned every event), and
    events newest first (the events list sorted every event to show fifty)."""
    for name, table, columns in (
        ("ix_place_mentions_place", "place_mentions", "place_id, doc_id"),
        ("ix_actor_mentions_actor", "actor_mentions", "actor_id, doc_id"),
    ):
        # Migration 1 now creates these with doc_id; older databases have them without.
        conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
        conn.execute(text(f"CREATE INDEX {name} ON {table} ({columns})"))
    conn.execute(
        text(
            "CREATE INDEX IF NOT EXISTS ix_events_place_day_type "
            "ON events (place_id, start_date, event_type)"
        )
    )
    # The events list orders by start_date DESC NULLS LAST, event_id: SQLite's DESC order
    # already puts NULLs last (and takes no NULLS clause in an index); PostgreSQL's does not.
    nulls_last = " NULLS LAST" if conn.dialect.name == "postgresql" else ""
    conn.execute(
        text(
            "CREATE INDEX IF NOT EXISTS ix_events_newest "
            f"ON events (start_date DESC{nulls_last}, event_id)"
        )
    )


def _watchlists(conn: Connection) -> None:
    for table in (schema.watchlists, schema.alerts, schema.webhook_deliveries,
                  schema.feed_state):
        table.create(conn, checkfirst=True)


def _document_areas(conn: Connection) -> None:
    schema.document_areas.create(conn, checkfirst=True)


def _data_version(conn: Connection) -> None:
    schema.data_version.create(conn, checkfirst=True)
    if conn.execute(select(schema.data_version.c.id)).first() is None:
        conn.execute(insert(schema.data_version).values(id=1, n=0))


def _fusion(conn: Connection) -> None:
    for table in (schema.fused_events, schema.fused_event_members, schema.fusion_documents,
                  schema.fusion_cannot_link):
        table.create(conn, checkfirst=True)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "create tables", _create_tables),
    Migration(2, "full-text search", _full_text_search),
    Migration(3, "document embeddings", _document_embeddings),
    Migration(4, "indexes for the web pages", _read_path_indexes),
    Migration(5, "watchlists, alerts, webhooks and feed state", _watchlists),
    Migration(6, "areas of each report, for its source's home area", _document_areas),
    Migration(7, "data version, for caches of what is read", _data_version),
    Migration(8, "fused events, their reports and analysts' splits", _fusion),
)

LATEST_VERSION = MIGRATIONS[-1].version


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("schema_migrations"):
        return 0
    versions = conn.execute(select(schema.schema_migrations.c.version)).scalars().all()
    return max(versions, default=0)


def pending(conn: Connection) -> list[Migration]:
    version = current_version(conn)
    return [m for m in MIGRATIONS if m.version > version]


def record(conn: Connection, migration: Migration) -> None:
    conn.execute(
        insert(schema.schema_migrations).values(
            version=migration.version, name=migration.name, applied_at=datetime.now(UTC)
        )
    )
