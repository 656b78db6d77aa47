"""Plain CSV, JSON and GeoJSON writers over export records (ACLED's shape is in acled.py)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from watchfloor.export.records import FLAT_COLUMNS, ExportEvent, flat_record


def write_csv(items: Iterable[ExportEvent], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=FLAT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for item in items:
        writer.writerow(flat_record(item))
        n += 1
    return n


def _json_event(item: ExportEvent) -> dict[str, Any]:
    data = dict(item.event)
    data["evidence"] = item.evidence
    data["extraction"] = item.data
    return data


def write_json(items: Iterable[ExportEvent], out: TextIO) -> int:
    """A JSON array of events, written as it is read (one event per line inside it)."""
    out.write("[")
    n = 0
    for item in items:
        out.write(",\n" if n else "\n")
        out.write(json.dumps(_json_event(item), ensure_ascii=False, default=str))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


def geojson_feature(item: ExportEvent) -> dict[str, Any]:
    """A GeoJSON Feature (RFC 7946): a Point at the event's place, or a null geometry
    when the place has no coordinates. ``geo_precision`` says how far to trust the point:
    1 the town or site, 2 an area near it, 3 only the province or country."""
    e = item.event
    loc = e["location"] or {}
    geometry = None
    if loc.get("lat") is not None and loc.get("lon") is not None:
        geometry = {"type": "Point", "coordinates": [float(loc["lon"]), float(loc["lat"])]}
    return {
        "type": "Feature",
        "id": e["event_id"],
        "geometry": geometry,
        "properties": {
            "event_id": e["event_id"],
            "event_type": e["event_type"],
            "sub_event_type": e["sub_event_type"],
            "start_date": e["start_date"],
            "end_date": e["end_date"],
            "date_precision": e["date_precision"],
            "date_assumed": e["date_assumed"],
            "time_precision": e["time_precision"],
            "location": loc.get("name"),
            "feature_code": loc.get("feature_code"),
            "geo_precision": e["geo_precision"],
            "country_code": e["country_code"],
            "country": e["country"],
            "admin1": e["admin1"],
            "admin1_code": e["admin1_code"],
            "actor1": (e["actor1"] or {}).get("name"),
            "actor2": (e["actor2"] or {}).get("name"),
            "fatalities": e["fatalities"],
            "injured": e["injured"],
            "arrested": e["arrested"],
            "confidence": e["confidence"],
            "doc_id": e["doc_id"],
            "title": e["document"]["title"],
            "published": e["document"]["published"],
            "evidence": item.evidence,
        },
    }


def write_geojson(items: Iterable[ExportEvent], out: TextIO) -> int:
    out.write('{"type": "FeatureCollection", "features": [')
    n = 0
    for item in items:
        out.write(",\n" if n else "\n")
        out.write(json.dumps(geojson_feature(item), ensure_ascii=False))
        n += 1
    out.write("\n]}\n" if n else "]}\n")
    return n
