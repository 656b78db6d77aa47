"""Fused values: what each report said about a fused event, the conflicts side by side, and
the headline value chosen for each field. Values are never averaged.

Rules (each field lists every source's value; the headline follows the rule):

- ``event_type`` / ``sub_event_type``: the value given by most reports; a tie goes to the
  value of the most confident report, then alphabetical order.
- ``date``: the most specific. Stated dates win over assumed ones (a date inferred from the
  publication day); among them the narrowest range; a tie goes to the range most reports
  agree with (the other ranges contain it), then the earliest.
- ``location``: the most precise (ACLED geo-precision 1 point < 2 area < 3 region), a tie
  goes to the place most reports give, then the higher geoparser score.
- ``fatalities`` / ``injured`` / ``arrested``: the range min–max and each report's figure;
  the headline is the **lowest** reported figure — ACLED's conservative rule for conflicting
  fatality reports — and is flagged as a conflict whenever the reports disagree.
- actors and participants: the union, each with the reports that named it.
- ``confidence``: the highest member confidence; ``sources``: the number of reports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

COUNT_FIELDS = ("fatalities", "injured", "arrested")


@dataclass(frozen=True)
class SourcedValue:
    """One distinct value of a field and the reports (keys) that gave it."""

    value: Any
    reports: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "reports": list(self.reports)}


@dataclass(frozen=True)
class FieldValues:
    name: str
    fused: Any  # the headline value
    rule: str  # how it was chosen
    values: tuple[SourcedValue, ...]  # every distinct value, with who said it
    conflict: bool  # the reports disagree
    range: tuple[Any, Any] | None = None  # min and max, for counts

    def to_dict(self) -> dict[str, Any]:
        out = {"fused": self.fused, "rule": self.rule, "conflict": self.conflict,
               "values": [v.to_dict() for v in self.values]}
        if self.range is not None:
            out["range"] = list(self.range)
        return out


@dataclass(frozen=True)
class FusedEvent:
    fused_id: str
    members: tuple[Mapping[str, Any], ...]  # report summaries, sorted by key
    fields: Mapping[str, FieldValues]
    participants: tuple[Mapping[str, Any], ...] = ()
    confidence: float | None = None
    conflicts: tuple[str, ...] = field(default=())

    @property
    def sources(self) -> int:
        return len({m["doc_id"] for m in self.members})

    def value(self, name: str) -> Any:
        return self.fields[name].fused if name in self.fields else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "fused_id": self.fused_id,
            "sources": self.sources,
            "reports": [dict(m) for m in self.members],
            "fields": {k: v.to_dict() for k, v in self.fields.items()},
            "participants": [dict(p) for p in self.participants],
            "confidence": self.confidence,
            "conflicts": list(self.conflicts),
        }


def _group(pairs: Sequence[tuple[Any, str]], key: Any = None) -> list[SourcedValue]:
    """Distinct values (by ``key(value)``) in first-seen order with their report keys."""
    seen: dict[Any, tuple[Any, list[str]]] = {}
    for value, report in pairs:
        k = key(value) if key else value
        if k not in seen:
            seen[k] = (value, [])
        seen[k][1].append(report)
    return [SourcedValue(v, tuple(r)) for v, r in seen.values()]


def _majority(name: str, members: Sequence[Mapping[str, Any]]) -> FieldValues:
    pairs = [(m["event"].get(name), m["key"]) for m in members if m["event"].get(name)]
    values = _group(pairs)
    confidence = {m["key"]: float(m["event"].get("confidence") or 0) for m in members}
    ranked = sorted(values, key=lambda v: (-len(v.reports),
                                           -max(confidence[r] for r in v.reports),
                                           str(v.value)))
    return FieldValues(name, ranked[0].value if ranked else None,
                       "most reports; tie: most confident report", tuple(values),
                       len(values) > 1)


def _date_key(value: Mapping[str, Any]) -> tuple[Any, ...]:
    return (value.get("start_date"), value.get("end_date"), bool(value.get("assumed")))


def _span(value: Mapping[str, Any]) -> int:
    try:
        start = date.fromisoformat(str(value.get("start_date"))[:10])
        end = date.fromisoformat(str(value.get("end_date") or value.get("start_date"))[:10])
    except ValueError:
        return 10**6
    return (end - start).days


def _contains(outer: Mapping[str, Any], inner: Mapping[str, Any]) -> bool:
    return (str(outer.get("start_date")) <= str(inner.get("start_date"))
            and str(inner.get("end_date")) <= str(outer.get("end_date")))


def _fused_date(members: Sequence[Mapping[str, Any]]) -> FieldValues:
    pairs = [(m["event"]["date"], m["key"]) for m in members
             if (m["event"].get("date") or {}).get("start_date")]
    values = _group(pairs, key=_date_key)
    if not values:
        return FieldValues("date", None, "most specific stated date", (), False)

    def support(v: SourcedValue) -> int:
        return sum(len(o.reports) for o in values if _contains(o.value, v.value))

    ranked = sorted(values, key=lambda v: (bool(v.value.get("assumed")), _span(v.value),
                                           -support(v), str(v.value.get("start_date"))))
    stated = [v for v in values if not v.value.get("assumed")]
    distinct = {(v.value.get("start_date"), v.value.get("end_date")) for v in stated}
    # Nested ranges (a day inside the month another report gives) are not a conflict.
    conflict = any(not (_contains(a, b) or _contains(b, a))
                   for a in (v.value for v in stated) for b in (v.value for v in stated))
    return FieldValues("date", ranked[0].value,
                       "most specific: stated before assumed, then narrowest, then most "
                       "reports agreeing", tuple(values), conflict and len(distinct) > 1)


def _place_key(value: Mapping[str, Any]) -> Any:
    return value.get("place_id") or value.get("geonameid") or value.get("name")


def _fused_location(members: Sequence[Mapping[str, Any]]) -> FieldValues:
    pairs = [(m["event"]["location"], m["key"]) for m in members if m["event"].get("location")]
    values = _group(pairs, key=_place_key)
    precision = {m["key"]: m.get("geo_precision", 3) for m in members}
    ranked = sorted(values, key=lambda v: (min(precision[r] for r in v.reports),
                                           -len(v.reports), -float(v.value.get("score") or 0),
                                           str(v.value.get("name"))))
    return FieldValues("location", ranked[0].value if ranked else None,
                       "most precise place; tie: most reports, then geoparser score",
                       tuple(values), len(values) > 1)


def _fused_count(name: str, members: Sequence[Mapping[str, Any]]) -> FieldValues:
    pairs = [(m["event"][name], m["key"]) for m in members
             if isinstance(m["event"].get(name), int | float)
             and not isinstance(m["event"].get(name), bool)]
    values = _group(pairs)
    if not values:
        return FieldValues(name, None, "lowest reported figure (ACLED conservative rule)",
                           (), False)
    numbers = [v.value for v in values]
    return FieldValues(name, min(numbers), "lowest reported figure (ACLED conservative rule)",
                       tuple(sorted(values, key=lambda v: v.value)), len(values) > 1,
                       (min(numbers), max(numbers)))


def _participants(members: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], ...]:
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for m in members:
        for p in m["event"].get("participants") or []:
            ident = p.get("actor_id") or " ".join(str(p.get("text") or "").lower().split())
            k = (p.get("role"), ident)
            if k not in seen:
                seen[k] = {"role": p.get("role"), "kind": p.get("kind"),
                           "text": p.get("text"), "actor_id": p.get("actor_id"),
                           "reports": []}
            if m["key"] not in seen[k]["reports"]:
                seen[k]["reports"].append(m["key"])
    return tuple(seen.values())


def fused_event(fused_id: str, members: Sequence[Mapping[str, Any]]) -> FusedEvent:
    """The :class:`FusedEvent` of member summaries (``key``, ``doc_id``, ``event`` ...)."""
    members = sorted(members, key=lambda m: m["key"])
    fields: dict[str, FieldValues] = {
        "event_type": _majority("event_type", members),
        "sub_event_type": _majority("sub_event_type", members),
        "date": _fused_date(members),
        "location": _fused_location(members),
    }
    for name in COUNT_FIELDS:
        fields[name] = _fused_count(name, members)
    for name in ("actor1", "actor2"):
        pairs = [(m["event"][name], m["key"]) for m in members if m["event"].get(name)]
        values = _group(pairs, key=lambda a: a.get("actor_id") or str(a.get("text")).lower())
        fields[name] = FieldValues(name, values[0].value if values else None,
                                   "first report naming one (all listed)", tuple(values),
                                   len(values) > 1)
    confidences = [float(m["event"]["confidence"]) for m in members
                   if m["event"].get("confidence") is not None]
    summaries = tuple(
        {k: m.get(k) for k in ("key", "doc_id", "source", "title", "published",
                               "evidence_text")} | {"event_id": m["event"].get("event_id")}
        for m in members
    )
    return FusedEvent(
        fused_id=fused_id, members=summaries, fields=fields,
        participants=_participants(members),
        confidence=max(confidences) if confidences else None,
        conflicts=tuple(name for name, f in fields.items() if f.conflict),
    )
