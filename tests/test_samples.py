"""Shape checks for the bundled sample corpus (``watchfloor/samples/*.md``).

The corpus is test data for later stages (deduplication, date and casualty
extraction, timelines), so its shape is pinned here: file count, front matter,
body length, unique titles, and exactly one near-duplicate pair.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

import pytest
import yaml

PUBLISHER = "watchfloor sample"
NOTE = (
    "Sample written for demonstration from public reporting; not a real news report; "
    "quotations are illustrative paraphrases, not verbatim statements."
)
KEYS = {"title", "publisher", "published", "note"}
NAME_RE = re.compile(r"^(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*\.md$")
WORD_RE = re.compile(r"\w+")
NEAR_DUPLICATE = 0.8


def _sample_files() -> list[Traversable]:
    root = files("watchfloor") / "samples"
    return sorted(
        (entry for entry in root.iterdir() if entry.name.endswith(".md")),
        key=lambda entry: entry.name,
    )


@cache
def _parsed() -> dict[str, tuple[dict[str, object], str]]:
    """File name -> (front matter, body)."""
    out: dict[str, tuple[dict[str, object], str]] = {}
    for entry in _sample_files():
        text = entry.read_text(encoding="utf-8")
        assert text.startswith("---\n"), f"{entry.name}: no opening front-matter fence"
        head, sep, body = text[4:].partition("\n---\n")
        assert sep, f"{entry.name}: no closing front-matter fence"
        meta = yaml.safe_load(head)
        assert isinstance(meta, dict), f"{entry.name}: front matter is not a mapping"
        out[entry.name] = (meta, body)
    return out


def _shingles(body: str, size: int = 5) -> set[tuple[str, ...]]:
    words = WORD_RE.findall(body.lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def _jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def test_file_count_and_names() -> None:
    names = [entry.name for entry in _sample_files()]
    assert 30 <= len(names) <= 50, f"expected 30-50 samples, found {len(names)}"
    numbers = []
    for name in names:
        match = NAME_RE.match(name)
        assert match, f"bad sample file name: {name}"
        numbers.append(int(match.group(1)))
    assert numbers == list(range(1, len(names) + 1)), "samples must be numbered 01..NN"


@pytest.mark.parametrize("name", [entry.name for entry in _sample_files()])
def test_front_matter(name: str) -> None:
    meta, _ = _parsed()[name]
    assert set(meta) == KEYS, f"{name}: keys {sorted(meta)}"
    assert meta["publisher"] == PUBLISHER
    assert meta["note"] == NOTE
    assert isinstance(meta["title"], str)
    assert meta["title"].strip()
    published = meta["published"]
    # An unquoted YYYY-MM-DD is loaded by YAML as a date; accept an ISO string too.
    if isinstance(published, str):
        published = dt.date.fromisoformat(published)
    assert isinstance(published, dt.date)
    assert not isinstance(published, dt.datetime), f"{name}: published must be a date"
    assert dt.date(2010, 1, 1) <= published <= dt.date(2012, 12, 31), f"{name}: {published}"


@pytest.mark.parametrize("name", [entry.name for entry in _sample_files()])
def test_body_length(name: str) -> None:
    _, body = _parsed()[name]
    count = len(body.split())
    assert 150 <= count <= 500, f"{name}: body has {count} words"


def test_titles_unique() -> None:
    titles = [str(meta["title"]).strip().lower() for meta, _ in _parsed().values()]
    duplicates = sorted({title for title in titles if titles.count(title) > 1})
    assert not duplicates, f"duplicate titles: {duplicates}"


def test_exactly_one_near_duplicate_pair() -> None:
    shingles = {name: _shingles(body) for name, (_, body) in _parsed().items()}
    similar = [
        (a, b, round(_jaccard(shingles[a], shingles[b]), 3))
        for a, b in itertools.combinations(sorted(shingles), 2)
        if _jaccard(shingles[a], shingles[b]) > NEAR_DUPLICATE
    ]
    assert len(similar) == 1, f"expected exactly one near-duplicate pair, got {similar}"
