"""Small pure helpers for metadata values found in inputs (front matter, JSON Lines, HTML)."""

from __future__ import annotations

import re
from datetime import date, datetime

_SPACES = re.compile(r"\s+")


def parse_iso_date(value: object) -> date | None:
    """A publication date from an ISO 8601 date or date-time (string, date or datetime).

    ``None`` and blank strings give None. A date-time keeps the calendar date it was written
    with (``2023-05-01T23:30:00-05:00`` is 1 May, the publisher's local date), not UTC's.
    Raises ValueError for anything else.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO date string, got {type(value).__name__}")
    text = value.strip()
    if not text:
        return None
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text).date()


def clean_str(value: object) -> str | None:
    """A metadata string with whitespace collapsed; None for None, blanks and non-strings."""
    if not isinstance(value, str):
        return None
    text = _SPACES.sub(" ", value).strip()
    return text or None


def clean_language(value: object) -> str | None:
    """``'RU'``, ``'ru-RU'``, ``'ru_RU'`` -> ``'ru'``; None when it is not a language tag."""
    text = clean_str(value)
    if text is None:
        return None
    primary = re.split(r"[-_]", text, maxsplit=1)[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None
