"""Local files and directories -> RawDocuments, by extension.

``.txt`` text, ``.md`` Markdown (optional YAML front matter), ``.html``/``.htm`` HTML,
``.pdf`` PDF, ``.jsonl`` JSON Lines (streamed), ``.xml``/``.rss``/``.atom`` RSS/Atom feeds.
Any other extension is read as text when its bytes are text, and refused otherwise. A file
that starts with ``%PDF-`` is read as PDF whatever its name.

The size limit (``settings.max_bytes``) is checked with ``stat`` before reading, and reading
stops one byte past it, so an oversized file is never loaded. JSON Lines files are the
exception: they are streamed line by line, so the limit applies to each line (one document).

Directories are walked lazily, depth first, entries in sorted name order; hidden files and
directories (name starting with ``.``) are skipped, and symbolic links to directories are not
followed (a link loop cannot trap the walk). A file named explicitly is read even if hidden.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from watchfloor.config import Settings
from watchfloor.ingest.content import (
    PDF_MAGIC,
    Kind,
    document_from_bytes,
    feed_root,
    kind_for_extension,
)
from watchfloor.ingest.errors import Result, SourceError, guarded, too_large_reason
from watchfloor.ingest.feeds import iter_feed_documents
from watchfloor.ingest.fetch import Fetcher
from watchfloor.ingest.jsonl import iter_jsonl, read_lines
from watchfloor.ingest.remote import load_page

logger = logging.getLogger(__name__)


def walk(root: Path) -> Iterator[Path | OSError]:
    """Regular files under ``root``, depth first in sorted order, skipping hidden entries.

    A directory that cannot be listed is yielded as its OSError (``filename`` names it) and
    skipped, so one unreadable folder does not end the walk.
    """
    try:
        with os.scandir(root) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(root)
        yield exc
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from walk(path)
            elif entry.is_file(follow_symlinks=True):
                yield path
        except OSError as exc:
            exc.filename = exc.filename or str(path)
            yield exc


def iter_path(path: Path, *, settings: Settings, fetcher: Fetcher) -> Iterator[Result]:
    """Documents (or Failures) from a file, or from every file under a directory."""
    source = str(path)
    try:
        is_dir = path.is_dir()
        path.stat()
    except OSError as exc:
        yield SourceError(_os_reason(exc)).to_failure(source)
        return
    if not is_dir:
        yield from guarded(source, read_file(path, settings=settings, fetcher=fetcher))
        return
    yield from _iter_directory(path, settings=settings, fetcher=fetcher)


def read_file(path: Path, *, settings: Settings, fetcher: Fetcher) -> Iterator[Result]:
    """Documents (or Failures) from one file; JSON Lines and feeds may yield many."""
    source = str(path)
    try:
        info = path.stat()
    except OSError as exc:
        yield SourceError(_os_reason(exc)).to_failure(source)
        return
    if not stat.S_ISREG(info.st_mode):
        yield SourceError(
            "not a regular file (a device, socket or pipe); copy its contents to a file first"
        ).to_failure(source)
        return
    if info.st_size == 0:
        yield SourceError(
            "file is empty (0 bytes); nothing to ingest — check that it was saved or "
            "downloaded completely"
        ).to_failure(source)
        return
    kind = kind_for_extension(path.suffix)
    limit = settings.max_bytes
    if kind is Kind.JSONL:
        yield from _read_jsonl(path, limit=limit)
        return
    if info.st_size > limit:
        yield SourceError(too_large_reason("file", info.st_size, limit)).to_failure(source)
        return
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        yield SourceError(_os_reason(exc)).to_failure(source)
        return
    if len(data) > limit:  # the file grew after stat()
        yield SourceError(too_large_reason("file", None, limit)).to_failure(source)
        return
    yield from _documents(data, kind=kind, path=path, fetcher=fetcher)


def _documents(data: bytes, *, kind: Kind | None, path: Path, fetcher: Fetcher) -> Iterator[Result]:
    source = str(path)
    if data.startswith(PDF_MAGIC):
        kind = Kind.PDF
    if kind is Kind.FEED:
        if feed_root(data) is None:
            yield SourceError(
                f"{path.suffix or 'XML'} file is not an RSS or Atom feed; only feeds are read "
                "from XML files — save the article as HTML or text instead"
            ).to_failure(source)
            return
        yield from iter_feed_documents(
            data, source=source, load_page=lambda link: load_page(link, fetcher=fetcher)
        )
        return
    try:
        yield document_from_bytes(
            data,
            kind=kind or Kind.TEXT,
            source=source,
            # Nothing but the bytes says a file with an unknown extension is text.
            require_plausible=kind is None,
        )
    except SourceError as exc:
        yield exc.to_failure(source)


def _read_jsonl(path: Path, *, limit: int) -> Iterator[Result]:
    source = str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield SourceError(_os_reason(exc)).to_failure(source)
        return
    with handle:
        try:
            yield from iter_jsonl(read_lines(handle, max_line_bytes=limit), source=source,
                                  max_line_bytes=limit)
        except OSError as exc:  # e.g. an I/O error half-way through a file on a network share
            yield SourceError(_os_reason(exc)).to_failure(source)


def _iter_directory(root: Path, *, settings: Settings, fetcher: Fetcher) -> Iterator[Result]:
    for item in walk(root):
        if isinstance(item, OSError):
            yield SourceError(_os_reason(item)).to_failure(str(item.filename))
            continue
        yield from guarded(str(item), read_file(item, settings=settings, fetcher=fetcher))


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return ("no such file or directory; check the path (a target is a file, a directory, "
                "an http(s) URL or '-' for standard input)")
    if isinstance(exc, PermissionError):
        return ("permission denied; check the file's permissions (ls -l) or run as a user who "
                "can read it")
    if exc.errno == errno.ENAMETOOLONG:
        return "path is too long; move or rename the file"
    detail = exc.strerror or str(exc)
    return f"could not read it ({detail}); check the file and the disk"
