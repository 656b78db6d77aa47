"""Trends: counts per period against a baseline, escalation years, and novelties.

Pure functions over event rows (``start_date``, ``date_precision``, ``event_type``,
``sub_event_type``, ``fatalities``, ``admin1_code``, ``data`` with actor1/actor2) and over the
timeline built from them (``watchfloor.analyse.queries.timeline``), plus one loader that reads
the rows for a country or region.

The method, in words (shown in the UI and the CLI as :data:`METHOD`):

- **Periods.** Each week or month's event count ``k`` is compared with a baseline ``λ``: the
  mean count of the trailing window (12 months or 26 weeks, the current period excluded;
  at least 3 earlier periods needed, else the period is not scored). A history of zeros gets
  the floor ``λ = 0.2`` so one event is not infinitely surprising. The anomaly score is
  ``-log10 P(X >= k)`` for ``X ~ Poisson(λ)``; a period is flagged when that tail
  probability is below 0.01 and ``k >= 3``.
- **Years.** Each year's count against the mean of all earlier years in the record, the
  same Poisson tail; flagged as an escalation when p < 0.01, ``k >= 3`` and the count is at
  least twice the earlier mean.
- **Novelties.** In date order, the first event of a (type, sub-type) in the place, the
  first appearance of an actor, and (for a country) the first event in an admin1 region,
  counted only after the first 30 days of the place's record (before that, everything
  is new), and only for events dated to the month or better.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from watchfloor.analyse.precision import TIMELINE_PRECISIONS

METHOD = (
    "Each period's event count k is compared with the mean λ of the trailing window "
    "(12 months or 26 weeks, at least 3 earlier periods; λ is at least 0.2). Score = "
    "-log10 P(X ≥ k) for X ~ Poisson(λ); flagged when P < 0.01 and k ≥ 3. Years: the same "
    "test against the mean of all earlier years, flagged as an escalation when the count is "
    "also at least twice that mean. Novelties: the first event type, actor or region seen "
    "in this place after its first 30 days on record."
)

WINDOW = {"month": 12, "week": 26}  # trailing periods in the baseline
MIN_HISTORY = 3  # earlier periods needed before a period is scored
RATE_FLOOR = 0.2  # events per period assumed for an all-zero history
ALPHA = 0.01  # tail probability below which a count is flagged
MIN_COUNT = 3  # fewer events than this are never flagged, however quiet the past
ESCALATION_RATIO = 2.0  # a flagged year must also at least double the earlier mean
SCORE_CAP = 12.0  # -log10 of probabilities below 1e-12 says nothing more
NOVELTY_WARMUP = timedelta(days=30)


def poisson_tail(k: int, rate: float) -> float:
    """P(X >= k) for X ~ Poisson(rate), computed stably for the small counts seen here."""
    if k <= 0:
        return 1.0
    if rate <= 0:
        return 0.0
    # 1 - P(X <= k-1), summing the terms in log space.
    term = math.exp(-rate)
    cdf = term
    for i in range(1, k):
        term *= rate / i
        cdf += term
    tail = 1.0 - cdf
    if tail > 1e-12:
        return tail
    # Far in the tail the subtraction loses everything: the first terms dominate.
    log_term = -rate + k * math.log(rate) - math.lgamma(k + 1)
    return math.exp(log_term) * (1 + rate / (k + 1))


def _score(p: float) -> float:
    return round(min(SCORE_CAP, -math.log10(max(p, 1e-300))), 2) + 0.0  # never -0.0


@dataclass(frozen=True)
class Scored:
    baseline: float | None
    p_value: float | None
    score: float | None
    flagged: bool


def score_count(k: int, history: list[int]) -> Scored:
    """Score one count against the counts that came before it (oldest first)."""
    if len(history) < MIN_HISTORY:
        return Scored(None, None, None, False)
    rate = max(RATE_FLOOR, sum(history) / len(history))
    p = poisson_tail(k, rate)
    return Scored(round(rate, 3), p, _score(p), p < ALPHA and k >= MIN_COUNT)


def score_periods(timeline: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The timeline's periods, each with ``baseline``, ``p_value``, ``score``, ``flagged``."""
    window = WINDOW.get(str(timeline.get("bucket")), WINDOW["month"])
    periods = list(timeline.get("periods") or [])
    counts = [int(p["events"]) for p in periods]
    out = []
    for i, period in enumerate(periods):
        s = score_count(counts[i], counts[max(0, i - window) : i])
        out.append({**period, "baseline": s.baseline, "p_value": s.p_value, "score": s.score,
                    "flagged": s.flagged})
    return out


def score_years(by_year: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Years with ``baseline`` (mean of earlier years), ``ratio``, ``score``, ``escalation``."""
    years = list(by_year)
    out = []
    for i, year in enumerate(years):
        earlier = [int(y["events"]) for y in years[:i]]
        k = int(year["events"])
        if not earlier:
            out.append({**year, "baseline": None, "ratio": None, "p_value": None,
                        "score": None, "escalation": False})
            continue
        rate = max(RATE_FLOOR, sum(earlier) / len(earlier))
        p = poisson_tail(k, rate)
        ratio = round(k / rate, 2)
        out.append({**year, "baseline": round(rate, 2), "ratio": ratio, "p_value": p,
                    "score": _score(p),
                    "escalation": p < ALPHA and k >= MIN_COUNT and ratio >= ESCALATION_RATIO})
    return out


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _actor_ids(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(actor id, name) of actor1 and actor2: from the event's ``data``, or from
    ``actor1_id``/``actor2_id`` columns when the row was read without it."""
    data = row.get("data") or {}
    found = []
    for key in ("actor1", "actor2"):
        actor = data.get(key) or {}
        actor_id = actor.get("actor_id") or row.get(f"{key}_id")
        if actor_id:
            found.append((str(actor_id), str(actor.get("name") or actor_id)))
    return found


def novelties(rows: Iterable[Mapping[str, Any]], *, by_admin1: bool = True) -> list[dict]:
    """Firsts in date order: event (sub-)types, actors and (``by_admin1``) regions."""
    dated = sorted(
        (
            (d, r)
            for r in rows
            if (d := _day(r.get("start_date"))) is not None
            # A date known only to the season or year would claim a first on its 1st day.
            and r.get("date_precision") in TIMELINE_PRECISIONS
        ),
        key=lambda pair: (pair[0], str(pair[1].get("event_id") or "")),
    )
    if not dated:
        return []
    warm_until = dated[0][0] + NOVELTY_WARMUP
    seen_types: set[tuple[str, str | None]] = set()
    seen_actors: set[str] = set()
    seen_regions: set[str] = set()
    found: list[dict[str, Any]] = []

    def note(kind: str, what: str, day: date, row: Mapping[str, Any], **extra: Any) -> None:
        if day > warm_until:
            found.append({"kind": kind, "what": what, "date": day.isoformat(),
                          "event_id": row.get("event_id"), "doc_id": row.get("doc_id"),
                          **extra})

    for day, row in dated:
        kind = (str(row.get("event_type")), row.get("sub_event_type"))
        if kind not in seen_types:
            seen_types.add(kind)
            label = kind[1] or kind[0]
            note("first event type", f"first {label} on record here", day, row)
        for actor_id, name in _actor_ids(row):
            if actor_id not in seen_actors:
                seen_actors.add(actor_id)
                note("new actor", f"{name} appears for the first time", day, row,
                     actor_id=actor_id)
        region = row.get("admin1_code")
        if by_admin1 and region and region not in seen_regions:
            seen_regions.add(str(region))
            label = row.get("admin1") or region
            note("new region", f"first event in {label}", day, row)
    return found


def findings(periods: list[dict], years: list[dict], firsts: list[dict]) -> list[str]:
    """Plain sentences for the flagged periods, escalation years and novelties."""
    out = []
    for y in years:
        if y["escalation"]:
            out.append(f"{y['year']}: {y['events']} events, {y['ratio']}× the mean of earlier "
                       f"years ({y['baseline']}); score {y['score']}.")
    for p in periods:
        if p["flagged"]:
            out.append(f"{p['period']}: {p['events']} events against a baseline of "
                       f"{p['baseline']} per period; score {p['score']}.")
    out += [f"{n['date']}: {n['what']}." for n in firsts if n["kind"] == "first event type"]
    return out


def trends(rows: list[dict[str, Any]], *, bucket: str = "month",
           by_admin1: bool = True) -> dict[str, Any]:
    """Everything above for one place's event rows."""
    from watchfloor.analyse.queries import timeline  # imported late: queries imports us

    line = timeline(rows, bucket="week" if bucket == "week" else "month")
    return assess(rows, line, by_admin1=by_admin1)


def assess(rows: list[dict[str, Any]], line: Mapping[str, Any], *,
           by_admin1: bool = True) -> dict[str, Any]:
    """Scores, escalation years, novelties and findings for rows whose timeline is built."""
    periods = score_periods(line)
    years = score_years(line["by_year"])
    firsts = novelties(rows, by_admin1=by_admin1)
    return {
        "method": METHOD,
        "bucket": line["bucket"],
        "periods": periods,
        "years": years,
        "novelties": firsts,
        "findings": findings(periods, years, firsts),
        "imprecise": line["imprecise"],
        "undated": line["undated"],
    }


def load_trends(db: Any, *, country: str, admin1: str | None = None,
                bucket: str = "month") -> dict[str, Any]:
    """Trends for a country (or one of its admin1 regions) from the stored events."""
    from watchfloor.analyse.queries import EventFilters, iter_events

    rows = list(iter_events(db, EventFilters(country=country.upper(), admin1=admin1)))
    result = trends(rows, bucket=bucket, by_admin1=admin1 is None)
    return {"country": country.upper(), "admin1": admin1, **result}
