"""Fused events over HTTP and the command line, on SQLite and PostgreSQL: the list, one
fused event with its conflicts side by side, the event page's link, and splitting."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fused_reports import LATE, LOCAL, OTHER, WIRE, store
from watchfloor.analyse.fusion_store import update_fusion
from watchfloor.cli import app as cli_app
from watchfloor.config import Settings
from watchfloor.store import Database
from watchfloor.web import create_app


@pytest.fixture
def stored(db_url: str) -> str:
    with Database.open(db_url) as db:
        for story in (WIRE, LOCAL, OTHER):
            store(db, story)
        update_fusion(db)
    return db_url


@pytest.fixture
def client(stored: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=stored))) as test_client:
        yield test_client


def test_api_lists_shows_and_splits_fused_events(client: TestClient) -> None:
    page = client.get("/api/v1/fused-events").json()
    assert page["total"] == 2 and page["multi_report"] == 1
    top = page["items"][0]
    assert top["sources"] == 2 and top["fatalities_range"] == [14, 16]
    assert client.get("/api/v1/fused-events", params={"country": "KG"}).json()["total"] == 1

    detail = client.get(f"/api/v1/fused-events/{top['fused_id']}").json()
    assert {r["key"] for r in detail["reports"]} == {WIRE.key, LOCAL.key}
    assert [c["text"] for c in detail["conflicts"] if c["name"] == "fatalities"] == [
        "14 vs 16 killed"]
    assert client.get("/api/v1/fused-events/fe-nope").status_code == 404

    html = client.get(f"/fused-events/{top['fused_id']}").text
    assert "14 vs 16 killed" in html and f'href="/documents/{LOCAL.doc_id}"' in html
    assert "lowest reported figure" in html
    assert top["fused_id"] in client.get("/fused-events").text
    event_page = client.get(f"/events/{WIRE.event_id}").text
    assert f'href="/fused-events/{top["fused_id"]}"' in event_page
    assert client.get(f"/api/v1/events/{WIRE.event_id}").json()["fused_event"]["sources"] == 2
    assert 'href="/fused-events"' in client.get("/").text  # the nav link

    bad = client.post(f"/api/v1/fused-events/{top['fused_id']}/split",
                      json={"keys": ["abc/ev-x"]})
    assert bad.status_code == 400 and "not in fused event" in bad.json()["detail"]
    assert client.post("/api/v1/fused-events/fe-nope/split",
                       json={"keys": [WIRE.key]}).status_code == 404
    split = client.post(f"/api/v1/fused-events/{top['fused_id']}/split",
                        json={"keys": [LOCAL.key]})
    assert split.status_code == 200, split.text
    assert sorted(p["reports"] for p in split.json()["fused_events"]) == sorted(
        [[LOCAL.key], [WIRE.key]])
    assert client.get("/api/v1/fused-events").json()["multi_report"] == 0  # not cached
    assert client.get(f"/api/v1/events/{WIRE.event_id}").json()["fused_event"] is None


def test_cli_updates_lists_shows_and_splits(stored: str) -> None:
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli_app, ["fusion", *args, "--db", stored])
        assert result.exit_code == 0, result.output
        return result.stdout

    with Database.open(stored) as db:
        store(db, LATE)
    update = json.loads(run("update", "--json"))
    assert update["documents"] == 1 and update["reports"] == 1
    listed = json.loads(run("list", "--json"))
    top = listed["items"][0]
    assert top["sources"] == 3
    assert json.loads(run("list", "--country", "KG", "--json"))["total"] == 1
    assert "14 vs 16 killed" in run("show", top["fused_id"])
    shown = json.loads(run("show", top["fused_id"], "--json"))
    assert {r["key"] for r in shown["reports"]} == {WIRE.key, LOCAL.key, LATE.key}

    parts = json.loads(run("split", top["fused_id"], LOCAL.key, "--json"))["fused_events"]
    assert sorted(len(p["reports"]) for p in parts) == [1, 2]
    assert json.loads(run("update", "--all", "--json"))["multi_report"] == 1
    assert json.loads(run("list", "--json"))["items"][0]["sources"] == 2  # the split lasts

    missing = runner.invoke(cli_app, ["fusion", "show", "fe-nope", "--db", stored])
    assert missing.exit_code == 1 and "fusion list" in missing.output
    wrong = runner.invoke(cli_app, ["fusion", "split", top["fused_id"], "x/y", "--db", stored])
    assert wrong.exit_code == 1 and "not in fused event" in wrong.output
    for command in ("update", "list", "show", "split"):
        help_text = runner.invoke(cli_app, ["fusion", command, "--help"]).output
        assert "Example" in help_text


def test_a_failed_update_after_ingest_is_logged_not_raised(
        db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    from sqlalchemy import text

    from watchfloor.cli_fusion import run_fusion

    with Database.open(db_url) as db:
        store(db, WIRE)
        with db.engine.begin() as conn:  # a broken database: the members table is gone
            conn.execute(text("DROP TABLE fused_event_members"))
    result = run_fusion(Settings(database_url=db_url))
    assert "fused_event_members" in result["error"]
    assert "watchfloor fusion update" in caplog.text
