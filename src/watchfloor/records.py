"""The data model shared by every stage: plain dataclasses, no behaviour beyond conversion."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(kw_only=True)
class RawDocument:
    """What a source hands to ingestion: text already extracted, metadata as found.

    ``source`` names where it came from (path, URL, ``path:line`` for JSON Lines, ``-``);
    metadata left as None is filled later (dateline, language detection) or stays unknown.
    """

    source: str
    text: str
    url: str | None = None
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: date | None = None
    language: str | None = None
    source_id: str | None = None  # an id the input itself carried (JSON Lines "id")
    content_type: str | None = None  # e.g. "text/html", "application/pdf", "text/plain"


@dataclass(kw_only=True)
class Document:
    """A stored report. ``doc_id`` is derived from the clean text, so the same text is one id."""

    doc_id: str
    sha256: str
    source: str
    text: str
    url: str | None = None
    source_id: str | None = None
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: date | None = None
    published_from: str | None = None  # "metadata", "dateline", "option", or None
    retrieved_at: datetime | None = None
    language: str | None = None
    tlp: str = "TLP:CLEAR"
    content_type: str | None = None
    near_duplicate_of: str | None = None
    similarity: float | None = None  # Jaccard estimate against near_duplicate_of

    def to_json(self, *, with_text: bool = True) -> dict[str, Any]:
        data = asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        data["retrieved_at"] = self.retrieved_at.isoformat() if self.retrieved_at else None
        if not with_text:
            data.pop("text")
            data["length"] = len(self.text)
        return data


@dataclass(frozen=True, kw_only=True)
class Failure:
    """One input that could not be ingested, with a reason a person can act on."""

    source: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"


@dataclass(frozen=True, kw_only=True)
class SearchHit:
    doc_id: str
    title: str | None
    source: str
    published: date | None
    score: float
    snippet: str

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        return data


@dataclass(kw_only=True)
class IngestReport:
    """What one ingest run did; the CLI prints it, tests assert on it."""

    new: list[str] = field(default_factory=list)
    duplicate: list[str] = field(default_factory=list)
    near_duplicate: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, of doc_id)
    failed: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_json(self) -> dict[str, Any]:
        return {
            "new": len(self.new),
            "duplicate": len(self.duplicate),
            "near_duplicate": len(self.near_duplicate),
            "failed": len(self.failed),
            "new_ids": self.new,
            "near_duplicates": [{"doc_id": d, "of": o} for d, o in self.near_duplicate],
            "failures": [
                {"source": f.source, "line": f.line, "reason": f.reason} for f in self.failed
            ],
        }
