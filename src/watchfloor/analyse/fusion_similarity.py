"""Similarity features of event fusion: how alike two reports are on type, date, place,
victims and targets, perpetrators and evidence text (see :mod:`watchfloor.analyse.fusion`,
whose :func:`~watchfloor.analyse.fusion.compare` gates and weighs them). Pure functions
over :class:`~watchfloor.analyse.fusion.Report`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from watchfloor.extract.places_geo import haversine_km

if TYPE_CHECKING:  # fusion imports this module
    from watchfloor.analyse.fusion import FusionOptions, Report

__all__ = [
    "ABDUCTION_MISMATCH", "TYPE_SIMILARITY", "contained", "cosine", "date_similarity",
    "haversine_km", "perpetrator_similarity", "place_similarity", "recalls",
    "shares_named_victim", "text_similarity", "type_similarity", "victim_similarity",
]

# Type similarity: same type and sub-type 1; same type 0.7; otherwise the pairs listed
# (unordered); anything else is incompatible. Political violence is often typed differently
# by different reports of one incident (an "attack" in one is a "bombing" in another).
_VIOLENT = ("Battles", "Explosions/Remote violence", "Violence against civilians")
_DEMONSTRATIONS = ("Protests", "Riots")
TYPE_SIMILARITY: dict[frozenset[str], float] = {
    **{frozenset({a, b}): 0.5 for a in _VIOLENT for b in _VIOLENT if a != b},
    **{frozenset({a, b}): 0.6 for a in _DEMONSTRATIONS for b in _DEMONSTRATIONS if a != b},
    # Arson and sabotage (property destruction) are reported as attacks too.
    **{frozenset({"Strategic developments", v}): 0.3 for v in _VIOLENT},
}
# Strategic developments that may be another report's view of a violent incident.
_PROPERTY = "Looting/property destruction"
# A kidnapping and a killing on the same day are usually two incidents.
_ABDUCTION = "Abduction/forced disappearance"
ABDUCTION_MISMATCH = 0.2


def type_similarity(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    ta, tb = a.get("event_type"), b.get("event_type")
    sa, sb = a.get("sub_event_type"), b.get("sub_event_type")
    if not ta or not tb:
        return 0.5
    if (sa == _ABDUCTION) != (sb == _ABDUCTION):
        return ABDUCTION_MISMATCH
    if ta == tb:
        return 1.0 if sa == sb else 0.7
    if "Strategic developments" in (ta, tb) and _PROPERTY not in (sa, sb):
        return 0.0
    return TYPE_SIMILARITY.get(frozenset((ta, tb)), 0.0)


def date_similarity(a: Report, b: Report) -> float | None:
    """None when either date is unknown; 0 when the widened ranges do not overlap."""
    if a.start is None or b.start is None or a.end is None or b.end is None:
        return None
    overlap = (min(a.end, b.end) - max(a.start, b.start)).days + 1
    if overlap <= 0:
        return 0.0
    spans = [r.span_days for r in (a, b)]
    if any(s is None for s in spans):
        return 0.5  # an unstated date overlaps: it neither confirms nor refutes
    widest = max(s for s in spans if s is not None)
    return min(1.0, 3.0 / max(3, widest)) ** 0.5


def place_similarity(a: Report, b: Report, options: FusionOptions) -> float | None:
    """0 = incompatible places; None = unknown on one side."""
    if a.place_level == "none" or b.place_level == "none":
        return None
    if a.country and b.country and a.country != b.country:
        return 0.0
    if a.place_id and a.place_id == b.place_id:
        return 1.0
    levels = {a.place_level, b.place_level}
    if "country" in levels:
        return 0.3
    if "admin1" in levels:
        if a.admin1 and b.admin1 and a.admin1 != b.admin1:
            return 0.0
        return 0.6
    both_points = levels == {"point"}
    radius = options.point_radius_km if both_points else options.area_radius_km
    if None not in (a.lat, a.lon, b.lat, b.lon):
        d = haversine_km(float(a.lat), float(a.lon), float(b.lat), float(b.lon))  # type: ignore[arg-type]
        if d > radius:
            return 0.0
        return (1.0 - 0.5 * d / radius) * (1.0 if both_points else 0.7)
    if a.place_name and a.place_name == b.place_name:
        return 1.0
    if a.admin1 and b.admin1 and a.admin1 != b.admin1:
        return 0.0
    return 0.0 if both_points else 0.4


def shares_named_victim(a: Report, b: Report) -> bool:
    """Both name the same victim or target (a specific id or a multi-word name), or one
    report's named victim or target is in the other's evidence text: extraction often
    keeps one of "political leaders Hector Oqueli Colindres and Gilda Flores" as the
    participant, while the sentence names them all."""
    return (_same_names(a, b) or _named_in_text(a.named, b)
            or _named_in_text(b.named, a))


def _same_names(a: Report, b: Report) -> bool:
    """A named victim or target of one report is one of the other's (or inside it)."""
    return bool(a.named & b.named) or contained(a.named, b.named)


def _named_in_text(names: frozenset[str], other: Report) -> bool:
    return any(f" {n} " in other.evidence_words for n in names
               if not n.startswith("id:") and " " in n)


def recalls(a: Report, b: Report, options: FusionOptions) -> bool:
    """One report does not date the incident, the other does, both name the same victim
    or target (a specific id or multi-word name, not just in the text), and the dated
    incident ends before the undated report was published, within
    :attr:`FusionOptions.recall_lookback_days`: a later report recalling that incident."""
    for undated, dated in ((a, b), (b, a)):
        if (undated.span_days is None and undated.end is not None
                and dated.span_days is not None and dated.start is not None
                and dated.end is not None
                and undated.end - timedelta(days=options.recall_lookback_days)
                <= dated.start and dated.end <= undated.end + timedelta(days=1)
                and _same_names(undated, dated)):
            return True
    return False


def victim_similarity(a: Report, b: Report, mismatch: float = 0.2) -> float | None:
    """1: a shared named victim or target; 0.6: a shared description; ``mismatch``: both
    give victims or targets and share none; None: nothing to compare."""
    if shares_named_victim(a, b):
        return 1.0
    if a.described & b.described or _singulars(a.described) & _singulars(b.described):
        return 0.6
    if (a.named or a.described) and (b.named or b.described):
        return mismatch
    return None


def perpetrator_similarity(a: Report, b: Report) -> float | None:
    """1 when a perpetrator is shared; None otherwise (reports often name none, or a
    different one, so a mismatch is not evidence)."""
    if a.perpetrators & b.perpetrators or contained(a.perpetrators, b.perpetrators):
        return 1.0
    return None


def _singulars(words: frozenset[str]) -> set[str]:
    return {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words}


def contained(left: frozenset[str], right: frozenset[str]) -> bool:
    """A multi-word name inside another ("antonio rodriguez porth" in
    "jose antonio rodriguez porth")."""
    return any(x != y and (f" {x} " in f" {y} " or f" {y} " in f" {x} ")
               for x in left if not x.startswith("id:") for y in right
               if not y.startswith("id:"))


def text_similarity(a: Report, b: Report, idf: Mapping[str, float] | None,
                    default: float | None = None,
                    totals: dict[frozenset[str], float] | None = None) -> float | None:
    """IDF-weighted Jaccard of the evidence tokens; ``default`` weighs a token missing from
    ``idf`` (the largest weight when not given); ``totals`` caches each token set's weight."""
    if not a.tokens or not b.tokens:
        return None
    shared_tokens = a.tokens & b.tokens
    if idf is None:
        return len(shared_tokens) / (len(a.tokens) + len(b.tokens) - len(shared_tokens))
    if default is None:
        default = max(idf.values(), default=1.0)
    totals = {} if totals is None else totals

    def total(tokens: frozenset[str]) -> float:
        if tokens not in totals:
            totals[tokens] = sum(idf.get(t, default) for t in tokens)
        return totals[tokens]

    shared = sum(idf.get(t, default) for t in shared_tokens)
    union = total(a.tokens) + total(b.tokens) - shared
    return shared / union if union > 0 else None


def cosine(u: Sequence[float], v: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(u, v, strict=False))
    nu = math.sqrt(sum(x * x for x in u))
    nv = math.sqrt(sum(y * y for y in v))
    return max(0.0, dot / (nu * nv)) if nu and nv else 0.0
