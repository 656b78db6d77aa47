"""Semantic search and embeddings through the surfaces a person uses: the REST API and the
search page (in process), and the `watchfloor` command (real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_embeddings import CHECKPOINT, CORPUS, PARAPHRASE, SNOW
from typer.testing import CliRunner

from watchfloor import cli
from watchfloor.analyse.embeddings import MODEL_ID, Embedder, embed_documents
from watchfloor.config import Settings
from watchfloor.store import Database
from watchfloor.web import create_app


@pytest.fixture
def client(db_url: str, embedder: Embedder) -> Iterator[TestClient]:
    with Database.open(db_url) as db:
        for doc in CORPUS:
            db.add_document(doc)
        embed_documents(db, embedder=embedder)
    with TestClient(create_app(Settings(database_url=db_url))) as test_client:
        yield test_client


def test_api_and_page_search_by_meaning(client: TestClient) -> None:
    words = client.get("/api/v1/search", params={"q": PARAPHRASE}).json()
    assert words["mode"] == "text" and words["items"] == []
    meaning = client.get("/api/v1/search", params={"q": PARAPHRASE, "mode": "semantic"}).json()
    assert meaning["items"][0]["doc_id"] == CHECKPOINT.doc_id
    assert meaning["items"][0]["score"] > 0.4
    # The same filters as full-text search.
    later = client.get("/api/v1/search", params={"q": PARAPHRASE, "mode": "semantic",
                                                 "since": "2012-01-01"}).json()
    assert CHECKPOINT.doc_id not in {h["doc_id"] for h in later["items"]}
    hybrid = client.get("/api/v1/search", params={"q": PARAPHRASE, "mode": "hybrid"}).json()
    assert hybrid["items"][0]["doc_id"] == CHECKPOINT.doc_id
    assert client.get("/api/v1/search", params={"q": "x", "mode": "fuzzy"}).status_code == 422

    page = client.get("/search", params={"q": PARAPHRASE, "mode": "semantic"})
    assert page.status_code == 200
    assert '<option value="semantic" selected>meaning</option>' in page.text
    assert f'href="/documents/{CHECKPOINT.doc_id}"' in page.text
    assert "similarity 0." in page.text


def test_document_page_lists_similar_reports(client: TestClient) -> None:
    doc = client.get(f"/api/v1/documents/{CHECKPOINT.doc_id}").json()
    # Nothing is extracted in this corpus and no other report is about an attack.
    assert all(r["doc_id"] != SNOW.doc_id for r in doc["related"])


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "watchfloor", *args], capture_output=True,
                          text=True, timeout=300, env={**os.environ, **(env or {})})


def test_cli_embed_then_search_semantic(tmp_path: Path, embedder: Embedder) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for doc in CORPUS:
        (folder / f"{doc.doc_id}.md").write_text(f"---\ntitle: {doc.title}\n---\n{doc.text}")
    db = str(tmp_path / "cli.sqlite")
    ingest = run("ingest", str(folder), "--no-extract", "--json", "--db", db)
    assert ingest.returncode == 0, ingest.stderr
    # In process from here: the model this session loaded once is reused.
    runner = CliRunner()
    embedded = runner.invoke(cli.app, ["embed", "--json", "--db", db])
    assert embedded.exit_code == 0, embedded.output
    assert json.loads(embedded.stdout)["embedded"] == len(CORPUS)
    found = runner.invoke(cli.app, ["search", "--semantic", PARAPHRASE, "--json", "--db", db])
    assert found.exit_code == 0, found.output
    assert json.loads(found.stdout)["mode"] == "semantic"
    assert json.loads(found.stdout)["hits"][0]["title"] == CHECKPOINT.title
    words = runner.invoke(cli.app, ["search", PARAPHRASE, "--json", "--db", db])
    assert json.loads(words.stdout)["hits"] == []


def test_ingest_stores_documents_when_the_model_cannot_load(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "one.txt").write_text(CHECKPOINT.text)
    db = str(tmp_path / "broken.sqlite")
    broken = {"WATCHFLOOR_EMBEDDING_MODEL": str(tmp_path / "missing-model")}
    proc = run("ingest", str(folder), "--json", "--db", db, env=broken)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["new"] == 1 and report["extraction"]["extracted"] == 1
    assert "missing-model" in report["embedding"]["error"]
    with Database.open(f"sqlite:///{db}") as database:
        assert database.stats().documents == 1
        assert len(database.embedding_pending(MODEL_ID)) == 1
    human = run("ingest", str(folder), "--db", db, env=broken)
    assert "embeddings not computed" in human.stderr and "watchfloor embed" in human.stderr
