"""Geoparsing benchmark: the full LGL and GeoVirus evaluation table, with speed and memory.

Each corpus runs in a fresh subprocess so that its peak RSS is its own (parent process, and
the largest NER worker when --n-process > 1). Speed is documents/s for NER + recognition +
resolution, model load and gazetteer open excluded. --build also times a gazetteer build
into a temporary folder (seconds and peak RSS of the building process).

    .venv/bin/python benchmarks/geoparse_bench.py                    # both corpora, 2 workers
    .venv/bin/python benchmarks/geoparse_bench.py --n-process 1 --limit 100 --json
    .venv/bin/python benchmarks/geoparse_bench.py --build

Not a timed test: on a shared machine, compare numbers taken in one run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIR = REPO.parent / "shared" / "benchmarks" / "geoparsing"
CORPORA = ("lgl.xml", "GeoVirus.xml")


def _child_eval(path: str, limit: int | None, n_process: int) -> None:
    from watchfloor.evaluate.geoparse import run_geoparse_eval
    from watchfloor.extract.nlp import PLACES_EXCLUDE, load_pipeline
    from watchfloor.knowledge.gazetteer import open_gazetteer

    gazetteer = open_gazetteer()
    nlp = load_pipeline(exclude=PLACES_EXCLUDE)
    result = run_geoparse_eval(path, gazetteer=gazetteer, nlp=nlp, limit=limit,
                               n_process=n_process)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result["peak_rss_worker_mb"] = round(children, 1) if n_process > 1 else None
    print(json.dumps(result))


def _child_build() -> None:
    import tempfile

    from watchfloor.evaluate.geoparse import peak_rss_mb
    from watchfloor.knowledge.gazetteer import build_gazetteer

    with tempfile.TemporaryDirectory() as tmp:
        stats = build_gazetteer(Path(tmp) / "gazetteer.sqlite")
    print(json.dumps({"seconds": round(stats.seconds, 1), "places": stats.places,
                      "names": stats.names, "megabytes": round(stats.bytes / 2**20, 1),
                      "peak_rss_mb": peak_rss_mb()}))


def _run_child(*args: str) -> dict[str, object]:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child {args} failed:\n{proc.stderr}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR,
                        help="folder with lgl.xml and GeoVirus.xml")
    parser.add_argument("--limit", type=int, default=None, help="first N documents only")
    parser.add_argument("--n-process", type=int, default=2, help="NER worker processes")
    parser.add_argument("--build", action="store_true", help="also time a gazetteer build")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        if args.child[0] == "build":
            _child_build()
        else:
            _child_eval(args.child[1], int(args.child[2]) or None, int(args.child[3]))
        return

    from watchfloor.evaluate.geoparse import format_table
    from watchfloor.knowledge.gazetteer import open_gazetteer

    open_gazetteer().close()  # build on first use, outside the timed runs
    results = []
    for name in CORPORA:
        path = args.dir / name
        if not path.exists():
            print(f"skipping {path}: not found", file=sys.stderr)
            continue
        results.append(_run_child("--child", "eval", str(path), str(args.limit or 0),
                                  str(args.n_process)))
    build = _run_child("--child", "build") if args.build else None
    if args.json:
        print(json.dumps({"corpora": results, "build": build}, indent=2))
        return
    print(format_table(results))
    workers = [str(r.get("peak_rss_worker_mb")) for r in results]
    print(f"NER workers: {args.n_process}; peak RSS of the largest worker MiB: "
          f"{', '.join(workers)}")
    if build:
        print(f"gazetteer build: {build['seconds']} s, peak RSS {build['peak_rss_mb']} MiB, "
              f"{build['places']} places, {build['names']} names, {build['megabytes']} MB")


if __name__ == "__main__":
    main()
