"""The page cache: whole GET responses kept while the database's data version holds, on
SQLite and PostgreSQL; any write, by any process, makes every page new again."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
from fastapi.testclient import TestClient
from web_corpus import AKTOBE, OSH, TARAZ, load

from watchfloor.config import Settings
from watchfloor.ingest.dedup import content_sha256
from watchfloor.records import Document
from watchfloor.store import Database
from watchfloor.web import create_app
from watchfloor.web.cache import CACHE_HEADER


def test_every_write_changes_the_data_version(db: Database) -> None:
    first = db.data_version()
    db.add_document(OSH)
    second = db.data_version()
    assert second > first
    assert db.data_version() == second  # reading changes nothing
    with db.transaction():  # one transaction of two writes, one new version
        db.add_document(TARAZ)
        db.add_document(AKTOBE)
    assert db.data_version() == second + 1


def test_pages_are_cached_until_the_data_changes(db_url: str) -> None:
    with Database.open(db_url) as db:
        load(db)
    app = create_app(Settings(database_url=db_url))
    with TestClient(app) as client, Database.open(db_url) as writer:
        first = client.get("/api/v1/search", params={"q": "Jund"})
        again = client.get("/api/v1/search", params={"q": "Jund"})
        assert (first.headers[CACHE_HEADER], again.headers[CACHE_HEADER]) == ("miss", "hit")
        assert again.json() == first.json()
        assert client.get("/countries/KZ").headers[CACHE_HEADER] == "miss"
        assert client.get("/countries/KZ").headers[CACHE_HEADER] == "hit"
        # another connection (another process, in real use) stores a report
        text = "Jund al-Khilafah claimed a second blast in Atyrau."
        sha = content_sha256(text)
        writer.add_document(Document(doc_id=sha[:20], sha256=sha, source="t.txt", text=text))
        fresh = client.get("/api/v1/search", params={"q": "Jund"})
        assert fresh.headers[CACHE_HEADER] == "miss"
        assert fresh.json()["total"] == first.json()["total"] + 1
        # downloads and errors are never cached
        export = client.get("/api/v1/export/events", params={"format": "csv"})
        assert CACHE_HEADER not in export.headers
        assert client.get("/api/v1/documents/nosuchdoc").status_code == 404
        assert CACHE_HEADER not in client.get("/api/v1/documents/nosuchdoc").headers
    uncached = create_app(Settings(database_url=db_url), cache=False)
    with TestClient(uncached) as client:
        assert CACHE_HEADER not in client.get("/api/v1/search", params={"q": "Jund"}).headers


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_with_two_worker_processes(sqlite_url: str) -> None:
    with Database.open(sqlite_url) as db:
        load(db)
    port = _free_port()
    env = {**os.environ, "WATCHFLOOR_DATABASE_URL": ""}
    server = subprocess.Popen(
        [sys.executable, "-m", "watchfloor", "serve", "--db", sqlite_url, "--port", str(port),
         "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/v1/search?q=Jund", timeout=5)
                break
            except httpx.HTTPError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.3)
        assert response.status_code == 200 and response.json()["total"] == 2
    finally:
        server.terminate()
        server.wait(timeout=20)
