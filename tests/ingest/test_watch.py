"""`watchfloor watch`: polling a real loopback feed server whose feed changes between
rounds, on SQLite and PostgreSQL; network errors; retries of failed entries; alerts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from builders import article, rfc822, rss
from loopback import Reply, closed_port, serve
from typer.testing import CliRunner

from watchfloor.cli import app
from watchfloor.ingest.watch import entry_key, parse_interval, watch_loop
from watchfloor.store import Database

STORIES = {
    "/news/1": ("Pipeline blast in Atyrau",
                "An explosion damaged an oil pipeline near Atyrau on Monday, officials said. "
                "Nobody was hurt and the flow of oil resumed within hours."),
    "/news/2": ("Border post attacked",
                "Gunmen attacked a border post on the Kyrgyz frontier overnight, the "
                "border service said, and fled across the mountains before dawn."),
    "/news/3": ("Protest in Zhanaozen",
                "Hundreds of oil workers rallied in Zhanaozen on Friday to demand higher "
                "wages; police watched from the side streets without intervening."),
}


def watch(*args: str, db: str, check_code: int | None = 0) -> dict[str, Any]:
    """One `watchfloor watch --once --json` round, run in this process (the command is the
    same; a fresh interpreter per round would cost seconds of imports)."""
    result = CliRunner().invoke(app, ["watch", *args, "--once", "--json", "--db", db])
    if check_code is not None:
        assert result.exit_code == check_code, result.output + repr(result.exception)
    return dict(json.loads(result.stdout))


def feed(paths: list[str], base: str) -> bytes:
    return rss([{"title": STORIES[p][0], "link": base + p, "guid": f"urn:story:{p}",
                 "pubDate": rfc822(2011, 12, 16)} for p in paths])


def routes_for(paths: list[str]) -> dict[str, Reply]:
    return {p: Reply(article(STORIES[p][0], [STORIES[p][1]], date="2011-12-16"))
            for p in paths}


def test_second_round_ingests_only_the_new_entry(db_url: str) -> None:
    with serve(routes_for(list(STORIES))) as server:
        base = server.url("")
        server.routes["/feed.xml"] = Reply(feed(["/news/1", "/news/2"], base),
                                           content_type="application/rss+xml")
        first = watch(server.url("/feed.xml"), "--no-extract", "--allow-private", db=db_url)
        assert first["new"] == 2 and first["failed"] == 0
        assert first["feeds"] == [{"url": server.url("/feed.xml"), "entries": 2,
                                   "new_entries": 2, "error": None}]
        # The feed changes between polls: one entry added at the top.
        server.routes["/feed.xml"] = Reply(feed(["/news/3", "/news/1", "/news/2"], base),
                                           content_type="application/rss+xml")
        server.seen.clear()
        second = watch(server.url("/feed.xml"), "--no-extract", "--allow-private", db=db_url)
        assert second["new"] == 1 and second["duplicate"] == 0
        assert second["feeds"][0]["new_entries"] == 1
        # Only the feed and the new entry's page were fetched.
        assert sorted(s.path for s in server.seen) == ["/feed.xml", "/news/3"]
        # A third poll of the unchanged feed fetches no page at all.
        server.seen.clear()
        third = watch(server.url("/feed.xml"), "--no-extract", "--allow-private", db=db_url)
        assert third["new"] == 0 and [s.path for s in server.seen] == ["/feed.xml"]
    with Database.open(db_url) as db:
        assert db.count_rows(["documents", "document_sources"]) == {
            "documents": 3, "document_sources": 3}
        assert {d.title for d in db.list_documents()} == {t for t, _ in STORIES.values()}


def test_network_errors_and_failed_entries_are_retried(sqlite_url: str) -> None:
    dead = f"http://127.0.0.1:{closed_port()}/feed.xml"
    routes = routes_for(["/news/1"])
    routes["/news/2"] = Reply(b"down for maintenance", status=503, content_type="text/plain")
    with serve(routes) as server:
        base = server.url("")
        server.routes["/feed.xml"] = Reply(feed(["/news/1", "/news/2"], base),
                                           content_type="application/rss+xml")
        # An unreachable feed fails this round (exit 1) without stopping the other target.
        first = watch(dead, server.url("/feed.xml"), "--no-extract", "--allow-private",
                      db=sqlite_url, check_code=1)
        assert first["new"] == 1
        assert [f["error"] is not None for f in first["feeds"]] == [True, False]
        assert {f["source"] for f in first["failures"]} == {dead, server.url("/news/2")}
        # The entry whose page failed was not remembered: the next round fetches it again.
        server.routes["/news/2"] = routes_for(["/news/2"])["/news/2"]
        second = watch(server.url("/feed.xml"), "--no-extract", "--allow-private",
                       db=sqlite_url)
        assert second["new"] == 1 and second["failed"] == 0
    with Database.open(sqlite_url) as db:
        assert db.stats().documents == 2


def test_loopback_feed_is_refused_without_allow_private(sqlite_url: str) -> None:
    with serve({"/feed.xml": Reply(feed(["/news/1"], "http://example.invalid"))}) as server:
        result = watch(server.url("/feed.xml"), "--no-extract", db=sqlite_url, check_code=1)
    assert result["new"] == 0 and "--allow-private" in result["feeds"][0]["error"]


def test_watch_loop_survives_a_failing_round() -> None:
    calls: list[int] = []
    errors: list[str] = []
    pauses: list[float] = []

    def round_() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("network is unreachable")

    failed = watch_loop(round_, every=60, once=False, on_error=errors.append,
                        sleep=pauses.append, max_rounds=3)
    assert failed == 1 and len(calls) == 3 and len(pauses) == 2
    assert errors == ["OSError: network is unreachable"]
    assert all(55 < p <= 60 for p in pauses)


def test_intervals_and_entry_keys() -> None:
    from watchfloor.ingest.feeds import FeedEntry

    assert parse_interval("15m") == 900 and parse_interval("2h") == 7200
    assert parse_interval("90") == 90
    for bad in ("soon", "1s", "-5m"):
        with pytest.raises(ValueError):
            parse_interval(bad)
    entry = FeedEntry(link="http://x/1", entry_id=None, title="t", author=None,
                      published=None, content_html=None)
    assert entry_key(entry) == "http://x/1"
    assert entry_key(FeedEntry(**{**entry.__dict__, "entry_id": "urn:1"})) == "urn:1"


def test_watch_extracts_and_alerts_with_a_webhook(sqlite_url: str, tmp_path: Path) -> None:
    """End to end: a new feed entry is ingested, extracted, matched by a watchlist, and
    the alert is POSTed to a webhook on loopback."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analyse"))
    from webhook_server import receiver

    text = ("TARAZ, 12 November 2011 -- A gunman killed seven people in Taraz on Saturday, "
            "officials said. The attacker opened fire on police officers near the "
            "regional security building.")
    routes = {"/news/taraz": Reply(article("Gunman kills seven in Taraz", [text],
                                           date="2011-11-12"))}
    with serve(routes) as server, receiver([500, 200]) as hook:
        server.routes["/feed.xml"] = Reply(
            rss([{"title": "Gunman kills seven in Taraz", "guid": "urn:taraz",
                  "link": server.url("/news/taraz"), "pubDate": rfc822(2011, 11, 12)}]),
            content_type="application/rss+xml")
        added = CliRunner().invoke(app, [
            "watchlist", "add", "Taraz 100 km", "--lat", "42.9", "--lon", "71.37",
            "--radius-km", "100", "--webhook", hook.url(), "--db", sqlite_url])
        assert added.exit_code == 0, added.output
        result = watch(server.url("/feed.xml"), "--no-embed", "--allow-private",
                       db=sqlite_url)
        assert result["new"] == 1 and result["extraction"]["events"] >= 1
        assert result["fusion"]["documents"] == 1  # its events are in fused events
        assert result["alerts"]["new_alerts"] >= 1
        assert result["alerts"]["webhooks"]["delivered"] >= 1
        assert hook.answered[:2] == [500, 200]
        posted = hook.received[-1]["json"]["alert"]
    assert posted["watchlist"] == "Taraz 100 km"
    assert posted["reports"][0]["title"] == "Gunman kills seven in Taraz"
    proc = subprocess.run(  # the listing as a separate process sees the same alerts
        [sys.executable, "-m", "watchfloor", "alerts", "--json", "--db", sqlite_url],
        check=True, capture_output=True, text=True, timeout=120)
    listed = json.loads(proc.stdout)
    assert listed["total"] == result["alerts"]["new_alerts"]
    assert listed["items"][0]["webhook"]["status"] == "delivered"
    # Polling again raises nothing new.
    again = watch(server.url("/feed.xml"), "--no-embed", "--allow-private", db=sqlite_url,
                  check_code=1)  # the server is gone: this round fails, nothing is lost
    assert again["alerts"]["new_alerts"] == 0
