"""The entry point: target dispatch, standard input sniffing, order and isolation."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from builders import make_pdf
from loopback import closed_port

from watchfloor.config import Settings
from watchfloor.ingest.content import Kind, sniff_kind
from watchfloor.ingest.sources import iter_inputs
from watchfloor.records import Failure, RawDocument

SETTINGS = Settings(database_url="sqlite://")
LOCAL = Settings(database_url="sqlite://", allow_private=True, timeout=2.0)


def from_stdin(data: bytes, settings: Settings = SETTINGS) -> list[RawDocument | Failure]:
    return list(iter_inputs(["-"], settings=settings, stdin=io.BytesIO(data)))


def test_stdin_json_lines() -> None:
    data = b'{"id": "1", "text": "one"}\n\n  {"id": "2", "text": "two"}\n{oops\n'
    results = from_stdin(data)
    assert [r.source for r in results] == ["-", "-", "-"]
    assert [r.text for r in results if isinstance(r, RawDocument)] == ["one", "two"]
    assert isinstance(results[2], Failure) and results[2].line == 4


def test_stdin_json_lines_longer_than_the_sniffing_window() -> None:
    lines = [json.dumps({"id": str(i), "text": "x" * 500}) for i in range(400)]  # ~200 kB
    results = from_stdin("\n".join(lines).encode(), Settings(database_url="sqlite://",
                                                            max_bytes=100_000))
    assert len(results) == 400 and all(isinstance(r, RawDocument) for r in results)
    assert [r.source_id for r in results if isinstance(r, RawDocument)][-1] == "399"


def test_stdin_html() -> None:
    results = from_stdin(b"<!doctype html><title>T</title><p>Hello from a page.</p>")
    assert len(results) == 1 and isinstance(results[0], RawDocument)
    assert results[0].text == "Hello from a page." and results[0].content_type == "text/html"


def test_stdin_text_in_cp1251() -> None:
    text = "Взрыв в Ташкенте: погибли три человека."
    results = from_stdin(text.encode("cp1251"))
    assert len(results) == 1 and isinstance(results[0], RawDocument)
    assert results[0].text == text and results[0].content_type == "text/plain"


def test_stdin_pdf() -> None:
    results = from_stdin(make_pdf(["Piped PDF."]))
    assert isinstance(results[0], RawDocument) and results[0].text == "Piped PDF."


@pytest.mark.parametrize(("data", "start"), [
    (b"", "standard input is empty"),
    (b"  \n\n", "standard input is empty"),
    (b"\x7fELF\x02\x01\x01" + bytes(100), "binary file (ELF executable)"),
])
def test_stdin_bad_input(data: bytes, start: str) -> None:
    results = from_stdin(data)
    assert len(results) == 1 and isinstance(results[0], Failure)
    assert results[0].source == "-" and results[0].reason.startswith(start)


def test_stdin_over_the_limit() -> None:
    results = from_stdin(b"text " * 1000, Settings(database_url="sqlite://", max_bytes=2000))
    assert isinstance(results[0], Failure)
    assert results[0].reason.startswith("standard input is larger than that, over the")


def test_sniff_kind() -> None:
    assert sniff_kind(b'{"text": "a"}\n{"text": "b"}\n{"te') is Kind.JSONL
    # the first line decides: later broken lines are reported one by one (CONTRACT.md)
    assert sniff_kind(b'{"text": "a"}\nplain line\n') is Kind.JSONL
    assert sniff_kind(b'plain line\n{"text": "a"}\n') is Kind.TEXT
    assert sniff_kind(b'{not json}\nmore prose\n') is Kind.TEXT
    assert sniff_kind(b"<?xml version='1.0'?>\n<!-- c -->\n<rss version='2.0'>") is Kind.FEED
    assert sniff_kind(b'<feed xmlns="http://www.w3.org/2005/Atom">') is Kind.FEED
    assert sniff_kind(b"<rdf:RDF xmlns:rdf='x'>") is Kind.FEED
    assert sniff_kind(b"<html><body>x</body></html>") is Kind.HTML
    assert sniff_kind(b"%PDF-1.7\n") is Kind.PDF
    assert sniff_kind(b"Just words; 3 < 4 and 5 > 2.") is Kind.TEXT


def test_targets_in_order_and_a_bad_one_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("alpha")
    (tmp_path / "b.txt").write_text("beta")
    dead = f"http://127.0.0.1:{closed_port()}/x"
    results = list(iter_inputs(
        [str(tmp_path / "a.txt"), "ftp://example.com/x", "", dead, str(tmp_path / "none"),
         "-", str(tmp_path / "b.txt")],
        settings=LOCAL, stdin=io.BytesIO(b"from stdin"),
    ))
    assert [r.source for r in results] == [
        str(tmp_path / "a.txt"), "ftp://example.com/x", "''", dead, str(tmp_path / "none"),
        "-", str(tmp_path / "b.txt")]
    kinds = ["doc" if isinstance(r, RawDocument) else "fail" for r in results]
    assert kinds == ["doc", "fail", "fail", "fail", "fail", "doc", "doc"]
    assert "unsupported URL scheme 'ftp'" in results[1].reason  # type: ignore[union-attr]


def test_results_are_lazy(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("alpha")
    results = iter_inputs([str(tmp_path / "a.txt"), str(tmp_path / "later.txt")],
                          settings=SETTINGS)
    first = next(results)
    assert isinstance(first, RawDocument) and first.text == "alpha"
    (tmp_path / "later.txt").write_text("created after the first result")
    second = next(results)
    assert isinstance(second, RawDocument) and second.text == "created after the first result"
