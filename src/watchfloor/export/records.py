"""Events as flat records, the shape every export writer starts from.

Events are read in batches (bounded memory on a large database); each batch also fetches the
texts of its reports, so that a record can carry the evidence sentence itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from watchfloor.analyse.queries import EventFilters, event_json, iter_events
from watchfloor.store import Database, schema

# Events fetched per round trip; each batch also loads the texts of its reports.
BATCH = 500
# Longest evidence text carried into an export (ACLED notes are a sentence or two).
MAX_EVIDENCE_CHARS = 1000


@dataclass(frozen=True)
class ExportEvent:
    """One event with what the writers need beyond the API's event object."""

    event: dict[str, Any]  # analyse.queries.event_json
    data: dict[str, Any]  # the contract event as extracted
    evidence: str  # the evidence sentence(s), whitespace collapsed
    extracted_at: datetime | None


def iter_export_events(db: Database, filters: EventFilters) -> Iterator[ExportEvent]:
    batch: list[dict[str, Any]] = []
    for row in iter_events(db, filters, batch=BATCH):
        batch.append(row)
        if len(batch) >= BATCH:
            yield from _complete(db, batch)
            batch = []
    if batch:
        yield from _complete(db, batch)


def _complete(db: Database, rows: list[dict[str, Any]]) -> Iterator[ExportEvent]:
    doc_ids = sorted({r["doc_id"] for r in rows})
    texts = {d.doc_id: d.text for d in db.get_documents(doc_ids)}
    ext = schema.extractions
    extracted = {
        r["doc_id"]: r["extracted_at"]
        for r in db.read(
            select(ext.c.doc_id, ext.c.extracted_at).where(ext.c.doc_id.in_(doc_ids))
        )
    }
    for row in rows:
        data = dict(row["data"] or {})
        text = texts.get(row["doc_id"], "")
        pieces = [
            text[int(s["start"]) : int(s["end"])]
            for s in data.get("evidence") or []
            if s.get("start") is not None and s.get("end") is not None
        ]
        evidence = " … ".join(" ".join(p.split()) for p in pieces)[:MAX_EVIDENCE_CHARS]
        yield ExportEvent(
            event=event_json(row), data=data, evidence=evidence,
            extracted_at=_utc(extracted.get(row["doc_id"])),
        )


def _utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite drops the zone; it was UTC
        return value.replace(tzinfo=UTC)
    return value


FLAT_COLUMNS = (
    "event_id", "doc_id", "event_type", "sub_event_type", "start_date", "end_date",
    "date_precision", "date_assumed", "time_precision", "country_code", "country",
    "admin1_code", "admin1", "admin2", "location", "place_id", "feature_code", "latitude",
    "longitude", "geo_precision", "actor1", "actor1_id", "actor2", "actor2_id", "fatalities",
    "injured", "arrested", "confidence", "title", "published", "source", "url", "evidence",
)


def flat_record(item: ExportEvent) -> dict[str, Any]:
    """One row of the plain CSV export (columns: FLAT_COLUMNS)."""
    e = item.event
    loc = e["location"] or {}
    a1, a2 = e["actor1"] or {}, e["actor2"] or {}
    doc = e["document"]
    return {
        "event_id": e["event_id"], "doc_id": e["doc_id"], "event_type": e["event_type"],
        "sub_event_type": e["sub_event_type"], "start_date": e["start_date"],
        "end_date": e["end_date"], "date_precision": e["date_precision"],
        "date_assumed": e["date_assumed"], "time_precision": e["time_precision"],
        "country_code": e["country_code"], "country": e["country"],
        "admin1_code": e["admin1_code"], "admin1": e["admin1"], "admin2": e["admin2"],
        "location": loc.get("name"), "place_id": loc.get("place_id"),
        "feature_code": loc.get("feature_code"), "latitude": loc.get("lat"),
        "longitude": loc.get("lon"), "geo_precision": e["geo_precision"],
        "actor1": a1.get("name"), "actor1_id": a1.get("actor_id"),
        "actor2": a2.get("name"), "actor2_id": a2.get("actor_id"),
        "fatalities": e["fatalities"], "injured": e["injured"], "arrested": e["arrested"],
        "confidence": e["confidence"], "title": doc["title"], "published": doc["published"],
        "source": doc["publisher"] or doc["source"], "url": doc["url"],
        "evidence": item.evidence,
    }
