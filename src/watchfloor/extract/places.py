"""Places stage: find toponyms in a text and resolve them against the embedded gazetteer.

    from watchfloor.knowledge.gazetteer import open_gazetteer
    gaz = open_gazetteer()
    extract_places("Clashes in Mangistau province, western Kazakhstan ...", gazetteer=gaz)

returns CONTRACT.md place objects sorted by start offset. Recognition rules are in
``places_recognise``, scoring in ``places_resolve``; this module assembles them and shapes
the output. Extra fields beyond the contract: ``place_id`` ("geonames:<id>" or
"watchfloor:<supplement id>"), ``supplement_id``, ``kind``, ``population``,
``admin1_geonameid``, ``source`` (ner | gazetteer | demonym | hierarchy), ``demonym``
(true for "Kazakh", "Uzbek" ... standing for their country) and ``resolved``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from watchfloor.extract.places_home import HomeArea
from watchfloor.extract.places_recognise import (
    EntitySpan,
    Mention,
    doc_spans,
    is_all_caps,
    ner_spans,
    recase,
    recognise,
)
from watchfloor.extract.places_resolve import Resolution, resolve
from watchfloor.ingest.dateline import dateline_place_span
from watchfloor.knowledge.gazetteer import Gazetteer

# Control characters other than tab/newline/carriage return confuse the tokenizer's
# whitespace handling; they are replaced by spaces (same length, offsets unchanged).
_CONTROL = {i: " " for i in range(32) if chr(i) not in "\t\n\r"} | {0x7F: " "}


@dataclass(frozen=True, kw_only=True)
class PlaceContext:
    """What is known about a document beyond its text.

    ``publisher_countries``: ISO alpha-2 codes of the publisher's country (favours local
    readings of ambiguous names). ``demonyms``: emit "Kazakh"/"Uzbek" as their country
    (flagged ``demonym: true``). ``keep_unresolved``: keep NER toponyms no gazetteer entry
    matched, with null coordinates, so no name is silently lost. ``home``: the home area
    of the document's source (``places_home``), learnt from its other reports.
    """

    publisher_countries: tuple[str, ...] = ()
    demonyms: bool = True
    keep_unresolved: bool = True
    home: HomeArea | None = None


def clean_text(text: str) -> str:
    """``text`` with control characters blanked (same length, so offsets still hold)."""
    return text.translate(_CONTROL)


def place_dict(res: Resolution, *, gazetteer: Gazetteer) -> dict[str, Any]:
    """One CONTRACT.md place object for a resolution."""
    m, c = res.mention, res.candidate
    out: dict[str, Any] = {
        "start": m.start, "end": m.end, "text": m.text,
        "geonameid": None, "name": None, "feature_code": None, "lat": None, "lon": None,
        "country_code": None, "admin1": None, "admin1_code": None, "admin2": None,
        "score": 0.0, "place_id": None, "supplement_id": None, "kind": None,
        "population": None, "admin1_geonameid": None, "source": m.source,
        "demonym": m.demonym_of is not None or m.demonym_place is not None,
        "resolved": c is not None,
    }
    if c is None:
        return out
    admin1_code = c.admin1_code if c.kind not in ("country", "continent") else None
    admin1 = gazetteer.admin1_name(c.country_code, admin1_code)
    admin1_row = gazetteer.admin1_place_id(c.country_code, admin1_code)
    if c.kind == "admin1" and admin1_code is None:  # a unit without a code is its own admin1
        admin1, admin1_row = c.name, c.geonameid
    out.update({
        "geonameid": c.geonameid, "name": c.name, "feature_code": c.feature_code,
        "lat": round(c.lat, 5), "lon": round(c.lon, 5), "country_code": c.country_code,
        "admin1": admin1, "admin1_code": admin1_code if admin1 or admin1_code else None,
        "admin2": gazetteer.admin2_name(c.country_code, admin1_code, c.admin2_code),
        "score": res.score, "place_id": c.place_id, "supplement_id": c.supplement_id,
        "kind": c.kind, "population": c.population, "admin1_geonameid": admin1_row,
    })
    return out


def places_from_entities(
    text: str,
    entities: Iterable[EntitySpan],
    *,
    gazetteer: Gazetteer,
    context: PlaceContext = PlaceContext(),
) -> list[dict[str, Any]]:
    """The model-free core: recognition over given NER spans, resolution, output."""
    mentions = recognise(text, entities, gazetteer=gazetteer, demonyms=context.demonyms)
    return places_from_mentions(text, mentions, gazetteer=gazetteer, context=context)


def places_from_mentions(
    text: str,
    mentions: list[Mention],
    *,
    gazetteer: Gazetteer,
    context: PlaceContext = PlaceContext(),
) -> list[dict[str, Any]]:
    """Resolution and output for mentions already recognised (``recognise``): a second
    resolution with more context (a source's home area) need not recognise again."""
    mentions = [replace(m) for m in mentions]  # resolution marks parents on its mentions
    resolutions = resolve(
        text, mentions, gazetteer=gazetteer, publisher_countries=context.publisher_countries,
        home=context.home, dateline=dateline_place_span(text),
    )
    places = [
        place_dict(r, gazetteer=gazetteer)
        for r in resolutions
        if r.candidate is not None or (context.keep_unresolved and r.mention.source == "ner")
    ]
    return sorted(places, key=lambda p: (p["start"], p["end"]))


def _ner_text(text: str, gazetteer: Gazetteer) -> str:
    cleaned = clean_text(text)
    return recase(cleaned, gazetteer) if is_all_caps(cleaned) else cleaned


def extract_places(
    text: str,
    *,
    gazetteer: Gazetteer,
    doc: Any = None,
    context: PlaceContext = PlaceContext(),
    nlp: Any = None,
) -> list[dict[str, Any]]:
    """CONTRACT place objects for ``text``, sorted by start offset.

    ``doc``: a spaCy Doc of ``text`` already made by a shared pipeline (its entities are
    reused; ignored for ALL-CAPS text, which is re-cased first). ``nlp``: the pipeline to
    use otherwise (default: ``load_pipeline`` with NER alone, see ``PLACES_EXCLUDE``).
    """
    if not text or not text.strip():
        return []
    ner_input = _ner_text(text, gazetteer)
    if doc is not None and getattr(doc, "text", None) == text and ner_input == text:
        entities = doc_spans(doc)
    else:
        entities = ner_spans(ner_input, nlp or _default_nlp())
    places = places_from_entities(ner_input, entities, gazetteer=gazetteer, context=context)
    return _original_text(places, text)


def _original_text(places: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    for place in places:  # re-cased ALL-CAPS input: report the text as written
        place["text"] = text[place["start"]:place["end"]]
    return places


def extract_places_many(
    texts: Iterable[str],
    *,
    gazetteer: Gazetteer,
    context: PlaceContext = PlaceContext(),
    nlp: Any = None,
    n_process: int = 1,
    batch_size: int = 32,
) -> Iterator[list[dict[str, Any]]]:
    """``extract_places`` over many texts, batching NER (``n_process`` > 1 forks workers)."""
    pipeline = nlp or _default_nlp()
    originals = [t or "" for t in texts]
    prepared = [_ner_text(t, gazetteer) for t in originals]
    docs = pipeline.pipe(prepared, n_process=n_process, batch_size=batch_size)
    for original, text, doc in zip(originals, prepared, docs, strict=True):
        if not text.strip():
            yield []
            continue
        places = places_from_entities(text, doc_spans(doc), gazetteer=gazetteer,
                                      context=context)
        yield _original_text(places, original)


def _default_nlp() -> Any:
    from watchfloor.extract.nlp import PLACES_EXCLUDE, load_pipeline

    return load_pipeline(exclude=PLACES_EXCLUDE)
