"""Exports of events: plain CSV, JSON, GeoJSON and an ACLED-shaped CSV, one writer each.

``export_events`` streams: events are read in batches and written as they come, so an export
of a large database holds one batch in memory.
"""

from __future__ import annotations

from typing import TextIO

from sqlalchemy import select

from watchfloor.analyse.queries import EventFilters
from watchfloor.export.acled import ACLED_COLUMNS, write_acled
from watchfloor.export.records import FLAT_COLUMNS, iter_export_events
from watchfloor.export.writers import write_csv, write_geojson, write_json
from watchfloor.store import Database, schema

FORMATS = ("csv", "json", "geojson", "acled")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "geojson": "application/geo+json",
    "acled": "text/csv; charset=utf-8",
}
EXTENSIONS = {"csv": "csv", "json": "json", "geojson": "geojson", "acled": "csv"}


def actor_types(db: Database) -> dict[str, str]:
    """actor id -> ACLED actor type, for the inter1/inter2 codes."""
    table = schema.actors
    rows = db.read(select(table.c.actor_id, table.c.actor_type))
    return {r["actor_id"]: r["actor_type"] for r in rows if r["actor_type"]}


def export_events(db: Database, filters: EventFilters, fmt: str, out: TextIO) -> int:
    """Write the events matching ``filters`` to ``out`` in ``fmt``; returns how many."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    items = iter_export_events(db, filters)
    if fmt == "csv":
        return write_csv(items, out)
    if fmt == "json":
        return write_json(items, out)
    if fmt == "geojson":
        return write_geojson(items, out)
    return write_acled(items, out, actor_types(db))


__all__ = ["ACLED_COLUMNS", "EXTENSIONS", "FLAT_COLUMNS", "FORMATS", "MEDIA_TYPES",
           "export_events"]
