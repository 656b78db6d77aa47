"""Temporal expressions: find them in a report and resolve them to calendar ranges.

Pure functions over plain values: ``extract_dates(text, published=...)`` returns the CONTRACT
``dates`` objects; ``event_date_for`` turns them into the ``date`` object of one event.

How an expression is resolved (``anchor``):

- ``absolute``: it carries its own year ("10 JAN 90", "August 2010", "in 2011", "the 1990s").
- ``published``: deictic words resolved against the publication date ("yesterday", "this week",
  "over the weekend", "next year", "on Monday"), and month/day names without a year when no
  other year is in play ("30 DECEMBER": the latest such day not after the publication date).
- ``context``: anaphoric or year-less expressions resolved against a year stated in the same
  sentence or in the :data:`CONTEXT_SENTENCES` sentences before it ("until August 2010 ...
  earlier in the year" -> 2010; "Only in 2011 ... in May" -> May 2011).
- ``none``: nothing to anchor on. ``value``, ``start_date`` and ``end_date`` stay null; the
  ``precision`` still says what kind of expression it was. Never silently today.

Limits (documented, tested where they matter): English only; numeric dates ``a/b/yyyy`` are read
month-first unless the first number is above 12; a bare four-digit year needs a cue ("in 2011",
"since 2010", "2011 was", "2011's") and a following plural noun makes it a count ("2252
organizations"), so "in 2011 elections were held" is missed; ``"9/11"`` is read as
2001-09-11 only where it names the attacks ("9/11 attacks", "after 9/11"); times of day,
durations ("for two years") and fuzzy words ("recently") are not tagged.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any


def _words(words: str) -> frozenset[str]:
    """A set of words written as one string (easier to read and edit than a list)."""
    return frozenset(words.split())

__all__ = [
    "PRECISIONS",
    "event_date_for",
    "extract_dates",
    "sentence_spans",
]

PRECISIONS = ("day", "week", "part_of_month", "month", "season", "year", "decade", "unknown")
# Finer first: event_date_for prefers the most precise resolved expression of a sentence.
_PRECISION_RANK = {p: i for i, p in enumerate(PRECISIONS)}

# A context year is looked for in the expression's own sentence and this many sentences before
# it: "until August 2010, when ... . Kyrgyzstan also faced ... earlier in the year" needs one;
# further back the year is usually stale (a new paragraph has moved on).
CONTEXT_SENTENCES = 2
# Future-tense cues ("will", "scheduled") are looked for this many characters before and after
# an expression, inside its sentence: close enough to be its clause in most news sentences,
# short enough that "said on Monday that elections will be held" keeps Monday in the past.
FUTURE_WINDOW_BEFORE, FUTURE_WINDOW_AFTER = 60, 15
# The start of a period that runs to the present ("since the war worsened in 1979") sets no
# context year: a day named later ("on 16 November") is of the present, not of 1979. "since"
# is looked for this many characters before the year, within its clause.
SINCE_WINDOW = 60
_SINCE_RE = re.compile(r"\bsince\b[^.;:!?]*$", re.IGNORECASE)
# What joins two dates of one span: "the late 90's and early 2000's", "May to July".
_CONJOINED_RE = re.compile(r"\s*(?:,\s*)?(?:and|to|through|until|till|-|–)\s+(?:the\s+)?",
                           re.IGNORECASE)
# A date that names an organisation ("the 19 April Movement", "the 15 September Front") is no
# date: the date followed by the organisation's head noun.
_NAMED_AFTER = re.compile(
    r"\s+(?:movement|front|command|brigade|battalion|commando|organi[sz]ation|party|"
    r"revolutionary|alliance|group)\b", re.IGNORECASE)
# A date right after a verb of reporting is when the report was made, not when the event
# happened ("the police reported today that ...").
_REPORTING_RE = re.compile(
    r"\b(?:report|said|say|says|announc|stat|told|declar|disclos|confirm|reveal|indicat|"
    r"add|not|explain|learn|broadcast)\w*\s+(?:here\s+|this\s+)?$", re.IGNORECASE)
# Bare four-digit years outside this range are numbers, not years ("in 2252 organizations").
MIN_BARE_YEAR, MAX_BARE_YEAR = 1800, 2100
# Parts of a month: the conventional thirds used by TimeML annotators ("early" 1-10,
# "mid" 11-20, "late" 21-end).
_PART_OF_MONTH = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
# Parts of a year ("early 2011"): thirds of the year.
_PART_OF_YEAR = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}
# Parts of a decade: spec'd as early 2000's -> 2000-2003, late 90's -> 1997-1999.
_PART_OF_DECADE = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}
# Meteorological seasons of the northern hemisphere (start month, number of months).
_SEASONS = {"spring": (3, "SP"), "summer": (6, "SU"), "autumn": (9, "FA"), "fall": (9, "FA"),
            "winter": (12, "WI")}

_MONTHS = {name: i for i, names in enumerate(
    ("", "january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul",
     "august aug", "september sept sep", "october oct", "november nov", "december dec"))
    for name in names.split()}
_WD_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS = {d: i for i, d in enumerate(
    _WD_NAMES)}
_SMALL_NUMBERS = {"a": 1, "an": 1} | {w: i + 1 for i, w in enumerate(
    ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
     "twelve"))}
_DECADE_WORDS = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
                 "seventies": 70, "eighties": 80, "nineties": 90}

# ---------------------------------------------------------------------------------- patterns
_B = r"(?<![\w/])"  # left word boundary that also refuses "1/10 JAN" fragments
_MON = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
        r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_FULL_MON = (r"(?:january|february|march|april|may|june|july|august|september|october"
             r"|november|december)")
_WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
# A two-digit year ("10 JAN 90") only when punctuation or the line end follows, so that
# "5 May 14 people" does not become 2014.
_YY = r"(?:\d{4}(?!\d)|'?\d{2}(?=\s*(?:[-(,.;:)\u2013\u2014]|$)))"
_PART = (r"(?:early|late|mid-?|the\s+(?:beginning|start|end|middle)\s+of"
         r"|the\s+(?:first|second|last)\s+half\s+of)")
_YEAR_REF = (r"(?:\d{4}|next\s+year|last\s+year|this\s+year|that\s+year|the\s+same\s+year"
             r"|the\s+following\s+year|the\s+previous\s+year)")
_STRONG_PREP = r"since|until|till|during|throughout|before|after|between|from|through"
_WEAK_PREP = r"in|by|of|to|and|or|around|circa|c\.|the\s+year|year"
# "may" after a month slot is often the modal verb ("10 MAY BE RELEASED", "and may have").
_NOT_VERB = (r"(?!\s+(?:be|have|not|also|well|still|never|soon|even|already|only|yet|take"
             r"|become|lead|prove|face|need|want|help|try|use|make|get|come|go|result|cause"
             r"|include|require|continue|affect|allow|seek)\b)")

_FLAGS = re.IGNORECASE
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"{_B}(?P<y>\d{{4}})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?!\d)", _FLAGS)),
    ("numeric", re.compile(
        rf"{_B}(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<y>\d{{4}}|\d{{2}})(?![\d/])", _FLAGS)),
    ("nine_eleven", re.compile(
        r"(?<![\w/])9/11(?![\d/])(?=\s*(?:attack|hijack|commission|terror|style|-style))"
        r"|(?:(?<=after )|(?<=since )|(?<=before )|(?<=post-)|(?<=pre-))9/11(?![\d/])",
        _FLAGS)),
    ("dmy_range", re.compile(
        rf"{_B}(?P<d1>{_DAY})\s*(?:-|\u2013|to|and)\s*(?P<d2>{_DAY})\s+(?:of\s+)?"
        rf"(?P<mon>{_MON})(?:,?\s+(?P<y>{_YY}))?(?![\w])", _FLAGS)),
    ("dmy", re.compile(
        rf"(?:(?:^|(?<=\n))[ \t]*(?P<before>[-\u2013])\s*)?"
        rf"{_B}(?:{_WD},?\s+)?(?P<the>the\s+)?(?P<d>{_DAY})\s+(?:of\s+)?(?P<mon>{_MON}){_NOT_VERB}"
        rf"(?:,?\s+(?P<y>{_YY}))?(?![\w])", _FLAGS)),
    ("mdy", re.compile(
        rf"(?:(?<![\w/])|(?-i:(?<=[A-Z])(?=[A-Z][a-z])))(?:{_WD},?\s+)?(?P<mon>{_MON})\s+"
        rf"(?P<d>{_DAY})(?![\d:])(?:,?\s+(?P<y>\d{{4}})(?!\d))?(?![\w])", _FLAGS)),
    ("month_year", re.compile(
        rf"{_B}(?:(?P<part>{_PART})\s*)?(?P<mon>{_MON}),?\s+(?:of\s+)?(?P<y>\d{{4}})(?!\d)",
        _FLAGS)),
    ("part_month", re.compile(
        rf"{_B}(?P<part>{_PART})\s*(?P<mod>(?:last|next|this)\s+)?(?P<mon>{_FULL_MON}|month)"
        rf"(?![\w])", _FLAGS)),
    ("month", re.compile(
        rf"(?P<prep>\b(?:in|since|until|till|by|during|from|through|throughout|before|after"
        rf"|of|to|and|or|between|early|late|mid)\s+)(?P<mod>(?:last|next|this|that)\s+)?"
        rf"(?P<mon>{_FULL_MON}){_NOT_VERB}(?![\w])"
        rf"|(?P<mod2>\b(?:last|next|this)\s+)(?P<mon2>{_FULL_MON}){_NOT_VERB}(?![\w])", _FLAGS)),
    ("year_range", re.compile(
        rf"{_B}(?P<y1>\d{{4}})\s*(?:-|\u2013|to)\s*(?P<y2>\d{{4}}|\d{{2}})(?![\d\w])", _FLAGS)),
    ("year", re.compile(
        rf"(?:(?P<prep>\b(?:{_STRONG_PREP}|{_WEAK_PREP})\s+)(?P<part>(?:early|late|mid-?)\s*)?"
        rf"|\b(?P<part0>(?:early|late|mid-?)\s*))(?P<y>\d{{4}})(?![\d,.]\d|\d|-\d|['\u2019]?s\b)"
        rf"|{_B}(?P<y2>\d{{4}})(?=['\u2019]s\b|\s+(?:was|saw|is|has|had|will|marked|brought)\b)",
        _FLAGS)),
    ("decade", re.compile(
        rf"(?P<the>\bthe\s+)?(?:\b(?P<part>early|late|mid)(?:\s+|-))?"
        rf"(?<![\w/])(?P<dec>(?:1[89]|20)?\d0)['\u2019]?s(?![\w'])"
        rf"|(?P<the2>\bthe\s+)(?:(?P<part2>early|late|mid)(?:\s+|-))?(?P<word>{'|'.join(_DECADE_WORDS)})"
        rf"(?![\w])", _FLAGS)),
    ("season", re.compile(
        rf"{_B}(?:(?P<mod>this|last|next|the|that|early|late|mid-?)\s+)?(?P<s>spring|summer"
        rf"|autumn|fall|winter)(?:\s+and\s+(?:the\s+)?(?P<s2>spring|summer|autumn|fall|winter))?"
        rf"(?:\s+(?:of\s+)?(?P<yref>{_YEAR_REF}))?(?![\w])", _FLAGS)),
    ("rel_day", re.compile(
        r"\b(?P<w>the\s+day\s+before\s+yesterday|yesterday|today|tomorrow|tonight|last\s+night"
        r"|this\s+(?:morning|afternoon|evening))(?:\s+(?:morning|afternoon|evening|night))?\b",
        _FLAGS)),
    ("weekend", re.compile(
        r"\b(?P<w>over\s+the|(?:at|during)\s+the|this|last|next|the\s+past)\s+weekend\b",
        _FLAGS)),
    ("weekday", re.compile(
        rf"\b(?P<mod>(?:last|next|this|on|early|late)\s+)?(?P<wd>{_WD})"
        rf"(?:\s+(?:morning|afternoon|evening|night))?(?![\w])", _FLAGS)),
    ("rel_unit", re.compile(
        r"\b(?<!the )(?<!past )(?P<mod>earlier\s+this|later\s+this|early\s+this|late\s+this"
        r"|early\s+last|late\s+last|earlier\s+in\s+the|later\s+in\s+the|later\s+that|earlier\s+that"
        r"|this|last|next|that|the\s+same|the\s+following|the\s+previous|the\s+next|the\s+coming)"
        r"\s+(?P<unit>week|month|year)(?![\w-])", _FLAGS)),
    ("ago", re.compile(
        rf"\b(?P<n>\d{{1,2}}|{'|'.join(_SMALL_NUMBERS)})\s+(?P<unit>day|week|month|year)s?\s+ago\b",
        _FLAGS)),
]
# Priority when two candidates overlap with the same extent: earlier in this list wins.
_PRIORITY = {name: i for i, (name, _) in enumerate(_PATTERNS)}

# Where a date may be: a digit, a month or weekday name or a time word (matched on ASCII
# lower-cased bytes). The patterns then run from SEGMENT_BEFORE characters before a trigger
# ("the beginning of September") to SEGMENT_AFTER after it ("December 20, 2011").
_TRIGGER_RE = re.compile(
    rb"(?P<digit>[0-9]+)"
    rb"|\b(?:(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
    rb"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
    rb"|(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    rb"|(?P<rel>yesterday|today|tomorrow|tonight|night|morning|afternoon|evening)"
    rb"|(?P<unit>weekends?|weeks?|months?|years?|days?)|(?P<season>spring|summer|autumn|fall|winter)"
    rb"|(?P<dec>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))\b")
# Which trigger classes each pattern needs: a pattern only runs near one of them.
_NEEDS = {
    "iso": ("digit",), "numeric": ("digit",), "nine_eleven": ("digit",),
    "dmy_range": ("digit",), "dmy": ("digit",), "mdy": ("digit",), "month_year": ("digit",),
    "part_month": ("mon", "unit"), "month": ("mon",), "year_range": ("digit",),
    "year": ("digit",), "decade": ("digit", "dec"), "season": ("season",), "rel_day": ("rel",),
    "weekend": ("unit",), "weekday": ("wd",), "rel_unit": ("unit",), "ago": ("unit",),
}
SEGMENT_BEFORE, SEGMENT_AFTER = 48, 64

# Words that show a sentence speaks about the future, so year-less names point forward.
_FUTURE_RE = re.compile(
    r"\b(?:will|shall|is\s+to\s+be|are\s+to\s+be|scheduled|upcoming|forthcoming|to\s+be\s+held"
    r"|due\s+to\s+(?:be|take|start|begin|open)|plans?\s+to|next)\b|'ll\b", _FLAGS)
# "said on Monday that it will ...": the date belongs to the (past) saying, not the future.
_REPORTED_RE = re.compile(r"\b(?:said|told|announced|reported|stated|added|claimed)\b", _FLAGS)
# A year followed by these is a count: "2252 spiritual organizations" (up to two modifiers).
_PLURAL_AFTER_RE = re.compile(
    r"\s+(?:[a-z-]+\s+){0,2}?(?P<w>[a-z]{3,}s|people|men|women|children|police|personnel"
    r"|troops|militia|youths)\b", _FLAGS)
_NOT_PLURAL_NOUNS = _words(
"was has is this its his hers ours yours theirs thus less unless across perhaps always "
    "towards afterwards whereas plus yes news does goes was says sees makes takes gives "
    "marks brings seems remains becomes")

# Sentence boundaries: terminal punctuation (with closing quotes/brackets) then space and an
# upper-case letter, digit or opening quote; or a blank line.
_SENT_END_RE = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])|\n\s*\n")
_ABBREV_RE = re.compile(
    r"(?:\b(?:mr|mrs|ms|dr|gen|col|maj|lt|sgt|capt|cpt|adm|gov|sen|rep|st|no|nos|vs|jan|feb"
    r"|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|inc|ltd|co|corp|dept|approx|est)|\b[A-Z])\.$",
    _FLAGS)


@dataclass
class _Expr:
    start: int
    end: int
    kind: str
    groups: dict[str, str | None]
    # filled by resolution
    value: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    precision: str = "unknown"
    anchor: str = "none"
    sets_context: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- public helpers
def sentence_spans(text: str, *, doc: Any = None) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence; spaCy's sentences when a parsed ``doc`` of ``text``
    is given, a punctuation rule otherwise (abbreviations such as "Gen." and initials kept)."""
    if doc is not None and getattr(doc, "text", None) == text:
        try:
            return [(s.start_char, s.end_char) for s in doc.sents]
        except ValueError:  # a Doc without sentence boundaries
            pass
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END_RE.finditer(text):
        if m.group(0)[0] == "." and _ABBREV_RE.search(text, max(0, m.start() - 8), m.start() + 1):
            continue
        end = m.start() + 1 if m.group(0)[0] in ".!?" else m.start()
        if text[start:end].strip():
            spans.append((start, end))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def extract_dates(
    text: str, *, published: date | datetime | str | None, doc: Any = None
) -> list[dict[str, Any]]:
    """Temporal expressions of ``text`` as CONTRACT ``dates`` objects, in text order.

    ``published`` (a date, a datetime or an ISO string; None when unknown) anchors deictic
    expressions. ``doc``, a spaCy Doc of the same text, only improves sentence boundaries.
    """
    if not text:
        return []
    pub = _as_date(published)
    exprs = _select(_candidates(text))
    sents = sentence_spans(text, doc=doc)
    sent_starts = [s for s, _ in sents]
    context: list[tuple[int, int, int]] = []  # (position, sentence index, year)
    out: list[dict[str, Any]] = []
    for ex in exprs:
        si = max(0, bisect_right(sent_starts, ex.start) - 1)
        ctx_year = _context_year(context, si)
        lo = max(sents[si][0] if sents else 0, ex.start - FUTURE_WINDOW_BEFORE)
        hi = min(sents[si][1] if sents else len(text), ex.end + FUTURE_WINDOW_AFTER)
        future = bool(_FUTURE_RE.search(text, lo, hi)) and not _REPORTED_RE.search(
            text, max(lo, ex.start - 24), ex.start)
        if _NAMED_AFTER.match(text, ex.end) or not _resolve(ex, text, pub, ctx_year, future):
            continue
        if (ex.sets_context and ex.start_date and ex.end_date
                and ex.start_date.year == ex.end_date.year
                and not _SINCE_RE.search(text, max(sents[si][0] if sents else 0,
                                                   ex.start - SINCE_WINDOW), ex.start)):
            context.append((ex.start, si, ex.start_date.year))
        out.append(_to_dict(ex, text))
    return out


def event_date_for(
    sentence_start: int,
    sentence_end: int,
    dates: list[dict[str, Any]],
    *,
    published: date | datetime | str | None,
    trigger: tuple[int, int] | None = None,
    text: str | None = None,
) -> dict[str, Any]:
    """The CONTRACT event ``date`` for the sentence ``[sentence_start, sentence_end)``.

    1. Dates inside the sentence: the most precise resolved one (ties: the nearest to
       ``trigger`` when given, else the first); its range, ``assumed`` false. Given the
       ``text``, the day a report was made ("police reported today that ... was killed on
       Monday, 4 August") yields to any other date of the sentence.
    2. Only unresolved dates inside: null range with that expression's precision, ``assumed``
       false (the text says when, we just cannot anchor it).
    3. No date in the sentence but a publication date: the publication day as both ends,
       ``precision`` "unknown" (the report only says it happened by then), ``assumed`` true.
    4. Otherwise: null range, precision "unknown", ``assumed`` false.
    """
    inside = [d for d in dates
              if d.get("start", -1) >= sentence_start and d.get("end", 1 << 62) <= sentence_end]
    resolved = [d for d in inside if d.get("start_date") or d.get("end_date")]
    if resolved:
        def rank(d: dict[str, Any]) -> tuple[bool, int, int]:
            reporting = text is not None and _REPORTING_RE.search(
                text, max(sentence_start, d["start"] - 30), d["start"]) is not None
            where = (min(abs(d["start"] - trigger[1]), abs(trigger[0] - d["end"]))
                     if trigger is not None else d["start"])
            return reporting, _PRECISION_RANK.get(d.get("precision") or "", 99), where

        best = min(resolved, key=rank)
        if text is not None:
            best = _with_conjoined(best, resolved, text)
        return {"start_date": best.get("start_date"), "end_date": best.get("end_date"),
                "precision": best.get("precision") or "unknown", "assumed": False}
    if inside:
        first = min(inside, key=lambda d: (_PRECISION_RANK.get(d.get("precision") or "", 99),
                                           d["start"]))
        return {"start_date": None, "end_date": None,
                "precision": first.get("precision") or "unknown", "assumed": False}
    pub = _as_date(published)
    if pub is not None:
        return {"start_date": pub.isoformat(), "end_date": pub.isoformat(),
                "precision": "unknown", "assumed": True}
    return {"start_date": None, "end_date": None, "precision": "unknown", "assumed": False}


def _with_conjoined(best: dict[str, Any], dates: list[dict[str, Any]],
                    text: str) -> dict[str, Any]:
    """``best`` widened to the dates of its precision joined to it by "and"/"to" ("in the
    late 90's and early 2000's", "in May and June"): the event spans them all."""
    group = [best]
    ordered = sorted(dates, key=lambda d: d["start"])
    i = ordered.index(best)
    for step in (-1, 1):
        j = i
        while 0 <= j + step < len(ordered):
            a, b = sorted((ordered[j], ordered[j + step]), key=lambda d: d["start"])
            if (ordered[j + step].get("precision") != best.get("precision")
                    or not _CONJOINED_RE.fullmatch(text, a["end"], b["start"])):
                break
            j += step
            group.append(ordered[j])
    if len(group) == 1:
        return best
    starts = [d["start_date"] for d in group if d.get("start_date")]
    ends = [d["end_date"] for d in group if d.get("end_date")]
    return {**best, "start_date": min(starts) if starts else None,
            "end_date": max(ends) if ends else None}


# ----------------------------------------------------------------------------- candidates
def _segments(text: str) -> dict[str, list[tuple[int, int]]]:
    """Stretches of ``text`` around trigger words, per trigger class (see :data:`_NEEDS`).

    Every pattern needs a digit, a month or weekday name or one of a few time words, so it
    runs only near those: a small part of a typical report, which keeps 5 MB to seconds.
    The lower-casing is ASCII-only on bytes so that offsets stay those of ``text``.
    """
    low = text.encode("ascii", "replace").lower()
    n = len(text)
    segs: dict[str, list[list[int]]] = {}
    for m in _TRIGGER_RE.finditer(low):
        cls = m.lastgroup or "digit"
        a, b = max(0, m.start() - SEGMENT_BEFORE), min(n, m.end() + SEGMENT_AFTER)
        stop = min(n, b + SEGMENT_AFTER)
        while b < stop and not text[b].isspace():
            b += 1
        bucket = segs.setdefault(cls, [])
        if bucket and a <= bucket[-1][1]:
            bucket[-1][1] = max(bucket[-1][1], b)
            continue
        stop = max(0, a - SEGMENT_BEFORE)
        while a > stop and not text[a - 1].isspace():
            a -= 1
        bucket.append([a, b])
    return {cls: [(a, b) for a, b in spans] for cls, spans in segs.items()}


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _candidates(text: str) -> list[_Expr]:
    found: list[_Expr] = []
    by_class = _segments(text)
    for kind, pattern in _PATTERNS:
        needs = _NEEDS[kind]
        spans = by_class.get(needs[0], []) if len(needs) == 1 else _merge(
            [span for cls in needs for span in by_class.get(cls, [])])
        for m in (m for a, b in spans for m in pattern.finditer(text, a, b)):
            groups = m.groupdict()
            start, end = m.start(), m.end()
            for lead in ("prep", "the", "the2"):  # prepositions and articles stay out of the span
                if groups.get(lead):
                    start = m.end(lead)
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            mon = groups.get("mon") or groups.get("mon2")
            if mon and mon.islower() and len(mon) > 3 and mon != "month":
                continue  # "in march", "may": month names are capitalised in mixed-case text
            if kind == "mdy" and not groups.get("y") and _looks_counted(text, end):
                continue  # "in May 14 people died": 14 counts people; "May" is found alone
            if end > start:
                found.append(_Expr(start, end, kind, groups))
    return found


def _select(cands: list[_Expr]) -> list[_Expr]:
    """Longest match first, then pattern priority; drop anything overlapping a kept one."""
    cands.sort(key=lambda e: (-(e.end - e.start), _PRIORITY[e.kind], e.start))
    kept: list[_Expr] = []
    taken: list[tuple[int, int]] = []  # sorted, non-overlapping
    for ex in cands:
        i = bisect_right(taken, (ex.start, 1 << 62))
        if i and taken[i - 1][1] > ex.start:
            continue
        if i < len(taken) and taken[i][0] < ex.end:
            continue
        taken.insert(i, (ex.start, ex.end))
        kept.append(ex)
    kept.sort(key=lambda e: e.start)
    return kept


def _context_year(context: list[tuple[int, int, int]], si: int) -> int | None:
    if context and context[-1][1] >= si - CONTEXT_SENTENCES:
        return context[-1][2]
    return None


# ----------------------------------------------------------------------------- resolution
def _resolve(ex: _Expr, text: str, pub: date | None, ctx: int | None, future: bool) -> bool:
    """Fill the resolution fields of ``ex``; False when the candidate is not a date after all."""
    g, k = ex.groups, ex.kind
    if k == "iso":
        return _set_day(ex, int(g["y"] or 0), int(g["m"] or 0), int(g["d"] or 0), "absolute")
    if k == "numeric":
        a, b = int(g["a"] or 0), int(g["b"] or 0)
        month, day = (b, a) if a > 12 else (a, b)
        return _set_day(ex, _full_year(g["y"] or "", pub), month, day, "absolute")
    if k == "nine_eleven":
        ex.sets_context = False
        return _set_day(ex, 2001, 9, 11, "absolute")
    if k == "month_year":
        return _set_month(ex, int(g["y"] or 0), _month(g["mon"]), g["part"], "absolute")
    if k == "year_range":
        y1, y2s = int(g["y1"] or 0), g["y2"] or ""
        y2 = int(y2s) if len(y2s) == 4 else (y1 // 100) * 100 + int(y2s)
        if not (MIN_BARE_YEAR <= y1 < y2 <= MAX_BARE_YEAR):
            return False
        ex.value, ex.precision, ex.anchor, ex.sets_context = f"{y1}/{y2}", "year", "absolute", False
        ex.start_date, ex.end_date = date(y1, 1, 1), date(y2, 12, 31)
        return True
    resolvers = {
        "dmy": lambda: _resolve_day_month(ex, pub, ctx, future),
        "mdy": lambda: _resolve_day_month(ex, pub, ctx, future),
        "dmy_range": lambda: _resolve_day_month(ex, pub, ctx, future),
        "part_month": lambda: _resolve_month(ex, pub, ctx, future),
        "month": lambda: _resolve_month(ex, pub, ctx, future),
        "year": lambda: _resolve_year(ex, text), "decade": lambda: _resolve_decade(ex, pub),
        "season": lambda: _resolve_season(ex, text, pub, ctx, future),
        "rel_day": lambda: _resolve_rel_day(ex, pub), "weekend": lambda: _resolve_weekend(ex, pub),
        "weekday": lambda: _resolve_weekday(ex, pub, future),
        "rel_unit": lambda: _resolve_rel_unit(ex, pub, ctx), "ago": lambda: _resolve_ago(ex, pub),
    }
    return resolvers[k]() if k in resolvers else False


def _resolve_day_month(ex: _Expr, pub: date | None, ctx: int | None,
                       future: bool) -> bool:
    g = ex.groups
    month = _month(g["mon"])
    day_s = g.get("d1") or g.get("d")
    day = int(re.sub(r"\D", "", day_s or "0"))
    day2 = int(re.sub(r"\D", "", g["d2"] or "0")) if g.get("d2") else day
    if g.get("y"):
        year: int | None = _full_year(g["y"] or "", pub)
        anchor = "absolute"
    else:
        year, anchor = _year_for(month, day, pub, ctx, future)
    before = (g.get("before") or "").strip()
    if before:
        ex.extra["modifier"] = "on_or_before"
    if year is None:
        ex.precision, ex.anchor = "day", "none"
        return _valid_day(2000, month, day) and _valid_day(2000, month, day2)
    if not (_valid_day(year, month, day) and _valid_day(year, month, day2)) or day2 < day:
        return False
    ex.start_date, ex.end_date = date(year, month, day), date(year, month, day2)
    ex.precision, ex.anchor = "day", anchor
    ex.value = ex.start_date.isoformat()
    if day2 != day:
        ex.value = f"{ex.start_date.isoformat()}/{ex.end_date.isoformat()}"
    if before:
        ex.start_date = None
    return True


def _resolve_month(ex: _Expr, pub: date | None, ctx: int | None, future: bool) -> bool:
    g = ex.groups
    mon = g.get("mon") or g.get("mon2")
    mod = (g.get("mod") or g.get("mod2") or "").strip().lower()
    part = g.get("part")
    if mon is None:
        return False
    if mon.lower() == "month":  # "late last month", "early this month"
        if pub is None or mod not in ("last", "this", "next"):
            ex.precision, ex.anchor = "part_of_month", "none"
            return mod in ("last", "this", "next")
        first = _shift_month(pub.replace(day=1), {"last": -1, "this": 0, "next": 1}[mod])
        return _set_month(ex, first.year, first.month, part, "published")
    month = _month(mon)
    if mod in ("last", "next", "this"):
        if pub is None:
            year: int | None = None
            anchor = "none"
        else:
            year, anchor = pub.year, "published"
            if mod == "last" and month >= pub.month:
                year -= 1
            elif mod == "next" and month <= pub.month:
                year += 1
    else:
        year, anchor = _year_for(month, None, pub, ctx, future)
    if year is None:
        ex.precision, ex.anchor = ("part_of_month" if part else "month"), "none"
        return True
    return _set_month(ex, year, month, part, anchor)


def _resolve_year(ex: _Expr, text: str) -> bool:
    g = ex.groups
    ys = g.get("y") or g.get("y2")
    y = int(ys or 0)
    if not MIN_BARE_YEAR <= y <= MAX_BARE_YEAR:
        return False
    before = text[max(0, ex.start - 12):ex.start].lower()
    strong = re.search(rf"\b(?:{_STRONG_PREP})\s+$", before) is not None
    if g.get("y") and not strong and _looks_counted(text, ex.end):
        return False
    part = (g.get("part") or g.get("part0") or "").strip().rstrip("-").lower()
    m1, m2 = _PART_OF_YEAR.get(part, (1, 12))
    ex.start_date, ex.end_date = date(y, m1, 1), _month_end(y, m2)
    ex.value, ex.precision, ex.anchor = str(y), "year", "absolute"
    return True


def _resolve_decade(ex: _Expr, pub: date | None) -> bool:
    g = ex.groups
    part = (g.get("part") or g.get("part2") or "").lower()
    if g.get("word"):
        two = _DECADE_WORDS[(g["word"] or "").lower()]
        base = _century_for(two, pub)
    else:
        ds = g.get("dec") or ""
        if len(ds) == 4:
            base = int(ds)
        elif len(ds) == 2:
            if not (part or g.get("the")):  # a bare "90s" is an age or a count ("in their 90s")
                return False
            base = _century_for(int(ds), pub)
        else:
            return False
    lo, hi = _PART_OF_DECADE.get(part, (0, 9))
    ex.start_date, ex.end_date = date(base + lo, 1, 1), date(base + hi, 12, 31)
    ex.value, ex.precision, ex.anchor = f"{base}s", "decade", "absolute"
    ex.sets_context = False
    return True


def _resolve_season(ex: _Expr, text: str, pub: date | None, ctx: int | None,
                    future: bool) -> bool:
    g = ex.groups
    s1 = (g["s"] or "").lower()
    s2 = (g.get("s2") or s1).lower()
    mod = (g.get("mod") or "").lower().rstrip("-")
    yref = re.sub(r"\s+", " ", (g.get("yref") or "").lower())
    if s1 == "fall" and not (mod in ("this", "last", "next", "the", "that") or yref):
        return False  # "fall" is a verb unless determined or dated
    if not (mod or yref):
        return False  # a bare "summer" is too often generic
    year, anchor = _year_ref(yref, mod, _SEASONS[s1][0], pub, ctx, future)
    ex.precision = "season"
    if mod == "the":  # articles stay out of the span, as for every other expression
        ex.start += len(g.get("mod") or "")
        while ex.start < ex.end and text[ex.start].isspace():
            ex.start += 1
    if year is None:
        ex.anchor = "none"
        return True
    m1, code1 = _SEASONS[s1]
    m2, code2 = _SEASONS[s2]
    ex.start_date = date(year, m1, 1)
    end_first = _shift_month(date(year, m2, 1), 2)
    ex.end_date = _month_end(end_first.year, end_first.month)
    ex.value = f"{year}-{code1}" if s1 == s2 else f"{year}-{code1}/{year}-{code2}"
    ex.anchor = anchor
    return True


def _year_ref(yref: str, mod: str, month: int, pub: date | None, ctx: int | None,
              future: bool) -> tuple[int | None, str]:
    if yref[:1].isdigit():
        return int(yref), "absolute"
    if yref in ("this year", "next year", "last year"):
        if pub is None:
            return None, "none"
        return pub.year + {"this year": 0, "next year": 1, "last year": -1}[yref], "published"
    if yref in ("that year", "the same year", "the following year", "the previous year"):
        if ctx is None:
            return None, "none"
        return ctx + {"the following year": 1, "the previous year": -1}.get(yref, 0), "context"
    if mod in ("this", "last", "next") and pub is not None:
        year = pub.year + {"this": 0, "last": -1, "next": 1}[mod]
        if mod == "last" and month == 12 and pub.month <= 2:
            year = pub.year - 1
        return year, "published"
    if mod in ("this", "last", "next"):
        return None, "none"
    return _year_for(month, None, pub, ctx, future)


def _resolve_rel_day(ex: _Expr, pub: date | None) -> bool:
    w = re.sub(r"\s+", " ", (ex.groups["w"] or "").lower())
    offset = {"yesterday": -1, "last night": -1, "tomorrow": 1,
              "the day before yesterday": -2}.get(w, 0)
    ex.precision = "day"
    if pub is None:
        return True
    _set_range(ex, pub + timedelta(days=offset), pub + timedelta(days=offset), "published")
    ex.value = ex.start_date.isoformat() if ex.start_date else None
    return True


def _resolve_weekend(ex: _Expr, pub: date | None) -> bool:
    w = re.sub(r"\s+", " ", (ex.groups["w"] or "").lower())
    ex.precision = "week"
    if w in ("at the", "during the"):
        # "at the weekend" is British for "over the weekend", but only in the past tense;
        # we read it that way too.
        w = "over the"
    if pub is None:
        return True
    if w in ("this", "next"):
        saturday = pub + timedelta(days=(5 - pub.weekday()) % 7)
        if w == "next":
            saturday += timedelta(days=7)
    else:  # over the / last / the past: the most recent Saturday strictly before publication
        saturday = pub - timedelta(days=((pub.weekday() - 5) % 7) or 7)
    _set_range(ex, saturday, saturday + timedelta(days=1), "published")
    iso = saturday.isocalendar()
    ex.value = f"{iso[0]}-W{iso[1]:02d}-WE"
    return True


def _resolve_weekday(ex: _Expr, pub: date | None, future: bool) -> bool:
    mod = (ex.groups.get("mod") or "").strip().lower()
    if mod == "on":
        # keep "on" out of the span: TimeML-style extents carry no preposition
        ex.start += len(ex.groups.get("mod") or "")
    target = _WEEKDAYS[(ex.groups["wd"] or "").lower()]
    ex.precision = "day"
    if pub is None:
        return True
    delta_back = (pub.weekday() - target) % 7  # 0 when published on that weekday
    if mod == "last":
        day = pub - timedelta(days=delta_back or 7)
    elif mod == "next":
        day = pub + timedelta(days=((target - pub.weekday()) % 7) or 7)
    elif mod == "this" or future:
        day = pub + timedelta(days=(target - pub.weekday()) % 7) if future else \
            pub - timedelta(days=pub.weekday()) + timedelta(days=target)
    else:
        # past-tense reporting: the most recent such weekday, the publication day included
        day = pub - timedelta(days=delta_back)
    _set_range(ex, day, day, "published")
    ex.value = day.isoformat()
    return True


def _resolve_rel_unit(ex: _Expr, pub: date | None, ctx: int | None) -> bool:
    mod = re.sub(r"\s+", " ", (ex.groups["mod"] or "").lower())
    unit = (ex.groups["unit"] or "").lower()
    anaphoric = mod in ("that", "the same", "the following", "the previous", "earlier in the",
                        "later in the", "later that", "earlier that")
    ex.precision = unit
    if anaphoric and unit == "year":
        year = ctx if ctx is not None else (pub.year if pub and mod in (
            "earlier in the", "later in the") else None)
        if year is None:
            return True
        year += {"the following": 1, "the previous": -1}.get(mod, 0)
        _set_range(ex, date(year, 1, 1), date(year, 12, 31),
                   "context" if ctx is not None else "published")
        ex.value = str(year)
        return True
    if anaphoric or mod == "the next" or mod == "the coming":
        if mod in ("the next", "the coming") and pub is not None:
            mod = "next"
        else:
            return True  # "that week": needs a context day we do not track; unresolved
    if pub is None:
        return True
    step = -1 if "last" in mod else 1 if mod == "next" else 0
    lo, hi, ex.value = _unit_range(unit, pub, step)
    if mod.startswith("earlier") and step == 0:
        hi = pub
    elif mod.startswith("later") and step == 0:
        lo = pub
    _set_range(ex, lo, hi, "published")
    return True


def _resolve_ago(ex: _Expr, pub: date | None) -> bool:
    n_s = (ex.groups["n"] or "").lower()
    n = int(n_s) if n_s.isdigit() else _SMALL_NUMBERS[n_s]
    ex.precision = (ex.groups["unit"] or "").lower()
    if pub is not None:
        lo, hi, ex.value = _unit_range(ex.precision, pub, -n)
        _set_range(ex, lo, hi, "published")
    return True


def _unit_range(unit: str, pub: date, step: int) -> tuple[date, date, str]:
    """The day, ISO week, month or year ``step`` units from the one holding ``pub``."""
    if unit == "day":
        d = pub + timedelta(days=step)
        return d, d, d.isoformat()
    if unit == "week":
        monday = pub - timedelta(days=pub.weekday()) + timedelta(days=7 * step)
        iso = monday.isocalendar()
        return monday, monday + timedelta(days=6), f"{iso[0]}-W{iso[1]:02d}"
    if unit == "month":
        first = _shift_month(pub.replace(day=1), step)
        return first, _month_end(first.year, first.month), f"{first.year:04d}-{first.month:02d}"
    y = pub.year + step
    return date(y, 1, 1), date(y, 12, 31), str(y)


# ---------------------------------------------------------------------------------- helpers
def _year_for(month: int, day: int | None, pub: date | None, ctx: int | None,
              future: bool) -> tuple[int | None, str]:
    """The year of a month (and day) named without one."""
    if ctx is not None and (pub is None or ctx != pub.year):
        return ctx, "context"
    if pub is None:
        return None, "none"
    # A context year equal to the publication year adds nothing (it is often the dateline
    # itself): the publication rule below decides, so "30 DECEMBER" in a 3 JAN 90 wire stays
    # in 1989 and "will be held in May" looks forward; the anchor says "context" when the
    # stated year is the one chosen.
    year = pub.year
    if future:
        if (month, day or 31) < (pub.month, pub.day if day else 1):
            year += 1
    elif (month, day or 1) > (pub.month, pub.day if day else 31):
        year -= 1  # reports speak of the past: not after the publication date
    return year, "context" if year == ctx else "published"


def _looks_counted(text: str, end: int) -> bool:
    """True when a plural noun follows ``end`` ("2252 spiritual organizations")."""
    m = _PLURAL_AFTER_RE.match(text, end)
    if not m:
        return False
    gap = text[end:m.start("w")]
    if any(c in gap for c in ",.;:\n") or re.search(r"\b(?:and|or|the|a|an|to|of|in)\b", gap,
                                                    _FLAGS):
        return False
    return m.group("w").lower() not in _NOT_PLURAL_NOUNS


def _set_day(ex: _Expr, year: int, month: int, day: int, anchor: str) -> bool:
    if not _valid_day(year, month, day):
        return False
    ex.start_date = ex.end_date = date(year, month, day)
    ex.value, ex.precision, ex.anchor = ex.start_date.isoformat(), "day", anchor
    return True


def _set_month(ex: _Expr, year: int, month: int, part: str | None, anchor: str) -> bool:
    if not (1 <= year <= 9999 and 1 <= month <= 12):
        return False
    last = calendar.monthrange(year, month)[1]
    ex.value, ex.anchor, ex.precision = f"{year:04d}-{month:02d}", anchor, "month"
    ex.start_date, ex.end_date = date(year, month, 1), date(year, month, last)
    if part:
        p = re.sub(r"\s+", " ", part.lower()).rstrip("-")
        key = ("early" if p in ("early", "the beginning of", "the start of", "the first half of")
               else "late" if p in ("late", "the end of", "the last half of",
                                    "the second half of")
               else "mid")
        lo, hi = _PART_OF_MONTH[key]
        if "half" in p:
            lo, hi = (1, 15) if key == "early" else (16, 31)
        ex.start_date, ex.end_date = date(year, month, lo), date(year, month, min(hi, last))
        ex.precision = "part_of_month"
    return True


def _set_range(ex: _Expr, lo: date, hi: date, anchor: str) -> None:
    ex.start_date, ex.end_date, ex.anchor = lo, hi, anchor


def _month(name: str | None) -> int:
    return _MONTHS[(name or "").lower().rstrip(".")]


def _valid_day(year: int, month: int, day: int) -> bool:
    return 1 <= year <= 9999 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(
        year, month)[1]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _shift_month(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _full_year(ys: str, pub: date | None) -> int:
    ys = ys.lstrip("'\u2019")
    if len(ys) == 4:
        return int(ys)
    two = int(ys)
    if pub is not None:  # the century that puts the year nearest the publication
        candidates = [c + two for c in (pub.year // 100 * 100 - 100, pub.year // 100 * 100,
                                        pub.year // 100 * 100 + 100)]
        return min(candidates, key=lambda y: abs(y - pub.year))
    return (2000 if two < 30 else 1900) + two  # the POSIX strptime pivot for %y


def _century_for(two: int, pub: date | None) -> int:
    """The decade ``two`` ("90's") in the latest century not after the publication."""
    if pub is not None:
        base = pub.year // 100 * 100 + two
        return base if base <= pub.year else base - 100
    return (2000 if two < 30 else 1900) + two


def _as_date(value: date | datetime | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _to_dict(ex: _Expr, text: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "start": ex.start,
        "end": ex.end,
        "text": text[ex.start:ex.end],
        "value": ex.value if ex.anchor != "none" else None,
        "start_date": ex.start_date.isoformat() if ex.start_date else None,
        "end_date": ex.end_date.isoformat() if ex.end_date else None,
        "precision": ex.precision,
        "anchor": ex.anchor,
    }
    out.update(ex.extra)
    return out
