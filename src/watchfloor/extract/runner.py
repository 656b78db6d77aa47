"""Running extraction over many documents: batched parsing, worker processes, and storing
results for documents that have none yet (or were extracted by an older version)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from watchfloor.extract.pipeline import EXTRACTOR_VERSION, Extractor
from watchfloor.extract.places_home import HomeArea, ReportAreas, SourceProfile, source_key
from watchfloor.ingest.workers import ordered_map
from watchfloor.records import Document
from watchfloor.store import Database

log = logging.getLogger(__name__)

# Documents parsed together by spaCy's nlp.pipe: batching speeds parsing up; larger
# batches only delay the first results.
PARSE_BATCH = 16
# Results written per transaction when storing.
STORE_BATCH = 50


@dataclass(frozen=True, kw_only=True)
class ExtractInput:
    text: str
    doc_id: str
    source: str
    title: str | None = None
    published: date | None = None
    language: str | None = None
    url: str | None = None
    publisher: str | None = None
    home: HomeArea | None = None  # the home area of the document's source (places_home)

    @classmethod
    def from_document(cls, doc: Document, *, home: HomeArea | None = None) -> ExtractInput:
        return cls(text=doc.text, doc_id=doc.doc_id, source=doc.url or doc.source,
                   title=doc.title, published=doc.published, language=doc.language,
                   url=doc.url, publisher=doc.publisher, home=home)


# The extractor used by forked worker processes: set by `extract_stream` in the parent just
# before the workers fork, so each child inherits the loaded model instead of receiving a
# pickled copy with every batch.
_WORKER_EXTRACTOR: Extractor | None = None


def _extract_batch(batch: list[ExtractInput]) -> list[dict[str, Any]]:
    assert _WORKER_EXTRACTOR is not None, "extract_stream sets the extractor before forking"
    return extract_batch(_WORKER_EXTRACTOR, batch)


def extract_batch(extractor: Extractor, batch: list[ExtractInput]) -> list[dict[str, Any]]:
    """Contract lines for a batch, parsing the batch's texts together."""
    parsed = extractor.parse_many([item.text for item in batch])
    return [
        extractor.extract(
            item.text, doc_id=item.doc_id, source=item.source, title=item.title,
            published=item.published, language=item.language, url=item.url, parsed=p,
            publisher=item.publisher, home=item.home,
        )
        for item, p in zip(batch, parsed, strict=True)
    ]


def _batched(items: Iterable[ExtractInput], size: int) -> Iterator[list[ExtractInput]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def extract_stream(
    inputs: Iterable[ExtractInput], *, extractor: Extractor, workers: int = 1
) -> Iterator[dict[str, Any]]:
    """Contract lines for every input, in input order, using ``workers`` processes."""
    global _WORKER_EXTRACTOR
    if workers > 1:
        extractor.warm_up()  # load once here; forked workers share the memory pages
    _WORKER_EXTRACTOR = extractor
    try:
        for lines in ordered_map(
            _extract_batch, _batched(inputs, PARSE_BATCH), workers=workers, chunk_size=1
        ):
            yield from lines
    finally:
        _WORKER_EXTRACTOR = None


def extract_documents(
    db: Database,
    *,
    extractor: Extractor,
    workers: int = 1,
    doc_ids: Sequence[str] | None = None,
    only_missing: bool = True,
    progress: Callable[[dict[str, Any]], None] | None = None,
    source_context: bool = True,
) -> dict[str, int]:
    """Extract and store results for stored documents.

    ``only_missing``: skip documents already extracted by this extractor version (so an
    interrupted run resumes where it stopped, and a re-run does nothing). ``doc_ids``:
    restrict to these documents. ``source_context``: resolve places with the home area of
    each document's source, learnt from the stored areas of the source's other reports
    (``places_home``; a source's first reports have none until they are re-extracted).
    Returns counts: extracted, with_errors, events, and
    not_stored (results the database refused: logged with the document id, left pending so
    a later run retries them; the other documents of the batch are still stored).
    """
    if only_missing:
        ids = db.extraction_pending(version=EXTRACTOR_VERSION)
        if doc_ids is not None:
            wanted = set(doc_ids)
            ids = [i for i in ids if i in wanted]
    else:
        ids = list(doc_ids) if doc_ids is not None else [d.doc_id for d in db.iter_documents()]

    homes = _HomeAreas(db) if source_context else None

    def pending() -> Iterator[ExtractInput]:
        for start in range(0, len(ids), STORE_BATCH):
            for doc in db.get_documents(ids[start : start + STORE_BATCH]):
                yield ExtractInput.from_document(doc, home=homes.of(doc) if homes else None)

    counts = {"extracted": 0, "with_errors": 0, "events": 0, "not_stored": 0}
    config = extractor.options.config()
    lines = extract_stream(pending(), extractor=extractor, workers=workers)

    def save(line: dict[str, Any]) -> None:
        db.save_extraction(line["doc_id"], _stored(line), version=EXTRACTOR_VERSION,
                           config=config)

    while batch := list(islice(lines, STORE_BATCH)):
        try:
            with db.transaction():
                for line in batch:
                    save(line)
        except SQLAlchemyError:
            # One refused result must not take the batch down: store them one by one.
            kept = []
            for line in batch:
                try:
                    with db.transaction():
                        save(line)
                    kept.append(line)
                except SQLAlchemyError as exc:
                    counts["not_stored"] += 1
                    reason = str(exc.orig if hasattr(exc, "orig") else exc).splitlines()[0]
                    log.error("document %s: extraction result not stored: %s",
                              line["doc_id"], reason)
            batch = kept
        for line in batch:
            counts["extracted"] += 1
            counts["with_errors"] += bool(line["errors"])
            counts["events"] += len(line["events"])
            if progress is not None:
                progress(line)
    return counts


class _HomeAreas:
    """Home areas of stored documents' sources, from ``document_areas``; each source's
    counts are read once per run (they change only as this run stores results)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._profiles: dict[str, SourceProfile] = {}

    def of(self, doc: Document) -> HomeArea | None:
        key = source_key(publisher=doc.publisher, url=doc.url)
        if key is None:
            return None
        profile = self._profiles.get(key)
        if profile is None:
            documents, countries, regions = self._db.source_area_counts(key)
            profile = self._profiles[key] = SourceProfile(
                documents=documents, countries=Counter(countries), regions=Counter(regions))
        own = self._db.report_areas(doc.doc_id)
        counted = own is not None and own[0] == key
        leave_out = ReportAreas(countries=frozenset(own[1]), regions=frozenset(own[2])) \
            if own is not None and counted else None
        return profile.area(leave_out=leave_out)


def _stored(line: dict[str, Any]) -> dict[str, Any]:
    """The stored copy leaves out the text: the documents table already holds it."""
    return {k: v for k, v in line.items() if k != "text"}
