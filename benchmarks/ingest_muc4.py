"""Ingestion benchmark: the 1,500 MUC-3/4 texts into SQLite and PostgreSQL.

Reports documents/s, peak RSS and database size per backend, and how many texts got their
publication date from the dateline (checked against an independent reading of the first
line). Each backend runs in a fresh subprocess so that peak RSS is that run's own.

    .venv/bin/python benchmarks/ingest_muc4.py                      # both backends
    .venv/bin/python benchmarks/ingest_muc4.py --repeat 10          # 15,000 distinct texts
    .venv/bin/python benchmarks/ingest_muc4.py --backend sqlite --json

Not a timed test: numbers are reported, compared as ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text

from watchfloor.config import Settings
from watchfloor.evaluate.muc4 import iter_texts
from watchfloor.ingest.pipeline import IngestOptions, ingest_items
from watchfloor.records import RawDocument
from watchfloor.store import Database

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MUC = REPO.parent / "shared" / "benchmarks" / "muc4"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BENCH_SCHEMA = "wf_bench_ingest"
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
# An independent reading of the first line, to check the dateline parser's answer.
FIRST_LINE_DATE = re.compile(r"\b(\d{1,2}) (" + "|".join(MONTHS) + r")[A-Z]* (\d{2})\b")


def raw_documents(muc: Path, repeat: int) -> Iterator[RawDocument]:
    for copy in range(repeat):
        for item in iter_texts(muc):
            body = item.text if copy == 0 else f"{item.text}\n[replica {copy}]"
            doc_id = item.doc_id if copy == 0 else f"{item.doc_id}-r{copy}"
            yield RawDocument(source=f"{item.path.name}#{doc_id}", text=body, source_id=doc_id)


def expected_date(first_line: str) -> date | None:
    m = FIRST_LINE_DATE.search(first_line)
    if not m:
        return None
    year = int(m.group(3))
    return date(
        1900 + year if year >= 69 else 2000 + year, MONTHS.index(m.group(2)) + 1, int(m.group(1))
    )


def run_one(url: str, muc: Path, repeat: int, workers: int) -> dict[str, object]:
    settings = Settings(database_url=url)
    db = Database.open(url)
    started = time.perf_counter()
    report = ingest_items(
        raw_documents(muc, repeat),
        db=db,
        settings=settings,
        options=IngestOptions(tlp=settings.tlp, workers=workers),
    )
    elapsed = time.perf_counter() - started
    # Peak resident memory of this process and, separately, of its largest worker.
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    # Publication dates: found, and equal to an independent reading of the first line.
    found = agree = with_stated_date = correct = 0
    for doc in db.iter_documents():
        first_line = doc.text.split("\n", 1)[0]
        stated = expected_date(first_line)
        with_stated_date += stated is not None
        found += doc.published is not None
        agree += doc.published is not None and doc.published == stated
        # Correct: the first line's date, or unknown (null) when the first line states none.
        correct += doc.published == stated
    stats = db.stats()
    search_started = time.perf_counter()
    hits = db.search("car bomb", limit=10)
    search_ms = (time.perf_counter() - search_started) * 1000
    if db.backend == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    else:
        with db.engine.connect() as conn:
            size = conn.execute(
                text(
                    "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')"
                )
            ).scalar_one()
    db.close()
    total = len(report.new) + len(report.duplicate) + len(report.failed)
    return {
        "backend": db.backend,
        "inputs": total,
        "new": len(report.new),
        "duplicate": len(report.duplicate),
        "near_duplicate": len(report.near_duplicate),
        "failed": len(report.failed),
        "seconds": round(elapsed, 2),
        "docs_per_s": round(total / elapsed, 1),
        "workers": workers,
        "peak_rss_mb": round(peak_mb, 1),
        "worker_peak_rss_mb": round(worker_peak_mb, 1),
        "db_size_mb": round(int(size) / 2**20, 1),
        "documents": stats.documents,
        "search_car_bomb_hits": len(hits),
        "search_car_bomb_ms": round(search_ms, 1),
        "search_car_bomb_top": hits[0].snippet[:160] if hits else None,
        "published_found": found,
        "published_matches_first_line": agree,
        "published_correct": correct,
        "first_line_states_a_date": with_stated_date,
    }


def _postgres_url(admin_url: str) -> str:
    engine = create_engine(admin_url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{BENCH_SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{BENCH_SCHEMA}"'))
    engine.dispose()
    return f"{admin_url}?options=-csearch_path%3D{BENCH_SCHEMA}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--muc", type=Path, default=DEFAULT_MUC, help="the muc4 benchmark folder")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--postgres", default=os.environ.get("WATCHFLOOR_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="ingest the corpus N times with distinct texts (memory check)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="processes preparing documents (default: one per core)",
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--url", help=argparse.SUPPRESS)  # internal: one run in this process
    args = parser.parse_args()
    if not args.muc.is_dir():
        parser.error(f"{args.muc} not found; pass --muc PATH/TO/shared/benchmarks/muc4")

    if args.url:
        print(json.dumps(run_one(args.url, args.muc, args.repeat, args.workers)))
        return

    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            url = (
                f"sqlite:///{tmp}/bench.sqlite"
                if backend == "sqlite"
                else _postgres_url(args.postgres)
            )
            proc = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--muc",
                    str(args.muc),
                    "--repeat",
                    str(args.repeat),
                    "--url",
                    url,
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    keys = [
        "backend",
        "workers",
        "inputs",
        "docs_per_s",
        "peak_rss_mb",
        "worker_peak_rss_mb",
        "db_size_mb",
        "seconds",
        "duplicate",
        "near_duplicate",
        "failed",
    ]
    print(" | ".join(keys))
    for r in results:
        print(" | ".join(str(r[k]) for k in keys))
    for r in results:
        print(
            f"{r['backend']}: publication date found for {r['published_found']}/"
            f"{r['documents']} documents; equal to the first line's date for "
            f"{r['published_matches_first_line']}/{r['first_line_states_a_date']} "
            f"that state one; correct (that date, or null when none is stated) for "
            f"{r['published_correct']}/{r['documents']}"
        )


if __name__ == "__main__":
    main()
