"""Toponym recognition: spaCy NER spans plus gazetteer matching for what NER misses.

Pure functions over (text, entity spans, gazetteer); the model is only needed to produce the
entity spans (``ner_spans``), so everything else is testable with hand-made spans.

Rules, in order:

1. NER ``GPE``/``LOC`` spans are toponyms ("the" and a possessive "'s" are trimmed).
2. ``FAC`` spans, and spans of the other name labels (``ORG``, ``NORP``, ``PERSON``,
   ``WORK_OF_ART``, ``PRODUCT``, ``EVENT``) whose whole text is the name of a country,
   first-level region, continent, macro-region or curated feature, are toponyms (NER tags
   "Uzbekistan" as ORG and "Tajikistan" as NORP). An ORG made of places joined by "and"
   ("Osh and Jalal-Abad") yields each place.
   Other labels (``NORP``, ``WORK_OF_ART``, ``PRODUCT``, ``EVENT``) also accept a city of at
   least ``MIN_SCAN_CITY_POPULATION`` ("Almaty" tagged PRODUCT); ``ORG``/``PERSON`` do not
   ("Jackson" the person, "Chelsea" the club).
3. Demonym rule: a ``NORP`` (or single-word ``ORG``) span that is a demonym ("Uzbek",
   "Kazakh", "Russian", "Afghans") is a toponym standing for its country, flagged
   ``demonym: true`` so callers can drop them. Curated demonyms come from
   ``knowledge/data/demonyms.csv``; others by stripping an English demonym suffix
   (-ian, -an, -ese, -ish, -i) and finding the one country whose name starts with the stem,
   else (``NORP`` only) the one first-level region or continent ("Minnesotans", "African").
4. Gazetteer scan: runs of capitalised words outside any entity other than an ``ORG`` or
   ``FAC`` (whose names often contain a place) that name a country, region, continent,
   curated feature, a county-like unit by its full name ("Henry County") or a city of at
   least ``MIN_SCAN_CITY_POPULATION``.
   Cyrillic words are also tried in their Russian nominative forms (``russian_base_forms``).
5. "Place, Region" phrases: a recognised place followed by a comma and a region
   abbreviation ("Springfield, Ill.", "Austin, TX", "Dubbo, NSW") gets that region as a
   toponym too.

ALL-CAPS text (wire copy such as MUC-4) is first re-cased: everything is lower-cased, then
words that start a sentence or belong to a gazetteer name are capitalised, so NER sees
ordinary mixed case. Offsets are unchanged (re-casing keeps the length). Given an English
lexicon, a lone word that is an ordinary English verb, adjective or adverb ("SURPRISE",
"COAST", "NORTHERN") stays lower case unless it names a country or a national capital.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from watchfloor.knowledge.gazetteer import Candidate, Gazetteer
from watchfloor.knowledge.gazetteer_build import QUALITY_CURATED, QUALITY_PRIMARY
from watchfloor.knowledge.names import name_key

PLACE_LABELS = frozenset({"GPE", "LOC"})
MAYBE_PLACE_LABELS = frozenset({"FAC", "ORG", "NORP", "PERSON", "WORK_OF_ART", "PRODUCT", "EVENT"})
# Labels whose spans are often names of people or organisations that merely share a place
# name ("Jackson", "Chelsea"): only a country, region or curated feature overrides them.
NAME_LABELS = frozenset({"ORG", "PERSON"})
# Labels whose spans the gazetteer scan looks inside (see ``recognise``).
CONTAINER_LABELS = frozenset({"ORG", "FAC"})
# Kinds of gazetteer entry unambiguous enough to override an NER label or to be found by
# the capitalised-word scan; small towns named like common words ("Police", "Mobile") are not.
STRONG_KINDS = frozenset({"country", "admin1", "continent", "region", "feature"})
# Cities this large are well known enough to be found by the scan even when NER misses them.
MIN_SCAN_CITY_POPULATION = 100_000
# Longest run of words the scan tries as one name ("Bosnia and Herzegovina" is four).
MAX_SCAN_WORDS = 4
# Share of upper-case letters above which a text is treated as ALL-CAPS wire copy.
ALL_CAPS_RATIO = 0.85
# Size of the pieces a long text is cut into for NER (spaCy's memory grows with doc length).
NER_CHUNK_CHARS = 100_000
# English demonym suffixes, longest first, stripped to find the country stem.
DEMONYM_SUFFIXES = ("ians", "ian", "ans", "ese", "ish", "an", "is", "i")
# Russian noun case endings (longest first) and the nominative endings tried on the stem:
# Russian-language reports inflect place names ("в Таразе", "Полиция Казахстана").
RUSSIAN_CASE_ENDINGS = ("ами", "ями", "ах", "ях", "ом", "ем", "ой", "ей", "е", "а", "у", "ю",
                        "ы", "и", "я")
RUSSIAN_NOMINATIVE_ENDINGS = ("", "а", "я", "ь", "й")
MIN_RUSSIAN_STEM = 3
# A demonym stem must be at least this long to be matched against country names by prefix.
MIN_DEMONYM_STEM = 4
# ... and the name may go on past the stem by at most this many letters ("Austral|ia").
MAX_DEMONYM_REMAINDER = 3

_LEADING_ARTICLE = re.compile(r"^(?:the|The|THE)\s+")
_TRAILING_JUNK = re.compile(r"(?:['’]s|['’])?[\s.,;:!?)\]\"']*$")
_DOTTED = re.compile(r"(?:^|[\s.])[A-Za-z]{1,3}\. ?[A-Za-z]{1,3}$")
# A short capitalised word whose period is followed by a comma or a closing bracket is an
# abbreviation ("D-Pa., said", "(R-Calif.)"): a sentence does not end there.
_ABBREVIATED_WORD = re.compile(r"(?:^|[\s-])[A-Z][a-z]{0,5}$")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_AFTER_COMMA = re.compile(r"\s*,\s*([A-Z][A-Za-z]{0,5}\.(?: ?[A-Z][a-z]?\.)?|[A-Z]{2,3})(?!\w)")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_SENTENCE_END = re.compile(r"[.!?\n]\s*$")
_COMMON_CAPITALISED = frozenset({
    # Words often capitalised in news that are also place names somewhere.
    "i", "a", "an", "the", "he", "she", "it", "we", "they", "mr", "mrs", "ms", "dr",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "god", "police", "president",
    "university", "church", "street", "road", "avenue", "north", "south", "east", "west",
    "central", "new", "city", "county", "state", "republic", "union", "national",
    "region", "province", "department", "district", "area", "zone", "border", "capital",
})


def _common_word(word: str) -> bool:
    key = name_key(word)
    return key in _COMMON_CAPITALISED or key in STOP_WORDS


def _common_flags(words: list[re.Match[str]]) -> list[bool]:
    """Which words are common; a run of common words is no name, though its letters may
    spell one: "TO GO" is not Togo, "AND A" not Anda (name keys drop the spaces that tell
    them apart)."""
    return [_common_word(w.group()) for w in words]


@dataclass(frozen=True, kw_only=True, slots=True)
class EntitySpan:
    """An NER span: character offsets into the text and the spaCy label."""

    start: int
    end: int
    label: str


@dataclass(kw_only=True)
class Mention:
    """A recognised toponym before resolution."""

    start: int
    end: int
    text: str
    source: str  # ner | gazetteer | demonym | hierarchy
    demonym_of: str | None = None  # country code, for demonyms of a country
    demonym_place: int | None = None  # place id, for demonyms of a region or continent
    after_comma: bool = False  # admits region abbreviations when looked up


def is_all_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 20:
        return False
    return sum(ch.isupper() for ch in letters) / len(letters) >= ALL_CAPS_RATIO


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading article and trailing possessive/punctuation from ``text[start:end]``."""
    piece = text[start:end]
    lead = _LEADING_ARTICLE.match(piece)
    if lead:
        start += lead.end()
        piece = piece[lead.end():]
    tail = _TRAILING_JUNK.search(piece)
    if tail and tail.start() > 0:
        end = start + tail.start()
        if text[end:end + 1] == "." and (_DOTTED.search(text[start:end]) or (
                text[end + 1:end + 2] in (",", ")", ";")
                and _ABBREVIATED_WORD.search(text[start:end]))):
            end += 1  # "U.S.", "D.C.", "W. Va.", "Pa.,": the final period belongs to the name
    return start, end


def _strong(cands: list[Candidate]) -> bool:
    """A canonical or curated name of a well-known place (alternate names such as the
    Finnish "Some" for Finland are too often ordinary words)."""
    return any(
        (c.kind in STRONG_KINDS
         or (c.kind == "city" and c.population >= MIN_SCAN_CITY_POPULATION)
         or (c.kind == "admin2" and c.quality == QUALITY_PRIMARY and " " in c.name))
        and not c.fuzzy and c.quality >= QUALITY_CURATED
        for c in cands
    )


def _top_quality_strong(cands: list[Candidate]) -> bool:
    return any(
        c.kind in STRONG_KINDS and not c.fuzzy and c.quality >= QUALITY_CURATED for c in cands
    )


def demonym_country(word: str, gazetteer: Gazetteer) -> str | None:
    """Country code a demonym stands for, by the curated table then the suffix rule."""
    found = gazetteer.demonym_country(word)
    if found:
        return found
    key = name_key(word)
    if key.endswith("s") and gazetteer.demonym_country(key[:-1]):
        return gazetteer.demonym_country(key[:-1])
    for suffix in DEMONYM_SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= MIN_DEMONYM_STEM:
            stem = key[: -len(suffix)]
            # the stem is a country's name but for a short ending ("colomb" of "colombia",
            # "ital" of "italy"); "christ" (of "Christian") is not "Christmas Island"
            matches = gazetteer.stem_index("country", max_remainder=MAX_DEMONYM_REMAINDER)
            found_cc = matches.get(stem, frozenset())
            if len(found_cc) == 1:
                return str(next(iter(found_cc)))
    return None


def demonym_region(word: str, gazetteer: Gazetteer) -> int | None:
    """Place id of the first-level region or continent a demonym stands for, by the suffix
    rule ("Minnesotans" -> Minnesota, "Ohioans" -> Ohio, "African" -> Africa): the stem must
    begin the primary or curated name of exactly one such place."""
    key = name_key(word)
    for suffix in DEMONYM_SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= MIN_DEMONYM_STEM:
            stem = key[: -len(suffix)]
            regions = gazetteer.stem_index("region", max_remainder=MAX_DEMONYM_REMAINDER)
            found_id = regions.get(stem, frozenset())
            if len(found_id) == 1:
                return int(next(iter(found_id)))
    return None


def russian_base_forms(word: str) -> list[str]:
    """Possible nominative forms of an inflected Russian place name ("Таразе" -> "Тараз",
    "Москве" -> "Москва", "Казахстана" -> "Казахстан"): a case ending is removed and the
    nominative endings are tried on the stem. Only for Cyrillic text."""
    key = word.lower()
    forms: list[str] = []
    for ending in RUSSIAN_CASE_ENDINGS:
        stem = key[: -len(ending)]
        if key.endswith(ending) and len(stem) >= MIN_RUSSIAN_STEM:
            forms += [stem + nominative for nominative in RUSSIAN_NOMINATIVE_ENDINGS]
    return list(dict.fromkeys(f for f in forms if f != key))


def lookup_cyrillic(phrase: str, gazetteer: Gazetteer) -> list[Candidate]:
    """Exact candidates for a Cyrillic phrase, else for the base forms of its last word."""
    found = gazetteer.lookup(phrase, fuzzy=False)
    if found:
        return found
    head, _, last = phrase.rpartition(" ")
    for form in russian_base_forms(last):
        found = gazetteer.lookup(f"{head} {form}" if head else form, fuzzy=False)
        if found:
            return found
    return []


def recase(
    text: str, gazetteer: Gazetteer, *, ordinary: Callable[[str], bool] | None = None
) -> str:
    """Mixed-case version of ALL-CAPS ``text`` with the same length (see module docstring).

    ``ordinary(word)``: whether a lower-case word is an ordinary English word in some use
    other than a noun ("surprise", "coast", "northern"; see
    :meth:`watchfloor.extract.truecase.Lexicon.ordinary`). Such a word alone is not
    capitalised as a place unless one of its readings is a country or a national capital
    (:func:`_ordinary_reading`): in ALL-CAPS copy nothing tells "TRIED TO SURPRISE" from
    Surprise, Arizona, and the ordinary word is far more frequent."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few Unicode capitals lower-case to two characters
        return text
    chars = list(lowered)
    words = list(_WORD.finditer(lowered))
    common = _common_flags(words)
    i = 0
    while i < len(words):
        matched = 0
        for n in range(min(MAX_SCAN_WORDS, len(words) - i), 0, -1):
            first, last = words[i], words[i + n - 1]
            phrase = lowered[first.start():last.end()]
            if all(common[i:i + n]):
                continue
            cands = gazetteer.lookup(phrase, fuzzy=False)
            # one word that carries the name, with function words ("THE COAST")
            content = [w.group().strip(".'’-") for w, c in zip(
                words[i:i + n], common[i:i + n], strict=True) if not c]
            if _strong(cands) and not (len(content) == 1 and ordinary is not None
                                       and _ordinary_reading(content[0], cands, ordinary)):
                matched = n
                break
        for w in words[i:i + max(matched, 1)]:
            at_start = w.start() == 0 or _SENTENCE_END.search(
                lowered[max(0, w.start() - 3):w.start()]
            )
            if matched or at_start:
                chars[w.start()] = text[w.start()]
                for m in re.finditer(r"[-\s][^\W\d_]", lowered[w.start():w.end()]):
                    if matched:
                        pos = w.start() + m.start() + 1
                        chars[pos] = text[pos]
        i += max(matched, 1)
    return "".join(chars)


def _ordinary_reading(word: str, cands: list[Candidate],
                      ordinary: Callable[[str], bool]) -> bool:
    """True when a single ALL-CAPS word is better read as an ordinary English word than as
    a place: ``ordinary`` knows it and none of its readings is a country or a national
    capital ("JAPAN" and "CHILE" stay places)."""
    if not ordinary(word):
        return False
    return not any(c.kind == "country" or c.feature_code == "PPLC" for c in cands)


def ner_spans(text: str, nlp: object) -> list[EntitySpan]:
    """Entity spans of ``text`` from a spaCy pipeline, processing long texts in pieces."""
    pieces: list[tuple[int, str]] = []
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + NER_CHUNK_CHARS)
        if end < len(text):
            cut = text.rfind("\n", pos + NER_CHUNK_CHARS // 2, end)
            if cut == -1:
                cut = text.rfind(" ", pos + NER_CHUNK_CHARS // 2, end)
            end = cut + 1 if cut != -1 else end
        pieces.append((pos, text[pos:end]))
        pos = end
    spans: list[EntitySpan] = []
    # One piece per batch: a batch of many 100,000-character pieces holds the activations
    # of all of them at once (gigabytes for a 5 MB text).
    docs = nlp.pipe((piece for _, piece in pieces), batch_size=1)  # type: ignore[attr-defined]
    for (offset, _), doc in zip(pieces, docs, strict=True):
        spans.extend(
            EntitySpan(start=offset + e.start_char, end=offset + e.end_char, label=e.label_)
            for e in doc.ents
        )
    return spans


def doc_spans(doc: object) -> list[EntitySpan]:
    return [
        EntitySpan(start=e.start_char, end=e.end_char, label=e.label_)
        for e in doc.ents  # type: ignore[attr-defined]
    ]


class _SpanIndex:
    """Overlap tests against many spans in O(log n): the spans merged into disjoint sorted
    intervals (a 5 MB report has hundreds of thousands of entities)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [m[0] for m in merged]
        self._ends = [m[1] for m in merged]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, end) - 1
        return i >= 0 and self._ends[i] > start


def recognise(
    text: str,
    entities: Iterable[EntitySpan],
    *,
    gazetteer: Gazetteer,
    demonyms: bool = True,
) -> list[Mention]:
    """Toponym mentions in ``text`` given its NER ``entities`` (rules in module docstring)."""
    mentions: list[Mention] = []
    entity_list = sorted(entities, key=lambda e: (e.start, e.end))

    def add(start: int, end: int, source: str, **extra: object) -> None:
        start, end = trim_span(text, start, end)
        if end > start and name_key(text[start:end]):
            mentions.append(Mention(start=start, end=end, text=text[start:end],
                                    source=source, **extra))  # type: ignore[arg-type]

    for ent in entity_list:
        s, e = trim_span(text, ent.start, ent.end)
        surface = text[s:e]
        if not name_key(surface):
            continue
        if demonyms and " " not in surface and gazetteer.demonym_country(surface):
            # curated demonyms win over namesake villages ("Kazak" is not Gazakh, AZ)
            add(s, e, "demonym", demonym_of=gazetteer.demonym_country(surface))
            continue
        if ent.label in PLACE_LABELS:
            add(s, e, "ner")
            continue
        if ent.label not in MAYBE_PLACE_LABELS:
            continue
        cands = gazetteer.lookup(surface, fuzzy=False)
        if ent.label == "FAC" and cands:
            add(s, e, "ner")
        elif _top_quality_strong(cands) or (ent.label not in NAME_LABELS and _strong(cands)):
            add(s, e, "gazetteer")
        elif ent.label in ("NORP", "ORG") and " " not in surface.strip() and demonyms:
            cc = demonym_country(surface, gazetteer)
            if cc:
                add(s, e, "demonym", demonym_of=cc)
            elif ent.label == "NORP":
                pid = demonym_region(surface, gazetteer)
                if pid is not None:
                    add(s, e, "demonym", demonym_place=pid)
        elif ent.label == "ORG" and re.search(r"\s(?:and|&)\s|,", surface):
            for part in re.finditer(r"[^,&]+?(?=\s+(?:and|&)\s+|,|$)|(?<=and )[^,&]+$", surface):
                p_start, p_end = s + part.start(), s + part.end()
                p_start, p_end = trim_span(text, p_start, p_end)
                p_text = text[p_start:p_end].strip()
                p_text = re.sub(r"^(?:and|&)\s+", "", p_text)
                if p_text and _strong(gazetteer.lookup(p_text, fuzzy=False)):
                    off = text.find(p_text, p_start, p_end + 1)
                    if off != -1:
                        add(off, off + len(p_text), "gazetteer")

    # Names of organisations and facilities often contain a place ("Henry County Sheriff's
    # Office", "the Cottonport Fire Station"): the scan looks inside them, not inside names
    # of people, dates or numbers.
    taken = [(e.start, e.end) for e in entity_list if e.label not in CONTAINER_LABELS]
    taken += [(m.start, m.end) for m in mentions]
    mentions.extend(_scan(text, taken, gazetteer))
    mentions.extend(_after_comma(text, mentions, gazetteer))
    unique = {(m.start, m.end): m for m in mentions}
    return sorted(unique.values(), key=lambda m: (m.start, m.end))


def _scan(text: str, taken: list[tuple[int, int]], gazetteer: Gazetteer) -> list[Mention]:
    """Capitalised word runs naming a strong gazetteer entry, outside entity spans."""
    index = _SpanIndex(taken)
    found: list[Mention] = []
    words = [w for w in _WORD.finditer(text) if w.group()[0].isupper()]
    common = _common_flags(words)
    i = 0
    while i < len(words):
        matched = 0
        for n in range(min(MAX_SCAN_WORDS, len(words) - i), 0, -1):
            first, last = words[i], words[i + n - 1]
            if n > 1 and not _contiguous(text, words[i:i + n]):
                continue
            start, end = trim_span(text, first.start(), last.end())
            phrase = text[start:end]
            if all(common[i:i + n]):
                continue
            if len(name_key(phrase)) < 3 or index.overlaps(start, end):
                continue
            cyrillic = bool(_CYRILLIC.search(phrase))
            cands = (lookup_cyrillic(phrase, gazetteer) if cyrillic
                     else gazetteer.lookup(phrase, fuzzy=False))
            if _strong(cands) or (cyrillic and any(
                    c.kind in STRONG_KINDS or c.population >= MIN_SCAN_CITY_POPULATION
                    for c in cands)):
                # Cyrillic names match GeoNames alternate names; they cannot be English words
                found.append(Mention(start=start, end=end, text=phrase, source="gazetteer"))
                matched = n
                break
        i += max(matched, 1)
    return found


def _contiguous(text: str, words: list[re.Match[str]]) -> bool:
    """Words separated only by single spaces (or "and"/"of" linking capitalised words)."""
    for a, b in itertools.pairwise(words):
        gap = text[a.end():b.start()]
        if gap not in (" ", "-") and gap.strip().lower() not in ("and", "of", "de", "del"):
            return False
    return True


def _after_comma(
    text: str, mentions: list[Mention], gazetteer: Gazetteer
) -> list[Mention]:
    """Region abbreviations in "Place, Abbrev." phrases right after a recognised place."""
    taken = {(m.start, m.end) for m in mentions}
    index = _SpanIndex((m.start, m.end) for m in mentions)
    extra: list[Mention] = []
    for m in mentions:
        hit = _AFTER_COMMA.match(text, m.end)
        if not hit:
            continue
        start, end = hit.start(1), hit.end(1)
        if (start, end) in taken or index.overlaps(start, end):
            continue
        cands = gazetteer.lookup(hit.group(1), fuzzy=False, after_comma=True)
        if any(c.kind == "admin1" for c in cands):
            extra.append(Mention(start=start, end=end, text=hit.group(1),
                                 source="hierarchy", after_comma=True))
    return extra

