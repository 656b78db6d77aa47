"""URLs: fetch safely, then let the Content-Type (or the bytes) decide what the response is.

``text/html`` -> one document via trafilatura; ``application/pdf`` -> one document via pypdf;
``text/plain`` -> one text document; RSS/Atom (by type, or by the root element when the type
is generic XML, HTML or missing) -> one document per entry; JSON Lines -> one per line.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from watchfloor.ingest.content import (
    GENERIC_CONTENT_TYPES,
    PDF_MAGIC,
    Kind,
    document_from_bytes,
    feed_root,
    kind_for_content_type,
    sniff_kind,
)
from watchfloor.ingest.errors import Result, SourceError
from watchfloor.ingest.feeds import iter_feed_documents
from watchfloor.ingest.fetch import Fetcher, FetchResult
from watchfloor.ingest.jsonl import iter_jsonl, read_lines
from watchfloor.records import RawDocument


def response_kind(result: FetchResult) -> Kind:
    """What a response holds: its Content-Type, checked against the bytes where types lie."""
    declared = kind_for_content_type(result.media_type)
    head = result.body[:4096]
    if head.startswith(PDF_MAGIC):
        return Kind.PDF  # servers label PDFs octet-stream, or even text/html
    # Feeds are often served as text/xml, text/html or with no type at all.
    generic = declared in (None, Kind.HTML, Kind.TEXT) or result.media_type in GENERIC_CONTENT_TYPES
    if generic and feed_root(head):
        return Kind.FEED
    if declared is not None:
        return declared
    return sniff_kind(head)


def iter_url(url: str, *, fetcher: Fetcher) -> Iterator[Result]:
    """Documents (or Failures) from one URL; a feed yields one per entry."""
    try:
        result = fetcher.get(url)
    except SourceError as exc:
        yield exc.to_failure(url)
        return
    yield from iter_response(result, source=url, fetcher=fetcher)


def iter_response(result: FetchResult, *, source: str, fetcher: Fetcher) -> Iterator[Result]:
    """Documents (or Failures) from a fetched response; a feed's entries are fetched."""
    url = source
    kind = response_kind(result)
    if kind is Kind.FEED:
        yield from iter_feed_documents(
            result.body, source=url, base_url=result.url,
            load_page=lambda link: load_page(link, fetcher=fetcher),
        )
        return
    if kind is Kind.JSONL:
        max_bytes = fetcher.settings.max_bytes
        yield from iter_jsonl(read_lines(io.BytesIO(result.body), max_line_bytes=max_bytes),
                              source=url, max_line_bytes=max_bytes)
        return
    try:
        yield _document(result, kind=kind, source=url)
    except SourceError as exc:
        yield exc.to_failure(url)


def load_page(url: str, *, fetcher: Fetcher) -> RawDocument:
    """One document from ``url`` (a feed entry's link); SourceError when it cannot be had."""
    result = fetcher.get(url)
    kind = response_kind(result)
    if kind in (Kind.FEED, Kind.JSONL):
        raise SourceError(
            f"{url} is a {kind.value} file, not a single article; ingest it as its own target"
        )
    return _document(result, kind=kind, source=url)


def _document(result: FetchResult, *, kind: Kind, source: str) -> RawDocument:
    return document_from_bytes(result.body, kind=kind, source=source, url=result.url,
                               charset=result.charset, what="response")
