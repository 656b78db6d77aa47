"""WikiEvents sentence-level event detection: attack, death, injury and arrest.

For each sentence of each document, gold says which of the four kinds of event it reports
(an event mention of that kind has its trigger there); a prediction says the same from our
extract lines (an event whose trigger lies in the sentence). Precision, recall and F1 are
micro-averaged over sentences per kind and over all four kinds.

Mapping (documented, applied the same way to every document):
- gold: Conflict.Attack.* -> attack; Life.Die.* -> death; Life.Injure.* -> injury;
  Justice.ArrestJailDetain.* -> arrest.
- ours: an event of type Battles, Explosions/Remote violence, Violence against civilians or
  Riots -> attack; with fatalities > 0 -> death; with injured > 0 -> injury;
  sub-type Arrests, or arrested > 0 -> arrest.
"""

from __future__ import annotations

import json
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

KINDS = ("attack", "death", "injury", "arrest")
_GOLD_PREFIX = {
    "Conflict.Attack.": "attack",
    "Life.Die.": "death",
    "Life.Injure.": "injury",
    "Justice.ArrestJailDetain.": "arrest",
}
_ATTACK_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"}

ExtractAllFn = Callable[[list[tuple[str, str, None]]], Iterable[dict[str, Any]]]


def load_documents(path: Path) -> list[dict[str, Any]]:
    """Documents with their text, sentence spans and gold kinds per sentence."""
    docs = []
    with path.open(encoding="utf-8") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: not valid JSON ({exc})") from exc
            spans = [(s[0][0][1], s[0][-1][2]) for s in record["sentences"] if s[0]]
            gold: set[tuple[int, str]] = set()
            for mention in record["event_mentions"]:
                for prefix, kind in _GOLD_PREFIX.items():
                    if mention["event_type"].startswith(prefix):
                        gold.add((mention["trigger"]["sent_idx"], kind))
            docs.append(
                {
                    "doc_id": record["doc_id"],
                    "text": record["text"],
                    "sentences": spans,
                    "gold": gold,
                }
            )
    return docs


def predicted_kinds(line: dict[str, Any], sentences: list[tuple[int, int]]) -> set[tuple[int, str]]:
    starts = [s for s, _e in sentences]
    out: set[tuple[int, str]] = set()
    for event in line.get("events") or []:
        trigger = event.get("trigger") or {}
        if trigger.get("start") is None:
            continue
        index = max(0, bisect_right(starts, trigger["start"]) - 1)
        if event.get("event_type") in _ATTACK_TYPES:
            out.add((index, "attack"))
        if (event.get("fatalities") or 0) > 0:
            out.add((index, "death"))
        if (event.get("injured") or 0) > 0:
            out.add((index, "injury"))
        if event.get("sub_event_type") == "Arrests" or (event.get("arrested") or 0) > 0:
            out.add((index, "arrest"))
    return out


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def run_wikievents_eval(path: Path, *, extract_all: ExtractAllFn) -> dict[str, Any]:
    docs = load_documents(path)
    started = time.perf_counter()
    lines = list(extract_all([(d["doc_id"], d["text"], None) for d in docs]))
    elapsed = time.perf_counter() - started
    counts = {kind: [0, 0, 0] for kind in KINDS}
    for doc, line in zip(docs, lines, strict=True):
        predicted = predicted_kinds(line, doc["sentences"])
        for kind in KINDS:
            gold = {s for s, k in doc["gold"] if k == kind}
            pred = {s for s, k in predicted if k == kind}
            counts[kind][0] += len(gold & pred)
            counts[kind][1] += len(pred - gold)
            counts[kind][2] += len(gold - pred)
    per_kind = {kind: _prf(*counts[kind]) for kind in KINDS}
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    return {
        "documents": len(docs),
        "sentences": sum(len(d["sentences"]) for d in docs),
        "per_kind": per_kind,
        "micro": _prf(*total),
        "speed": {
            "seconds": round(elapsed, 2),
            "docs_per_second": round(len(docs) / elapsed, 2) if elapsed else None,
        },
    }
