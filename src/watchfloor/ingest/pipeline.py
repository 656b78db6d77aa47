"""Ingestion: sources -> clean documents -> store, with exact and near-duplicate detection.

Re-running an ingest converges: a document is identified by its text, stored at most once,
and written together with its dedup signature in one transaction, so a run killed at any
point and run again stores each document exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import BinaryIO, TypeVar

from watchfloor.config import Settings
from watchfloor.ingest.dateline import find_dateline
from watchfloor.ingest.dedup import (
    Signature,
    content_sha256,
    estimated_jaccard,
    signature,
    signature_from_bytes,
)
from watchfloor.ingest.language import detect_language
from watchfloor.ingest.workers import ordered_map
from watchfloor.records import Document, Failure, IngestReport, RawDocument
from watchfloor.store import Database, NewDocument
from watchfloor.store.schema import ID_HEX_DIGITS

log = logging.getLogger(__name__)
T = TypeVar("T")

# Documents written per transaction: large enough that commit cost is spread thin
# (a few hundred documents per second on SQLite), small enough that a crash loses little
# work and a concurrent reader never waits long.
DEFAULT_BATCH_SIZE = 100

ProgressCallback = Callable[[str, str], None]  # (outcome, source) -> None


@dataclass(frozen=True, kw_only=True)
class IngestOptions:
    tlp: str
    published: date | None = None  # for inputs that carry no publication date
    batch_size: int = DEFAULT_BATCH_SIZE
    workers: int = 1  # processes preparing documents while this one writes


@dataclass(frozen=True)
class Prepared:
    """A document ready to store, with its near-duplicate signature (None: no words)."""

    doc: Document
    signature: Signature | None


def prepare_document(
    raw: RawDocument, *, tlp: str, published_default: date | None, retrieved_at: datetime
) -> Document:
    """Give a raw document its id, hash, publication date, language and marking (pure)."""
    text = raw.text.strip()
    sha = content_sha256(text)
    published, published_from = raw.published, "metadata" if raw.published else None
    if published is None:
        found = find_dateline(text)
        if found:
            published, published_from = found[0], "dateline"
    if published is None and published_default is not None:
        published, published_from = published_default, "option"
    return Document(
        doc_id=sha[:ID_HEX_DIGITS],
        sha256=sha,
        source=raw.source,
        text=text,
        url=raw.url,
        source_id=raw.source_id,
        title=raw.title.strip() if raw.title else None,
        author=raw.author,
        publisher=raw.publisher,
        published=published,
        published_from=published_from,
        retrieved_at=retrieved_at,
        language=raw.language or detect_language(text),
        tlp=tlp,
        content_type=raw.content_type,
    )


class NearDuplicateIndex:
    """The LSH neighbourhood of one batch: stored documents sharing a bucket with any
    document of the batch (fetched in two queries), plus the batch's own new documents as
    they are accepted, so a near duplicate inside one batch is found like any other."""

    def __init__(self, db: Database, signatures: Iterable[Signature]) -> None:
        hits, minhashes = db.lsh_neighbours(b for sig in signatures for b in sig.buckets)
        self._members: dict[tuple[int, int], list[str]] = {}
        for band, bucket, doc_id in hits:  # oldest document first
            self._members.setdefault((band, bucket), []).append(doc_id)
        self._values = {doc_id: signature_from_bytes(raw) for doc_id, raw in minhashes.items()}
        self._order = {doc_id: i for i, doc_id in enumerate(dict.fromkeys(h[2] for h in hits))}

    def add(self, doc_id: str, sig: Signature) -> None:
        self._order.setdefault(doc_id, len(self._order))
        self._values[doc_id] = sig.values
        for key in sig.buckets:
            self._members.setdefault(key, []).append(doc_id)

    def best(self, sig: Signature, *, threshold: float) -> tuple[str, float] | None:
        """The most similar earlier document reaching the threshold (the oldest on a tie)."""
        candidates = {d for key in sig.buckets for d in self._members.get(key, ())}
        best: tuple[str, float] | None = None
        for doc_id in sorted(candidates, key=self._order.__getitem__):
            similarity = estimated_jaccard(sig.values, self._values[doc_id])
            if similarity >= threshold and (best is None or similarity > best[1]):
                best = (doc_id, similarity)
        return best


def store_batch(
    db: Database, batch: Sequence[Prepared], *, threshold: float, report: IngestReport
) -> list[str]:
    """Store prepared documents (inside the caller's transaction) with a handful of
    statements for the whole batch; returns each one's outcome: "new", "duplicate" or
    "near-duplicate", in order."""
    known = db.known_sha256(p.doc.sha256 for p in batch)
    index = NearDuplicateIndex(
        db, (p.signature for p in batch if p.signature is not None and p.doc.sha256 not in known)
    )
    outcomes: list[str] = []
    new: list[NewDocument] = []
    seen_again: list[tuple[str, str, str | None, datetime | None]] = []
    for prepared in batch:
        doc, sig = prepared.doc, prepared.signature
        if doc.sha256 in known:  # ids derive from the hash: same doc_id
            seen_again.append((doc.doc_id, doc.source, doc.url, doc.retrieved_at))
            report.duplicate.append(doc.doc_id)
            outcomes.append("duplicate")
            continue
        known.add(doc.sha256)
        if sig is not None:
            near = index.best(sig, threshold=threshold)
            if near is not None:
                doc.near_duplicate_of, doc.similarity = near[0], round(near[1], 4)
            index.add(doc.doc_id, sig)
        new.append(NewDocument(doc, minhash=sig.to_bytes() if sig is not None else None,
                               lsh_buckets=sig.buckets if sig is not None else ()))
        report.new.append(doc.doc_id)
        if doc.near_duplicate_of:
            report.near_duplicate.append((doc.doc_id, doc.near_duplicate_of))
            outcomes.append("near-duplicate")
        else:
            outcomes.append("new")
    db.add_documents(new)
    db.add_sources(seen_again)
    return outcomes


def prepare(
    item: RawDocument | Failure, *, options: IngestOptions, retrieved_at: datetime
) -> Prepared | Failure:
    """The CPU-bound part of ingestion, run in worker processes (pure; failures pass through)."""
    if isinstance(item, Failure):
        return item
    doc = prepare_document(
        item, tlp=options.tlp, published_default=options.published, retrieved_at=retrieved_at
    )
    return Prepared(doc=doc, signature=signature(doc.text))


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest_items(
    items: Iterable[RawDocument | Failure],
    *,
    db: Database,
    settings: Settings,
    options: IngestOptions,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Store already-read inputs (documents and failures) and report what happened."""
    report = IngestReport()
    retrieved_at = datetime.now(UTC)
    # Earlier failures are forgotten once their input succeeds; when none are recorded
    # (the usual case) there is nothing to look up for each document.
    failures_recorded = db.stats().failures > 0
    work = partial(prepare, options=options, retrieved_at=retrieved_at)
    prepared = ordered_map(work, items, workers=options.workers)
    for batch in _batches(prepared, options.batch_size):
        with db.transaction():
            for item in batch:
                if isinstance(item, Failure):
                    db.record_failure(item)
                    report.failed.append(item)
                    failures_recorded = True
                    log.warning("failed: %s", item)
            docs = [item for item in batch if not isinstance(item, Failure)]
            outcomes = store_batch(
                db, docs, threshold=settings.near_duplicate_threshold, report=report
            )
            if failures_recorded:
                for item in docs:
                    db.clear_failure(item.doc.source)
        if progress is not None:
            done = iter(outcomes)
            for item in batch:
                if isinstance(item, Failure):
                    progress("failed", item.source)
                else:
                    progress(next(done), item.doc.source)
    return report


def ingest(
    targets: Sequence[str],
    *,
    db: Database,
    settings: Settings,
    options: IngestOptions,
    stdin: BinaryIO | None = None,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Read every target (paths, directories, URLs, feeds, '-') and store what they hold."""
    from watchfloor.ingest.sources import iter_inputs

    items = iter_inputs(targets, settings=settings, stdin=stdin)
    return ingest_items(items, db=db, settings=settings, options=options, progress=progress)
