"""RSS and Atom feeds: one RawDocument per entry, from the page the entry links to.

feedparser only ever parses bytes handed to it (wrapped in a stream: given a ``str`` or
``bytes`` it may try to open a URL or a file of that name). Each entry's link is loaded by the
caller's ``load_page`` (normally ``remote.load_page``, with the same safety rules as any URL);
the page's own metadata wins, and the entry fills what the page lacks: published/updated date,
title, author, and the feed's title as publisher. An entry whose page cannot be loaded is a
Failure for that link; the other entries go on. An entry without a link becomes a document
from its own content or summary when it has one.
"""

from __future__ import annotations

import email.utils
import io
import logging
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import feedparser

from watchfloor.ingest.errors import Result, SourceError
from watchfloor.ingest.html import extract_html
from watchfloor.ingest.meta import clean_str, parse_iso_date
from watchfloor.records import Failure, RawDocument

logger = logging.getLogger(__name__)

PageLoader = Callable[[str], RawDocument]


@dataclass(frozen=True, kw_only=True)
class FeedEntry:
    link: str | None
    entry_id: str | None
    title: str | None
    author: str | None
    published: date | None
    content_html: str | None  # the entry's own content or summary, as HTML


@dataclass(frozen=True, kw_only=True)
class Feed:
    title: str | None
    entries: list[FeedEntry]


def parse_feed(data: bytes, *, base_url: str | None = None) -> Feed:
    """The entries of an RSS/Atom/RDF feed; SourceError when ``data`` is not a usable feed.

    Relative entry links are resolved against ``base_url`` (the feed's own URL).
    """
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=True)
    version = parsed.get("version") or ""
    if not version and not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f" ({problem})" if problem else ""
        raise SourceError(
            f"not a readable RSS or Atom feed{detail}; check that the URL or file is the feed "
            "itself"
        )
    title = clean_str(parsed.feed.get("title"))
    entries = [_entry(raw, base_url=base_url) for raw in parsed.entries]
    return Feed(title=title, entries=entries)


def iter_feed_documents(
    data: bytes, *, source: str, load_page: PageLoader, base_url: str | None = None
) -> Iterator[Result]:
    """One RawDocument (or Failure) per entry of the feed in ``data``, in feed order."""
    feed = parse_feed(data, base_url=base_url)
    if not feed.entries:
        yield Failure(source=source, reason="feed has no entries; nothing to ingest")
        return
    for index, entry in enumerate(feed.entries, start=1):
        yield entry_document(entry, index=index, source=source, feed_title=feed.title,
                             load_page=load_page)


def entry_document(entry: FeedEntry, *, index: int, source: str, feed_title: str | None,
                   load_page: PageLoader) -> Result:
    """The document of one feed entry (its linked page, else its own content), or a
    Failure saying why there is none; ``index`` is the entry's 1-based place in the feed."""
    if entry.link:
        try:
            page = load_page(entry.link)
        except SourceError as exc:
            return Failure(source=entry.link, reason=exc.reason)
        return _fill_from_entry(page, entry, feed_title=feed_title)
    return _document_from_entry_content(entry, index=index, source=source,
                                        feed_title=feed_title)


def entry_date(raw: Any) -> date | None:
    """The date an entry was published (else updated), as written by the feed.

    The raw string is read first so that the publisher's local calendar date is kept
    (feedparser's parsed times are converted to UTC); feedparser's parse is the fallback.
    """
    for key in ("published", "updated", "created"):
        text = raw.get(key)
        if isinstance(text, str) and text.strip():
            parsed = _parse_feed_date(text)
            if parsed is not None:
                return parsed
        structured = raw.get(f"{key}_parsed")
        if isinstance(structured, time.struct_time):
            return date(structured.tm_year, structured.tm_mon, structured.tm_mday)
    return None


def _entry(raw: Any, *, base_url: str | None) -> FeedEntry:
    link = clean_str(raw.get("link"))
    if link and base_url:
        link = urllib.parse.urljoin(base_url, link)
    if link and urllib.parse.urlsplit(link).scheme.lower() not in ("http", "https"):
        # feedparser offers an entry's id as its link when there is none ("urn:uuid:...");
        # only web links lead to a page.
        link = None
    content = raw.get("content")
    content_html: str | None = None
    if isinstance(content, list) and content:
        content_html = content[0].get("value")
    if not content_html:
        content_html = raw.get("summary")
    return FeedEntry(
        link=link,
        entry_id=clean_str(raw.get("id")),
        title=clean_str(raw.get("title")),
        author=clean_str(raw.get("author")),
        published=entry_date(raw),
        content_html=content_html if isinstance(content_html, str) else None,
    )


def _fill_from_entry(page: RawDocument, entry: FeedEntry, *, feed_title: str | None) -> RawDocument:
    return replace(
        page,
        title=page.title or entry.title,
        author=page.author or entry.author,
        publisher=page.publisher or feed_title,
        published=page.published or entry.published,
    )


def _document_from_entry_content(
    entry: FeedEntry, *, index: int, source: str, feed_title: str | None
) -> Result:
    where = f"{source}#{entry.entry_id or index}"
    text = extract_html(entry.content_html).text if entry.content_html else ""
    if not text:
        return Failure(
            source=where,
            reason=f"feed entry {index} has no link and no content; nothing to ingest",
        )
    return RawDocument(source=where, text=text, title=entry.title, author=entry.author,
                       publisher=feed_title, published=entry.published,
                       source_id=entry.entry_id, content_type="text/html")


def _parse_feed_date(text: str) -> date | None:
    try:
        return parse_iso_date(text)  # Atom: RFC 3339
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text).date()  # RSS: RFC 822
    except (TypeError, ValueError, IndexError):
        logger.debug("unrecognised feed date %r", text)
        return None
