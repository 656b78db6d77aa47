"""The public entry point of the sources half of ingestion: targets -> RawDocument | Failure.

A target is a path (file or directory), an http(s) URL, or ``-`` for standard input. Results
are yielded lazily in target order; a target never raises — every problem becomes a Failure
whose reason says what is wrong and what to do — and one bad target never stops the others.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from watchfloor.config import Settings
from watchfloor.ingest.content import Kind, document_from_bytes, sniff_kind
from watchfloor.ingest.errors import Result, SourceError, guarded, too_large_reason
from watchfloor.ingest.feeds import iter_feed_documents
from watchfloor.ingest.fetch import Fetcher
from watchfloor.ingest.files import iter_path
from watchfloor.ingest.jsonl import iter_jsonl, read_lines
from watchfloor.ingest.remote import iter_url, load_page
from watchfloor.records import Failure, RawDocument

STDIN_TARGET = "-"
# Standard input is sniffed from its first bytes: enough lines to tell JSON Lines from text
# and to see an HTML tag or a feed's root element.
STDIN_SNIFF_BYTES = 64 * 1024
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def iter_inputs(
    targets: Sequence[str], *, settings: Settings, stdin: BinaryIO | None = None
) -> Iterator[RawDocument | Failure]:
    """RawDocuments and Failures from every target, in order, one at a time.

    ``stdin`` is read for the target ``-`` (default: the process's standard input). URLs are
    fetched under the rules of ``fetch.Fetcher``; one Fetcher serves the whole run.
    """
    fetcher = Fetcher(settings=settings)
    try:
        for target in targets:
            yield from guarded(
                target or "''",
                iter_target(target, settings=settings, stdin=stdin, fetcher=fetcher),
            )
    finally:
        fetcher.close()


def iter_target(
    target: str, *, settings: Settings, fetcher: Fetcher, stdin: BinaryIO | None = None
) -> Iterator[Result]:
    """Results for one target; see ``iter_inputs``."""
    if not target:
        yield Failure(source="''", reason="empty target; pass a path, an http(s) URL or '-'")
        return
    if target == STDIN_TARGET:
        stream = stdin if stdin is not None else sys.stdin.buffer
        yield from iter_stream(stream, source=STDIN_TARGET, settings=settings, fetcher=fetcher)
        return
    scheme = _SCHEME.match(target)
    if scheme:
        name = scheme.group(1).lower()
        if name in ("http", "https"):
            yield from iter_url(target, fetcher=fetcher)
        else:
            hint = " — pass the local path instead" if name == "file" else ""
            yield Failure(
                source=target,
                reason=f"unsupported URL scheme '{name}'; only http and https URLs can be "
                f"fetched{hint}",
            )
        return
    yield from iter_path(Path(target), settings=settings, fetcher=fetcher)


def iter_stream(
    stream: BinaryIO, *, source: str, settings: Settings, fetcher: Fetcher
) -> Iterator[Result]:
    """Results from a byte stream of unknown kind (standard input), sniffed from its start.

    JSON Lines is streamed line by line; any other kind is read whole, up to the size limit.
    """
    limit = settings.max_bytes
    try:
        head = stream.read(STDIN_SNIFF_BYTES)
    except OSError as exc:
        yield Failure(source=source, reason=f"could not read standard input ({exc}); retry")
        return
    if not head.strip():
        yield Failure(
            source=source,
            reason="standard input is empty; pipe a document in, or pass a path or URL instead",
        )
        return
    kind = sniff_kind(head)
    if kind is Kind.JSONL:
        lines = read_lines(_Joined(head, stream), max_line_bytes=limit)
        yield from iter_jsonl(lines, source=source, max_line_bytes=limit)
        return
    data = head + stream.read(max(0, limit + 1 - len(head)))
    if len(data) > limit:
        yield SourceError(too_large_reason("standard input", None, limit)).to_failure(source)
        return
    if kind is Kind.FEED:
        yield from iter_feed_documents(
            data, source=source, load_page=lambda link: load_page(link, fetcher=fetcher)
        )
        return
    try:
        yield document_from_bytes(data, kind=kind, source=source, what="standard input")
    except SourceError as exc:
        yield exc.to_failure(source)


class _Joined:
    """``readline`` over bytes already read (``head``) followed by the rest of a stream."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = io.BytesIO(head)
        self._rest = rest

    def readline(self, size: int = -1) -> bytes:
        line = self._head.readline(size)
        if line.endswith(b"\n") or (size >= 0 and len(line) >= size):
            return line
        more = self._rest.readline(size - len(line) if size >= 0 else -1)
        return line + more
