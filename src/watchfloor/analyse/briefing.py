"""A briefing on one country or region over a period: the data, gathered once.

Key events, the map's points and outline, the timeline, top actors, notable quotes, trend
findings and the list of sources, as one JSON-ready dict that the HTML and PDF writers in
``watchfloor.export.briefing`` render without further queries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from sqlalchemy import select

from watchfloor.analyse import queries
from watchfloor.analyse.trends import trends
from watchfloor.store import Database, schema

KEY_EVENTS = 12  # events listed in full: the deadliest, then the latest
QUOTES = 8  # notable quotes: those with a named speaker first
MAP_POINTS = 500  # events drawn on the map (the deadliest when there are more)


@dataclass(frozen=True, kw_only=True)
class BriefingRequest:
    country: str
    admin1: str | None = None
    since: date | None = None
    until: date | None = None


@lru_cache(maxsize=1)
def _outlines() -> dict[str, Any]:
    """Country outlines (Natural Earth via world-atlas, vendored for the map page)."""
    path = resources.files("watchfloor.web").joinpath("static/geo/countries.geojson")
    data = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"].get("iso_a2"): f["geometry"] for f in data["features"]}


def country_outline(code: str) -> list[list[list[float]]]:
    """The country's rings as [[lon, lat], ...] lists (empty when unknown)."""
    geometry = _outlines().get(code.upper())
    if not geometry:
        return []
    if geometry["type"] == "Polygon":
        return [ring for ring in geometry["coordinates"]]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def _quotes(db: Database, doc_ids: list[str]) -> list[dict[str, Any]]:
    if not doc_ids:
        return []
    q, d = schema.quotes, schema.documents
    rows = db.read(
        select(q.c.doc_id, q.c.text, q.c.speaker, d.c.title, d.c.published)
        .select_from(q.join(d, d.c.doc_id == q.c.doc_id))
        .where(q.c.doc_id.in_(doc_ids))
    )
    # Quotes with a named speaker first, then the longer (more substantive) ones.
    rows.sort(key=lambda r: (r["speaker"] is None, -len(r["text"] or "")))
    seen: set[str] = set()
    out = []
    for r in rows:
        key = (r["text"] or "").strip().lower()
        if key in seen or len(key) < 20:
            continue
        seen.add(key)
        out.append({"text": r["text"], "speaker": r["speaker"], "doc_id": r["doc_id"],
                    "title": r["title"], "published": _iso(r["published"])})
        if len(out) >= QUOTES:
            break
    return out


def build_briefing(db: Database, request: BriefingRequest) -> dict[str, Any] | None:
    """Everything a briefing shows; None when nothing is recorded for the place."""
    filters = queries.EventFilters(
        country=request.country.upper(), admin1=request.admin1, since=request.since,
        until=request.until,
    )
    summary = queries.region_summary(db, filters.country or "", request.admin1,
                                     filters=filters)
    if summary is None:
        return None
    rows = list(queries.iter_events(db, filters))
    events = [queries.event_json(r) for r in rows]
    deadliest = sorted(events, key=lambda e: (-(e["fatalities"] or 0), e["start_date"] or ""))
    key = [e for e in deadliest if e["fatalities"]][: KEY_EVENTS // 2]
    chosen = {e["event_id"] for e in key}
    latest = [e for e in sorted(events, key=lambda e: e["start_date"] or "", reverse=True)
              if e["event_id"] not in chosen]
    key += latest[: KEY_EVENTS - len(key)]
    key.sort(key=lambda e: e["start_date"] or "")
    points = [
        {"lat": e["location"]["lat"], "lon": e["location"]["lon"], "fatalities":
         e["fatalities"] or 0, "precise": e["geo_precision"] == 1, "title":
         e["sub_event_type"] or e["event_type"]}
        for e in deadliest
        if e["location"] and e["location"].get("lat") is not None
    ][:MAP_POINTS]
    doc_ids = sorted({e["doc_id"] for e in events})
    sources = sorted(
        ({"doc_id": d.doc_id, "title": d.title, "publisher": d.publisher, "url": d.url,
          "published": _iso(d.published), "source": d.source}
         for d in db.get_documents(doc_ids)),
        key=lambda s: (s["published"] or "", s["title"] or ""),
    )
    found = trends(rows, by_admin1=request.admin1 is None)
    place = summary["admin1"] or summary["country"] or filters.country
    return {
        "title": f"{place}: security briefing",
        "place": place,
        "country_code": summary["country_code"],
        "country": summary["country"],
        "admin1": summary["admin1"],
        "since": request.since.isoformat() if request.since else None,
        "until": request.until.isoformat() if request.until else None,
        "totals": summary["totals"],
        "timeline": summary["timeline"],
        "top_actors": summary["top_actors"],
        "admin1_divisions": summary["admin1_divisions"],
        "key_events": key,
        "map": {"outline": country_outline(summary["country_code"]), "points": points},
        "quotes": _quotes(db, doc_ids),
        "findings": found["findings"],
        "method": found["method"],
        "sources": sources,
    }
