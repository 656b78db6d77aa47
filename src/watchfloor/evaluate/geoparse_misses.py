"""Why a gold toponym was resolved more than 161 km from its gold point.

``watchfloor eval geoparse --misses FILE`` writes one JSON line per miss with one of these
categories (``classify_miss``):

- ``area_country`` / ``area_admin1`` / ``area_region``: the right entity, an area whose
  gazetteer point lies far from the gold point (GeoVirus gives countries, regions and
  continents Wikipedia's coordinates, the gazetteer GeoNames' points). Same entity means:
  the same GeoNames id (LGL), or for a country / first-level region the gold point's
  nearest gazetteer town lies in it, or (a country) it is the name's reading nearest the
  gold point (a gold point just across a border); a continent or macro-region chosen for a name is
  counted here too (check them by eye);
- ``wrong_candidate``: some candidate of the name lies within 161 km but another was
  chosen (an area containing it included: "New York" the state where the city was
  meant), or the chosen reading was dropped as foreign to the story;
- ``no_candidate_near``: the name has candidates, none near the gold point and none the
  gold area: the gazetteer lacks that place (or knows it by another name);
- ``no_candidate``: the gazetteer knows no place of that name at all.

Recognition problems (a gold span that is a demonym, an abbreviation or half of an elided
"Central and South America") show up as one of the last two: read the ``text`` field.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from watchfloor.extract.places_geo import haversine_km, inside
from watchfloor.extract.places_resolve import Resolution
from watchfloor.knowledge.gazetteer import Candidate, Gazetteer

ACC_KM = 161.0
CATEGORIES = ("area_country", "area_admin1", "area_region", "wrong_candidate",
              "no_candidate_near", "no_candidate")
# Grid cell size (degrees) of the nearest-town search.
_CELL = 1.0
# Rings of cells searched around a point before giving up (a point at sea).
_MAX_RINGS = 6


class TownLocator:
    """The country and first-level region of the gazetteer town nearest to a point: a
    coarse reverse geocoder, good enough to tell whether a gold point lies in a country."""

    def __init__(self, towns: Iterable[tuple[float, float, str | None, str | None]]) -> None:
        self._grid: dict[tuple[int, int], list[tuple[float, float, str | None, str | None]]] = {}
        for town in towns:
            self._grid.setdefault(self._cell(town[0], town[1]), []).append(town)

    @staticmethod
    def _cell(lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / _CELL), math.floor(lon / _CELL)

    def locate(self, lat: float, lon: float) -> tuple[str | None, str | None]:
        """(country code, admin1 code) of the nearest town, (None, None) when none is
        within ``_MAX_RINGS`` cells."""
        row, col = self._cell(lat, lon)
        for ring in range(_MAX_RINGS + 1):
            found = [t for r in range(row - ring, row + ring + 1)
                     for c in range(col - ring, col + ring + 1)
                     for t in self._grid.get((r, c), ())]
            if found:
                best = min(found, key=lambda t: haversine_km(lat, lon, t[0], t[1]))
                return best[2], best[3]
        return None, None


def _same_area(c: Candidate, where: tuple[str | None, str | None],
               gold_geonameid: int | None) -> str | None:
    if gold_geonameid is not None and c.geonameid == gold_geonameid:
        return ("area_country" if c.kind == "country" else
                "area_admin1" if c.kind == "admin1" else "area_region")
    if c.kind == "country" and where[0] == c.country_code:
        return "area_country"
    if c.kind == "admin1" and where == (c.country_code, c.admin1_code):
        return "area_admin1"
    if c.kind in ("continent", "region") or (c.kind == "feature" and c.country_code is None):
        return "area_region"
    return None


def classify_miss(
    lat: float, lon: float, res: Resolution, locator: TownLocator, *,
    gold_geonameid: int | None = None,
) -> str | None:
    """The category of a gold toponym at (``lat``, ``lon``) resolved as ``res``; None when
    it is no miss (resolved within ``ACC_KM``)."""
    c = res.candidate
    if c is not None and haversine_km(lat, lon, c.lat, c.lon) <= ACC_KM:
        return None
    if not res.candidates:
        return "no_candidate"
    near = [x for x in res.candidates if haversine_km(lat, lon, x.lat, x.lon) <= ACC_KM]
    if c is None or any(inside(x, c) for x in near):
        # dropped, or an area chosen where a place inside it was meant ("New York")
        return "wrong_candidate" if near else "no_candidate_near"
    area = _same_area(c, locator.locate(lat, lon), gold_geonameid)
    if area is not None:
        return area
    if near:
        return "wrong_candidate"
    nearest = min(res.candidates, key=lambda x: haversine_km(lat, lon, x.lat, x.lon))
    if c.kind == "country" and nearest.id == c.id:
        # the name's nearest reading, a country whose point is far: a gold point on the
        # wrong side of a border ("DRC" placed in the Republic of the Congo)
        return "area_country"
    return "no_candidate_near"


def miss_record(
    corpus: str, doc_id: str, text: str, gold: Any, res: Resolution, category: str,
) -> dict[str, Any]:
    """One JSON line of ``--misses``: the gold toponym, the chosen reading and the
    nearest candidate to the gold point."""
    c = res.candidate
    nearest = min(res.candidates, default=None,
                  key=lambda x: haversine_km(gold.lat, gold.lon, x.lat, x.lon))
    return {
        "corpus": corpus, "doc": doc_id, "start": gold.start, "end": gold.end,
        "text": gold.text, "category": category, "gold": [gold.lat, gold.lon],
        "error_km": round(haversine_km(gold.lat, gold.lon, c.lat, c.lon)) if c else None,
        "chosen": _brief(c), "nearest_candidate": _brief(nearest),
        "nearest_km": round(haversine_km(gold.lat, gold.lon, nearest.lat, nearest.lon))
        if nearest else None,
        "context": text[max(0, gold.start - 80):gold.end + 80].replace("\n", " "),
    }


def _brief(c: Candidate | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {"name": c.name, "kind": c.kind, "country_code": c.country_code,
            "admin1_code": c.admin1_code, "population": c.population, "place_id": c.place_id}


def find_misses(
    corpus: str, docs: Sequence[Any], resolutions: Sequence[Sequence[Resolution]],
    gazetteer: Gazetteer,
) -> list[dict[str, Any]]:
    """Miss records of every gold toponym with coordinates resolved beyond ``ACC_KM``."""
    locator = TownLocator(gazetteer.town_points())
    out = []
    for doc, resolved in zip(docs, resolutions, strict=True):
        for gold, res in zip(doc.toponyms, resolved, strict=True):
            if gold.lat is None or gold.lon is None:
                continue
            category = classify_miss(gold.lat, gold.lon, res, locator,
                                     gold_geonameid=gold.geonameid)
            if category is not None:
                out.append(miss_record(corpus, doc.doc_id, doc.text, gold, res, category))
    return out


def count_categories(misses: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Misses per category, every category listed."""
    counts = Counter(m["category"] for m in misses)
    return {k: counts.get(k, 0) for k in CATEGORIES}
