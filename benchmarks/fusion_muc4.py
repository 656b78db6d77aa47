"""Event-fusion benchmark on MUC-3/4: pairwise precision and recall of fusing the same
incident across texts (labelling rule and scoring: watchfloor/evaluate/fusion_muc4.py).

    .venv/bin/python benchmarks/fusion_muc4.py                  # TST1+TST2 and the DEV texts
    .venv/bin/python benchmarks/fusion_muc4.py --split dev --json

Extraction output is cached as JSON Lines under benchmarks/results/ (gitignored),
one file per split; ``--refresh`` re-extracts. Reported numbers, not a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MUC = REPO.parent / "shared" / "benchmarks" / "muc4"
RESULTS = REPO / "benchmarks" / "results"
# Split names as in `watchfloor eval muc4`: dev = TST1+TST2, train = the 1,300 DEV texts.
SPLITS = {"dev": ("tst1", "tst2"), "train": ("dev",)}


def _extract(muc: Path, originals: tuple[str, ...], cache: Path, workers: int,
             refresh: bool) -> dict[str, dict[str, Any]]:
    from watchfloor.evaluate.muc4 import iter_texts

    texts = list(iter_texts(muc, splits=originals))
    if cache.is_file() and not refresh:
        lines = [json.loads(x) for x in cache.read_text(encoding="utf-8").splitlines() if x]
        if {line["doc_id"] for line in lines} == {t.doc_id for t in texts}:
            return {line["doc_id"]: line for line in lines}
        print(f"{cache} does not match the texts; extracting again", file=sys.stderr)
    from watchfloor.extract.pipeline import ExtractOptions, Extractor
    from watchfloor.extract.runner import ExtractInput, extract_stream
    from watchfloor.ingest.dateline import find_dateline

    extractor = Extractor(ExtractOptions(gazetteer_path=os.environ.get("WATCHFLOOR_GAZETTEER")))
    inputs = []
    for t in texts:
        dateline = find_dateline(t.text)
        inputs.append(ExtractInput(text=t.text, doc_id=t.doc_id, source=t.doc_id,
                                   published=dateline[0] if dateline else None))
    cache.parent.mkdir(parents=True, exist_ok=True)
    out: dict[str, dict[str, Any]] = {}
    with cache.open("w", encoding="utf-8") as handle:
        for line in extract_stream(inputs, extractor=extractor, workers=workers):
            handle.write(json.dumps(line) + "\n")
            out[line["doc_id"]] = line
    return out


def run(muc: Path, split: str, *, workers: int, refresh: bool) -> dict[str, Any]:
    from watchfloor.analyse.fusion import FusionOptions, idf_weights, reports_from_line
    from watchfloor.evaluate.fusion_muc4 import (
        relevant_templates,
        score_extractions,
        score_gold_templates,
    )
    from watchfloor.evaluate.muc4_keys import load_keys
    from watchfloor.ingest.dateline import find_dateline

    originals = SPLITS[split]
    keys = load_keys(muc, splits=originals)
    templates = relevant_templates(keys)
    cache = RESULTS / f"muc4_extract_{'_'.join(originals)}.jsonl"
    lines = _extract(muc, originals, cache, workers, refresh)
    published = {doc_id: line.get("published") for doc_id, line in lines.items()}
    for doc_id, line in lines.items():  # texts whose dateline the extractor did not keep
        if not published[doc_id] and (found := find_dateline(line.get("text") or "")):
            published[doc_id] = found[0]
    evidence = [r.evidence_text for line in lines.values() for r in reports_from_line(line)]
    options = FusionOptions(idf=idf_weights(evidence))
    started = time.perf_counter()
    extracted = score_extractions(templates, lines, options=options)
    seconds = time.perf_counter() - started
    return {
        "split": split, "texts": len(lines), "templates": len(templates),
        "gold_templates": score_gold_templates(templates, published, options=options),
        "extractions": extracted, "fusion_seconds": round(seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--muc", type=Path, default=DEFAULT_MUC)
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--refresh", action="store_true", help="re-extract the texts")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.muc.is_dir():
        parser.error(f"{args.muc} not found; pass --muc PATH/TO/shared/benchmarks/muc4")
    splits = list(SPLITS) if args.split == "all" else [args.split]
    results = [run(args.muc, s, workers=args.workers, refresh=args.refresh) for s in splits]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print("split | texts | set | precision | recall | F1 | true/predicted/gold pairs")
    for r in results:
        rows = [("gold templates", r["gold_templates"]),
                ("ours: template pairs", r["extractions"]["template_pairs"]),
                ("ours: text pairs", r["extractions"]["text_pairs"])]
        for name, s in rows:
            print(f"{r['split']} | {r['texts']} | {name} | {s['precision']:.3f} | "
                  f"{s['recall']:.3f} | {s['f1']:.3f} | "
                  f"{s['true_pairs']}/{s['predicted_pairs']}/{s['gold_pairs']}")
        t = r["extractions"]["template_pairs"]
        print(f"{r['split']} | aligned templates {t['aligned_templates']}/{t['templates']}, "
              f"recall on pairs with both aligned {t['recall_aligned']:.3f}; "
              f"{r['extractions']['reports']} events -> {r['extractions']['fused_events']} "
              f"fused ({r['extractions']['fused_with_several_reports']} with several "
              f"reports) in {r['fusion_seconds']} s")


if __name__ == "__main__":
    main()
