"""How precisely an event is placed and dated, on ACLED's 1-2-3 scales.

``geo_precision`` (ACLED): 1 = the event happened at this town or a precise site;
2 = somewhere in a district or region near the named place; 3 = only the province (admin1)
or the country is known. It is derived from the GeoNames feature code of the event's place.

``time_precision`` (ACLED): 1 = the day is known; 2 = the week (or a few days of a month);
3 = the month or less. Derived from the date precision of the extraction contract.
"""

from __future__ import annotations

# Feature codes of places that are points on the ground: populated places (PPL, PPLA,
# PPLC, PPLX ...) and man-made or small natural sites (a border post, a mine, a pass).
_POINT_CLASSES = ("PPL",)
_POINT_CODES = frozenset(
    {"AIRP", "BLDG", "BDG", "BRKS", "CMP", "CSTM", "DAM", "INSM", "MN", "MSQE", "PASS",
     "PO", "PRN", "PS", "RSTN", "STDM", "UNIV", "HSP", "HTL", "MKT", "SCH", "BCN", "PT"}
)
# Second-level and smaller divisions, and regions the size of a district or valley.
_AREA_CODES = frozenset(
    {"ADM2", "ADM3", "ADM4", "ADM5", "ADMD", "ADM2H", "ADM3H", "VAL", "AREA", "MTS", "MT",
     "LK", "ISL", "OAS", "PLN", "FRST"}
)

GEO_PRECISION_LABELS = {
    1: "point: the town or site is known",
    2: "area: a district or region near the named place",
    3: "region: only the province or country is known",
}

_TIME_PRECISION = {"day": 1, "week": 2, "part_of_month": 2}
TIME_PRECISION_LABELS = {1: "day", 2: "week", 3: "month or coarser"}
# Date precisions fine enough to place an event in one month of a timeline; coarser ones
# (a season, a year, a decade) would pile up on their first month.
TIMELINE_PRECISIONS = frozenset({"day", "week", "part_of_month", "month", "unknown", None})


def geo_precision(feature_code: str | None) -> int:
    """1, 2 or 3 (see module docstring); unknown places are 3."""
    if not feature_code:
        return 3
    code = feature_code.upper()
    if code.startswith(_POINT_CLASSES) or code in _POINT_CODES:
        return 1
    if code in _AREA_CODES:
        return 2
    return 3  # ADM1, PCLI and other countries, RGN, CONT, seas


def time_precision(date_precision: str | None) -> int:
    """1, 2 or 3 (see module docstring); an unknown precision is 3."""
    return _TIME_PRECISION.get(date_precision or "", 3)
