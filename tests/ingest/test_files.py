"""Local files and directories through the public entry point ``iter_inputs``."""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from builders import encrypt_pdf, make_pdf

from watchfloor.config import Settings
from watchfloor.ingest.files import walk
from watchfloor.ingest.sources import iter_inputs
from watchfloor.records import Failure, RawDocument

SETTINGS = Settings(database_url="sqlite://")
RUSSIAN = "Во вторник в Оше произошла перестрелка. Погибли два человека."
KAZAKH = "Ол кітап алды. Бала мектепке барды. Мен де келдім."


def ingest(*targets: Path | str, settings: Settings = SETTINGS) -> list[RawDocument | Failure]:
    return list(iter_inputs([str(t) for t in targets], settings=settings))


def one(target: Path, settings: Settings = SETTINGS) -> RawDocument | Failure:
    results = ingest(target, settings=settings)
    assert len(results) == 1, results
    return results[0]


def doc(target: Path, settings: Settings = SETTINGS) -> RawDocument:
    result = one(target, settings)
    assert isinstance(result, RawDocument), result
    return result


def failure(target: Path, settings: Settings = SETTINGS) -> Failure:
    result = one(target, settings)
    assert isinstance(result, Failure), result
    return result


def test_text_file(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"Line one.\r\nLine two.\r\n")
    result = doc(path)
    assert result.text == "Line one.\nLine two."
    assert result.source == str(path)
    assert result.content_type == "text/plain"


def test_markdown_front_matter_maps_onto_the_document(tmp_path: Path) -> None:
    path = tmp_path / "sample.md"
    path.write_text(
        "---\n"
        "title: Clash near the border\n"
        "publisher: Regional Wire\n"
        "author: A. Reporter\n"
        "published: 2024-03-02\n"
        "url: https://news.example/clash\n"
        "language: ru-RU\n"
        "note: synthetic sample for tests\n"
        "---\n"
        "\n"
        "Two people were killed on Tuesday.\n",
        encoding="utf-8",
    )
    result = doc(path)
    assert result.text == "Two people were killed on Tuesday."
    assert (result.title, result.publisher, result.author) == (
        "Clash near the border", "Regional Wire", "A. Reporter")
    assert result.published == date(2024, 3, 2)
    assert result.url == "https://news.example/clash"
    assert result.language == "ru"
    assert result.content_type == "text/markdown"


def test_markdown_without_front_matter_takes_the_first_heading_as_title(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# Curfew in Khorog\n\nA curfew was announced.\n---\nfooter\n")
    result = doc(path)
    assert result.title == "Curfew in Khorog"
    assert result.text.startswith("# Curfew in Khorog")
    assert result.published is None


def test_markdown_with_invalid_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: [unclosed\n---\nText.\n")
    assert "front matter is not valid YAML" in failure(path).reason


def test_markdown_with_bad_published_date(tmp_path: Path) -> None:
    path = tmp_path / "bad-date.md"
    path.write_text("---\npublished: next Tuesday\n---\nText.\n")
    reason = failure(path).reason
    assert "'published' is not an ISO date" in reason and "YYYY-MM-DD" in reason


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert failure(path).reason.startswith("file is empty")


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.md"
    path.write_bytes(b" \n\t\r\n  \n")
    assert failure(path).reason.startswith("file is empty")


def test_binary_file_with_a_text_extension(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    reason = failure(path).reason
    assert reason.startswith("binary file (PNG image)")


def test_binary_file_with_an_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04" + bytes(300))
    reason = failure(path).reason
    assert reason.startswith("binary file (ZIP archive")
    assert "save it as PDF or plain text" in reason


def test_unknown_extension_that_is_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bulletin.log"
    path.write_bytes(RUSSIAN.encode("cp1251"))
    assert doc(path).text == RUSSIAN


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (RUSSIAN, "cp1251"),
        (KAZAKH, "cp1251"),
        ("Қазақстан Республикасының Президенті Алматы қаласында кеңес өткізді.", "kz1048"),
        ("Le ministère a confirmé l'attaque près de la frontière ; deux blessés.", "latin-1"),
        ("Según el ministerio, la explosión ocurrió cerca de la estación.", "latin-1"),
    ],
)
def test_legacy_encoded_text_file(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    assert doc(path).text == text


def test_malformed_html_file_still_yields_text(tmp_path: Path) -> None:
    path = tmp_path / "broken.html"
    path.write_bytes(b"<html><head><title>Broken page<body><p>First <b>bold <i>para"
                     b"<p>Second para</div></span><script>var x = 1;")
    result = doc(path)
    assert "First bold para" in result.text and "Second para" in result.text
    assert "var x" not in result.text
    assert result.content_type == "text/html"


def test_cp1251_html_file_with_meta_charset(tmp_path: Path) -> None:
    path = tmp_path / "ru.htm"
    html = (f'<html><head><meta http-equiv="Content-Type" content="text/html; '
            f'charset=windows-1251"><title>Ош</title></head><body><p>{RUSSIAN}</p></body>'
            "</html>")
    path.write_bytes(html.encode("cp1251"))
    assert RUSSIAN in doc(path).text


def test_pdf_file_text_of_all_pages(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf(["Page one: gunmen attacked a post.", "Page two: two killed."],
                              title="Weekly security report"))
    result = doc(path)
    assert result.text == "Page one: gunmen attacked a post.\n\nPage two: two killed."
    assert result.title == "Weekly security report"
    assert result.content_type == "application/pdf"


def test_truncated_pdf(tmp_path: Path) -> None:
    data = make_pdf(["Some text that will be cut off."])
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])
    reason = failure(path).reason
    assert reason.startswith("could not read PDF") and "(truncated or damaged)" in reason


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypt_pdf(make_pdf(["Secret text."]), user_password="s3cret"))
    reason = failure(path).reason
    assert reason.startswith("PDF is encrypted; decrypt it first (e.g. qpdf --decrypt")


def test_pdf_encrypted_with_empty_password_opens(tmp_path: Path) -> None:
    path = tmp_path / "restricted.pdf"
    path.write_bytes(encrypt_pdf(make_pdf(["Copy-protected but readable."]), user_password=""))
    assert doc(path).text == "Copy-protected but readable."


def test_pdf_content_with_a_txt_name_is_read_as_pdf(tmp_path: Path) -> None:
    path = tmp_path / "misnamed.txt"
    path.write_bytes(make_pdf(["Hello from a PDF."]))
    assert doc(path).text == "Hello from a PDF."


def test_oversize_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 400)  # 2,000 bytes
    reason = failure(path, Settings(database_url="sqlite://", max_bytes=1024)).reason
    assert reason == ("file is 2 kB, over the 1 kB limit; raise it with --max-bytes or split "
                      "the file")


def test_missing_path(tmp_path: Path) -> None:
    reason = failure(tmp_path / "nope.txt").reason
    assert reason.startswith("no such file or directory; check the path")


def test_not_a_regular_file() -> None:
    assert failure(Path("/dev/null")).reason.startswith("not a regular file")


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory every user can enter (pytest's tmp_path is private to its owner)."""
    path = Path(tempfile.mkdtemp(prefix="watchfloor-test-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        for child in path.rglob("*"):
            if child.is_dir():
                child.chmod(stat.S_IRWXU)
        shutil.rmtree(path)


def test_unreadable_file(shared_dir: Path) -> None:
    path = shared_dir / "secret.txt"
    path.write_text("classified")
    path.chmod(0)
    results = _ingest_unprivileged(path)
    assert len(results) == 1
    is_failure, text = results[0]
    assert is_failure and "permission denied; check the file's permissions" in text


def _ingest_unprivileged(path: Path) -> list[tuple[bool, str]]:
    """(is a Failure, str of result) for each result; as "nobody" when run as root.

    root reads any file, so it reads in a forked child that has dropped to nobody instead.
    """
    if os.geteuid() != 0:
        return [(isinstance(r, Failure), str(r)) for r in ingest(path)]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: drop to nobody, ingest, report through the pipe
        status = 1
        try:
            os.close(read_end)
            os.setgid(65534)
            os.setuid(65534)
            payload = json.dumps([(isinstance(r, Failure), str(r)) for r in ingest(path)])
            os.write(write_end, payload.encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    assert status == 0
    return [(bool(f), str(t)) for f, t in json.loads(b"".join(chunks))]


def test_directory_is_walked_recursively_in_sorted_order_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("B text")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "z.txt").write_text("AZ text")
    (tmp_path / "a" / "m.md").write_text("AM text")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.txt").write_text("hidden dir")
    (tmp_path / ".hidden.txt").write_text("hidden file")
    (tmp_path / "c.txt").write_bytes(b"")
    results = ingest(tmp_path)
    assert [r.source for r in results] == [
        str(tmp_path / "a" / "m.md"), str(tmp_path / "a" / "z.txt"),
        str(tmp_path / "b.txt"), str(tmp_path / "c.txt"),
    ]
    assert [r.text for r in results if isinstance(r, RawDocument)] == [
        "AM text", "AZ text", "B text"]
    assert isinstance(results[-1], Failure)  # the empty file; the others were not affected


def test_directory_walk_is_lazy(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("first")
    (tmp_path / "sub").mkdir()
    results = iter_inputs([str(tmp_path)], settings=SETTINGS)
    first = next(results)
    assert isinstance(first, RawDocument) and first.text == "first"
    # "sub" has not been listed yet, so a file added now is still found
    (tmp_path / "sub" / "late.txt").write_text("added after the walk started")
    assert [r.text for r in results if isinstance(r, RawDocument)] == [
        "added after the walk started"]


def test_walk_does_not_follow_directory_symlinks(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "x.txt").write_text("x")
    (tmp_path / "real" / "loop").symlink_to(tmp_path)
    assert list(walk(tmp_path)) == [tmp_path / "real" / "x.txt"]


def test_unreadable_subdirectory_is_reported_and_the_walk_goes_on(shared_dir: Path) -> None:
    tmp_path = shared_dir
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("x")
    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "b.txt").chmod(0o644)
    (tmp_path / "a").chmod(0)
    results = _ingest_unprivileged(tmp_path)
    assert len(results) == 2
    assert results[0] == (True, f"{tmp_path / 'a'}: " + results[0][1].split(": ", 1)[1])
    assert "permission denied" in results[0][1]
    assert results[1] == (False, results[1][1]) and "text='b'" in results[1][1]


def test_xml_file_that_is_not_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "data.xml"
    path.write_text('<?xml version="1.0"?><catalog><book>x</book></catalog>')
    assert "is not an RSS or Atom feed" in failure(path).reason
