"""Markdown with optional YAML front matter (``---`` lines) -> text and metadata.

Front matter keys: title, publisher, author, published (ISO date or date-time), url, language,
note. ``note`` is a free comment for people (e.g. where a sample came from); it is read and
ignored. Unknown keys are ignored with a debug message. The text is the rest of the file,
unchanged apart from normalisation, so offsets refer to what the author wrote.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml

from watchfloor.ingest.errors import SourceError
from watchfloor.ingest.meta import clean_language, clean_str, parse_iso_date

logger = logging.getLogger(__name__)

KNOWN_KEYS = frozenset({"title", "publisher", "author", "published", "url", "language", "note"})
# The opening and closing fence must be exactly three dashes on their own line (trailing
# spaces allowed), as in Jekyll, Hugo and Pandoc.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)
_HEADING = re.compile(r"^#{1,2}[ \t]+(.+?)[ \t#]*$", re.M)


@dataclass(frozen=True, kw_only=True)
class MarkdownContent:
    text: str
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: date | None = None
    url: str | None = None
    language: str | None = None


def split_front_matter(text: str) -> tuple[dict[str, Any] | None, str]:
    """(front matter mapping or None, the rest). ``text`` must already be normalised.

    A leading ``---`` block that is not a YAML mapping (a horizontal rule, a list) is not
    front matter and stays part of the text. Invalid YAML raises SourceError.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, text
    try:
        data = yaml.safe_load(match.group(1) or "")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise SourceError(
            f"front matter is not valid YAML{where}: {problem}; fix it or remove the block "
            "between the '---' lines",
            line=mark.line + 2 if mark is not None else None,
        ) from None
    if not isinstance(data, dict):
        return None, text
    return data, text[match.end():]


def parse_markdown(text: str) -> MarkdownContent:
    """Text and metadata of a normalised Markdown document; SourceError for bad front matter."""
    meta, body = split_front_matter(text)
    body = body.strip()
    if meta is None:
        heading = _HEADING.search(body)
        return MarkdownContent(text=body, title=clean_str(heading.group(1)) if heading else None)
    unknown = sorted(str(key) for key in meta if key not in KNOWN_KEYS)
    if unknown:
        logger.debug("ignoring unknown front matter keys: %s", ", ".join(unknown))
    try:
        published = parse_iso_date(meta.get("published"))
    except ValueError:
        raise SourceError(
            f"front matter 'published' is not an ISO date ({meta.get('published')!r}); "
            "write it as YYYY-MM-DD"
        ) from None
    title = clean_str(_as_text(meta.get("title")))
    if title is None:
        heading = _HEADING.search(body)
        title = clean_str(heading.group(1)) if heading else None
    return MarkdownContent(
        text=body,
        title=title,
        author=clean_str(_as_text(meta.get("author"))),
        publisher=clean_str(_as_text(meta.get("publisher"))),
        published=published,
        url=clean_str(_as_text(meta.get("url"))),
        language=clean_language(meta.get("language")),
    )


def _as_text(value: object) -> object:
    """YAML reads ``title: 1999`` as a number and ``author: [A, B]`` as a list; keep them."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return "; ".join(str(item) for item in value if item is not None)
    return value
