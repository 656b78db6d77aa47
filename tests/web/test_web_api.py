"""The REST API and the HTML pages, in process, on SQLite and PostgreSQL (the `db_url`
fixture), over a small hand-made corpus of extraction results."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from web_corpus import AKTOBE, OSH, QUIET, TARAZ, load

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


def test_search_returns_highlighted_hits_facets_and_events(client: TestClient) -> None:
    data = client.get("/api/v1/search", params={"q": "Jund"}).json()
    assert {h["doc_id"] for h in data["items"]} == {TARAZ.doc_id, AKTOBE.doc_id}
    assert data["total"] == 2
    assert all("<mark>" in h["snippet"] for h in data["items"])
    facets = data["facets"]
    assert facets["country"] == [{"value": "KZ", "n": 2, "name": "Kazakhstan"}]
    assert {f["value"] for f in facets["event_type"]} == {
        "Violence against civilians", "Explosions/Remote violence"}
    assert facets["actor"][0] == {"value": "jund-al-khilafah", "name": "Jund al-Khilafah",
                                  "n": 2}
    assert facets["year"] == [{"value": "2011", "n": 2}]
    taraz = next(h for h in data["items"] if h["doc_id"] == TARAZ.doc_id)
    assert taraz["events"][0]["event_id"] == "ev-taraz"


def test_search_filters_by_extracted_facets(client: TestClient) -> None:
    def ids(**params: str) -> set[str]:
        return {h["doc_id"] for h in client.get("/api/v1/search", params=params).json()["items"]}

    assert ids(q="killed", country="KG") == {OSH.doc_id}
    assert ids(q="killed", country="kz") == {TARAZ.doc_id, AKTOBE.doc_id}
    assert ids(q="Jund", event_type="Explosions/Remote violence") == {AKTOBE.doc_id}
    assert ids(q="police OR Police", actor="kazakhstan-police") == {TARAZ.doc_id, QUIET.doc_id}
    assert ids(q="Jund", country="KZ", admin1="17") == {TARAZ.doc_id}
    assert ids(q="killed", since="2011-01-01", until="2011-12-31") == {
        TARAZ.doc_id, AKTOBE.doc_id}
    assert ids(q="killed", tlp="TLP:RED") == set()
    assert client.get("/api/v1/search", params={"q": "x", "since": "May"}).status_code == 400


def test_events_filters_and_pagination(client: TestClient) -> None:
    page = client.get("/api/v1/events", params={"limit": 2}).json()
    assert page["total"] == 4 and len(page["items"]) == 2 and page["next_offset"] == 2
    assert [e["event_id"] for e in page["items"]] == ["ev-taraz", "ev-aktobe"]  # newest first
    rest = client.get("/api/v1/events", params={"limit": 2, "offset": 2}).json()
    assert [e["event_id"] for e in rest["items"]] == ["ev-osh", "ev-zhambyl"]
    assert rest["next_offset"] is None

    def ids(**params: str) -> list[str]:
        return [e["event_id"] for e in client.get("/api/v1/events", params=params).json()["items"]]

    assert ids(country="KZ", admin1="17") == ["ev-taraz", "ev-zhambyl"]
    assert ids(actor="jund-al-khilafah") == ["ev-taraz", "ev-aktobe"]
    assert ids(event_type="Riots") == ["ev-osh"]
    assert ids(since="2011-06-01") == ["ev-taraz"]
    assert ids(q="bomber") == ["ev-aktobe"]
    assert ids(source="other/") == ["ev-osh"]
    event = client.get("/api/v1/events", params={"actor": "jund-al-khilafah"}).json()["items"][0]
    assert event["location"]["name"] == "Taraz" and event["geo_precision"] == 1
    assert event["time_precision"] == 1 and event["fatalities"] == 7
    assert event["actor1"]["actor_id"] == "jund-al-khilafah"
    assert event["country"] == "Kazakhstan" and event["admin1"] == "Zhambyl"


def test_event_detail_gives_each_field_its_evidence(client: TestClient) -> None:
    event = client.get("/api/v1/events/ev-taraz").json()
    fields = {f["field"]: f for f in event["fields"]}
    assert fields["event_type"]["evidence"]["text"] == "killed"
    assert "trigger word 'killed'" in fields["event_type"]["method"]
    assert fields["location"]["evidence"]["text"] == "Taraz"
    assert fields["location"]["confidence"] == 0.9
    assert fields["actor1"]["method"] == "actor dictionary"
    assert fields["fatalities"]["value"] == 7
    assert "A gunman killed seven people" in fields["fatalities"]["evidence"]["sentence"]
    assert fields["injured"]["method"] == "not reported"
    assert [r["doc_id"] for r in event["reports"]] == [TARAZ.doc_id]
    assert client.get("/api/v1/events/no-such-event").status_code == 404


def test_document_carries_spans_events_and_related_reports(client: TestClient) -> None:
    doc = client.get(f"/api/v1/documents/{TARAZ.doc_id}").json()
    kinds = {s["kind"] for s in doc["spans"]}
    assert kinds == {"place", "actor", "date", "quote", "event"}
    trigger = next(s for s in doc["spans"] if s["kind"] == "event")
    assert doc["text"][trigger["start"]:trigger["end"]] == "killed"
    assert doc["events"][0]["evidence"][0]["anchor"].startswith("span-")
    related = {r["doc_id"]: r for r in doc["related"]}
    assert AKTOBE.doc_id in related  # shares Jund al-Khilafah
    assert "shares actors: Jund al-Khilafah" in related[AKTOBE.doc_id]["reasons"]
    assert QUIET.doc_id in related  # shares the police
    assert OSH.doc_id not in related
    # a unique id prefix works, an unknown id is a 404
    assert client.get(f"/api/v1/documents/{TARAZ.doc_id[:8]}").status_code == 200
    assert client.get("/api/v1/documents/ffffffffffff").status_code == 404
    listing = client.get("/api/v1/documents", params={"country": "KG"}).json()
    assert [d["doc_id"] for d in listing["items"]] == [OSH.doc_id]
    assert "text" not in listing["items"][0]


def test_countries_and_regions(client: TestClient) -> None:
    countries = client.get("/api/v1/countries").json()["items"]
    kz = countries[0]
    assert (kz["code"], kz["events"], kz["fatalities"], kz["documents"]) == ("KZ", 3, 8, 3)
    summary = client.get("/api/v1/countries/kz").json()
    assert summary["country"] == "Kazakhstan"
    assert summary["totals"] == {"events": 3, "fatalities": 8, "by_type": {
        "Violence against civilians": 1, "Explosions/Remote violence": 1,
        "Strategic developments": 1}}
    timeline = summary["timeline"]
    assert timeline["by_year"] == [
        {"year": 2010, "events": 1, "fatalities": 0},
        {"year": 2011, "events": 2, "fatalities": 8},
    ]
    months = [p["period"] for p in timeline["periods"]]
    assert months[0] == "2010-03" and months[-1] == "2011-11" and len(months) == 21
    may = next(p for p in timeline["periods"] if p["period"] == "2011-05")
    assert may["counts"] == {"Explosions/Remote violence": 1} and may["fatalities"] == 1
    assert summary["top_actors"][0]["actor_id"] == "jund-al-khilafah"
    assert {d["code"] for d in summary["admin1_divisions"]} == {"17", "04"}
    assert len(summary["latest_reports"]) == 3
    weekly = client.get("/api/v1/countries/KZ", params={"bucket": "week"}).json()["timeline"]
    assert weekly["bucket"] == "week" and weekly["periods"][0]["start"] == "2010-03-01"
    zhambyl = client.get("/api/v1/countries/KZ/17").json()
    assert zhambyl["admin1"] == "Zhambyl" and zhambyl["totals"]["events"] == 2
    assert client.get("/api/v1/countries/ZZ").status_code == 404


def test_actors(client: TestClient) -> None:
    actors = client.get("/api/v1/actors").json()
    assert {a["actor_id"] for a in actors["items"]} == {"jund-al-khilafah", "kazakhstan-police"}
    assert client.get("/api/v1/actors", params={"q": "jund"}).json()["total"] == 1
    jund = client.get("/api/v1/actors/jund-al-khilafah").json()
    assert jund["actor"]["actor_type"] == "Rebel group"
    assert jund["aliases"] == [{"text": "Jund al-Khilafah", "n": 2}]
    assert jund["events"]["total"] == 2
    assert {p["name"] for p in jund["places"]} == {"Taraz", "Aktobe"}
    assert jund["co_occurring"][0]["actor_id"] == "kazakhstan-police"
    police = client.get("/api/v1/actors/kazakhstan-police").json()
    assert police["quotes"][0]["text"] == "We will find them"
    assert client.get("/api/v1/actors/nobody").status_code == 404


def test_every_page_has_a_json_twin_and_renders(client: TestClient) -> None:
    paths = ["/", "/search?q=killed", "/documents", f"/documents/{TARAZ.doc_id}", "/events",
             "/events/ev-taraz", "/countries", "/countries/KZ", "/countries/KZ/17", "/actors",
             "/actors/jund-al-khilafah", "/map?country=KZ"]
    for path in paths:
        page = client.get(path)
        assert page.status_code == 200, path
        assert page.headers["content-type"].startswith("text/html")
        twin = path if path != "/" else "/"
        assert f'href="/api/v1{twin}' in page.text.replace("&amp;", "&"), path
        api = client.get("/api/v1" + path)
        assert api.status_code == 200 and api.headers["content-type"] == "application/json"
    missing = client.get("/events/nope")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]


def test_document_page_highlights_the_event_and_links_evidence(client: TestClient) -> None:
    html = client.get(f"/documents/{TARAZ.doc_id}").text
    doc = client.get(f"/api/v1/documents/{TARAZ.doc_id}").json()
    anchor = doc["events"][0]["evidence"][0]["anchor"]
    assert f'id="{anchor}"' in html and f'href="#{anchor}"' in html
    assert 'class="hl hl-event ev"' in html and 'data-event="ev-taraz"' in html
    assert '<span class="hl hl-quote" title="quote: quote by Marat Tajin">We will find them' in html
    search = client.get("/search?q=killed&country=KZ").text
    assert "<mark>killed</mark>" in search and "country: KZ" in search


def test_country_page_has_map_and_timeline(client: TestClient) -> None:
    html = client.get("/countries/KZ").text
    assert 'id="map"' in html and "format=geojson" in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert '<svg class="timeline"' in html and "<rect" in html
    for asset in ["/static/vendor/leaflet/leaflet.js", "/static/js/map.js",
                  "/static/geo/countries.geojson", "/static/css/app.css",
                  "/static/vendor/leaflet.markercluster/leaflet.markercluster.js"]:
        assert client.get(asset).status_code == 200, asset


def test_country_page_shows_trends_with_their_method(client: TestClient) -> None:
    data = client.get("/api/v1/countries/KZ").json()["trends"]
    assert [y["year"] for y in data["years"]] == [2010, 2011]
    assert data["years"][1]["baseline"] == 1.0  # one event in 2010
    assert not any(y["escalation"] for y in data["years"])  # 2 events: too few to flag
    assert "Poisson" in data["method"]
    # Novelties: the Taraz attack is the first of its kind after the first 30 days.
    assert any(n["kind"] == "first event type" and n["date"] == "2011-11-12"
               for n in data["novelties"])
    html = client.get("/countries/KZ").text
    assert "Trends &amp; alerts" in html and "How this is computed" in html
    assert "No period stands out from its baseline." in html


def test_openapi_lists_the_api(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    for path in ["/api/v1/search", "/api/v1/documents", "/api/v1/documents/{doc_id}",
                 "/api/v1/events", "/api/v1/events/{event_id}", "/api/v1/countries",
                 "/api/v1/countries/{cc}", "/api/v1/countries/{cc}/{admin1_code}",
                 "/api/v1/actors", "/api/v1/actors/{actor_id}", "/api/v1/export/events"]:
        assert path in spec["paths"], path
    assert client.get("/api/v1/docs").status_code == 200
