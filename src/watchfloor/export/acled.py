"""An ACLED-shaped CSV: ACLED's column names, filled from watchfloor's own extraction.

How each column is filled (ACLED's codebook meaning first, then our source):

- ``event_id_cnty``: ISO3 of the country + ``-`` + our stable event id (ACLED numbers events
  per country; ours are content-derived, so a re-export gives the same ids).
- ``event_date``/``year``: the event's start date (YYYY-MM-DD) and its year.
- ``time_precision``: 1 day known; 2 week or part of a month; 3 month or coarser, or a date
  assumed from the publication date with no stated precision (``analyse.precision``).
- ``disorder_type``: from the event type, as ACLED defines it: Battles, Explosions/Remote
  violence, Violence against civilians and Mob violence are "Political violence";
  Protests and Violent demonstrations are "Demonstrations"; Excessive force against
  protesters is "Political violence; Demonstrations"; Strategic developments stay so.
- ``actor1``/``actor2``: the event's primary actors (canonical name when the dictionary knew
  the actor, else the words of the report); ``assoc_actor_1``: other named perpetrators;
  ``assoc_actor_2``: other named victims or targets, ``; ``-separated.
- ``inter1``/``inter2``: ACLED's numeric actor-type codes from the actor dictionary's
  ``actor_type``: 1 State forces, 2 Rebel group, 3 Political militia, 4 Identity militia,
  5 Rioters, 6 Protesters, 7 Civilians, 8 External/Other forces; empty when unknown.
  ``interaction``: the two codes, smaller first (``12``), or ``10``-style for one actor.
- ``civilian_targeting``: "Civilian targeting" for Violence against civilians or when
  actor2 is civilians.
- ``iso``: ISO 3166 numeric; ``region``: ACLED's region (``analyse.countries``);
  ``country``, ``admin1``, ``admin2`` from the gazetteer; ``admin3`` is not known (empty).
- ``location``, ``latitude``, ``longitude``: the event's place; ``geo_precision``: 1 a town
  or site, 2 a district or area, 3 a province or country (from the GeoNames feature code).
- ``source``: the report's publisher, else its source; ``source_scale``: empty (not known).
- ``notes``: the evidence sentence(s) from the report.
- ``fatalities``: the reported number; ACLED writes 0 when none is reported, and so does
  this file, with the tag ``fatalities not reported`` to tell the two apart.
- ``tags``: ``watchfloor:<event id>``, ``confidence=<0..1>``, ``date assumed`` when the
  date was inferred, ``fatalities not reported``.
- ``timestamp``: Unix time of the extraction that produced the event.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

from watchfloor.analyse.countries import acled_region, country
from watchfloor.export.records import ExportEvent

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
    "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1",
    "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "tags", "timestamp",
)

INTER_CODES = {
    "State forces": 1,
    "Rebel group": 2,
    "Political militia": 3,
    "Identity militia": 4,
    "Rioters": 5,
    "Protesters": 6,
    "Civilians": 7,
    "External/Other forces": 8,
}

_DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}


def disorder_type(event_type: str, sub_event_type: str | None) -> str:
    if sub_event_type == "Excessive force against protesters":
        return "Political violence; Demonstrations"
    if sub_event_type == "Mob violence":
        return "Political violence"
    return _DISORDER.get(event_type, "")


def interaction(inter1: int | None, inter2: int | None) -> str:
    if inter1 is None and inter2 is None:
        return ""
    codes = sorted(c for c in (inter1, inter2) if c is not None)
    if len(codes) == 1:
        return f"{codes[0]}0"
    return f"{codes[0]}{codes[1]}"


def acled_row(item: ExportEvent, actor_types: dict[str, str]) -> dict[str, Any]:
    """One ACLED-shaped row; ``actor_types`` maps actor ids to ACLED actor types."""
    e, data = item.event, item.data
    loc = e["location"] or {}
    found = country(e["country_code"])

    def name(ref: dict[str, Any] | None) -> str:
        return str((ref or {}).get("name") or "")

    def inter(ref: dict[str, Any] | None) -> int | None:
        actor_id = (ref or {}).get("actor_id")
        return INTER_CODES.get(actor_types.get(actor_id or "", ""))

    primary = {name(e["actor1"]), name(e["actor2"])}

    def associated(roles: set[str]) -> str:
        names = []
        for p in data.get("participants") or []:
            text = str(p.get("text") or "")
            if p.get("role") in roles and p.get("actor_id") and text and text not in primary:
                names.append(text)
        return "; ".join(dict.fromkeys(names))

    inter1, inter2 = inter(e["actor1"]), inter(e["actor2"])
    civilian = e["event_type"] == "Violence against civilians" or inter2 == 7
    tags = [f"watchfloor:{e['event_id']}"]
    if e["confidence"] is not None:
        tags.append(f"confidence={e['confidence']:.2f}")
    if e["date_assumed"]:
        tags.append("date assumed")
    if e["fatalities"] is None:
        tags.append("fatalities not reported")
    start = e["start_date"] or ""
    return {
        "event_id_cnty": f"{found.iso3 if found else 'XXX'}-{e['event_id']}",
        "event_date": start,
        "year": start[:4],
        "time_precision": e["time_precision"],
        "disorder_type": disorder_type(e["event_type"], e["sub_event_type"]),
        "event_type": e["event_type"],
        "sub_event_type": e["sub_event_type"] or "",
        "actor1": name(e["actor1"]),
        "assoc_actor_1": associated({"perpetrator"}),
        "inter1": inter1 if inter1 is not None else "",
        "actor2": name(e["actor2"]),
        "assoc_actor_2": associated({"victim", "target"}),
        "inter2": inter2 if inter2 is not None else "",
        "interaction": interaction(inter1, inter2),
        "civilian_targeting": "Civilian targeting" if civilian else "",
        "iso": found.isonumeric if found and found.isonumeric is not None else "",
        "region": acled_region(e["country_code"]),
        "country": e["country"] or "",
        "admin1": e["admin1"] or "",
        "admin2": e["admin2"] or "",
        "admin3": "",
        "location": loc.get("name") or "",
        "latitude": loc.get("lat") if loc.get("lat") is not None else "",
        "longitude": loc.get("lon") if loc.get("lon") is not None else "",
        "geo_precision": e["geo_precision"] or 3,
        "source": e["document"]["publisher"] or e["document"]["source"] or "",
        "source_scale": "",
        "notes": item.evidence,
        "fatalities": e["fatalities"] if e["fatalities"] is not None else 0,
        "tags": "; ".join(tags),
        "timestamp": int(item.extracted_at.timestamp()) if item.extracted_at else "",
    }


def write_acled(items: Iterable[ExportEvent], out: TextIO, actor_types: dict[str, str]) -> int:
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for item in items:
        writer.writerow(acled_row(item, actor_types))
        n += 1
    return n
