"""`watchfloor extract`, extraction at ingest, and `watchfloor reextract`, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from watchfloor.extract.pipeline import EXTRACTOR_VERSION, SCHEMA
from watchfloor.knowledge.gazetteer import Gazetteer
from watchfloor.store import Database

REPORT = (
    "ALMATY, 12 July 2011 -- Gunmen attacked a police post on the outskirts of Almaty on "
    "Monday, killing two officers and wounding three, the interior ministry said."
)


@pytest.fixture
def env(gazetteer: Gazetteer) -> dict[str, str]:
    return {**os.environ, "WATCHFLOOR_GAZETTEER": str(gazetteer.path)}


def wf(*args: str, env: dict[str, str], stdin: str | None = None,
       code: int = 0) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "watchfloor", *args], input=stdin,
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == code, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc


def test_extract_jsonl_in_order_with_a_bad_line(env: dict[str, str], tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "first", "text": REPORT}),
        "not json at all",
        json.dumps({"id": "second", "text": "Protesters gathered peacefully in Bishkek.",
                    "published": "2010-04-06"}),
        json.dumps({"id": "third"}),
    ]
    out = tmp_path / "out.jsonl"
    proc = wf("extract", "-", "-o", str(out), "--workers", "2", env=env,
              stdin="\n".join(lines) + "\n", code=1)
    assert ":2:" in proc.stderr and ":4:" in proc.stderr  # bad lines named
    results = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["doc_id"] for r in results] == ["first", "second"]
    first = results[0]
    assert first["schema"] == SCHEMA and first["published"] == "2011-07-12"
    place = first["places"][0]
    assert first["text"][place["start"]:place["end"]] == "ALMATY"  # the dateline
    assert place["name"] == "Almaty" and place["country_code"] == "KZ"
    attack = first["events"][0]
    assert attack["fatalities"] == 2 and attack["injured"] == 3
    assert results[1]["published"] == "2010-04-06"


def test_extract_a_file_without_a_date(env: dict[str, str], tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Gunmen attacked a police post in Almaty on Monday, killing two officers.")
    line = json.loads(wf("extract", str(note), env=env).stdout)
    assert line["published"] is None
    assert line["events"][0]["date"]["start_date"] is None  # Monday of which week? unknown


def test_ingest_extracts_and_reextract_is_idempotent(
    env: dict[str, str], tmp_path: Path, db_url: str
) -> None:
    report = tmp_path / "report.txt"
    report.write_text(REPORT)
    result = json.loads(wf("ingest", str(report), "--db", db_url, "--json", env=env).stdout)
    assert result["extraction"]["extracted"] == 1
    assert result["fusion"]["documents"] == 1  # fused after extraction, at once
    with Database.open(db_url) as db:
        doc_id = result["new_ids"][0]
        stored = db.get_extraction(doc_id)
        assert stored is not None and stored["extractor"]["version"] == EXTRACTOR_VERSION
        assert stored["events"][0]["fatalities"] == 2
        counts = db.count_rows(["events", "event_evidence", "place_mentions", "places",
                                "fused_event_members"])
    assert counts["fused_event_members"] == counts["events"]  # every event in a fused one
    assert counts["events"] >= 1 and counts["event_evidence"] >= 2
    # nothing pending: a re-run does nothing; --all redoes everything, with the same rows
    assert "extracted 0 document" in wf("reextract", "--db", db_url, env=env).stderr
    redone = wf("reextract", "--all", "--db", db_url, env=env).stderr
    assert "extracted 1 document" in redone and "fused " in redone  # fused again
    assert "extracted 1 document" in wf("reextract", doc_id[:8], "--db", db_url,
                                        env=env).stderr
    with Database.open(db_url) as db:
        assert db.count_rows(["events", "event_evidence", "place_mentions", "places",
                              "fused_event_members"]) == counts
    wf("reextract", "nosuchdoc", "--db", db_url, env=env, code=1)
