"""Counts in a report and what they count: "four Uigur separatists dead" -> 4 killed.

``extract_quantities(text)`` returns the CONTRACT ``quantities`` objects: ``value`` (an int, a
float for "1.5 million", or null for vague counts such as "dozens"), the span (modifiers such
as "more than" included) and ``of``: one of :data:`CASUALTY_KINDS` when the count is of people
killed, injured, arrested..., else the head noun of what is counted ("organizations",
"checkpoints", "percent"), else null. Two extra keys: ``noun`` (the counted noun, also for
casualties) and ``qualifier`` ("more_than", "at_least", "about", "up_to", "less_than").

Rules, in order: a death toll ("the death toll rose to 16"); percentages; the word right after
the number ("14 dead", "10 injured"); the noun phrase after it and a passive or adjectival
casualty word after that ("seven people were killed", "1500 people recently deported", "left
14 people dead"); a casualty verb right before it ("killed 7", "wounding 20 others"); else the
head noun. With a parsed spaCy ``doc`` of the same text, the dependency parse adds casualty
links the word rules miss. Not quantities: dates and years (see :mod:`.dates`), times,
durations ("30 minutes"), ages, ordinals ("3D BRIGADE", "4th"), money, and numbers inside
names ("9/11", "M-16", "AK-47", "Military Detachment No.4", "Law 18314").

Limits: English only; "one" is kept only when it counts something ("one soldier was
killed", not "one of the"); ranges ("10 to 15") give two counts; articles ("a soldier was
killed") are not counts.
"""

from __future__ import annotations

import re
from typing import Any

from watchfloor.extract.dates import extract_dates


def _words(words: str) -> frozenset[str]:
    """A set of words written as one string (easier to read and edit than a list)."""
    return frozenset(words.split())

__all__ = ["CASUALTY_KINDS", "extract_quantities"]

CASUALTY_KINDS = ("killed", "injured", "arrested", "deported", "kidnapped", "missing",
                  "displaced", "detained")

# Casualty words after a count, normalised: participles and adjectives ("were killed", "dead")
_CASUALTY_AFTER = {
    "killed": "killed", "dead": "killed", "died": "killed", "slain": "killed",
    "murdered": "killed", "executed": "killed", "massacred": "killed", "perished": "killed",
    "assassinated": "killed", "wounded": "injured", "injured": "injured", "hurt": "injured",
    "hospitalized": "injured", "hospitalised": "injured", "arrested": "arrested",
    "captured": "arrested", "detained": "detained", "jailed": "detained",
    "imprisoned": "detained", "kidnapped": "kidnapped", "abducted": "kidnapped",
    "kidnaped": "kidnapped", "missing": "missing", "disappeared": "missing",
    "displaced": "displaced", "evacuated": "displaced", "fled": "displaced",
    "deported": "deported", "expelled": "deported", "extradited": "deported",
}
# ... and verbs before a count ("killed 7", "wounding 20 others")
_CASUALTY_BEFORE = {
    **{k: v for k, v in _CASUALTY_AFTER.items() if k not in ("dead", "missing", "died",
                                                              "perished", "fled", "slain")},
    "kill": "killed", "kills": "killed", "killing": "killed", "murdering": "killed",
    "executing": "killed", "wounding": "injured", "injuring": "injured", "arresting":
    "arrested", "detaining": "detained", "kidnapping": "kidnapped", "abducting": "kidnapped",
    "deporting": "deported", "expelling": "deported", "displacing": "displaced",
    "evacuating": "displaced", "capturing": "arrested", "claimed": "killed",
}
# Counted nouns that are themselves casualties ("14 deaths", "five hostages")
_CASUALTY_NOUNS = {
    "deaths": "killed", "death": "killed", "fatalities": "killed", "bodies": "killed",
    "corpses": "killed", "dead": "killed", "injuries": "injured", "arrests": "arrested",
    "detainees": "detained", "prisoners": "detained", "hostages": "kidnapped",
    "abductees": "kidnapped", "refugees": "displaced", "deportees": "deported",
}
# Words that may sit between a count's noun and its casualty word ("were reportedly killed")
_AUX = _words(
"were was are is be been being have has had reportedly allegedly also all later still "
    "recently subsequently reported said believed feared confirmed thought known found left "
    "initially either both later apparently then each")
# Prepositions that open a short phrase inside the subject ("50 peasants of various ages")
_NP_PREPS = _words(
"of from in aged between with")
_STOP = _words(
"of in on at to for from by with and or but the a an were was are is be been being have "
    "has had who whom whose which that this these those as than during after before into per "
    "since when while its their his her our it they he she we all also not no nor so if "
    "about over under among across against through until including such other more most "
    "there here where what why how some any each every both either neither")
# Counted nouns that make a number a duration, a time, an age or money: not a quantity
_NOT_COUNTED = _words(
"second seconds minute minutes hour hours day days week weeks month months year years "
    "decade decades century centuries o'clock am pm a.m. p.m. gmt utc hrs hours' "
    "dollar dollars usd pesos peso rubles ruble roubles rouble euros euro pounds sterling "
    "tenge yuan cents cent colones colon soles sol intis inti lempiras cordobas quetzales "
    "sucres bolivars rupees dinars riyals lira")
# A word right before a number that makes it a name or an identifier, not a count
_NAME_BEFORE = _words(
"no no. nos number num # law decree resolution article articles route highway flight "
    "unit chapter section room page pages km kilometer kilometre mile item paragraph point "
    "act amendment detachment battalion brigade regiment division platoon squad district "
    "zone sector block apartment building bus line channel code phase stage level grade "
    "class bill case file box post camp station cell sura psalm gate terminal version "
    "model type series number")
_WORD_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_WORD_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
              "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_QUALIFIERS = {
    "more than": "more_than", "over": "more_than", "at least": "at_least",
    "no fewer than": "at_least", "no less than": "at_least", "about": "about",
    "around": "about", "nearly": "about", "almost": "about", "some": "about",
    "approximately": "about", "roughly": "about", "an estimated": "about",
    "up to": "up_to", "as many as": "up_to", "at most": "up_to", "fewer than": "less_than",
    "less than": "less_than",
}
# Four-digit numbers in this range without a counted noun after them are read as years.
_YEAR_LIKE = (1800, 2100)
# Words scanned after a count's noun phrase for its casualty word (clause-bounded).
MAX_LINK_WORDS = 6
# Words in a counted noun phrase ("25 new frontier checkpoints").
MAX_NP_WORDS = 4

_UNIT_RE = "|".join(sorted(_WORD_UNITS, key=len, reverse=True))
_TENS_RE = "|".join(_WORD_TENS)
_NUMBER_RE = re.compile(
    r"(?<![\w$\u00a3\u20ac#./:-])"
    r"(?:(?P<mod>more\s+than|over|at\s+least|no\s+(?:fewer|less)\s+than|about|around|nearly"
    r"|almost|some|approximately|roughly|an\s+estimated|up\s+to|as\s+many\s+as|at\s+most"
    r"|fewer\s+than|less\s+than)\s+)?"
    r"(?:(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
    rf"|(?:{_TENS_RE})(?:[-\s](?:{_UNIT_RE}))?|(?:{_UNIT_RE})|a\s+(?=hundred|thousand))"
    r"(?P<scale>(?:\s+(?:hundred|thousand|million|billion))*)"
    r"|(?P<dozen>a\s+dozen|half\s+a\s+dozen)"
    r"|(?P<vague>dozens|hundreds|thousands|millions|scores|tens\s+of\s+thousands))"
    r"(?![\w/:]|\.\d|,\d|-(?:[a-z]))",
    re.IGNORECASE)
_TOKEN_RE = re.compile(r"[A-Za-z\u00c0-\u024f][\w'\u2019-]*|\d[\d,.]*|[^\s\w]")
_TOLL_RE = re.compile(
    r"(?:death\s+toll|toll|number\s+of\s+(?:the\s+)?(?:dead|deaths|fatalities|victims"
    r"|people\s+killed|those\s+killed)|(?P<inj>number\s+of\s+(?:the\s+)?(?:injured|wounded)"
    r"|injury\s+toll))\s+(?:\w+\s+){0,3}?(?:rose|risen|climbed|reached|increased|jumped"
    r"|stood|stands|stand|is|was|has\s+risen|had\s+risen|hit|now)?\s*(?:to|at|of)?\s*$",
    re.IGNORECASE)
_PERCENT_RE = re.compile(r"\s*(?:%|per\s*cent|percent)\b|\s*%", re.IGNORECASE)


def extract_quantities(
    text: str, *, doc: Any = None, dates: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Counts in ``text`` as CONTRACT ``quantities`` objects, in text order.

    ``dates``: the output of :func:`~watchfloor.extract.dates.extract_dates` for the same text
    when already computed (numbers inside dates are skipped); computed here otherwise.
    ``doc``: an optional spaCy Doc of the same text; its dependency parse improves ``of``.
    """
    if not text:
        return []
    if dates is None:
        dates = extract_dates(text, published=None)
    date_spans = sorted((d["start"], d["end"]) for d in dates)
    out: list[dict[str, Any]] = []
    di = 0
    for m in _NUMBER_RE.finditer(text):
        start, end = m.start(), m.end()
        num_start = m.start("num") if m.group("num") else start
        while di < len(date_spans) and date_spans[di][1] <= num_start:
            di += 1
        if di < len(date_spans) and date_spans[di][0] < end:
            continue  # part of a date ("10 JAN 90", "in 2011", "late 90's")
        value = _value(m)
        if value is False:
            continue
        before = _tokens_before(text, start, 4)
        if before and before[-1].lower().rstrip(".") in _NAME_BEFORE | {"no"}:
            continue
        if _is_name_context(text, start):
            continue
        of, noun = _link(text, m, before)
        if of == "":  # a duration, an age, money: not a count
            continue
        raw = m.group("num") or ""
        if (of is None or noun is None) and re.fullmatch(r"\d{4}", raw) and \
                _YEAR_LIKE[0] <= int(raw) <= _YEAR_LIKE[1]:
            continue  # "make 2011 an unprecedented year": a year without a cue
        if raw.lower() == "one" and (of is None or (
                of not in CASUALTY_KINDS and re.match(r"\s+of\b", text[end:end + 4], re.I))):
            continue  # "one of the", "one country that": not a count
        if doc is not None and of not in CASUALTY_KINDS:
            dep_of = _dependency_of(doc, text, m.start("num") if raw else start, end)
            if dep_of:
                of = dep_of
        mod = re.sub(r"\s+", " ", (m.group("mod") or "").lower())
        out.append({
            "start": start, "end": end, "text": text[start:end], "value": value, "of": of,
            "noun": noun, "qualifier": _QUALIFIERS.get(mod),
        })
    return out


# ----------------------------------------------------------------------------------- values
def _value(m: re.Match[str]) -> int | float | bool | None:
    """The number's value; None for vague counts; False when it is not a count at all."""
    if m.group("vague"):
        return None
    if m.group("dozen"):
        return 6 if m.group("dozen").lower().startswith("half") else 12
    raw = re.sub(r"\s+", " ", m.group("num").lower())
    if raw[0].isdigit():
        number: float = float(raw.replace(",", ""))
    elif raw.startswith("a"):
        number = 1
    else:
        parts = re.split(r"[-\s]", raw)
        number = sum(_WORD_TENS.get(p, _WORD_UNITS.get(p, 0)) for p in parts)
    for scale in (m.group("scale") or "").split():
        number *= _SCALES[scale.lower()]
    if number != int(number):
        return number
    return int(number)


# ---------------------------------------------------------------------------------- linking
def _link(text: str, m: re.Match[str], before: list[str]) -> tuple[str | None, str | None]:
    """(of, noun) for the count ``m``; of == "" marks a number that is not a count."""
    after = _tokens_after(text, m.end(), MAX_NP_WORDS + MAX_LINK_WORDS + 4)
    low = [t.lower() for t in after]
    if _PERCENT_RE.match(text, m.end()):
        return "percent", "percent"
    prefix = text[max(0, m.start() - 80):m.start()]
    if _TOLL_RE.search(prefix):
        return ("injured" if _TOLL_RE.search(prefix).group("inj") else "killed"), None  # type: ignore[union-attr]
    if low and (low[0] in _NOT_COUNTED or low[0].startswith("year-old")
                or low[0] in ("-year-old", "year-old")):
        return "", None
    if low and low[0] in ("of",) and len(low) > 1 and low[1] in ("the", "these", "those",
                                                                    "its", "their", "them"):
        # partitive: "328 of the 426 religious groups" counts groups
        skip = 2
        if len(low) > 2 and re.fullmatch(r"[\d,]+|" + _UNIT_RE + "|" + _TENS_RE, low[2]):
            skip = 3
        after, low = after[skip:], low[skip:]
    # 1. a casualty word right after the number: "14 dead", "at least 10 injured"
    if low and low[0] in _CASUALTY_AFTER and not _is_active(low, 0):
        noun = _noun_phrase(after[1:], low[1:])
        return _CASUALTY_AFTER[low[0]], noun
    # 2. the noun phrase and what follows it
    n_np = _np_length(low)
    noun = low[n_np - 1] if n_np else None
    if noun in _NOT_COUNTED:
        return "", None
    i = n_np
    aux_seen = False
    steps = 0
    while i < len(low) and steps < MAX_LINK_WORDS:
        w = low[i]
        if w in _CASUALTY_AFTER and (n_np or aux_seen):
            if aux_seen or not _is_active(low, i):
                return _CASUALTY_AFTER[w], noun
            break
        if w in _AUX or w.endswith("ly"):
            aux_seen = aux_seen or w in _AUX
        elif w in _NP_PREPS and not aux_seen:
            # skip a short phrase inside the subject: "of various ages"
            j = i + 1
            while j < len(low) and j - i <= 3 and low[j] not in _AUX and low[j].isalpha() \
                    and low[j] not in _CASUALTY_AFTER:
                j += 1
            steps += j - i - 1
            i = j - 1
        else:
            break
        i += 1
        steps += 1
    # 3. a casualty verb before the count: "killed 7", "wounding 20 others"
    if before:
        prev = before[-1].lower()
        if prev in _CASUALTY_BEFORE:
            return _CASUALTY_BEFORE[prev], noun
    if noun in _CASUALTY_NOUNS:
        return _CASUALTY_NOUNS[noun], noun
    return noun, noun


def _np_length(low: list[str]) -> int:
    n = 0
    while n < len(low) and n < MAX_NP_WORDS:
        w = low[n]
        if (w in _STOP or w in _AUX or w in _CASUALTY_AFTER or not w[0].isalpha()
                or (w.endswith("ly") and len(w) > 4)
                or (n > 0 and (w.endswith("ing") or w.endswith("ed")))):  # verbs end the phrase
            break
        n += 1
    # "others", "people", nouns: keep the phrase; a lone adjective-like word is still a head
    return n


def _noun_phrase(tokens: list[str], low: list[str]) -> str | None:
    n = _np_length(low)
    return low[n - 1] if n else None


def _is_active(low: list[str], i: int) -> bool:
    """True when the casualty verb at ``i`` takes an object ("7 gunmen killed 3 soldiers")."""
    w = low[i]
    if w in ("dead", "missing", "died", "perished", "fled", "disappeared", "slain"):
        return False
    if i + 1 >= len(low):
        return False
    nxt = low[i + 1]
    return bool(re.fullmatch(r"[\d,]+", nxt)) or nxt in _WORD_UNITS or nxt in _WORD_TENS or \
        nxt in ("the", "a", "an", "his", "her", "their", "two", "several", "dozens", "hundreds",
                "at", "more", "some", "about", "nearly", "him", "them", "civilians", "people",
                "soldiers", "police", "policemen")


def _tokens_after(text: str, pos: int, n: int) -> list[str]:
    out: list[str] = []
    for t in _TOKEN_RE.finditer(text, pos, min(len(text), pos + 40 * n)):
        tok = t.group(0)
        if not (tok[0].isalnum()):
            break  # punctuation ends the clause
        out.append(tok)
        if len(out) >= n:
            break
    return out


def _tokens_before(text: str, pos: int, n: int) -> list[str]:
    window = text[max(0, pos - 20 * n):pos]
    toks = _TOKEN_RE.findall(window)
    if toks and text[max(0, pos - 20 * n)].isalnum() and max(0, pos - 20 * n) > 0:
        toks = toks[1:]  # a word cut by the window
    return toks[-n:]


def _is_name_context(text: str, start: int) -> bool:
    """Numbers glued into names: "M-16", "AK-47", "No.4", "9/11" ("/" already refused)."""
    if start >= 2 and text[start - 1] in "-." and text[start - 2].isalpha():
        return True
    return start >= 3 and text[start - 3:start].lower() in ("no.", "no ")


# ------------------------------------------------------------------------------- spaCy links
_DEP_VERBS = {
    "kill": "killed", "die": "killed", "murder": "killed", "execute": "killed",
    "slay": "killed", "wound": "injured", "injure": "injured", "hurt": "injured",
    "arrest": "arrested", "detain": "detained", "kidnap": "kidnapped", "abduct": "kidnapped",
    "deport": "deported", "displace": "displaced", "expel": "deported",
}
_DEP_ADJ = {"dead": "killed", "missing": "missing", "wounded": "injured", "injured": "injured"}


def _dependency_of(doc: Any, text: str, start: int, end: int) -> str | None:
    """A casualty kind from the parse: the count's noun as passive subject or object of a
    casualty verb, or with a casualty predicate ("left 14 people dead")."""
    if getattr(doc, "text", None) != text:
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    tok = span[-1]
    noun = tok.head if tok.dep_ == "nummod" else tok
    for cand in (noun, tok):
        head = cand.head
        if cand.dep_ in ("nsubjpass", "dobj", "nsubj") and head.lemma_.lower() in _DEP_VERBS:
            if cand.dep_ == "nsubj" and head.lemma_.lower() != "die":
                continue
            return _DEP_VERBS[head.lemma_.lower()]
        for child in list(cand.children) + ([head] if cand.dep_ == "dobj" else []):
            if child.dep_ in ("amod", "acomp", "oprd", "xcomp", "ccomp", "advcl") and \
                    child.lower_ in _DEP_ADJ and child.i > cand.i:
                return _DEP_ADJ[child.lower_]
        for child in head.children:
            if child.dep_ in ("oprd", "xcomp", "ccomp") and child.lower_ in _DEP_ADJ:
                return _DEP_ADJ[child.lower_]
    return None
