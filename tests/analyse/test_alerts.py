"""Watchlists and alerts on real SQLite and PostgreSQL: matching (radius, actor, type, text,
thresholds), no double firing, and webhook delivery to a real HTTP server on loopback."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from webhook_server import receiver

from watchfloor.analyse.alerting import (
    add_watchlist,
    evaluate_watchlists,
    list_alerts,
    list_watchlists,
    remove_watchlist,
)
from watchfloor.analyse.alerts import Watchlist, WatchlistError, event_matches, haversine_km
from watchfloor.analyse.webhooks import MAX_ATTEMPTS, deliver_pending, evaluate_and_notify
from watchfloor.config import Settings
from watchfloor.ingest.dedup import content_sha256
from watchfloor.records import Document
from watchfloor.store import Database, schema

TARAZ = {"geonameid": 1516905, "name": "Taraz", "feature_code": "PPLA", "lat": 42.9,
         "lon": 71.36667, "country_code": "KZ", "admin1": "Zhambyl", "admin1_code": "17"}
# About 25 km north-east of Taraz.
NEAR_TARAZ = {"geonameid": 9000001, "name": "Kumshagal", "feature_code": "PPL", "lat": 43.1,
              "lon": 71.55, "country_code": "KZ", "admin1": "Zhambyl", "admin1_code": "17"}
AKTOBE = {"geonameid": 610611, "name": "Aktobe", "feature_code": "PPLA", "lat": 50.27969,
          "lon": 57.20718, "country_code": "KZ", "admin1": "Aktobe", "admin1_code": "04"}
OSH = {"geonameid": 1527534, "name": "Osh", "feature_code": "PPLA", "lat": 40.52828,
       "lon": 72.7985, "country_code": "KG", "admin1": "Osh", "admin1_code": "08"}
JUND = {"actor_id": "jund-al-khilafah", "name": "Jund al-Khilafah"}


def store_event(db: Database, key: str, *, day: date, place: dict[str, Any],
                event_type: str = "Battles", fatalities: int = 1,
                actor: dict[str, Any] | None = None, words: str = "") -> str:
    """One stored report with one extracted event (the shape `watchfloor extract` writes);
    returns the event id."""
    text = (f"Report {key}: fighting was reported in {place['name']} on {day.isoformat()}, "
            f"{fatalities} killed. {words}").strip()
    sha = content_sha256(text)
    doc = Document(doc_id=sha[:20], sha256=sha, source=f"t/{key}.txt", text=text,
                   title=f"Report {key}", published=day)
    db.add_document(doc)
    event = {
        "event_id": f"ev-{key}", "event_type": event_type, "sub_event_type": None,
        "date": {"start_date": day.isoformat(), "end_date": day.isoformat(),
                 "precision": "day", "assumed": False},
        "location": {**place, "start": 0, "end": 6, "text": place["name"]},
        "actor1": actor, "actor2": None, "participants": [], "fatalities": fatalities,
        "injured": None, "arrested": None, "evidence": [{"start": 0, "end": len(text)}],
        "confidence": 0.8,
    }
    result = {"schema": "watchfloor.extract/1", "text": text, "places": [], "actors": [],
              "dates": [], "quantities": [], "quotes": [], "events": [event], "errors": []}
    db.save_extraction(doc.doc_id, result, version="test-1", config={})
    return str(event["event_id"])


def alert_keys(db: Database, name: str) -> list[str]:
    return sorted(a["key"] for a in list_alerts(db, watchlist=name, limit=500)["items"])


# -- pure rules --------------------------------------------------------------------------------


def test_conditions_of_one_event() -> None:
    row = {"event_id": "e", "doc_id": "d", "event_type": "Battles", "sub_event_type": "Armed clash",
           "country_code": "KZ", "admin1_code": "17", "fatalities": 4, "lat": 43.1,
           "lon": 71.55, "data": {"actor1": JUND, "participants": []}}
    assert 20 < haversine_km(42.9, 71.36667, 43.1, 71.55) < 30
    near = Watchlist(name="w", lat=42.9, lon=71.36667, radius_km=50)
    assert event_matches(near, row)
    assert not event_matches(near.with_(radius_km=10), row)
    assert not event_matches(near, {**row, "lat": None, "lon": None})
    assert event_matches(Watchlist(name="w", actor="jund-al-khilafah"), row)
    assert not event_matches(Watchlist(name="w", actor="kazakhstan-police"), row)
    assert event_matches(Watchlist(name="w", event_type="Armed clash"), row)
    assert not event_matches(Watchlist(name="w", event_type="Protests"), row)
    assert event_matches(Watchlist(name="w", min_fatalities=4), row)
    assert not event_matches(Watchlist(name="w", min_fatalities=5), row)
    assert event_matches(Watchlist(name="w", country="KZ", admin1="17"), row)
    assert not event_matches(Watchlist(name="w", country="KZ", admin1="04"), row)
    assert event_matches(Watchlist(name="w", query="bomb"), row, text_hits={"d"})
    assert not event_matches(Watchlist(name="w", query="bomb"), row, text_hits=set())


def test_invalid_watchlists_say_what_to_fix() -> None:
    with pytest.raises(WatchlistError, match="lat, lon and radius_km"):
        Watchlist(name="w", lat=42.9, radius_km=10).validated()
    with pytest.raises(WatchlistError, match="two-letter"):
        Watchlist(name="w", country="KAZ").validated()
    with pytest.raises(WatchlistError, match="webhook_url"):
        Watchlist(name="w", webhook_url="ftp://example.org/x").validated()
    with pytest.raises(WatchlistError, match="window_days needs min_events"):
        Watchlist(name="w", window_days=3).validated()
    assert Watchlist(name=" w ", country="kz").validated().country == "KZ"


# -- stored events, both backends --------------------------------------------------------------


def test_radius_and_type_fire_once_per_event(db: Database) -> None:
    day = date(2011, 11, 12)
    taraz = store_event(db, "taraz", day=day, place=TARAZ, fatalities=7)
    near = store_event(db, "near", day=day, place=NEAR_TARAZ)
    store_event(db, "protest", day=day, place=TARAZ, event_type="Protests")
    store_event(db, "aktobe", day=day, place=AKTOBE)
    wl = add_watchlist(db, Watchlist(name="Taraz battles", lat=42.9, lon=71.36667,
                                     radius_km=50, event_type="Battles"))
    assert evaluate_watchlists(db).total == 2
    assert alert_keys(db, "Taraz battles") == sorted([f"event:{taraz}", f"event:{near}"])
    alert = next(a for a in list_alerts(db)["items"] if a["key"] == f"event:{taraz}")
    assert alert["summary"] == "Battles in Taraz (KZ) on 2011-11-12, 7 killed"
    assert alert["reports"][0]["title"] == "Report taraz"
    assert alert["reports"][0]["link"].startswith("/documents/")

    # Evaluating again, and again after the same reports are re-extracted (which replaces
    # their event rows and moves their extraction time), fires nothing new.
    assert evaluate_watchlists(db).total == 0
    store_event(db, "taraz", day=day, place=TARAZ, fatalities=7)
    assert evaluate_watchlists(db).total == 0
    cursor = list_watchlists(db)[0].evaluated_until
    assert cursor is not None and wl.id is not None
    db.add_alerts(wl.id, [], webhook_url=None, evaluated_until=None)  # cursor kept
    assert list_watchlists(db)[0].evaluated_until == cursor
    later = store_event(db, "later", day=day + timedelta(days=3), place=TARAZ)
    assert [len(v) for v in evaluate_watchlists(db).new_alerts.values()] == [1]
    assert f"event:{later}" in alert_keys(db, "Taraz battles")


def test_actor_query_and_fatality_conditions(db: Database) -> None:
    day = date(2011, 5, 17)
    bomb = store_event(db, "bomb", day=day, place=AKTOBE, fatalities=1, actor=JUND,
                       words="A suicide bomber blew himself up.")
    store_event(db, "clash", day=day, place=TARAZ, fatalities=9, actor=JUND)
    store_event(db, "osh", day=day, place=OSH, fatalities=30)
    add_watchlist(db, Watchlist(name="jund bombs", actor="jund-al-khilafah",
                                query="suicide bomber"))
    add_watchlist(db, Watchlist(name="deadly", min_fatalities=9, country="KZ"))
    add_watchlist(db, Watchlist(name="later only"), new_only=True)
    evaluate_watchlists(db)
    assert alert_keys(db, "jund bombs") == [f"event:{bomb}"]
    assert alert_keys(db, "deadly") == ["event:ev-clash"]
    assert alert_keys(db, "later only") == []  # created with new_only: history ignored
    assert remove_watchlist(db, "deadly")
    assert not remove_watchlist(db, "deadly")
    assert [w.name for w in list_watchlists(db)] == ["jund bombs", "later only"]
    with pytest.raises(WatchlistError, match="exists"):
        add_watchlist(db, Watchlist(name="jund bombs"))


def test_count_threshold_fires_once_per_burst(db: Database) -> None:
    start = date(2011, 10, 1)
    for i in range(2):
        store_event(db, f"a{i}", day=start + timedelta(days=2 * i), place=TARAZ)
    add_watchlist(db, Watchlist(name="burst", country="KZ", min_events=3, window_days=7))
    assert evaluate_watchlists(db).total == 0  # two events: below the threshold
    store_event(db, "a2", day=start + timedelta(days=5), place=TARAZ)
    assert evaluate_watchlists(db).total == 1
    [alert] = list_alerts(db, watchlist="burst")["items"]
    assert alert["kind"] == "count" and alert["key"] == "count:2011-10-06"
    assert alert["summary"] == "3 matching events in 7 days (2011-09-30 to 2011-10-06), 3 killed"
    assert sorted(alert["event_ids"]) == ["ev-a0", "ev-a1", "ev-a2"]
    assert len(alert["reports"]) == 3
    # A fourth event inside the same burst does not fire again ...
    store_event(db, "a3", day=start + timedelta(days=6), place=TARAZ)
    assert evaluate_watchlists(db).total == 0
    # ... a new burst a month later does; events elsewhere do not count.
    for i in range(3):
        store_event(db, f"b{i}", day=date(2011, 11, 10) + timedelta(days=i), place=TARAZ)
        store_event(db, f"kg{i}", day=date(2011, 11, 10) + timedelta(days=i), place=OSH)
    assert evaluate_watchlists(db).total == 1
    assert alert_keys(db, "burst") == ["count:2011-10-06", "count:2011-11-12"]


def test_anomaly_threshold_uses_the_trend_score(db: Database) -> None:
    # One event a month for eight months, then seven in one month.
    for m in range(1, 9):
        store_event(db, f"m{m}", day=date(2011, m, 10), place=TARAZ)
    for i in range(7):
        store_event(db, f"sep{i}", day=date(2011, 9, 1 + i), place=AKTOBE)
    add_watchlist(db, Watchlist(name="kz anomaly", country="KZ", min_anomaly=2.0))
    assert evaluate_watchlists(db).total == 1
    [alert] = list_alerts(db, watchlist="kz anomaly")["items"]
    assert alert["key"] == "anomaly:KZ:*:2011-09"
    assert alert["data"]["score"] >= 2.0 and alert["data"]["baseline"] == 1.0
    assert len(alert["event_ids"]) == 7
    assert evaluate_watchlists(db).total == 0


# -- webhooks ------------------------------------------------------------------------------------


def _deliveries(db: Database) -> list[dict[str, Any]]:
    return db.read(select(schema.webhook_deliveries).order_by(schema.webhook_deliveries.c.id))


def test_webhook_retries_until_the_receiver_accepts(db: Database) -> None:
    store_event(db, "taraz", day=date(2011, 11, 12), place=TARAZ, fatalities=7)
    settings = Settings(database_url="unused", allow_private=True)
    with receiver([500, 503, 200]) as hook:
        add_watchlist(db, Watchlist(name="hooked", country="KZ", webhook_url=hook.url()))
        result = evaluate_and_notify(db, settings=settings, backoff=0.01)
    assert result["new_alerts"] == 1
    assert result["webhooks"] == {"delivered": 1, "pending": 0, "failed": 0, "errors": []}
    assert hook.answered == [500, 503, 200]
    body = hook.received[-1]["json"]
    assert hook.received[-1]["content_type"] == "application/json"
    assert body["schema"] == "watchfloor.alert/1"
    assert body["alert"]["watchlist"] == "hooked"
    assert body["alert"]["event_ids"] == ["ev-taraz"]
    assert body["alert"]["reports"][0]["title"] == "Report taraz"
    [delivery] = _deliveries(db)
    assert delivery["status"] == "delivered" and delivery["attempts"] == 3
    assert [a["status_code"] for a in delivery["attempt_log"]] == [500, 503, 200]
    assert list_alerts(db)["items"][0]["webhook"]["status"] == "delivered"


def test_failing_webhook_keeps_the_alert_and_retries_later(db: Database) -> None:
    store_event(db, "taraz", day=date(2011, 11, 12), place=TARAZ)
    store_event(db, "near", day=date(2011, 11, 12), place=NEAR_TARAZ)
    settings = Settings(database_url="unused", allow_private=True)
    with receiver([500]) as hook:
        add_watchlist(db, Watchlist(name="down", country="KZ", webhook_url=hook.url()))
        result = evaluate_and_notify(db, settings=settings, backoff=0.01)
        # Both alerts are stored; the dead URL is tried three times, then left for later.
        assert result["new_alerts"] == 2
        assert result["webhooks"]["pending"] == 2 and len(hook.answered) == 3
        assert {a["webhook"]["status"] for a in list_alerts(db)["items"]} == {"pending"}
        rounds = 1
        while any(d["status"] == "pending" for d in _deliveries(db)) and rounds < 10:
            deliver_pending(db, settings=settings, backoff=0.0)
            rounds += 1
    deliveries = _deliveries(db)
    assert [d["status"] for d in deliveries] == ["failed", "failed"]
    assert [d["attempts"] for d in deliveries] == [MAX_ATTEMPTS, MAX_ATTEMPTS]
    assert deliveries[0]["last_error"].startswith("HTTP 500")
    assert len(list_alerts(db)["items"]) == 2


def test_webhook_to_loopback_is_refused_unless_allowed(db: Database) -> None:
    store_event(db, "taraz", day=date(2011, 11, 12), place=TARAZ)
    with receiver([200]) as hook:
        add_watchlist(db, Watchlist(name="local", webhook_url=hook.url()))
        result = evaluate_and_notify(db, settings=Settings(database_url="unused"),
                                     backoff=0.0)
        assert hook.received == []
    assert result["new_alerts"] == 1 and result["webhooks"]["pending"] == 1
    [delivery] = _deliveries(db)
    assert "refused" in delivery["last_error"] and "--allow-private" in delivery["last_error"]
