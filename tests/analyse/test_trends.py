"""Trends: the Poisson tail, period and year scoring, novelties, and the stored-data path
(SQLite and PostgreSQL) through `watchfloor trends`."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from datetime import date
from typing import Any

import pytest
from stored_events import store_events

from watchfloor.analyse.trends import (
    novelties,
    poisson_tail,
    score_periods,
    score_years,
    trends,
)
from watchfloor.store import Database


def test_poisson_tail_matches_closed_forms() -> None:
    assert poisson_tail(0, 3.0) == 1.0
    assert poisson_tail(1, 1.0) == pytest.approx(1 - math.exp(-1))
    assert poisson_tail(3, 0.5) == pytest.approx(1 - math.exp(-0.5) * (1 + 0.5 + 0.125))
    # Deep in the tail the value stays positive and ordered.
    far, farther = poisson_tail(40, 0.5), poisson_tail(60, 0.5)
    assert 0 < farther < far < 1e-30


def _timeline(counts: list[int], bucket: str = "month") -> dict[str, Any]:
    return {"bucket": bucket, "periods": [
        {"period": f"p{i}", "events": k, "fatalities": 0, "counts": {}}
        for i, k in enumerate(counts)]}


def test_a_spike_after_quiet_months_is_flagged_and_a_steady_rate_is_not() -> None:
    spiky = score_periods(_timeline([0, 1, 0, 0, 1, 0, 9, 1]))
    assert [p["period"] for p in spiky if p["flagged"]] == ["p6"]
    assert spiky[6]["score"] > 3 and spiky[6]["baseline"] == pytest.approx(1 / 3, abs=1e-3)
    # Too little history: the first periods are not scored at all.
    assert spiky[0]["score"] is None and spiky[2]["score"] is None
    steady = score_periods(_timeline([5, 6, 4, 5, 7, 5, 6, 4, 5]))
    assert not any(p["flagged"] for p in steady)
    # Two events are never an alarm, however quiet the past.
    assert not any(p["flagged"] for p in score_periods(_timeline([0, 0, 0, 0, 2])))


def test_escalation_year_needs_a_significant_doubling() -> None:
    years = score_years([{"year": 2009, "events": 2, "fatalities": 0},
                         {"year": 2010, "events": 3, "fatalities": 1},
                         {"year": 2011, "events": 14, "fatalities": 30},
                         {"year": 2012, "events": 9, "fatalities": 9}])
    assert [y["year"] for y in years if y["escalation"]] == [2011]
    assert years[0]["baseline"] is None
    assert years[2]["ratio"] == pytest.approx(14 / 2.5, abs=0.01)
    # 2012 is high but not twice the mean of 2009-2011 (6.33): no escalation.
    assert years[3]["ratio"] == pytest.approx(9 / (19 / 3), abs=0.01)
    assert not years[3]["escalation"]


def _row(day: str, event_type: str, sub: str, *, precision: str = "day",
         admin1: str | None = None, actor: str | None = None) -> dict[str, Any]:
    return {"event_id": f"{day}-{sub}", "doc_id": "d", "start_date": day,
            "date_precision": precision, "event_type": event_type, "sub_event_type": sub,
            "fatalities": 1, "admin1_code": admin1,
            "data": {"actor1": {"actor_id": actor, "name": actor.upper()} if actor else None}}


def test_novelties_after_the_warm_up_only_and_only_for_precise_dates() -> None:
    rows = [
        _row("2010-01-05", "Battles", "Armed clash", admin1="A", actor="army"),
        _row("2010-01-20", "Riots", "Mob violence", admin1="B"),  # inside the warm-up
        _row("2010-06-01", "Battles", "Armed clash", admin1="A", actor="army"),
        _row("2011-01-01", "Explosions/Remote violence", "Suicide bomb", precision="year"),
        _row("2011-05-17", "Explosions/Remote violence", "Suicide bomb", admin1="C",
             actor="jund"),
    ]
    found = novelties(rows)
    assert {(n["kind"], n["date"]) for n in found} == {
        ("first event type", "2011-05-17"), ("new actor", "2011-05-17"),
        ("new region", "2011-05-17")}
    assert "Suicide bomb" in next(n["what"] for n in found if n["kind"] == "first event type")
    assert not any(n["kind"] == "new region" for n in novelties(rows, by_admin1=False))


def test_trends_reports_the_escalation_in_words() -> None:
    rows = [_row(f"2010-{m:02d}-10", "Battles", "Armed clash") for m in (2, 7)]
    rows += [_row(f"2011-{m:02d}-{d:02d}", "Violence against civilians", "Attack")
             for m in range(5, 13) for d in (3, 12, 21)]
    result = trends(rows)
    assert [y["year"] for y in result["years"] if y["escalation"]] == [2011]
    assert any(f.startswith("2011:") for f in result["findings"])
    assert "Poisson" in result["method"]


def test_trends_command_on_stored_events(db_url: str) -> None:
    days = [date(2010, 3, 4), date(2010, 9, 9)]
    days += [date(2011, m, d) for m in (10, 11, 12) for d in (2, 9, 16, 23)]
    with Database.open(db_url) as db:
        store_events(db, days)
    proc = subprocess.run(
        [sys.executable, "-m", "watchfloor", "trends", "--country", "kz", "--db", db_url,
         "--json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["country"] == "KZ"
    by_year = {y["year"]: y for y in result["years"]}
    assert by_year[2011]["events"] == 12 and by_year[2011]["escalation"]
    assert any(p["flagged"] for p in result["periods"] if p["period"].startswith("2011"))
    table = subprocess.run(
        [sys.executable, "-m", "watchfloor", "trends", "--country", "KZ", "--db", db_url],
        capture_output=True, text=True, timeout=120)
    assert table.returncode == 0 and "escalation" in table.stdout and "Method:" in table.stdout
