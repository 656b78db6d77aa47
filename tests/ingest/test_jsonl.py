"""JSON Lines: good lines become documents, bad lines Failures with their line numbers."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

from watchfloor.config import Settings
from watchfloor.ingest.jsonl import OverlongLine, iter_jsonl, read_lines
from watchfloor.ingest.sources import iter_inputs
from watchfloor.records import Failure, RawDocument

SETTINGS = Settings(database_url="sqlite://")


def ingest(path: Path, settings: Settings = SETTINGS) -> list[RawDocument | Failure]:
    return list(iter_inputs([str(path)], settings=settings))


def test_good_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a1", "text": "Clash in Osh.", "title": "Osh", "published":
                    "2024-03-02", "url": "https://n.example/1", "language": "ru",
                    "author": "Staff", "publisher": "Wire"}),
        "{not json",
        "[1, 2, 3]",
        json.dumps({"id": "a4", "title": "no text"}),
        json.dumps({"id": "a5", "text": "   "}),
        "",  # blank lines are skipped but still counted
        json.dumps({"id": "a7", "text": "Bad date.", "published": "March 2nd"}),
        json.dumps({"id": 8, "text": "Date-time.", "published": "2024-03-02T23:30:00-05:00"}),
        json.dumps({"id": "a9", "text": 42}),
        json.dumps({"id": "a10", "text": "Title is a list.", "title": ["x"]}),
        json.dumps({"text": "No id, published null.", "published": None}),
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = ingest(path)

    docs = [r for r in results if isinstance(r, RawDocument)]
    failures = [r for r in results if isinstance(r, Failure)]
    assert [d.source_id for d in docs] == ["a1", "8", None]
    assert all(d.source == str(path) for d in docs)
    first = docs[0]
    assert (first.text, first.title, first.url, first.language, first.author, first.publisher) \
        == ("Clash in Osh.", "Osh", "https://n.example/1", "ru", "Staff", "Wire")
    assert first.published == date(2024, 3, 2)
    assert docs[1].published == date(2024, 3, 2)  # the publisher's own calendar date

    assert [(f.source, f.line) for f in failures] == [
        (str(path), 2), (str(path), 3), (str(path), 4), (str(path), 5), (str(path), 7),
        (str(path), 9), (str(path), 10),
    ]
    reasons = {f.line: f.reason for f in failures}
    assert reasons[2].startswith("not valid JSON")
    assert "got a list" in reasons[3]
    assert reasons[4].startswith('missing "text" field')
    assert reasons[5].startswith('"text" is empty')
    assert reasons[7].startswith('"published" is not an ISO date') and "YYYY-MM-DD" in reasons[7]
    assert reasons[9] == '"text" must be a string, got a number'
    assert reasons[10] == '"title" must be a string, got a list'
    # results come in file order
    assert [r.line if isinstance(r, Failure) else r.source_id for r in results] == [
        "a1", 2, 3, 4, 5, 7, "8", 9, 10, None]


def test_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"id": "x", "text": "one"}\r\n{"id": "y", "text": "two"}\r\n')
    assert [r.text for r in ingest(path) if isinstance(r, RawDocument)] == ["one", "two"]


def test_invalid_utf8_line(tmp_path: Path) -> None:
    path = tmp_path / "legacy.jsonl"
    path.write_bytes('{"text": "Привет"}\n'.encode("cp1251") + b'{"text": "ok"}\n')
    results = ingest(path)
    assert isinstance(results[0], Failure) and results[0].line == 1
    assert "not valid UTF-8" in results[0].reason and "iconv" in results[0].reason
    assert isinstance(results[1], RawDocument) and results[1].text == "ok"


def test_a_line_over_the_limit_is_skipped_and_the_rest_continue(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    long_text = "word " * 1000
    path.write_text(
        json.dumps({"id": "1", "text": "short"}) + "\n"
        + json.dumps({"id": "2", "text": long_text}) + "\n"
        + json.dumps({"id": "3", "text": "after"}) + "\n"
    )
    results = ingest(path, Settings(database_url="sqlite://", max_bytes=1024))
    assert [type(r).__name__ for r in results] == ["RawDocument", "Failure", "RawDocument"]
    failed = results[1]
    assert isinstance(failed, Failure) and failed.line == 2
    assert "over the 1 kB limit for one document" in failed.reason
    # the whole file is larger than max_bytes, but it is streamed, so it is still read
    assert path.stat().st_size > 1024


def test_read_lines_bounds_memory_per_line() -> None:
    stream = io.BytesIO(b"a\n" + b"x" * 100 + b"\nb\n" + b"y" * 50)
    assert list(read_lines(stream, max_line_bytes=10)) == [
        b"a\n", OverlongLine(101), b"b\n", OverlongLine(50)]


class _CountingStream(io.BytesIO):
    """Records how far the reader has got."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.high_water = 0

    def readline(self, size: int | None = -1, /) -> bytes:
        line = super().readline(size)
        self.high_water = self.tell()
        return line


def test_large_file_is_streamed() -> None:
    records = [json.dumps({"id": str(i), "text": f"Report number {i}. " * 20})
               for i in range(1500)]
    data = ("\n".join(records) + "\n").encode()
    stream = _CountingStream(data)
    results = iter_jsonl(read_lines(stream, max_line_bytes=1 << 20), source="corpus.jsonl")
    first = next(results)
    assert isinstance(first, RawDocument) and first.source_id == "0"
    assert stream.high_water < 2 * len(records[0]) + 2  # only the first line has been read
    rest = list(results)
    assert len(rest) == 1499 and all(isinstance(r, RawDocument) for r in rest)
    assert stream.high_water == len(data)
