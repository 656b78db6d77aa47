"""Storing `watchfloor extract` results: the whole contract line, plus the rows that search,
pages and exports query (places, mentions, actors, events with per-field evidence, quotes).

Saving is a replace: everything derived from one document is deleted and written again in
one transaction, so re-extraction after an upgrade is idempotent and a crash leaves either
the old result or the new one, never a mixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from watchfloor.store import schema

# Fields of an event whose evidence is a span of their own (the rest point to the sentence).
_SPAN_FIELDS = ("trigger", "location", "actor1", "actor2")


def _insert_ignore(
    conn: Connection, table: Table, rows: list[dict[str, Any]], key: list[str]
) -> None:
    """INSERT ... ON CONFLICT DO NOTHING, for rows shared between documents (places, actors)."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(table).on_conflict_do_nothing(index_elements=key), rows)


def _as_date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def place_id_of(place: dict[str, Any]) -> str | None:
    """A stable id for a resolved place: its GeoNames id, else the supplement's own id."""
    if place.get("geonameid"):
        return f"geonames:{place['geonameid']}"
    if place.get("supplement_id"):
        return f"wf:{place['supplement_id']}"
    if place.get("place_id"):
        return str(place["place_id"])
    return None


def _place_row(place: dict[str, Any], place_id: str) -> dict[str, Any]:
    return {
        "place_id": place_id,
        "geonameid": place.get("geonameid"),
        "name": place.get("name") or place.get("text") or place_id,
        "feature_code": place.get("feature_code"),
        "lat": place.get("lat"),
        "lon": place.get("lon"),
        "country_code": place.get("country_code"),
        "admin1": place.get("admin1"),
        "admin1_code": place.get("admin1_code"),
        "admin2": place.get("admin2"),
    }


def _evidence_rows(event_id: str, doc_id: str, event: dict[str, Any]) -> Iterator[dict[str, Any]]:
    # One span per field and start offset (the table's unique key): two participants of
    # one role starting at the same word keep the first, longer or shorter.
    seen: set[tuple[str, int]] = set()

    def row(field: str, span: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
        if not span or span.get("start") is None or span.get("end") is None:
            return
        key = (field, int(span["start"]))
        if key not in seen:
            seen.add(key)
            yield {
                "event_id": event_id,
                "field": field,
                "doc_id": doc_id,
                "start": key[1],
                "end": int(span["end"]),
            }

    for field in _SPAN_FIELDS:
        yield from row(field, event.get(field))
    for participant in event.get("participants") or []:
        yield from row(f"participant:{participant.get('role', 'participant')}", participant)
    for span in event.get("evidence") or []:
        yield from row("sentence", span)


def save_extraction(
    conn: Connection,
    *,
    doc_id: str,
    result: dict[str, Any],
    version: str,
    config: dict[str, Any],
    at: datetime,
) -> None:
    """Replace everything derived from one document with this extraction result."""
    delete_extraction(conn, doc_id=doc_id)
    conn.execute(
        insert(schema.extractions).values(
            doc_id=doc_id,
            extractor_version=version,
            config=config,
            extracted_at=at,
            result=result,
            errors=result.get("errors") or [],
        )
    )
    places = [p for p in result.get("places") or [] if p.get("start") is not None]
    place_rows = {}
    mention_rows = []
    for place in places:
        pid = place_id_of(place)
        if pid:
            place_rows[pid] = _place_row(place, pid)
        mention_rows.append(
            {
                "doc_id": doc_id,
                "start": place["start"],
                "end": place["end"],
                "text": place.get("text") or "",
                "place_id": pid,
                "score": place.get("score"),
            }
        )
    for event in result.get("events") or []:  # an event's place may not be in `places`
        location = event.get("location") or {}
        pid = place_id_of(location)
        if pid and pid not in place_rows:
            place_rows[pid] = _place_row(location, pid)
    _insert_ignore(conn, schema.places, list(place_rows.values()), ["place_id"])
    _insert_unique_spans(conn, schema.place_mentions, mention_rows)
    _save_areas(conn, doc_id=doc_id, areas=result.get("areas"))

    actor_rows = {}
    actor_mentions = []
    for actor in result.get("actors") or []:
        if actor.get("actor_id"):
            actor_rows[actor["actor_id"]] = {
                "actor_id": actor["actor_id"],
                "name": actor.get("name") or actor.get("text"),
                "kind": actor.get("kind"),
                "actor_type": actor.get("actor_type"),
                "country_code": actor.get("country"),
            }
        actor_mentions.append(
            {
                "doc_id": doc_id,
                "start": actor["start"],
                "end": actor["end"],
                "text": actor.get("text") or "",
                "actor_id": actor.get("actor_id"),
            }
        )
    _insert_ignore(conn, schema.actors, list(actor_rows.values()), ["actor_id"])
    _insert_unique_spans(conn, schema.actor_mentions, actor_mentions)

    quote_rows: list[dict[str, Any]] = []
    quote_starts: set[int] = set()
    for quote in result.get("quotes") or []:
        if quote["start"] in quote_starts:
            continue
        quote_starts.add(quote["start"])
        speaker = quote.get("speaker") or {}
        quote_rows.append(
            {
                "doc_id": doc_id,
                "start": quote["start"],
                "end": quote["end"],
                "text": quote.get("text") or "",
                "speaker": speaker.get("text"),
                "speaker_actor_id": speaker.get("actor_id"),
            }
        )
    if quote_rows:
        conn.execute(insert(schema.quotes), quote_rows)

    event_rows: list[dict[str, Any]] = []
    evidence_rows: list[dict[str, Any]] = []
    for event in result.get("events") or []:
        event_id = str(event["event_id"])
        when = event.get("date") or {}
        where = event.get("location") or {}
        event_rows.append(
            {
                "event_id": event_id,
                "doc_id": doc_id,
                "event_type": event["event_type"],
                "sub_event_type": event.get("sub_event_type"),
                "start_date": _as_date(when.get("start_date")),
                "end_date": _as_date(when.get("end_date")),
                "date_precision": when.get("precision"),
                "place_id": place_id_of(where) if where else None,
                "country_code": where.get("country_code"),
                "admin1_code": where.get("admin1_code"),
                "fatalities": event.get("fatalities"),
                "injured": event.get("injured"),
                "arrested": event.get("arrested"),
                "confidence": event.get("confidence"),
                "data": event,
            }
        )
        evidence_rows.extend(_evidence_rows(event_id, doc_id, event))
    if event_rows:
        conn.execute(insert(schema.events), event_rows)
    if evidence_rows:
        conn.execute(insert(schema.event_evidence), evidence_rows)


def _save_areas(conn: Connection, *, doc_id: str, areas: dict[str, Any] | None) -> None:
    """The report's own areas under its source key (nothing when the source is unknown)."""
    if not areas or not areas.get("source_key"):
        return
    pairs = {("", "")}  # the report itself
    pairs |= {(str(cc)[:2], "") for cc in areas.get("countries") or ()}
    for region in areas.get("regions") or ():
        cc, _, a1 = str(region).partition(".")
        if cc and a1:
            pairs.add((cc[:2], a1[:16]))
    key = str(areas["source_key"])[:255]
    conn.execute(insert(schema.document_areas), [
        {"doc_id": doc_id, "source_key": key, "country_code": cc, "admin1_code": a1}
        for cc, a1 in sorted(pairs)])


def source_area_counts(
    conn: Connection, *, source_key: str
) -> tuple[int, dict[str, int], dict[tuple[str, str], int]]:
    """(reports, reports per country, reports per (country, admin1)) of one source."""
    t = schema.document_areas
    rows = conn.execute(
        select(t.c.country_code, t.c.admin1_code, func.count())
        .where(t.c.source_key == source_key)
        .group_by(t.c.country_code, t.c.admin1_code)
    ).all()
    documents = 0
    countries: dict[str, int] = {}
    regions: dict[tuple[str, str], int] = {}
    for cc, a1, n in rows:
        if not cc:
            documents = n
        elif not a1:
            countries[cc] = n
        else:
            regions[(cc, a1)] = n
    return documents, countries, regions


def report_areas(
    conn: Connection, *, doc_id: str
) -> tuple[str, set[str], set[tuple[str, str]]] | None:
    """(source key, countries, regions) stored for one report, None when none are."""
    t = schema.document_areas
    rows = conn.execute(
        select(t.c.source_key, t.c.country_code, t.c.admin1_code).where(t.c.doc_id == doc_id)
    ).all()
    if not rows:
        return None
    countries = {cc for _, cc, a1 in rows if cc and not a1}
    regions = {(cc, a1) for _, cc, a1 in rows if cc and a1}
    return rows[0][0], countries, regions


def _insert_unique_spans(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert mention rows, keeping the first of any with the same (start, end)."""
    unique: dict[tuple[int, int], dict[str, Any]] = {}
    for row in rows:
        unique.setdefault((row["start"], row["end"]), row)
    if unique:
        conn.execute(insert(table), list(unique.values()))


def delete_extraction(conn: Connection, *, doc_id: str) -> None:
    """Remove every row derived from one document (shared places and actors stay)."""
    event_ids = select(schema.events.c.event_id).where(schema.events.c.doc_id == doc_id)
    conn.execute(
        delete(schema.event_evidence).where(schema.event_evidence.c.event_id.in_(event_ids))
    )
    for table in (
        schema.events,
        schema.quotes,
        schema.actor_mentions,
        schema.place_mentions,
        schema.document_areas,
        schema.extractions,
    ):
        conn.execute(delete(table).where(table.c.doc_id == doc_id))


def load_extraction(conn: Connection, *, doc_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(
            schema.extractions.c.result,
            schema.extractions.c.extractor_version,
            schema.extractions.c.config,
            schema.extractions.c.extracted_at,
        ).where(schema.extractions.c.doc_id == doc_id)
    ).first()
    if row is None:
        return None
    result = dict(row[0])
    result["extractor"] = {
        "version": row[1],
        "config": row[2],
        "extracted_at": row[3].isoformat() if row[3] else None,
    }
    return result
