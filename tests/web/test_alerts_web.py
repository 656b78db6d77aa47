"""The watchlists API and the alerts page with its JSON twin, in process, on SQLite and
PostgreSQL, over the hand-made web corpus."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from web_corpus import AKTOBE, TARAZ, load

from watchfloor.config import Settings
from watchfloor.store import Database
from watchfloor.web import create_app


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    with Database.open(db_url) as db:
        load(db)
    app = create_app(Settings(database_url=db_url))
    with TestClient(app) as test_client:
        yield test_client


def test_create_list_and_remove_watchlists(client: TestClient) -> None:
    created = client.post("/api/v1/watchlists", json={
        "name": "Jund in KZ", "actor": "jund-al-khilafah", "country": "kz"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["watchlist"]["country"] == "KZ"
    assert body["watchlist"]["conditions"] == "actor jund-al-khilafah; in KZ"
    assert body["evaluation"]["new_alerts"] == 2  # Taraz and Aktobe, evaluated at once

    assert client.post("/api/v1/watchlists", json={"name": "Jund in KZ"}).status_code == 409
    bad = client.post("/api/v1/watchlists", json={"name": "x", "lat": 42.9, "radius_km": 5})
    assert bad.status_code == 400 and "lat, lon and radius_km" in bad.json()["detail"]

    listed = client.get("/api/v1/watchlists").json()["items"]
    assert [w["name"] for w in listed] == ["Jund in KZ"]

    alerts = client.get("/api/v1/alerts").json()
    assert alerts["total"] == 2
    reports = {r["doc_id"] for a in alerts["items"] for r in a["reports"]}
    assert reports == {TARAZ.doc_id, AKTOBE.doc_id}
    assert all(a["watchlist"] == "Jund in KZ" and a["kind"] == "event"
               for a in alerts["items"])

    assert client.delete("/api/v1/watchlists/Jund in KZ").status_code == 200
    assert client.delete("/api/v1/watchlists/Jund in KZ").status_code == 404
    assert client.get("/api/v1/alerts").json()["total"] == 0


def test_alerts_page_links_to_reports_and_events(client: TestClient) -> None:
    client.post("/api/v1/watchlists", json={
        "name": "Taraz 50 km", "lat": 42.9, "lon": 71.37, "radius_km": 50})
    page = client.get("/alerts")
    assert page.status_code == 200
    html = page.text
    assert '<a href="/alerts">Alerts</a>' in html  # in the navigation
    assert f'href="/documents/{TARAZ.doc_id}"' in html
    assert 'href="/events/ev-taraz"' in html
    assert AKTOBE.doc_id not in html  # Aktobe is 1,200 km away
    assert "never fires twice" in html  # the method is explained
    one = client.get("/alerts", params={"watchlist": "Taraz 50 km"})
    assert one.status_code == 200 and "Taraz 50 km" in one.text
    assert client.get("/api/v1/alerts", params={"watchlist": "nope"}).status_code == 404
