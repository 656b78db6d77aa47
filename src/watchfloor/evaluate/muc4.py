"""MUC-3/4 corpus reader: the original distribution keeps 100 texts per file.

Each text starts with an id line (``DEV-MUC3-0001 (NOSC)``, ``TST1-MUC3-0001``) followed by
the story, whose dateline (``SAN SALVADOR, 3 JAN 90 -- [REPORT] ...``) gives its date.
The path is always an argument: benchmark data is read where it lies, never copied.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_ID_LINE = re.compile(r"^(?P<id>(?:DEV|TST\d+)-MUC\d-\d{4})\b.*$", re.MULTILINE)


@dataclass(frozen=True)
class MucText:
    doc_id: str  # e.g. "DEV-MUC3-0001"
    path: Path
    text: str  # the story, dateline first, id line removed


def split_muc_file(path: Path) -> Iterator[MucText]:
    content = path.read_text(encoding="latin-1")
    matches = list(_ID_LINE.finditer(content))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(content)
        body = content[match.end() : end].strip("\n")
        yield MucText(doc_id=match.group("id"), path=path, text=body.strip())


def text_files(root: Path, *, splits: tuple[str, ...] = ("dev", "tst1", "tst2")) -> list[Path]:
    """The text files (not answer keys) of the given splits under muc4/original."""
    base = root / "original" if (root / "original").is_dir() else root
    files: list[Path] = []
    for split in splits:
        folder = base / split
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder} not found: pass the muc4 benchmark folder")
        files += sorted(
            p for p in folder.iterdir() if p.name.startswith(split) and not p.name.startswith("key")
        )
    return files


def iter_texts(
    root: Path, *, splits: tuple[str, ...] = ("dev", "tst1", "tst2")
) -> Iterator[MucText]:
    for path in text_files(root, splits=splits):
        yield from split_muc_file(path)
