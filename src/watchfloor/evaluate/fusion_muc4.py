"""A labelled fusion set from the MUC-3/4 answer keys, and pairwise scoring of fusion.

**Labelling rule.** Each relevant key template (``MESSAGE: TEMPLATE`` not ``*``; optional
templates included) of a text is one incident report. Two templates of *different* texts
report the same incident when all of these hold:

1. *type*: their ``INCIDENT: TYPE`` values share an alternative (ATTACK, BOMBING, ...);
2. *date*: their ``INCIDENT: DATE`` ranges overlap (``- 15 JAN 90``, "on or before", is
   the range of the :data:`~watchfloor.evaluate.muc4_score.OPEN_RANGE_DAYS` days up to
   that date); a template without a date matches nothing;
3. *location*: they share a country and, when both name places below the country, at least
   one of those names (``PERU: LIMA (CITY): SAN ISIDRO (NEIGHBORHOOD)`` matches
   ``PERU: LIMA (CITY)`` and ``PERU``, not ``PERU: CUZCO (CITY)``);
4. *victims or targets*: they share a filler of ``HUM TGT: NAME``, ``HUM TGT:
   DESCRIPTION`` or ``PHYS TGT: ID`` (any alternative; case, punctuation and plural "S"
   folded; one filler may be a word sequence inside the other: "JESUITS" and "JESUIT
   PRIESTS", "BUS" and "PUBLIC BUS").

Gold incidents are the connected components of that relation (a partition of the
templates); two templates of one text are never the same incident (the keys give one
template per incident and text).

**Scoring.** Pairwise precision and recall over cross-text pairs:

- *gold templates* (the matcher's upper bound): each template becomes a contract-like
  event (:func:`template_event`: type, date, place names without coordinates, participants
  from the fillers, deaths; no evidence text), the events are fused, and a pair of
  templates is predicted same-incident when their events share a fused cluster.
- *our extractions, template-aligned*: every extracted event of the texts is fused; each
  template is aligned to the extracted event of its text that matches it best (date,
  country, city, and shared victims/targets; at least two of them must agree; an event
  naming the template's victims or targets first, as they identify the incident where a
  background event of the same day and country would tie on the rest); a pair of
  aligned templates is predicted same-incident when their events share a cluster. Pairs
  with an unaligned template count as predicted different (a recall loss of extraction,
  also reported separately as ``recall_aligned``: recall over gold pairs whose two
  templates both aligned).
- *our extractions, text pairs*: a pair of texts is gold-positive when they share a gold
  incident, predicted-positive when one cluster holds scorable events (the MUC incident
  types, not background; see :mod:`~watchfloor.evaluate.muc4_score`) of both. Correctly
  fused incidents that the keys do not template (older background events, military
  actions) count against precision here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from itertools import combinations
from typing import Any

from watchfloor.analyse.fusion import Cluster, FusionOptions, Report, fuse, prepare
from watchfloor.evaluate.muc4_keys import KeyTemplate
from watchfloor.evaluate.muc4_score import (
    CITY_KINDS,
    MUC_EVENT_TYPES,
    OPEN_RANGE_DAYS,
    _country_codes,
    _event_selected,
    city_correct,
    country_correct,
    date_correct,
)

_FOLD = re.compile(r"[^A-Z0-9 ]")
# Key incident types as ACLED (type, sub-type), for fusing gold templates.
MUC_TO_ACLED = {
    "ATTACK": ("Violence against civilians", "Attack"),
    "BOMBING": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "KIDNAPPING": ("Violence against civilians", "Abduction/forced disappearance"),
    "ARSON": ("Strategic developments", "Looting/property destruction"),
    "ROBBERY": ("Strategic developments", "Looting/property destruction"),
    "FORCED WORK STOPPAGE": ("Strategic developments", "Other"),
}
_ADMIN1_KINDS = ("DEPARTMENT", "PROVINCE", "STATE")
# Words that do not identify a victim or target ("TWO OF THE AGENTS" -> "AGENT").
_FILLER_STOPWORDS = frozenset((
    "A", "AN", "THE", "OF", "AND", "OR", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN",
    "EIGHT", "NINE", "TEN", "OTHER", "SOME", "SEVERAL", "MANY", "HIS", "HER", "THEIR"))
TemplateRef = tuple[str, int]  # (doc id, index of the template among the text's templates)


def _fold(text: str) -> str:
    return " ".join(_FOLD.sub(" ", text.upper()).split())


@dataclass(frozen=True)
class GoldTemplate:
    ref: TemplateRef
    template: KeyTemplate


def relevant_templates(keys: Mapping[str, list[KeyTemplate]]) -> list[GoldTemplate]:
    out = []
    for doc_id in sorted(keys):
        for i, t in enumerate(keys[doc_id]):
            if t.relevant:
                out.append(GoldTemplate((doc_id, i), t))
    return out


def _types(t: KeyTemplate) -> set[str]:
    return {a for f in t.fillers("INCIDENT: TYPE") for a in f.alternatives}


def _ranges(t: KeyTemplate) -> list[tuple[Any, Any]]:
    return [(d.start or d.end - timedelta(days=OPEN_RANGE_DAYS), d.end) for d in t.dates]


def _fillers(t: KeyTemplate, slot: str) -> set[str]:
    out = set()
    for alternatives in t.strings(slot):
        for a in alternatives:
            words = [w for w in _singular(_fold(a)).split() if w not in _FILLER_STOPWORDS]
            out.add(" ".join(words))
    return out - {""}


def _singular(text: str) -> str:
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("S") else w for w in text.split())


def _inside(short: str, long: str) -> bool:
    return f" {short} " in f" {long} "


def victims_targets_overlap(a: KeyTemplate, b: KeyTemplate) -> bool:
    """Shared victims or targets (module docstring, rule 4)."""
    names_a, names_b = _fillers(a, "HUM TGT: NAME"), _fillers(b, "HUM TGT: NAME")
    if any(_inside(x, y) or _inside(y, x) for x in names_a for y in names_b):
        return True
    specific_a = _fillers(a, "PHYS TGT: ID") | {
        d for d in _fillers(a, "HUM TGT: DESCRIPTION") if len(d.split()) >= 2}
    specific_b = _fillers(b, "PHYS TGT: ID") | {
        d for d in _fillers(b, "HUM TGT: DESCRIPTION") if len(d.split()) >= 2}
    return any(x == y or (min(len(x.split()), len(y.split())) >= 2
                          and (_inside(x, y) or _inside(y, x)))
               for x in specific_a | names_a for y in specific_b | names_b)


def _victims_targets(t: KeyTemplate) -> set[str]:
    return (_fillers(t, "HUM TGT: NAME") | _fillers(t, "HUM TGT: DESCRIPTION")
            | _fillers(t, "PHYS TGT: ID"))


def _locations_match(a: KeyTemplate, b: KeyTemplate) -> bool:
    for la in a.locations:
        for lb in b.locations:
            if _fold(la.country) != _fold(lb.country):
                continue
            names_a = {_fold(n) for n, _ in la.parts}
            names_b = {_fold(n) for n, _ in lb.parts}
            if not names_a or not names_b or names_a & names_b:
                return True
    return False


def same_incident(a: KeyTemplate, b: KeyTemplate) -> bool:
    """The labelling rule (module docstring) for two templates of different texts."""
    if a.doc_id == b.doc_id or not (_types(a) & _types(b)):
        return False
    if not any(s1 <= e2 and s2 <= e1 for s1, e1 in _ranges(a) for s2, e2 in _ranges(b)):
        return False
    return _locations_match(a, b) and victims_targets_overlap(a, b)


def gold_incidents(templates: Sequence[GoldTemplate]) -> dict[TemplateRef, int]:
    """Template -> gold incident number (connected components of :func:`same_incident`)."""
    parent = list(range(len(templates)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in combinations(range(len(templates)), 2):
        if same_incident(templates[i].template, templates[j].template):
            parent[find(i)] = find(j)
    return {g.ref: find(i) for i, g in enumerate(templates)}


def gold_pairs(labels: Mapping[TemplateRef, int]) -> set[frozenset[TemplateRef]]:
    by_incident: dict[int, list[TemplateRef]] = {}
    for ref, incident in labels.items():
        by_incident.setdefault(incident, []).append(ref)
    return {frozenset((a, b)) for refs in by_incident.values()
            for a, b in combinations(refs, 2) if a[0] != b[0]}


# ----------------------------------------------------------------------------- gold events
def template_event(gold: GoldTemplate, *, codes: Mapping[str, str]) -> dict[str, Any]:
    """A contract-like event made of a template's fillers (for the matcher's upper bound)."""
    t = gold.template
    kind = MUC_TO_ACLED.get(t.incident_type or "", ("Strategic developments", "Other"))
    event: dict[str, Any] = {"event_id": f"key-{gold.ref[1]}", "event_type": kind[0],
                             "sub_event_type": kind[1], "date": None, "location": None,
                             "participants": [], "fatalities": t.deaths, "confidence": 1.0}
    if t.dates:
        start, end = _ranges(t)[0]
        precision = "day" if start == end else "month"
        event["date"] = {"start_date": start.isoformat(), "end_date": end.isoformat(),
                         "precision": precision, "assumed": False}
    if t.locations:
        loc = t.locations[0]
        country = codes.get(_fold(loc.country).lower())
        cities = loc.named(*CITY_KINDS)
        regions = loc.named(*_ADMIN1_KINDS)
        if cities:
            name, code = cities[0], "PPL"
        elif regions:
            name, code = regions[0], "ADM1"
        else:
            name, code = loc.country, "PCLI"
        event["location"] = {"name": name.title(), "text": name, "feature_code": code,
                             "country_code": country, "admin1": regions[0] if regions else None,
                             "lat": None, "lon": None}
    roles = (("PERP: INDIVIDUAL ID", "perpetrator", "group"),
             ("PERP: ORGANIZATION ID", "perpetrator", "organization"),
             ("PHYS TGT: ID", "target", "object"), ("HUM TGT: NAME", "victim", "person"),
             ("HUM TGT: DESCRIPTION", "victim", "group"),
             ("INCIDENT: INSTRUMENT ID", "weapon", "object"))
    for slot, role, kind_ in roles:
        for alternatives in t.strings(slot):
            for text in alternatives:
                event["participants"].append({"role": role, "kind": kind_, "text": text,
                                              "actor_id": None})
    return event


def gold_reports(templates: Sequence[GoldTemplate], published: Mapping[str, Any],
                 *, options: FusionOptions) -> dict[TemplateRef, Report]:
    codes = {k.lower(): v for k, v in _country_codes().items()}
    return {g.ref: prepare(template_event(g, codes=codes), doc_id=g.ref[0],
                           published=published.get(g.ref[0]), options=options)
            for g in templates}


# ----------------------------------------------------------------------------- alignment
def _participant_overlap(template: KeyTemplate, event: Mapping[str, Any]) -> bool:
    wanted = _victims_targets(template)
    for p in event.get("participants") or []:
        text = _fold(str(p.get("text") or ""))
        if text and any(text == w or f" {text} " in f" {w} " or f" {w} " in f" {text} "
                        for w in wanted):
            return True
    return False


def align(gold: GoldTemplate, events: Sequence[Mapping[str, Any]],
          *, codes: Mapping[str, str]) -> int | None:
    """Index of the event of the template's text that matches it best, or None when no
    event agrees with it on at least two of date, country, city and victims/targets."""
    t = gold.template
    best: tuple[int, int, float, int] | None = None
    for i, e in enumerate(events):
        loc = e.get("location")
        victims = _participant_overlap(t, e)
        hits = (int(bool(t.dates) and date_correct(e.get("date"), t.dates))
                + int(bool(t.locations) and country_correct(loc, t.locations,
                                                            codes=dict(codes)))
                + int(city_correct(loc, t.locations)) + int(victims))
        rank = (int(victims), hits, float(e.get("confidence") or 0), -i)
        if hits >= 2 and (best is None or rank > best):
            best = rank
    return -best[3] if best is not None else None


# ----------------------------------------------------------------------------- scoring
def prf(predicted: set[frozenset[Any]], gold: set[frozenset[Any]]) -> dict[str, Any]:
    tp = len(predicted & gold)
    p = tp / len(predicted) if predicted else 0.0
    r = tp / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "true_pairs": tp, "predicted_pairs": len(predicted), "gold_pairs": len(gold)}


def cluster_pairs(clusters: Iterable[Cluster]) -> set[frozenset[str]]:
    """Cross-document pairs of report keys that share a cluster."""
    return {frozenset((a.key, b.key)) for c in clusters for a, b in combinations(c.members, 2)
            if a.doc_id != b.doc_id}


def score_gold_templates(templates: Sequence[GoldTemplate], published: Mapping[str, Any],
                         *, options: FusionOptions) -> dict[str, Any]:
    labels = gold_incidents(templates)
    reports = gold_reports(templates, published, options=options)
    by_key = {r.key: ref for ref, r in reports.items()}
    predicted = {frozenset(by_key[k] for k in pair)
                 for pair in cluster_pairs(fuse(reports.values(), options=options))}
    return prf(predicted, gold_pairs(labels))


def score_extractions(templates: Sequence[GoldTemplate], lines: Mapping[str, Mapping[str, Any]],
                      *, options: FusionOptions) -> dict[str, Any]:
    """Fuse every extracted event of ``lines`` (doc id -> contract line); score pairs of
    aligned templates and pairs of texts (module docstring)."""
    codes = _country_codes()
    reports: list[Report] = []
    for doc_id in sorted(lines):
        line = lines[doc_id]
        for event in line.get("events") or []:
            reports.append(prepare(event, doc_id=doc_id, published=line.get("published"),
                                   text=line.get("text") or "", options=options))
    clusters = fuse(reports, options=options)
    cluster_of = {r.key: i for i, c in enumerate(clusters) for r in c.members}
    labels = gold_incidents([g for g in templates if g.ref[0] in lines])
    gold = gold_pairs(labels)
    aligned: dict[TemplateRef, str] = {}
    for g in templates:
        if g.ref[0] not in lines:
            continue
        events = lines[g.ref[0]].get("events") or []
        index = align(g, events, codes=codes)
        if index is not None:
            aligned[g.ref] = f"{g.ref[0]}/{events[index]['event_id']}"
    refs = sorted(aligned)
    predicted = {frozenset((a, b)) for a, b in combinations(refs, 2)
                 if a[0] != b[0] and cluster_of[aligned[a]] == cluster_of[aligned[b]]}
    both_aligned = {p for p in gold if all(ref in aligned for ref in p)}
    template_scores = prf(predicted, gold)
    template_scores["recall_aligned"] = prf(predicted, both_aligned)["recall"]
    template_scores["aligned_templates"] = len(aligned)
    template_scores["templates"] = len(labels)
    # Text pairs.
    gold_docs = {frozenset(r[0] for r in p) for p in gold}
    scorable = {r.key for r in reports if _event_selected(
        dict(r.event), MUC_EVENT_TYPES, lines[r.doc_id].get("published"))}
    predicted_docs = {frozenset((a.doc_id, b.doc_id)) for c in clusters
                      for a, b in combinations(c.members, 2)
                      if a.doc_id != b.doc_id and a.key in scorable and b.key in scorable}
    return {"reports": len(reports), "fused_events": len(clusters),
            "fused_with_several_reports": sum(len(c.members) > 1 for c in clusters),
            "template_pairs": template_scores, "text_pairs": prf(predicted_docs, gold_docs)}
