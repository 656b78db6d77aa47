"""JSON Lines: one document per line, streamed; a bad line is a Failure and the rest go on.

Each line is an object ``{"id", "text", "title"?, "published"?, "url"?, "language"?,
"author"?, "publisher"?}``. Good lines become RawDocuments with ``source`` = the input's name
and ``source_id`` = the line's ``id``; bad lines become Failures with ``line`` = the 1-based line
number. Lines are read one at a time, so a file of any length needs memory for one line only;
a single line longer than the size limit is skipped (and reported) without being held.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from watchfloor.ingest.decode import normalise_text
from watchfloor.ingest.errors import Result, SourceError, format_size
from watchfloor.ingest.meta import clean_language, clean_str, parse_iso_date
from watchfloor.records import Failure, RawDocument

# Read granularity when skipping the rest of an over-long line.
_CHUNK = 64 * 1024
_STRING_FIELDS = ("title", "url", "author", "publisher", "language")


class LineReader(Protocol):
    """Anything with a binary ``readline(size)``: an open file, ``sys.stdin.buffer``."""

    def readline(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class OverlongLine:
    """Stands in for a line longer than the limit; only its size is kept."""

    size: int


def read_lines(stream: LineReader, *, max_line_bytes: int) -> Iterator[bytes | OverlongLine]:
    """The lines of ``stream`` (newline included), holding at most ``max_line_bytes`` at once."""
    while True:
        line = stream.readline(max_line_bytes + 1)
        if not line:
            return
        if len(line) <= max_line_bytes or line.endswith(b"\n"):
            yield line
            continue
        size = len(line)
        while not line.endswith(b"\n"):
            line = stream.readline(_CHUNK)
            if not line:
                break
            size += len(line)
        yield OverlongLine(size)


def iter_jsonl(
    lines: Iterable[bytes | OverlongLine], *, source: str, max_line_bytes: int | None = None
) -> Iterator[Result]:
    """RawDocuments and Failures, in order, for the JSON Lines in ``lines``."""
    for number, raw in enumerate(lines, start=1):
        if isinstance(raw, OverlongLine):
            limit = f" {format_size(max_line_bytes)}" if max_line_bytes else ""
            yield Failure(
                source=source,
                line=number,
                reason=(
                    f"line is {format_size(raw.size)}, over the{limit} limit for one document; "
                    "raise it with --max-bytes or split the document"
                ),
            )
            continue
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        if not raw.strip():
            continue
        try:
            yield parse_record(raw, source=source)
        except SourceError as exc:
            yield Failure(source=source, line=number, reason=exc.reason)


def parse_record(raw: bytes | str, *, source: str) -> RawDocument:
    """One JSON Lines record as a RawDocument; SourceError saying what is wrong with it."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise SourceError(
                "line is not valid UTF-8; JSON Lines must be UTF-8 — convert the file "
                "(e.g. iconv -f cp1251 -t utf-8)"
            ) from None
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"not valid JSON ({exc.msg} at column {exc.colno}); fix the line or remove it"
        ) from None
    if not isinstance(record, dict):
        raise SourceError(
            f"expected a JSON object with a \"text\" field, got a {_json_type(record)}; "
            "write one object per line"
        )
    text = record.get("text")
    if text is None:
        raise SourceError('missing "text" field; every line needs the document\'s text')
    if not isinstance(text, str):
        raise SourceError(f'"text" must be a string, got a {_json_type(text)}')
    text = normalise_text(text)
    if not text:
        raise SourceError('"text" is empty; every line needs the document\'s text')
    for name in _STRING_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise SourceError(f'"{name}" must be a string, got a {_json_type(value)}')
    record_id = record.get("id")
    if record_id is not None and (isinstance(record_id, bool)
                                  or not isinstance(record_id, str | int)):
        raise SourceError(f'"id" must be a string or a number, got a {_json_type(record_id)}')
    published = record.get("published")
    try:
        published_date = parse_iso_date(published)
    except ValueError:
        raise SourceError(
            f'"published" is not an ISO date or date-time ({published!r}); write it as '
            "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS"
        ) from None
    return RawDocument(
        source=source,
        text=text,
        url=clean_str(record.get("url")),
        title=clean_str(record.get("title")),
        author=clean_str(record.get("author")),
        publisher=clean_str(record.get("publisher")),
        published=published_date,
        language=clean_language(record.get("language")),
        source_id=None if record_id is None else str(record_id).strip() or None,
        content_type="text/plain",
    )


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "object"
