"""The `watchfloor` command end to end, as a user runs it: real processes, real databases."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from demo_site import DemoSite, demo_env
from watchfloor.store import Database

REPORT = (
    "ASTANA, 18 December 2011 -- A car bomb exploded near a police station in the western "
    "town on Sunday, killing two officers and wounding five, the interior ministry said. "
    "Investigators said the car bomb had been detonated remotely and that three suspects "
    "were being sought. Roads into the town were closed for the rest of the day."
)


def run(*args: str, db: str, stdin: bytes | None = None, check_code: int | None = 0,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    if args and args[0] == "ingest" and len(args) > 1:
        args = (*args, "--no-extract")  # ingestion alone; extraction is tested elsewhere
    proc = subprocess.run(
        [sys.executable, "-m", "watchfloor", *args, "--db", db],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True, text=True, timeout=120,
        env={**os.environ, **(env or {})},
    )
    if check_code is not None:
        assert proc.returncode == check_code, proc.stdout + proc.stderr
    return proc


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    (folder / "bomb.txt").write_text(REPORT)
    (folder / "sub" / "protest.md").write_text(
        "---\ntitle: Oil workers protest\npublished: 2011-12-16\npublisher: Test Wire\n---\n"
        "Hundreds of striking oil workers gathered on the central square to demand higher pay, "
        "and police watched from the side streets without intervening, witnesses said."
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "cyrillic.txt").write_bytes(
        "Полиция задержала троих подозреваемых после взрыва в Атырау, сообщили в МВД.".encode(
            "cp1251"
        )
    )
    return folder


def test_ingest_search_show_and_rerun(corpus: Path, db_url: str) -> None:
    first = run("ingest", str(corpus), "--json", db=db_url, check_code=1)
    report = json.loads(first.stdout)
    assert (report["new"], report["duplicate"], report["failed"]) == (3, 0, 1)
    assert report["failures"][0]["source"].endswith("empty.txt")
    assert "empty" in report["failures"][0]["reason"]

    hits = json.loads(run("search", "car bomb", "--json", db=db_url).stdout)["hits"]
    assert len(hits) == 1
    assert "<mark>" in hits[0]["snippet"]
    assert hits[0]["published"] == "2011-12-18"  # from the dateline

    listed = json.loads(run("docs", "list", "--json", db=db_url).stdout)
    assert {d["language"] for d in listed} == {"en", "ru"}
    shown = json.loads(run("docs", "show", hits[0]["doc_id"][:8], "--json", db=db_url).stdout)
    assert shown["text"].startswith("ASTANA, 18 December 2011")
    assert shown["published_from"] == "dateline"
    cyrillic = next(d for d in listed if d["language"] == "ru")
    text = json.loads(run("docs", "show", cyrillic["doc_id"], "--json", db=db_url).stdout)["text"]
    assert text.startswith("Полиция задержала")

    again = json.loads(run("ingest", str(corpus), "--json", db=db_url, check_code=1).stdout)
    assert (again["new"], again["duplicate"], again["failed"]) == (0, 3, 1)
    with Database.open(db_url) as db:
        assert db.stats().documents == 3
        assert db.count_rows(["document_sources"]) == {"document_sources": 3}


def test_stdin_jsonl_with_a_bad_line(db_url: str) -> None:
    lines = [
        json.dumps({"id": "a", "text": REPORT, "title": "Bomb"}),
        "{not json",
        json.dumps({"id": "b", "text": "A quiet day in the capital, officials said, "
                    "with no incidents reported anywhere.", "published": "2011-12-20"}),
    ]
    proc = run("ingest", "-", "--json", db=db_url, stdin="\n".join(lines).encode(),
               check_code=1)
    report = json.loads(proc.stdout)
    assert (report["new"], report["failed"]) == (2, 1)
    assert report["failures"][0]["line"] == 2


def test_tlp_and_published_options(tmp_path: Path, sqlite_url: str) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Unconfirmed reports of gunfire near the border post overnight, "
                    "according to local residents reached by telephone.")
    run("ingest", str(note), "--tlp", "amber", "--published", "2012-08-01", db=sqlite_url)
    listed = json.loads(run("docs", "list", "--json", db=sqlite_url).stdout)
    assert listed[0]["tlp"] == "TLP:AMBER"
    assert listed[0]["published"] == "2012-08-01"
    assert listed[0]["published_from"] == "option"


@pytest.mark.parametrize(
    "args",
    [
        ("ingest",),  # no input
        ("ingest", "x.txt", "--tlp", "purple"),
        ("ingest", "x.txt", "--published", "20/12/2011"),
        ("ingest", "x.txt", "--max-bytes", "0"),
        ("search",),
        ("search", "x", "--since", "yesterday"),
        ("search", "x", "--limit", "0"),
        ("docs", "show"),
        ("no-such-command",),
    ],
)
def test_bad_usage_exits_2(args: tuple[str, ...], sqlite_url: str) -> None:
    proc = run(*args, db=sqlite_url, check_code=2)
    assert proc.stderr.strip()


def test_unknown_document_and_unreachable_database(sqlite_url: str) -> None:
    proc = run("docs", "show", "doesnotexist", db=sqlite_url, check_code=1)
    assert "no document" in proc.stderr
    proc = run("search", "x", db="postgresql://nobody@127.0.0.1:1/none", check_code=1)
    assert "cannot connect" in proc.stderr


def test_db_upgrade_and_info(sqlite_url: str) -> None:
    first = run("db", "upgrade", db=sqlite_url)
    assert "schema version" in first.stdout
    info = json.loads(run("db", "info", "--json", db=sqlite_url).stdout)
    assert info["documents"] == 0 and info["backend"] == "sqlite"


def test_database_url_from_environment(tmp_path: Path, corpus: Path) -> None:
    path = tmp_path / "env.sqlite"
    proc = subprocess.run(
        [sys.executable, "-m", "watchfloor", "ingest", str(corpus / "bomb.txt"), "--no-extract"],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "WATCHFLOOR_DATABASE_URL": str(path)},
    )
    assert proc.returncode == 0, proc.stderr
    assert path.exists()


def test_every_command_has_help_with_an_example() -> None:
    commands = [["ingest"], ["search"], ["docs", "list"], ["docs", "show"], ["db", "upgrade"],
                ["db", "info"], ["demo"], ["extract"], ["reextract"], ["geoparse"],
                ["eval", "geoparse"]]
    for command in commands:
        proc = subprocess.run([sys.executable, "-m", "watchfloor", *command, "--help"],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert "Example" in proc.stdout, command


def test_demo_ingests_extracts_and_serves_the_sample_corpus(demo_site: DemoSite) -> None:
    # demo_site is `watchfloor demo --db FILE --port P`, the README's main command
    output = demo_site.output
    assert "40 new" in output and "0 failed" in output
    extracted = re.search(r"extracted (\d+) document\(s\): (\d+) events", output)
    assert extracted and extracted.group(1) == "40" and int(extracted.group(2)) > 100, output
    assert "40 documents in" in output
    assert 'watchfloor search "suicide bomber" finds 5 report(s)' in output
    assert f"watchfloor workbench: {demo_site.url}" in output
    with urllib.request.urlopen(demo_site.url + "api/v1/", timeout=30) as reply:
        overview = json.load(reply)
    assert overview["documents"] == 40 and overview["events"] > 100
    assert overview["countries"][0]["code"] == "KZ"
    with urllib.request.urlopen(demo_site.url, timeout=30) as reply:
        page = reply.read().decode()
    assert "<title>Overview · watchfloor</title>" in page and "Kazakhstan" in page


def test_demo_no_serve_returns_after_the_summary(demo_site: DemoSite, tmp_path: Path) -> None:
    copy = tmp_path / "demo.sqlite"
    with sqlite3.connect(demo_site.db_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    proc = subprocess.run(
        [sys.executable, "-m", "watchfloor", "demo", "--db", str(copy), "--no-serve"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=180,
        env=demo_env(),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 new" in proc.stderr and "40 duplicate" in proc.stderr  # re-running changes nothing
    assert "40 documents in" in proc.stdout
    assert f"Browse it: watchfloor serve --db {copy}" in proc.stdout
    assert "watchfloor workbench:" not in proc.stdout + proc.stderr


def test_serve_on_a_busy_port_says_what_to_do(demo_site: DemoSite, sqlite_url: str) -> None:
    from typer.testing import CliRunner

    from watchfloor.cli import app

    port = demo_site.url.rstrip("/").rsplit(":", 1)[1]
    result = CliRunner().invoke(app, ["serve", "--db", sqlite_url, "--port", port])
    assert result.exit_code == 1, result.output
    assert f"127.0.0.1:{port} is already in use" in result.output
    assert "pick another port with --port" in result.output


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_sigkill_midway_then_rerun_converges(tmp_path: Path, db_url: str) -> None:
    """Kill an ingest with SIGKILL while it writes; the re-run stores every document once."""
    count = 3000
    source = tmp_path / "many.jsonl"
    with source.open("w") as fh:
        for i in range(count):
            text = f"Report {i}: patrol {i * 7919 % 10007} reported a quiet night near post {i}."
            fh.write(json.dumps({"id": f"r{i}", "text": text}) + "\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "watchfloor", "ingest", str(source), "--db", db_url,
         "--no-progress", "--no-extract"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    stored = 0
    deadline = time.monotonic() + 120
    try:
        with Database.open(db_url) as db:
            while time.monotonic() < deadline and proc.poll() is None:
                stored = db.stats().documents
                if stored >= 300:
                    break
                time.sleep(0.05)
        assert proc.poll() is None, "ingest finished before it could be killed; raise count"
        workers = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    # Its worker processes must not outlive it (they would hold pipes and memory forever).
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)], "orphaned ingest workers"
    with Database.open(db_url) as db:
        partial = db.stats().documents
    assert 0 < partial < count

    rerun = run("ingest", str(source), "--json", db=db_url)
    report = json.loads(rerun.stdout)
    assert report["new"] + report["duplicate"] == count
    assert report["duplicate"] == partial
    with Database.open(db_url) as db:
        assert db.stats().documents == count
        rows = db.count_rows(["documents", "document_sources"])
    assert rows == {"documents": count, "document_sources": count}


def test_every_command_and_setting_is_documented_in_the_readme() -> None:
    import re

    from watchfloor import cli
    from watchfloor.config import Settings

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    commands = [c.name for c in cli.app.registered_commands]
    for group in cli.app.registered_groups:
        commands += [f"{group.name} {c.name}" for c in group.typer_instance.registered_commands]
    missing = [c for c in commands if f"watchfloor {c}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"
    env_vars = set(re.findall(r"WATCHFLOOR_[A-Z_]+", Path(cli.__file__).parent.joinpath(
        "config.py").read_text()))
    undocumented = sorted(v for v in env_vars if v not in readme)
    assert not undocumented, f"settings missing from README.md: {undocumented}"
    assert Settings.from_env({}).tlp == "TLP:CLEAR"
