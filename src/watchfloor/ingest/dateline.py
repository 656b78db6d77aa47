"""Publication dates from wire datelines at the top of a report.

Wire copy opens with a place and a date before the first sentence:
``LIMA, 10 JAN 90 (EFE) -- [TEXT] ...``, ``ALMATY, Dec 17, 2011 (Reuters) -``,
``ASTANA, 18 December 2011 --``, ``BISHKEK, Kyrgyzstan, June 12, 2010 —``. Only the first
lines are read, and only a date that sits in such a dateline counts: a date later in the
story is an event date, not the publication date. A dateline without a year
(``ALMATY, Dec 17 (Reuters) -``) gives no date: guessing the year would invent one.
"""

from __future__ import annotations

import re
from datetime import date

# Characters from the start of the text where a dateline may begin: after an id line,
# a headline and a byline, wire stories reach their dateline within a few hundred.
DATELINE_WINDOW = 600
# Two-digit years: 69-99 are 19xx and 00-68 are 20xx, the POSIX strptime convention,
# which fits both 1990 wire archives (MUC) and current reporting.
TWO_DIGIT_PIVOT = 69

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_NAMES = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
    r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# The place: one to five capitalised words, optionally followed by its country in
# parentheses ("ROME (ITALY),") or after a comma ("BISHKEK, Kyrgyzstan,"), at a line start.
_PLACE = (
    r"(?P<place>[A-Z][A-Za-z'.\-]+(?:[ \-][A-Z][A-Za-z'.\-]+){0,4})"
    r"(?:\s*\([A-Za-z .'\-]{2,40}\))?(?:,\s+[A-Z][A-Za-z .'\-]+){0,2}"
)
_DAY_MONTH_YEAR = rf"(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH_NAMES})\.?\s+(?P<year>\d{{4}}|\d{{2}})"
_MONTH_DAY_YEAR = (
    rf"(?P<month2>{_MONTH_NAMES})\.?\s+(?P<day2>\d{{1,2}}),?\s+(?P<year2>\d{{4}}|\d{{2}})"
)
# After the date: an agency in parentheses and/or a dash, or a full stop.
# (Transcribed wire copy sometimes opens the agency with "[" and closes it with ")".)
_AFTER = r"\s*(?:[(\[][^)\]\n]{1,60}[)\]]\s*)?(?:--|—|–|-|:|\.)"

DATELINE = re.compile(
    rf"(?m)^[ \t]*{_PLACE},\s+(?:{_DAY_MONTH_YEAR}|{_MONTH_DAY_YEAR})\b{_AFTER}",
    re.IGNORECASE,
)


def _year(raw: str) -> int:
    value = int(raw)
    if len(raw) == 2:
        value += 1900 if value >= TWO_DIGIT_PIVOT else 2000
    return value


def find_dateline(text: str) -> tuple[date, str] | None:
    """(publication date, dateline place) from a dateline near the top, or None."""
    match = DATELINE.search(text[:DATELINE_WINDOW])
    if not match:
        return None
    month = _MONTHS[(match.group("month") or match.group("month2")).lower()[:3]]
    day = match.group("day") or match.group("day2")
    year = match.group("year") or match.group("year2")
    try:
        return date(_year(year), month, int(day)), match.group("place").strip()
    except ValueError:  # 31 FEB and the like: not a date
        return None


def dateline_place_span(text: str) -> tuple[int, int] | None:
    """Character span of a dateline's place part ("SAN SALVADOR" of "SAN SALVADOR, 3 JAN 90
    --", "BISHKEK, Kyrgyzstan" of "BISHKEK, Kyrgyzstan, June 12, 2010 —"), or None when the
    text opens with no dateline (same rules as :func:`find_dateline`)."""
    match = DATELINE.search(text[:DATELINE_WINDOW])
    if not match:
        return None
    date_start = match.start("day") if match.group("day") else match.start("month2")
    end = text.rfind(",", match.start("place"), date_start)
    return (match.start("place"), end) if end > match.start("place") else None
