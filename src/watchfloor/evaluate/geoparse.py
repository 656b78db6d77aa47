"""Geoparsing evaluation on LGL and GeoVirus (formats of the Pragmatic Guide repository).

Metrics (as in Gritta et al., "A pragmatic guide to geoparsing evaluation"):

- recognition: precision / recall / F1 of predicted toponym spans against gold spans, exact
  character offsets;
- resolution on gold toponyms: every gold span with coordinates is resolved in its document
  (the system's own other toponyms give the context) and compared with the gold point:
  exact GeoNames id (where gold has one), Acc@161km, correct admin1 (LGL: by GeoNames id),
  mean and median error in km (an unresolved toponym counts as ``UNRESOLVED_KM``);
- end to end: a predicted toponym is correct when its span matches a gold span exactly and
  it is resolved within 161 km of the gold point; precision / recall / F1;
- speed: documents per second for NER + recognition + resolution (model load excluded) and
  the process's peak resident memory.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from watchfloor.extract.places import (
    PlaceContext,
    clean_text,
    place_dict,
    places_from_mentions,
)
from watchfloor.extract.places_home import ReportAreas, SourceProfile
from watchfloor.extract.places_recognise import EntitySpan, Mention, doc_spans, recognise
from watchfloor.extract.places_resolve import Resolution, haversine_km, resolve
from watchfloor.knowledge.gazetteer import Gazetteer

# 161 km = 100 miles, the standard tolerance of Acc@161.
ACC_KM = 161.0
# Error assigned to a gold toponym the system could not resolve at all: half the earth's
# circumference, the largest possible great-circle error.
UNRESOLVED_KM = 20_037.5
# Documents per NER batch (spaCy's default is 1000 texts, too many for a worker's memory with
# long articles; 32 keeps the workers busy).
BATCH_SIZE = 32


@dataclass(frozen=True, kw_only=True)
class GoldToponym:
    start: int
    end: int
    text: str
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    admin1_geonameid: int | None = None
    has_admin1_gold: bool = False


@dataclass(kw_only=True)
class GoldDocument:
    doc_id: str
    text: str
    source: str | None = None  # the publisher: LGL's <domain>, GeoVirus's page host
    toponyms: list[GoldToponym] = field(default_factory=list)


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def load_lgl(path: str | Path) -> list[GoldDocument]:
    """LGL: ``<article docid>`` with ``<text>`` and ``<toponyms>`` (gaztag optional)."""
    docs: list[GoldDocument] = []
    for art in ET.parse(path).getroot().iter("article"):
        doc = GoldDocument(doc_id=art.get("docid") or str(len(docs)),
                           text=art.findtext("text") or "",
                           source=(art.findtext("domain") or "").strip() or None)
        for top in art.iter("toponym"):
            start, end = _int(top.findtext("start")), _int(top.findtext("end"))
            if start is None or end is None:
                continue
            tag = top.find("gaztag")
            admin1 = tag.find("admin1") if tag is not None else None
            doc.toponyms.append(GoldToponym(
                start=start, end=end, text=top.findtext("phrase") or doc.text[start:end],
                lat=_float(tag.findtext("lat")) if tag is not None else None,
                lon=_float(tag.findtext("lon")) if tag is not None else None,
                geonameid=_int(tag.get("geonameid")) if tag is not None else None,
                admin1_geonameid=_int(admin1.get("geonameid")) if admin1 is not None else None,
                has_admin1_gold=tag is not None,
            ))
        docs.append(doc)
    return docs


# GeoVirus offsets are often shifted by one character; the name is searched this far around.
ALIGN_WINDOW = 5


def _align(text: str, name: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of ``name`` nearest to the given ones (the corpus's own may be off by one)."""
    if text[start:end] == name:
        return start, end
    best: tuple[int, int] | None = None
    for delta in range(1, ALIGN_WINDOW + 1):
        for cand in (start - delta, start + delta):
            if cand >= 0 and text[cand:cand + len(name)] == name:
                best = (cand, cand + len(name))
                break
        if best:
            return best
    return start, end


def load_geovirus(path: str | Path) -> list[GoldDocument]:
    """GeoVirus: ``<article>`` with ``<text>`` and ``<locations>`` (name, start, end, lat, lon).

    Offsets are re-aligned to where the name really is (see ``_align``)."""
    docs: list[GoldDocument] = []
    for n, art in enumerate(ET.parse(path).getroot().iter("article")):
        page = art.findtext("source") or ""
        doc = GoldDocument(doc_id=page or str(n), text=art.findtext("text") or "",
                           source=urlsplit(page).hostname or None)
        for loc in art.iter("location"):
            start, end = _int(loc.findtext("start")), _int(loc.findtext("end"))
            if start is None or end is None:
                continue
            name = loc.findtext("name") or doc.text[start:end]
            start, end = _align(doc.text, name, start, end)
            doc.toponyms.append(GoldToponym(
                start=start, end=end, text=name,
                lat=_float(loc.findtext("lat")), lon=_float(loc.findtext("lon")),
            ))
        docs.append(doc)
    return docs


def load_corpus(path: str | Path) -> tuple[str, list[GoldDocument]]:
    """Detect the format by its elements: LGL has ``<toponyms>``, GeoVirus ``<locations>``."""
    root = ET.parse(path).getroot()
    if root.find(".//toponyms") is not None:
        return "lgl", load_lgl(path)
    if root.find(".//locations") is not None:
        return "geovirus", load_geovirus(path)
    raise ValueError(f"{path}: neither LGL (<toponyms>) nor GeoVirus (<locations>) XML")


def _prf(tp: int, predicted: int, gold: int) -> dict[str, float]:
    p = tp / predicted if predicted else 0.0
    r = tp / gold if gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def resolve_gold(
    doc: GoldDocument, entities: list[EntitySpan], *, gazetteer: Gazetteer,
    context: PlaceContext,
) -> list[dict[str, Any]]:
    """Resolve the gold spans of ``doc``; the system's other toponyms give context."""
    return [place_dict(r, gazetteer=gazetteer)
            for r in resolve_gold_spans(doc, entities, gazetteer=gazetteer, context=context)]


def resolve_gold_spans(
    doc: GoldDocument, entities: list[EntitySpan], *, gazetteer: Gazetteer,
    context: PlaceContext,
) -> list[Resolution]:
    """The resolutions (with all candidates) of the gold spans of ``doc``."""
    text = clean_text(doc.text)
    system = recognise(text, entities, gazetteer=gazetteer, demonyms=context.demonyms)
    gold_spans = {(g.start, g.end) for g in doc.toponyms}
    mentions = [Mention(start=g.start, end=g.end, text=text[g.start:g.end], source="gold")
                for g in doc.toponyms]
    demonyms = {(m.start, m.end): m for m in system if m.source == "demonym"}
    for m in mentions:
        found = demonyms.get((m.start, m.end))
        if found is not None:
            m.demonym_of, m.demonym_place = found.demonym_of, found.demonym_place
    mentions += [m for m in system if not any(
        m.start < e and s < m.end for s, e in gold_spans)]
    mentions.sort(key=lambda m: (m.start, m.end))
    results = resolve(text, mentions, gazetteer=gazetteer,
                      publisher_countries=context.publisher_countries, home=context.home)
    by_span = {(r.mention.start, r.mention.end): r for r in results if r.mention.source == "gold"}
    return [by_span[(g.start, g.end)] for g in doc.toponyms]


def home_contexts(
    docs: list[GoldDocument], predictions: list[list[dict[str, Any]]], context: PlaceContext,
) -> list[PlaceContext]:
    """Per document, ``context`` with the home area of its source learnt from the other
    documents' predicted places (``context`` itself where there is none)."""
    areas = [ReportAreas.from_places(preds) for preds in predictions]
    profiles: dict[str, SourceProfile] = {}
    for d, own in zip(docs, areas, strict=True):
        if d.source:
            profiles.setdefault(d.source, SourceProfile()).add(own)
    out = []
    for d, own in zip(docs, areas, strict=True):
        home = profiles[d.source].area(leave_out=own) if d.source else None
        out.append(replace(context, home=home) if home is not None else context)
    return out


def score_corpus(
    docs: list[GoldDocument],
    predictions: list[list[dict[str, Any]]],
    gold_resolutions: list[list[dict[str, Any]]],
) -> dict[str, Any]:
    """All metrics from per-document predictions and gold-span resolutions."""
    rec_tp = n_pred = n_gold = 0
    e2e_tp = 0
    errors: list[float] = []
    exact = exact_n = admin1_ok = admin1_n = 0
    for doc, preds, resolved in zip(docs, predictions, gold_resolutions, strict=True):
        gold_by_span = {(g.start, g.end): g for g in doc.toponyms}
        n_gold += len(doc.toponyms)
        n_pred += len(preds)
        for p in preds:
            g = gold_by_span.get((p["start"], p["end"]))
            if g is None:
                continue
            rec_tp += 1
            if (g.lat is not None and g.lon is not None and p["lat"] is not None
                    and haversine_km(g.lat, g.lon, p["lat"], p["lon"]) <= ACC_KM):
                e2e_tp += 1
        for g, r in zip(doc.toponyms, resolved, strict=True):
            if g.lat is None or g.lon is None:
                continue
            err = (haversine_km(g.lat, g.lon, r["lat"], r["lon"])
                   if r["lat"] is not None else UNRESOLVED_KM)
            errors.append(err)
            if g.geonameid is not None:
                exact_n += 1
                exact += int(r["geonameid"] == g.geonameid)
            if g.has_admin1_gold:
                admin1_n += 1
                admin1_ok += int(r["admin1_geonameid"] == g.admin1_geonameid)
    resolved_n = len(errors)
    e2e_gold = sum(1 for d in docs for g in d.toponyms if g.lat is not None)
    return {
        "documents": len(docs),
        "gold_toponyms": n_gold,
        "predicted_toponyms": n_pred,
        "recognition": _prf(rec_tp, n_pred, n_gold),
        "resolution": {
            "toponyms": resolved_n,
            "acc_161km": round(sum(e <= ACC_KM for e in errors) / resolved_n, 4)
            if resolved_n else 0.0,
            "exact_id": round(exact / exact_n, 4) if exact_n else None,
            "exact_id_toponyms": exact_n,
            "admin1": round(admin1_ok / admin1_n, 4) if admin1_n else None,
            "mean_error_km": round(statistics.fmean(errors), 1) if errors else None,
            "median_error_km": round(statistics.median(errors), 1) if errors else None,
            "unresolved": sum(e == UNRESOLVED_KM for e in errors),
        },
        "end_to_end": _prf(e2e_tp, n_pred, e2e_gold),
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MiB (ru_maxrss is KiB on Linux, B on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def run_geoparse_eval(
    path: str | Path,
    *,
    gazetteer: Gazetteer,
    nlp: Any = None,
    limit: int | None = None,
    context: PlaceContext = PlaceContext(),
    n_process: int = 1,
    source_context: bool = True,
    misses: bool = False,
) -> dict[str, Any]:
    """Evaluate on one LGL or GeoVirus file; returns the metrics as a JSON-able dict.

    ``source_context``: resolve a second time with each source's home area (the places of
    the same publisher's other documents, ``places_home``); False scores one pass.
    ``misses``: add ``misses`` (one record per gold toponym resolved beyond 161 km, see
    ``geoparse_misses``) and ``miss_categories`` (their counts)."""
    corpus, docs = load_corpus(path)
    if limit is not None:
        docs = docs[:limit]
    if nlp is None:
        from watchfloor.extract.nlp import PLACES_EXCLUDE, load_pipeline

        nlp = load_pipeline(exclude=PLACES_EXCLUDE)
    started = time.perf_counter()
    texts: Iterable[str] = (clean_text(d.text) for d in docs)
    entities: list[list[EntitySpan]] = []
    recognised: list[list[Mention]] = []
    predictions: list[list[dict[str, Any]]] = []
    # Streamed: with n_process > 1 the workers run NER while this process resolves.
    for d, parsed in zip(docs, nlp.pipe(texts, n_process=n_process, batch_size=BATCH_SIZE),
                         strict=True):
        ents = doc_spans(parsed)
        entities.append(ents)
        text = clean_text(d.text)
        recognised.append(recognise(text, ents, gazetteer=gazetteer,
                                    demonyms=context.demonyms))
        predictions.append(places_from_mentions(text, recognised[-1], gazetteer=gazetteer,
                                                context=context))
    contexts = [context] * len(docs)
    if source_context:
        # Second pass: each document resolved again with its source's home area, learnt
        # from the first-pass places of the source's other documents (places_home).
        contexts = home_contexts(docs, predictions, context)
        predictions = [
            places_from_mentions(clean_text(d.text), found, gazetteer=gazetteer, context=c)
            if c is not context else preds
            for d, found, c, preds in zip(docs, recognised, contexts, predictions, strict=True)
        ]
    seconds = time.perf_counter() - started
    resolutions = [
        resolve_gold_spans(d, ents, gazetteer=gazetteer, context=c)
        for d, ents, c in zip(docs, entities, contexts, strict=True)
    ]
    gold_resolutions = [[place_dict(r, gazetteer=gazetteer) for r in rs] for rs in resolutions]
    result = score_corpus(docs, predictions, gold_resolutions)
    if misses:
        from watchfloor.evaluate.geoparse_misses import count_categories, find_misses

        result["misses"] = find_misses(corpus, docs, resolutions, gazetteer)
        result["miss_categories"] = count_categories(result["misses"])
    result.update({
        "corpus": corpus, "path": str(path),
        "docs_per_second": round(len(docs) / seconds, 2) if seconds else None,
        "seconds": round(seconds, 2), "peak_rss_mb": peak_rss_mb(), "n_process": n_process,
        "source_context": source_context,
    })
    return result


def _miss_count(category: str) -> Callable[[dict[str, Any]], Any]:
    return lambda r: r.get("miss_categories", {}).get(category)


def format_table(results: list[dict[str, Any]]) -> str:
    """Plain-text table of one or more evaluation results."""
    rows = [
        ("documents", lambda r: r["documents"]),
        ("gold toponyms", lambda r: r["gold_toponyms"]),
        ("recognition P", lambda r: r["recognition"]["precision"]),
        ("recognition R", lambda r: r["recognition"]["recall"]),
        ("recognition F1", lambda r: r["recognition"]["f1"]),
        ("exact GeoNames id", lambda r: r["resolution"]["exact_id"]),
        ("Acc@161km", lambda r: r["resolution"]["acc_161km"]),
        ("admin1", lambda r: r["resolution"]["admin1"]),
        ("mean error km", lambda r: r["resolution"]["mean_error_km"]),
        ("median error km", lambda r: r["resolution"]["median_error_km"]),
        ("end-to-end P", lambda r: r["end_to_end"]["precision"]),
        ("end-to-end R", lambda r: r["end_to_end"]["recall"]),
        ("end-to-end F1", lambda r: r["end_to_end"]["f1"]),
        ("docs/s", lambda r: r["docs_per_second"]),
        ("peak RSS MiB", lambda r: r["peak_rss_mb"]),
    ]
    if any("miss_categories" in r for r in results):
        from watchfloor.evaluate.geoparse_misses import CATEGORIES

        rows += [(f"misses: {k}", _miss_count(k)) for k in CATEGORIES]
    header = ["metric", *[r["corpus"] for r in results]]
    lines = [header] + [[name, *["-" if f(r) is None else str(f(r)) for r in results]]
                        for name, f in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True))
                     for line in lines)
