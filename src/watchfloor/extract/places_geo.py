"""Geometry and containment of gazetteer candidates, shared by resolution and context."""

from __future__ import annotations

import math

from watchfloor.knowledge.gazetteer import Candidate

NEAR_KM = 161.0  # 100 miles: "near" in the sense the standard Acc@161 metric uses
_EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def inside(child: Candidate, parent: Candidate) -> bool:
    """True when ``child`` lies within ``parent`` by the administrative codes."""
    if child.id == parent.id or not child.country_code:
        return False
    if parent.kind == "country":
        return child.country_code == parent.country_code
    if parent.kind == "admin1":
        return (parent.admin1_code is not None and child.country_code == parent.country_code
                and child.admin1_code == parent.admin1_code)
    if parent.kind == "admin2":
        return (parent.admin2_code is not None and child.country_code == parent.country_code
                and child.admin1_code == parent.admin1_code
                and child.admin2_code == parent.admin2_code)
    return False
