"""Assemble the extraction stages into one `watchfloor extract` line per document.

One spaCy parse per text is shared by every stage. ALL-CAPS wire text is parsed in a
re-cased copy of the same length (offsets hold; the contract's ``text`` fields are taken
from the original): places capitalised from the gazetteer, then person names and acronyms
by :func:`watchfloor.extract.truecase.truecase`. Texts longer than
``ExtractOptions.chunk_chars`` are cut at paragraph breaks and extracted piece by piece, so
a 5 MB report costs memory in proportion to one piece. A stage that fails records
``{"stage", "error"}`` in the line's ``errors`` and the others still run: one bad document,
or one bad stage, never takes the rest down.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from watchfloor.extract.nlp import DEFAULT_MODEL
from watchfloor.extract.places_home import HomeArea, ReportAreas, source_key

log = logging.getLogger(__name__)

SCHEMA = "watchfloor.extract/1"
# Bump when a change alters what extraction outputs: stored results record it, and
# `watchfloor reextract` finds documents extracted by an older version.
EXTRACTOR_VERSION = "0.4.10"
# Characters per piece when a text is extracted in pieces: the parser's memory grows with
# the length of what it is given, and news reports are far shorter than this.
DEFAULT_CHUNK_CHARS = 100_000
STAGES = ("places", "actors", "dates", "quantities", "quotes", "events")


@dataclass(frozen=True, kw_only=True)
class ExtractOptions:
    model: str = DEFAULT_MODEL
    gazetteer_path: str | None = None
    chunk_chars: int = DEFAULT_CHUNK_CHARS
    publisher_countries: tuple[str, ...] = ()

    def config(self) -> dict[str, Any]:
        """What is recorded with every stored result, to know how it was produced."""
        return {"version": EXTRACTOR_VERSION, **asdict(self)}


def chunks(text: str, *, max_chars: int) -> Iterator[tuple[int, str]]:
    """(offset, piece) pairs covering ``text``, cut at blank lines, else lines, else spaces."""
    start = 0
    while len(text) - start > max_chars:
        window = text[start : start + max_chars]
        cut = -1
        for separator in ("\n\n", "\n", ". ", " "):
            cut = window.rfind(separator, max_chars // 2)
            if cut > 0:
                cut += len(separator)
                break
        if cut <= 0:
            cut = max_chars
        yield start, text[start : start + cut]
        start += cut
    if start < len(text) or not text:
        yield start, text[start:]


def shift_offsets(value: Any, delta: int, *, _seen: set[int] | None = None) -> Any:
    """Add ``delta`` to every ``start``/``end`` in nested dicts and lists (in place).

    An object reachable twice (an event's location is also in ``places``) moves once.
    """
    seen = set() if _seen is None else _seen
    if delta == 0 or id(value) in seen:
        return value
    if isinstance(value, dict):
        seen.add(id(value))
        for key in ("start", "end"):
            if isinstance(value.get(key), int):
                value[key] += delta
        for item in value.values():
            if isinstance(item, dict | list):
                shift_offsets(item, delta, _seen=seen)
    elif isinstance(value, list):
        seen.add(id(value))
        for item in value:
            shift_offsets(item, delta, _seen=seen)
    return value


def restore_text(value: Any, *, original: str, working: str) -> Any:
    """Where a span's ``text`` was read from the re-cased copy, read it from the original."""
    if isinstance(value, dict):
        start, end, text = value.get("start"), value.get("end"), value.get("text")
        if (
            isinstance(start, int)
            and isinstance(end, int)
            and isinstance(text, str)
            and working[start:end] == text
        ):
            value["text"] = original[start:end]
        for item in value.values():
            if isinstance(item, dict | list):
                restore_text(item, original=original, working=working)
    elif isinstance(value, list):
        for item in value:
            restore_text(item, original=original, working=working)
    return value


class Extractor:
    """Runs every stage over a text. Models load on first use, once per process (worker
    processes forked from a parent open their own gazetteer connection)."""

    def __init__(self, options: ExtractOptions | None = None) -> None:
        self.options = options or ExtractOptions()
        self._pid: int | None = None
        self._nlp: Any = None
        self._gazetteer: Any = None
        self._dictionary: Any = None
        self._lexicon: Any = None

    # -- resources -------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Load what forked workers can share (the spaCy model and actor dictionary)."""
        from watchfloor.extract.nlp import load_pipeline
        from watchfloor.extract.truecase import lexicon_from_nlp
        from watchfloor.knowledge.actors import load_actor_dictionary

        self._nlp = load_pipeline(self.options.model)
        self._dictionary = load_actor_dictionary()
        try:
            self._lexicon = lexicon_from_nlp(self._nlp)
        except (KeyError, ValueError) as exc:  # a pipeline without a rule lemmatizer
            log.warning("no English lexicon for true-casing: %s", exc)

    def _resources(self) -> tuple[Any, Any, Any]:
        if self._pid != os.getpid():  # a SQLite connection must not cross a fork
            from watchfloor.knowledge.gazetteer import open_gazetteer

            self._gazetteer = open_gazetteer(self.options.gazetteer_path)
            self._pid = os.getpid()
        if self._nlp is None or self._dictionary is None:
            self.warm_up()
        return self._nlp, self._gazetteer, self._dictionary

    # -- extraction ------------------------------------------------------------------------

    def extract(
        self,
        text: str,
        *,
        doc_id: str,
        source: str,
        title: str | None = None,
        published: date | None = None,
        language: str | None = None,
        url: str | None = None,
        parsed: tuple[str, Any] | None = None,
        publisher: str | None = None,
        home: HomeArea | None = None,
    ) -> dict[str, Any]:
        """One contract line (see CONTRACT.md) for one document.

        ``parsed``: (working text, spaCy Doc) already made by :meth:`parse_many`.
        ``home``: the home area of the document's source (``places_home``); places are then
        resolved with it, while the line's ``areas`` (where the report's own places lie,
        the evidence a source's home area is learnt from) are read without it.
        """
        line: dict[str, Any] = {
            "schema": SCHEMA,
            "doc_id": doc_id,
            "source": source,
            "title": title,
            "published": published.isoformat() if published else None,
            "language": language,
            "url": url,
            "text": text,
            **{stage: [] for stage in STAGES},
            "areas": {"source_key": source_key(publisher=publisher, url=url),
                      **ReportAreas().to_dict()},
            "errors": [],
        }
        try:
            resources = self._resources()
        except Exception as exc:  # noqa: BLE001 - a missing model or gazetteer is reported
            line["errors"].append({"stage": "setup", "error": f"{type(exc).__name__}: {exc}"})
            return line
        countries: set[str] = set()
        regions: set[tuple[str, str]] = set()
        for offset, piece in chunks(text, max_chars=self.options.chunk_chars):
            if not piece.strip():
                continue
            part = self._extract_piece(
                piece,
                published=published,
                resources=resources,
                parsed=parsed if len(piece) == len(text) else None,  # made for the whole text
                home=home,
            )
            shift_offsets([part[stage] for stage in STAGES], offset)
            for stage in STAGES:
                line[stage].extend(part[stage])
            countries |= part["areas"].countries
            regions |= part["areas"].regions
            for error in part["errors"]:
                line["errors"].append({**error, "offset": offset} if offset else error)
        line["areas"].update(ReportAreas(countries=frozenset(countries),
                                         regions=frozenset(regions)).to_dict())
        return line

    def working_text(self, text: str) -> str:
        """The text the parser reads: ALL-CAPS text re-cased (same length), else the text."""
        from watchfloor.extract.places_recognise import is_all_caps

        _nlp, gazetteer, _dictionary = self._resources()
        return self._recase(text, gazetteer) if is_all_caps(text) else text

    def _recase(self, text: str, gazetteer: Any) -> str:
        from watchfloor.extract.places_recognise import recase
        from watchfloor.extract.truecase import truecase

        lexicon = self._lexicon
        working = recase(text, gazetteer, ordinary=lexicon.ordinary if lexicon else None)
        if lexicon is None:
            return working
        return truecase(text, working, lexicon=lexicon)

    def parse_many(self, texts: list[str]) -> list[tuple[str, Any] | None]:
        """Parse several texts in one batch (faster than one by one); None for long texts,
        which :meth:`extract` cuts into pieces and parses itself."""
        nlp, _gazetteer, _dictionary = self._resources()
        short = [i for i, t in enumerate(texts) if len(t) <= self.options.chunk_chars]
        out: list[tuple[str, Any] | None] = [None] * len(texts)
        try:
            workings = [self.working_text(texts[i]) for i in short]
            for i, working, doc in zip(short, workings, nlp.pipe(workings), strict=True):
                out[i] = (working, doc)
        except Exception as exc:  # noqa: BLE001 - each document is then parsed on its own
            log.warning("batch parse failed, parsing one by one: %s", exc)
            return [None] * len(texts)
        return out

    def _extract_piece(
        self,
        text: str,
        *,
        published: date | None,
        resources: tuple[Any, Any, Any],
        parsed: tuple[str, Any] | None = None,
        home: HomeArea | None = None,
    ) -> dict[str, Any]:
        from watchfloor.extract.actors import extract_actors
        from watchfloor.extract.dates import extract_dates
        from watchfloor.extract.events import extract_events
        from watchfloor.extract.places import PlaceContext, extract_places
        from watchfloor.extract.places_recognise import is_all_caps
        from watchfloor.extract.quantities import extract_quantities
        from watchfloor.extract.quotes import extract_quotes

        nlp, gazetteer, dictionary = resources
        out: dict[str, Any] = {stage: [] for stage in STAGES}
        out["errors"] = []
        out["areas"] = ReportAreas()

        def run(stage: str, fn: Callable[[], Any]) -> Any:
            try:
                return fn()
            # One stage's bug must not lose the other stages' results for this document:
            # the error is recorded in the output line for a person to see.
            except Exception as exc:
                log.warning("stage %s failed: %s", stage, exc, exc_info=True)
                out["errors"].append({"stage": stage, "error": f"{type(exc).__name__}: {exc}"})
                return None

        if parsed is not None:
            working, doc = parsed
        else:
            caps = bool(run("recase", lambda: is_all_caps(text)))
            working = (run("recase", lambda: self._recase(text, gazetteer)) if caps else None) \
                or text
            doc = run("parse", lambda: nlp(working))
        same = doc if working == text else None  # stages that read words need the original
        sentences = [(s.start_char, s.end_char) for s in doc.sents] if doc is not None else None
        context = PlaceContext(publisher_countries=self.options.publisher_countries)

        def places_in(ctx: PlaceContext) -> list[dict[str, Any]]:
            found = extract_places(working, gazetteer=gazetteer, doc=doc, context=ctx)
            return restore_text(found, original=text, working=working)

        places = run("places", lambda: places_in(context)) or []
        out["areas"] = ReportAreas.from_places(places)  # the report's own evidence
        if home is not None and places:
            places = run("places", lambda: places_in(replace(context, home=home))) or places
        actors = run("actors", lambda: extract_actors(text, dictionary=dictionary, doc=doc)) or []
        dates = run("dates", lambda: extract_dates(text, published=published, doc=same)) or []
        quantities = (
            run("quantities", lambda: extract_quantities(text, doc=same, dates=dates)) or []
        )
        quotes = run("quotes", lambda: extract_quotes(text, doc=same)) or []
        if sentences is None:
            from watchfloor.extract.dates import sentence_spans

            sentences = sentence_spans(text)
        events = (
            run(
                "events",
                lambda: extract_events(
                    text,
                    doc=doc,
                    sentences=sentences,
                    places=places,
                    actors=actors,
                    dates=dates,
                    quantities=quantities,
                    published=published,
                ),
            )
            or []
        )
        out.update(
            places=places,
            actors=actors,
            dates=dates,
            quantities=quantities,
            quotes=quotes,
            events=events,
        )
        return out
