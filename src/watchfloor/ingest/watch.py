"""Monitoring: poll feeds and URLs in rounds, ingest what is new, remember each feed.

One round reads every target once. A feed (RSS/Atom, recognised as by `watchfloor ingest`)
is fetched and only the entries not seen in an earlier round have their pages fetched; the
ids (else links) of entries whose document was produced are remembered in ``feed_state``
*after* the round's documents are committed, so a crash or a restart mid-round fetches those
entries again and ingestion, idempotent by content id, stores nothing twice. An entry whose
page failed is not remembered and is tried again next round. Other URLs and paths are
ingested whole every round (already stored texts are recognised as duplicates).

A target that cannot be fetched (network down, HTTP error) is a failure of that round only:
it is logged, recorded in ``feed_state.last_error`` and in the ingest failures, and polled
again next round; the loop itself never stops on one.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from watchfloor.config import Settings
from watchfloor.ingest.content import Kind
from watchfloor.ingest.errors import Result, SourceError, guarded
from watchfloor.ingest.feeds import FeedEntry, entry_document, parse_feed
from watchfloor.ingest.fetch import Fetcher
from watchfloor.ingest.pipeline import IngestOptions, ingest_items
from watchfloor.ingest.remote import iter_response, load_page, response_kind
from watchfloor.ingest.sources import iter_target
from watchfloor.records import Failure, IngestReport, RawDocument
from watchfloor.store import Database, DatabaseError, schema

log = logging.getLogger(__name__)

# Entry keys remembered per feed: far more than any feed lists at once, so an entry that
# drops off and comes back is still known, while the state of a busy feed stays small.
MAX_SEEN = 5000
# Shortest interval accepted between rounds: polling faster only burdens the sources.
MIN_INTERVAL_SECONDS = 10.0
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """``"15m"`` -> 900.0; accepts s, m, h, d or plain seconds. ValueError says the format."""
    match = _INTERVAL.match(text)
    if not match:
        raise ValueError(f"{text!r} is not an interval; write it like 90s, 15m, 2h or 1d")
    seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
    if seconds < MIN_INTERVAL_SECONDS:
        raise ValueError(f"poll at most every {MIN_INTERVAL_SECONDS:g} seconds")
    return seconds


def entry_key(entry: FeedEntry) -> str:
    """How an entry is recognised in later polls: its id, else its link, else a hash."""
    if entry.entry_id:
        return entry.entry_id
    if entry.link:
        return entry.link
    raw = f"{entry.title}|{entry.published}|{entry.content_html}"
    return "sha1:" + hashlib.sha1(raw.encode("utf-8")).hexdigest()


@dataclass
class FeedPoll:
    url: str
    entries: int = 0
    new_entries: int = 0
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "entries": self.entries, "new_entries": self.new_entries,
                "error": self.error}


@dataclass
class Round:
    report: IngestReport
    feeds: list[FeedPoll] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.report.ok and not any(f.error for f in self.feeds)

    def to_json(self) -> dict[str, Any]:
        return {**self.report.to_json(), "feeds": [f.to_json() for f in self.feeds]}


def feed_state(db: Database, url: str) -> dict[str, Any] | None:
    rows = db.read(select(schema.feed_state).where(schema.feed_state.c.url == url))
    return rows[0] if rows else None


class _Poller:
    """The items of one round, collecting what to remember of each feed on the way."""

    def __init__(self, db: Database, fetcher: Fetcher) -> None:
        self.db = db
        self.fetcher = fetcher
        self.polls: list[FeedPoll] = []
        self.states: dict[str, dict[str, Any]] = {}

    def items(self, targets: Sequence[str], settings: Settings) -> Iterator[Result]:
        for target in targets:
            if re.match(r"^https?://", target, re.IGNORECASE):
                yield from guarded(target, self._url(target))
            else:
                yield from guarded(target or "''", iter_target(target, settings=settings,
                                                               fetcher=self.fetcher))

    def _url(self, url: str) -> Iterator[Result]:
        now = datetime.now(UTC)
        known = feed_state(self.db, url)
        seen = list((known or {}).get("seen") or [])
        try:
            result = self.fetcher.get(url)
            if response_kind(result) is not Kind.FEED:
                yield from iter_response(result, source=url, fetcher=self.fetcher)
                return
            feed = parse_feed(result.body, base_url=result.url)
        except SourceError as exc:
            log.warning("could not poll %s: %s", url, exc.reason)
            self.polls.append(FeedPoll(url=url, error=exc.reason))
            if known is not None:
                self.states[url] = {"seen": seen, "polled_at": now, "last_error": exc.reason,
                                    "body_sha256": known.get("body_sha256")}
            yield Failure(source=url, reason=exc.reason)
            return
        poll = FeedPoll(url=url, entries=len(feed.entries))
        self.polls.append(poll)
        known_keys = set(seen)
        stored: list[str] = []
        for index, entry in enumerate(feed.entries, start=1):
            key = entry_key(entry)
            if key in known_keys:
                continue
            known_keys.add(key)
            poll.new_entries += 1
            item = entry_document(entry, index=index, source=url, feed_title=feed.title,
                                  load_page=lambda link: load_page(link, fetcher=self.fetcher))
            if isinstance(item, RawDocument):
                stored.append(key)
            yield item
        self.states[url] = {"seen": (seen + stored)[-MAX_SEEN:], "polled_at": now,
                            "last_error": None,
                            "body_sha256": hashlib.sha256(result.body).hexdigest()}


def poll_round(targets: Sequence[str], *, db: Database, settings: Settings,
               options: IngestOptions, fetcher: Fetcher | None = None) -> Round:
    """Poll every target once and ingest what is new (see the module docstring)."""
    own = fetcher is None
    fetcher = fetcher or Fetcher(settings=settings)
    poller = _Poller(db, fetcher)
    try:
        report = ingest_items(poller.items(targets, settings), db=db, settings=settings,
                              options=options)
    finally:
        if own:
            fetcher.close()
    # Only now that the documents are committed: remember the entries and clear the feed's
    # recorded failure.
    for url, values in poller.states.items():
        db.save_feed_state(url, values)
        if values["last_error"] is None:
            db.clear_failure(url)
    return Round(report=report, feeds=poller.polls)


# Errors that end one round, not the loop: the network, the database, the file system.
ROUND_ERRORS = (SourceError, OSError, SQLAlchemyError, DatabaseError)


def watch_loop(run_round: Callable[[], Any], *, every: float, once: bool,
               on_error: Callable[[str], None], sleep: Callable[[float], None] = time.sleep,
               max_rounds: int | None = None) -> int:
    """Call ``run_round`` now and then every ``every`` seconds (measured from each round's
    start) until interrupted, or once; a round failing with one of :data:`ROUND_ERRORS` is
    reported through ``on_error`` and the next round runs as planned. Returns the number of
    rounds that failed."""
    failed = rounds = 0
    while True:
        started = time.monotonic()
        try:
            run_round()
        except ROUND_ERRORS as exc:
            failed += 1
            log.warning("round failed: %s", exc)
            on_error(f"{type(exc).__name__}: {exc}")
        rounds += 1
        if once or (max_rounds is not None and rounds >= max_rounds):
            return failed
        sleep(max(0.0, every - (time.monotonic() - started)))
