"""Extraction speed benchmark on MUC-3/4 texts (about 300 words each).

Reports, in one run on the same texts: bare spaCy throughput (the English pipeline over the
texts with nlp.pipe, one process and two), and full watchfloor extraction (every stage,
one worker and one per core), with documents/s and peak RSS of the parent and its workers.

    .venv/bin/python benchmarks/extract_muc4.py                 # 300 texts
    .venv/bin/python benchmarks/extract_muc4.py --texts 1500 --json

Not a timed test: compare the numbers as ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MUC = REPO.parent / "shared" / "benchmarks" / "muc4"


def _texts(muc: Path, count: int) -> list[str]:
    from watchfloor.evaluate.muc4 import iter_texts

    texts = []
    for item in iter_texts(muc):
        texts.append(item.text)
        if len(texts) >= count:
            break
    return texts


def _rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(own, 1), round(children, 1)


def run_mode(mode: str, muc: Path, count: int, workers: int) -> dict[str, object]:
    texts = _texts(muc, count)
    words = sum(len(t.split()) for t in texts)
    if mode == "spacy":
        from watchfloor.extract.nlp import load_pipeline

        nlp = load_pipeline()
        started = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=16, n_process=workers):
            pass
    else:
        from watchfloor.extract.pipeline import ExtractOptions, Extractor
        from watchfloor.extract.runner import ExtractInput, extract_stream

        extractor = Extractor(ExtractOptions(gazetteer_path=os.environ.get("WATCHFLOOR_GAZETTEER")))
        extractor.warm_up()
        extractor.extract("warm-up text in Lima.", doc_id="w", source="w")  # open the gazetteer
        inputs = [ExtractInput(text=t, doc_id=str(i), source="muc") for i, t in enumerate(texts)]
        started = time.perf_counter()
        events = sum(
            len(line["events"])
            for line in extract_stream(inputs, extractor=extractor, workers=workers)
        )
    elapsed = time.perf_counter() - started
    own, children = _rss_mb()
    result: dict[str, object] = {
        "mode": mode,
        "workers": workers,
        "texts": len(texts),
        "words": words,
        "seconds": round(elapsed, 2),
        "docs_per_s": round(len(texts) / elapsed, 2),
        "peak_rss_mb": own,
        "worker_peak_rss_mb": children,
    }
    if mode == "extract":
        result["events"] = events
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--muc", type=Path, default=DEFAULT_MUC)
    parser.add_argument("--texts", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.muc.is_dir():
        parser.error(f"{args.muc} not found; pass --muc PATH/TO/shared/benchmarks/muc4")
    if args.mode:
        print(json.dumps(run_mode(args.mode, args.muc, args.texts, args.workers)))
        return
    cores = os.cpu_count() or 1
    results = []
    for mode, workers in (("spacy", 1), ("spacy", cores), ("extract", 1), ("extract", cores)):
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--muc",
                str(args.muc),
                "--texts",
                str(args.texts),
                "--mode",
                mode,
                "--workers",
                str(workers),
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
        "mode",
        "workers",
        "texts",
        "docs_per_s",
        "seconds",
        "peak_rss_mb",
        "worker_peak_rss_mb",
    ]
    print(" | ".join(keys))
    for r in results:
        print(" | ".join(str(r[k]) for k in keys))


if __name__ == "__main__":
    main()
