"""Actor mentions: dictionary matching, state-qualified forces, persons and unknown groups.

``extract_actors(text, dictionary=..., doc=None)`` returns CONTRACT actor objects (``start``,
``end``, ``text``, ``actor_id``, ``name``, ``kind``, ``actor_type``) sorted by ``start`` and
never overlapping, plus ``country`` (ISO2 or null), ``source`` (how it was found) and, where
known, ``member_of`` (the id of the organisation a generic group belongs to: "TERRORISTS OF
THE FMLN", "IMU militants") and ``candidates`` (ids an ambiguous acronym could mean).

Matching rules, in order:

1. Dictionary: text tokens (runs of letters/digits) are folded with the dictionary's key
   function and matched against every alias, longest match first, tokens joined only by
   spaces, hyphens, periods or apostrophes. Case: lower-case aliases ("police") match any
   case; proper names need an upper-case letter in mixed-case text; all-caps abbreviations
   ("IMU", "US") must be written in capitals in mixed-case text. In ALL-CAPS (MUC-style) and
   all-lower-case documents, abbreviations that are English words ("US", "FAR") need dots or
   a preceding "the".
2. Qualified forces: a demonym or state name before a role ("Kazak Security Council", "the
   Kazakh police", "Kazakhstan's army") or "<role> of <state>" resolves to that state's entry
   for the role (the state itself for "government"), or to the generic entry with the state
   as ``country`` when the dictionary has none. A state name right after a locative
   preposition ("in Kazakhstan") is a place and is not reported.
3. Document linking: ambiguous acronyms go to the candidate whose country the document
   mentions most; an unqualified role ("the Defense Ministry", "the police") goes to the one
   state-specific entry with that role in the document; bare "council"/"ministry"/"committee"
   go to the one named body with that head word; a person's one-word alias or surname goes to
   the full name seen in the document.
4. Not in the dictionary: persons after a title ("Colonel Maxim Shepelev") or tagged PERSON
   by spaCy get a document-local id ``person:<slug>``; capitalised phrases with an
   organisation head word ("Council for Relations with Religious Associations", "THE ARCE
   BATTALION") or after "members of" become organisations with ``actor_id`` null and a
   ``local_id`` ``org:<slug>``, typed by ``actor_rules.guess_org_type``; "<Name> separatists"
   qualifies a generic group.

Documented limits: no pronoun resolution; one dictionary covers all periods (a "Kazakh
President" is the office, not a particular person); generic groups carry class ids
("generic-police"), not individual identities.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from watchfloor.extract import actor_rules as rules
from watchfloor.extract.truecase import same_text
from watchfloor.knowledge.actors import (
    TOKEN_RE,
    ActorDictionary,
    ActorEntry,
    alias_key,
    alias_tokens,
    fold_token,
    romanise,
)

# The longest alias has 11 tokens; the bound keeps the inner loop short on pathological text.
MAX_ALIAS_TOKENS = 14
# Characters allowed between two tokens of one alias ("U.S.", "al-Qaeda", "Jama'at",
# "Islamic  Movement" across a line break); anything else (comma, bracket) ends a match.
_GAP_RE = re.compile(r"[\s\-‐‑–.'’`ʻ]{1,3}")
_LETTERS_RE = re.compile(r"[^\W_]+")
_TOKEN_RE = TOKEN_RE
CASE_GENERIC, CASE_PROPER, CASE_ABBREV = 0, 1, 2
# Share of lower-case letters under which a document counts as ALL CAPS (MUC wire copy has
# none; a mixed-case report has about 95 %), and share of capitals under which it counts as
# lower-cased (normal English prose has 2-4 % capitals).
UPPER_DOC_MAX_LOWER = 0.05
LOWER_DOC_MAX_UPPER = 0.003
# Characters sampled to decide the case mode; enough for any report, cheap for 5 MB input.
CASE_SAMPLE_CHARS = 200_000
# All-caps aliases up to this many letters are abbreviations ("FARC-EP" has 6).
MAX_ABBREVIATION_LETTERS = 8
GENERIC_PREFIX = "generic-"
# Head nouns of named bodies that a bare, later mention refers back to ("the council").
ANAPHORIC_HEADS = frozenset({"council", "ministry", "committee", "movement", "front",
                             "service", "agency", "directorate", "commission", "cartel"})
_NAME_CHARS = r"[A-ZÀ-ÖØ-ÞА-ЯЁ][a-zà-öø-ÿа-яё'’\-]+"
_TITLE_PERSON_RE = re.compile(
    rf"\b(?P<title>{rules.PERSON_TITLES})\s+(?P<name>{_NAME_CHARS}(?:\s+{_NAME_CHARS}){{0,3}})"
)
_TITLE_PERSON_UPPER_RE = re.compile(
    rf"\b(?P<title>{rules.UPPER_PERSON_TITLES})\s+(?P<name>[A-Z][A-Z'\-]+(?:\s+[A-Z][A-Z'\-]+){{0,3}})"
)
_BYLINE_RE = re.compile(rf"(?m)^By\s+(?P<name>{_NAME_CHARS}(?:\s+{_NAME_CHARS}){{1,2}})\s*$")
_CAP = r"[A-ZÀ-ÖØ-ÞА-ЯЁ0-9][\w'’\-]*"
_ORG_PHRASE_RE = re.compile(
    rf"{_CAP}(?:[ \t]+(?:(?:of|for|with|and|the|de|del|la|las|los|y|al)[ \t]+)*{_CAP})+"
)
_ORG_UPPER_RE = re.compile(
    r"\bTHE\s+(?:[A-Z0-9][A-Z0-9\-]*\s+){1,3}(?:BATTALION|BRIGADE|FRONT|COMMAND|COMMANDO|"
    r"MOVEMENT|DETACHMENT|REGIMENT|PATROL|CARTEL|SQUAD)\b"
)
_GROUP_OF_RE = re.compile(
    r"(?i)(?:members?|leaders?|supporters?|militants|fighters|units?|troops|soldiers|"
    r"terrorists|guerrillas|rebels)\s+of\s+(?:the\s+)?"
)
_MEMBERS_OF_RE = re.compile(r"\bmembers?\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_OF_GAP_RE = re.compile(r"^\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_POSSESSIVE_GAP_RE = re.compile(r"^(?:['’]s)?\s+$")
_ACRONYM_AFTER_RE = re.compile(r"\s*[\(\[]\s*([A-Z][A-Z0-9\-]{1,9})\s*[\)\]]")
# Words of a personal name after a title ("Jose Napoleon Duarte Fuentes" has four).
MAX_NAME_WORDS = 4
# Surnames shorter than this are not linked alone ("S" of "ATTORNEY'S", "Li" is too common).
MIN_SURNAME_LETTERS = 3
_TITLE_WORDS = frozenset(
    w.lower().rstrip(".").replace("\\", "") for w in re.split(r"[|\s]+", rules.PERSON_TITLES) if w
)
_UPPER_NAME_STOPWORDS = frozenset(
    {"staff", "command", "headquarters", "general", "major", "attack", "offensive", "forces",
     "force", "assembly", "court", "office", "unit", "units", "source", "sources", "strike",
     "guard", "republic", "people", "state", "states", "nation", "nations", "national",
     "minister", "secretary", "president", "commander", "chief", "leader", "leaders",
     "advocate", "general's", "attorney", "director", "deputy", "spokesman"}
)


@dataclass(frozen=True, slots=True)
class _Hit:
    entry: ActorEntry
    case: int
    demonym: bool
    one_word: bool
    literal: str  # abbreviations match letter for letter: "MASS" is not "MAS", "HAD" not "KHAD"
    exact: str  # the abbreviation's letters as written ("LeT"), for mixed-case text


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    hits: tuple[_Hit, ...] = ()
    source: str = "dictionary"
    entry: ActorEntry | None = None
    actor_id: str | None = None
    name: str | None = None
    kind: str | None = None
    actor_type: str | None = None
    country: str | None = None
    member_of: str | None = None
    local_id: str | None = None
    candidates: tuple[str, ...] = ()
    state: ActorEntry | None = None  # a demonym or state mention (possible qualifier)
    extra: dict[str, Any] = field(default_factory=dict)

    def set_entry(self, entry: ActorEntry, *, source: str | None = None) -> None:
        self.entry, self.actor_id, self.name = entry, entry.id, entry.name
        self.kind, self.actor_type, self.country = entry.kind, entry.actor_type, entry.country
        if source:
            self.source = source


class _Matcher:
    """Alias index and prefix set of one dictionary, built once and cached on it."""

    def __init__(self, dictionary: ActorDictionary) -> None:
        index: dict[str, dict[_Hit, None]] = {}
        for entry in dictionary:
            forms = [(a, False) for a in (entry.name, *entry.aliases)]
            forms += [(d, True) for d in entry.demonyms]
            for alias, demonym in forms:
                case = _case_class(alias)
                hit = _Hit(entry=entry, case=case, demonym=demonym,
                           one_word=len(alias_tokens(alias)) == 1,
                           literal=_literal(alias) if case == CASE_ABBREV else "",
                           exact="".join(_LETTERS_RE.findall(alias)) if case == CASE_ABBREV else "")
                index.setdefault(alias_key(alias), {})[hit] = None
        self.index = {k: tuple(v) for k, v in index.items()}
        self.prefixes = {key[:i] for key in self.index for i in range(1, len(key) + 1)}
        self.common_words = frozenset(fold_token(w) for w in rules.COMMON_WORD_ABBREVIATIONS)


def _literal(text: str) -> str:
    return "".join(_LETTERS_RE.findall(text)).casefold()


def _case_class(alias: str) -> int:
    letters = [c for c in alias if c.isalpha()]
    capitals = sum(1 for c in letters if c.isupper())
    if not capitals:
        return CASE_GENERIC
    if " " not in alias.strip() and len(letters) <= MAX_ABBREVIATION_LETTERS and (
        not any(c.islower() for c in letters) or (capitals >= 2 and letters[0].isupper())
    ):
        return CASE_ABBREV  # "IMU", "U.S.", "LeT", "FARC-EP"
    return CASE_PROPER


def _matcher(dictionary: ActorDictionary) -> _Matcher:
    matcher = dictionary.cache.get("extract.actors.matcher")
    if matcher is None:
        matcher = _Matcher(dictionary)
        dictionary.cache["extract.actors.matcher"] = matcher
    return matcher


def case_mode(text: str) -> str:
    """"upper" (ALL CAPS), "lower" (lower-cased corpus) or "mixed"."""
    sample = text[:CASE_SAMPLE_CHARS]
    upper = sum(1 for c in sample if c.isupper())
    lower = sum(1 for c in sample if c.islower())
    cased = upper + lower
    if cased == 0:
        return "mixed"
    if lower / cased < UPPER_DOC_MAX_LOWER:
        return "upper"
    if upper / cased < LOWER_DOC_MAX_UPPER:
        return "lower"
    return "mixed"


def _same_text(doc: Any, text: str) -> bool:
    """``doc`` parses ``text`` itself, or a re-cased working copy of it (see truecase)."""
    return doc is not None and same_text(doc, text)


class _Doc:
    """Per-call state: text, tokens, case mode, the spaCy doc and the accepted mentions."""

    def __init__(self, text: str, dictionary: ActorDictionary, doc: Any) -> None:
        self.text = text
        self.dictionary = dictionary
        self.matcher = _matcher(dictionary)
        self.mode = case_mode(text)
        self.spacy = doc if _same_text(doc, text) else None
        self.tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]
        self.token_starts = [t[0] for t in self.tokens]
        self.keys = [fold_token(t[2]) for t in self.tokens]
        self.mentions: list[_Mention] = []
        self.occupied = bytearray(len(text))

    # -- helpers ---------------------------------------------------------------------------
    def word_before(self, pos: int, *, skip_the: bool = True) -> str:
        i = bisect_left(self.token_starts, pos) - 1
        while i >= 0:
            start, end, word = self.tokens[i]
            if self.text[end:pos].strip(" \t\r\n") not in ("",):
                return ""
            if skip_the and word.lower() == "the":
                pos = start
                i -= 1
                continue
            return word.lower()
        return ""

    def word_after(self, pos: int) -> str:
        i = bisect_left(self.token_starts, pos)
        if i < len(self.tokens) and self.text[pos:self.tokens[i][0]].strip(" \t\r\n") == "":
            return self.tokens[i][2].lower()
        return ""

    def free(self, start: int, end: int) -> bool:
        return not any(self.occupied[start:end])

    def add(self, mention: _Mention) -> bool:
        if mention.end <= mention.start or not self.free(mention.start, mention.end):
            return False
        self.occupied[mention.start:mention.end] = b"\x01" * (mention.end - mention.start)
        self.mentions.append(mention)
        return True


def extract_actors(text: str, *, dictionary: ActorDictionary, doc: Any = None) -> list[dict]:
    """Actor mentions of ``text`` as CONTRACT objects (see the module docstring).

    ``doc`` is an optional spaCy ``Doc`` of the same text (or of a re-cased copy of ALL-CAPS
    text, of the same length); with it, PERSON/ORG/NORP entities and part-of-speech tags add
    mentions and refine the modifier rule (in ALL-CAPS text: PERSON entities only).
    """
    if not text or not text.strip():
        return []
    state = _Doc(text, dictionary, doc)
    mentions = _dictionary_mentions(state)
    mentions = _qualify(state, mentions)
    mentions = [m for m in mentions if not _is_place(state, m) and not _is_modifier(state, m)]
    _resolve_ambiguous(mentions)
    mentions = _person_alias_rule(mentions)
    _link_roles_in_context(mentions)
    mentions = _absorb_titles(state, mentions)
    for mention in mentions:
        state.add(mention)
    _anaphora(state)
    _persons(state)
    _unknown_orgs(state)
    _group_links(state)
    state.mentions.sort(key=lambda m: m.start)
    return [_to_json(state, m) for m in state.mentions]


# -- 1. dictionary matching ---------------------------------------------------------------
def _dictionary_mentions(state: _Doc) -> list[_Mention]:
    matcher, tokens, keys, text = state.matcher, state.tokens, state.keys, state.text
    found: list[tuple[int, int, tuple[_Hit, ...]]] = []
    for i in range(len(tokens)):
        if keys[i] not in matcher.prefixes:
            continue
        key, best = "", None
        for j in range(i, min(len(tokens), i + MAX_ALIAS_TOKENS)):
            if j > i and not _GAP_RE.fullmatch(text, tokens[j - 1][1], tokens[j][0]):
                break
            key += keys[j]
            if key not in matcher.prefixes:
                break
            hits = matcher.index.get(key)
            if hits:
                end = tokens[j][1]
                if j > i and text[tokens[j - 1][1]:tokens[j][0]] == "." and len(tokens[j][2]) == 1 \
                        and text[end:end + 1] == ".":
                    end += 1  # "U.S." keeps its final period
                ok = tuple(h for h in hits if _case_ok(state, h, key, tokens[i][0], end))
                if ok:
                    best = (tokens[i][0], end, ok)
        if best:
            found.append(best)
    found.sort(key=lambda f: (f[0] - f[1], f[0]))
    taken = bytearray(len(text))
    chosen: list[_Mention] = []
    for start, end, hits in found:
        if any(taken[start:end]):
            continue
        taken[start:end] = b"\x01" * (end - start)
        mention = _Mention(start=start, end=end, hits=hits)
        entries = {h.entry.id: h.entry for h in hits if not h.demonym}
        states = [h.entry for h in hits if h.demonym or h.entry.kind == "state"]
        if states:
            mention.state = states[0]
        if len(entries) == 1:
            mention.set_entry(next(iter(entries.values())))
        elif not entries:
            mention.source = "demonym"
        chosen.append(mention)
    chosen.sort(key=lambda m: m.start)
    return chosen


def _case_ok(state: _Doc, hit: _Hit, key: str, start: int, end: int) -> bool:
    if hit.case == CASE_GENERIC:
        return True
    span = state.text[start:end]
    if hit.case == CASE_ABBREV and _literal(span) != hit.literal:
        return False
    if state.mode == "mixed":
        if hit.case == CASE_PROPER:
            return any(c.isupper() for c in span)
        return not any(c.islower() for c in span) or "".join(_LETTERS_RE.findall(span)) == hit.exact
    if hit.case == CASE_ABBREV and key in state.matcher.common_words:
        return "." in span or state.word_before(start, skip_the=False) == "the"
    return True


# -- 2. qualified forces ------------------------------------------------------------------
def _qualify(state: _Doc, mentions: list[_Mention]) -> list[_Mention]:
    out: list[_Mention] = []
    i = 0
    while i < len(mentions):
        m = mentions[i]
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        gap = state.text[m.end:nxt.start] if nxt else ""
        if m.state is not None and nxt is not None and _qualifiable(nxt) \
                and _POSSESSIVE_GAP_RE.match(gap):
            out.append(_merge(state, qualifier=m, head=nxt, start=m.start, end=nxt.end))
            i += 2
            continue
        if nxt is not None and nxt.state is not None and nxt.entry is not None \
                and nxt.entry.kind == "state" and _qualifiable(m) and _OF_GAP_RE.match(gap):
            out.append(_merge(state, qualifier=nxt, head=m, start=m.start, end=nxt.end))
            i += 2
            continue
        if m.source != "demonym":
            out.append(m)
        i += 1
    return out


def _qualifiable(m: _Mention) -> bool:
    return m.entry is not None and m.entry.country is None and m.entry.id.startswith(
        GENERIC_PREFIX
    )


def _merge(state: _Doc, *, qualifier: _Mention, head: _Mention, start: int, end: int) -> _Mention:
    assert qualifier.state is not None and head.entry is not None
    country_state, generic = qualifier.state, head.entry
    merged = _Mention(start=start, end=end, source="qualified")
    specific = None
    if generic.role is not None:
        specific = state.dictionary.for_role(generic.role, country_state.country)
        if specific is None and generic.role == "government":
            specific = country_state
    if specific is not None:
        merged.set_entry(specific, source="qualified")
    else:
        merged.set_entry(generic, source="qualified")
        merged.country = country_state.country
        merged.name = f"{generic.name} ({country_state.name})"
    merged.extra["head"] = state.text[head.start:head.end]
    return merged


def _is_place(state: _Doc, m: _Mention) -> bool:
    """A state after "in", "from"...; before "border"; or joined by "/" to such a place
    ("in the Afghanistan/Pakistan border area")."""
    if m.entry is None or m.entry.kind != "state" or m.source != "dictionary":
        return False
    if state.word_before(m.start) in rules.LOCATIVE_PREPOSITIONS:
        return True
    if state.word_after(m.end) in ("border", "borders", "frontier", "border-area"):
        return True
    if m.start > 0 and state.text[m.start - 1] == "/":
        i = bisect_left(state.token_starts, m.start - 1) - 1
        return i >= 0 and state.word_before(state.tokens[i][0]) in rules.LOCATIVE_PREPOSITIONS
    return False


def _is_modifier(state: _Doc, m: _Mention) -> bool:
    if m.entry is None or not m.entry.id.startswith(GENERIC_PREFIX):
        return False
    head = str(m.extra.get("head", state.text[m.start:m.end])).lower()
    if head not in rules.MODIFIER_LIKE:
        return False
    if state.spacy is not None:
        span = state.spacy.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None and len(span):
            last = span[-1]
            return bool(last.dep_ in ("compound", "amod", "nmod") and last.head.i > last.i)
    return state.word_after(m.end) in rules.MODIFIED_NOUNS


# -- 3. document linking ------------------------------------------------------------------
def _resolve_ambiguous(mentions: list[_Mention]) -> None:
    counts: dict[str, int] = {}
    for m in mentions:
        country = m.country or (m.state.country if m.state else None)
        if country:
            counts[country] = counts.get(country, 0) + 1
    for m in mentions:
        if m.entry is not None or m.source == "demonym":
            continue
        entries = list({h.entry.id: h.entry for h in m.hits if not h.demonym}.values())
        scored = sorted(entries, key=lambda e: -counts.get(e.country or "", 0))
        best = counts.get(scored[0].country or "", 0)
        if best > 0 and (len(scored) == 1 or counts.get(scored[1].country or "", 0) < best):
            m.set_entry(scored[0], source="context")
        else:
            m.source, m.kind = "ambiguous", scored[0].kind
            m.candidates = tuple(sorted(e.id for e in entries))
            m.actor_type = scored[0].actor_type if len({e.actor_type for e in entries}) == 1 \
                else None


def _person_alias_rule(mentions: list[_Mention]) -> list[_Mention]:
    """A person's one-word alias counts only for heads of state or after a fuller mention."""
    seen_full: set[str] = set()
    out = []
    for m in mentions:
        if m.entry is not None and m.entry.kind == "person":
            one_word = all(h.one_word for h in m.hits if h.entry.id == m.entry.id)
            if not one_word:
                seen_full.add(m.entry.id)
            elif not m.entry.surname_alone and m.entry.id not in seen_full:
                continue
        out.append(m)
    return out


def _link_roles_in_context(mentions: list[_Mention]) -> None:
    by_role: dict[str, set[str]] = {}
    entries: dict[str, ActorEntry] = {}
    for m in mentions:
        if m.entry is not None and m.entry.role and m.entry.country:
            by_role.setdefault(m.entry.role, set()).add(m.entry.id)
            entries[m.entry.id] = m.entry
    for m in mentions:
        if m.entry is not None and m.entry.is_generic and m.source == "dictionary":
            ids = by_role.get(m.entry.role or "", set())
            if len(ids) == 1:
                m.set_entry(entries[next(iter(ids))], source="context")


def _absorb_titles(state: _Doc, mentions: list[_Mention]) -> list[_Mention]:
    """"Uzbek President Islam Karimov": the office right before a person is a title."""
    out = []
    for i, m in enumerate(mentions):
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if (nxt is not None and nxt.kind == "person" and m.entry is not None
                and m.entry.role is not None and state.text[m.end:nxt.start].isspace()):
            continue
        out.append(m)
    return out


def _anaphora(state: _Doc) -> None:
    """Bare "council"/"ministry" refers to the one named body with that head in the text."""
    heads: dict[str, set[str]] = {}
    entries: dict[str, ActorEntry] = {}
    for m in state.mentions:
        if m.entry is None or (m.entry.id.startswith(GENERIC_PREFIX) and m.source != "qualified"):
            continue
        last = alias_tokens(state.text[m.start:m.end])[-1].lower()
        if last in ANAPHORIC_HEADS:
            heads.setdefault(last, set()).add(m.entry.id if m.entry else "")
            entries[m.entry.id] = m.entry
    if not heads:
        return
    for start, end, word in state.tokens:
        low = word.lower()
        ids = heads.get(low)
        if not ids or len(ids) != 1 or not state.free(start, end):
            continue
        if state.word_after(end) in ("of", "for", "on"):
            continue  # "Council for Relations with ..." is another body
        before = state.word_before(start, skip_the=False)
        if state.mode == "mixed" and before and before[0].isalpha() and _capitalised_before(
            state, start
        ):
            continue  # part of a name: "Supreme Council"
        mention = _Mention(start=start, end=end, source="anaphora")
        entry = entries[next(iter(ids))]
        mention.set_entry(entry, source="anaphora")
        state.add(mention)


def _capitalised_before(state: _Doc, pos: int) -> bool:
    i = bisect_left(state.token_starts, pos) - 1
    if i < 0:
        return False
    prev = state.tokens[i][2]
    return prev[:1].isupper() and prev.lower() not in rules.SENTENCE_WORDS and not (
        state.text[state.tokens[i][1]:pos].strip()
    ) and not _sentence_start(state, state.tokens[i][0])


def _sentence_start(state: _Doc, pos: int) -> bool:
    before = state.text[max(0, pos - 3):pos].strip(" \t")
    return not before or before[-1] in ".!?\n\"“:"


# -- 4. persons and organisations missing from the dictionary --------------------------------
def _persons(state: _Doc) -> None:
    found: list[tuple[int, int, str | None]] = []
    if state.mode == "mixed":
        for match in _TITLE_PERSON_RE.finditer(state.text):
            found.append(_trim_name(state, match.start("name"), match.end("name"),
                                    title=match.group("title")))
        for match in _BYLINE_RE.finditer(state.text):
            found.append((match.start("name"), match.end("name"), "By"))
        if state.spacy is not None:
            for ent in state.spacy.ents:
                if ent.label_ == "PERSON" and ent.text[:1].isupper():
                    found.append((ent.start_char, ent.end_char, None))
    elif state.mode == "upper":
        for match in _TITLE_PERSON_UPPER_RE.finditer(state.text):
            found.append(_trim_name(state, match.start("name"), match.end("name"),
                                    title=match.group("title")))
        if state.spacy is not None:  # a parse of the re-cased copy: names it capitalised
            for ent in state.spacy.ents:
                if ent.label_ == "PERSON" and ent.text[:1].isupper():
                    found.append(_trim_name(state, ent.start_char, ent.end_char, title=""))
    persons: dict[str, _Mention] = {}  # surname key -> first full mention
    for m in state.mentions:
        if m.kind == "person" and m.entry is not None:
            _index_person(persons, alias_tokens(state.text[m.start:m.end]), m)
    singles: list[tuple[int, int, str | None]] = []
    for start, end, title in sorted(found, key=lambda f: (f[0], f[0] - f[1])):
        words = alias_tokens(state.text[start:end])
        if not words or not state.free(start, end):
            continue
        if len(words) == 1:
            singles.append((start, end, title))
            continue
        source = "byline" if title == "By" else "title" if title else "ner"
        mention = _Mention(start=start, end=end, source=source)
        known = persons.get(fold_token(words[-1]))
        if known is not None and known.actor_id:
            _copy_person(mention, known)
        else:
            name = " ".join(w if state.mode == "mixed" else w.title() for w in words)
            mention.actor_id = mention.local_id = "person:" + _slug(name)
            mention.name, mention.kind = name, "person"
            mention.actor_type = _title_type(title)
        if state.add(mention):
            _index_person(persons, words, mention)
    # Surnames and single names: link to the full name seen in the document.
    for start, end, word in state.tokens:
        known = persons.get(fold_token(word))
        if known is None or not state.free(start, end):
            continue
        if state.mode == "mixed" and not word[:1].isupper():
            continue
        mention = _Mention(start=start, end=end, source="surname")
        _copy_person(mention, known)
        state.add(mention)
    for start, end, title in singles:
        if state.free(start, end):
            word = state.text[start:end]
            mention = _Mention(start=start, end=end, source="title", kind="person")
            mention.name = word if state.mode == "mixed" else word.title()
            mention.actor_id = mention.local_id = "person:" + _slug(mention.name)
            mention.actor_type = _title_type(title)
            state.add(mention)


def _index_person(persons: dict[str, _Mention], words: list[str], mention: _Mention) -> None:
    """Index a full name by its surname (and, for three-word Spanish-style names, by the
    paternal surname too: "Rene Rodriguez Hurtado" is "Rodriguez")."""
    if len(words) < 2:
        return
    surnames = [words[-1]] + ([words[-2]] if len(words) >= 3 else [])
    for word in surnames:
        if len(word) >= MIN_SURNAME_LETTERS:
            persons.setdefault(fold_token(word), mention)


def _trim_name(state: _Doc, start: int, end: int, *, title: str) -> tuple[int, int, str]:
    """The name after a title, without further titles or trailing verbs; the last title."""
    words = [(m.start() + start, m.end() + start, m.group())
             for m in re.finditer(r"\S+", state.text[start:end])]
    stop = rules.NAME_STOPWORDS | (_UPPER_NAME_STOPWORDS if state.mode == "upper" else set())
    while words and words[0][2].lower().strip(".") in _TITLE_WORDS:
        title = words.pop(0)[2]  # "COMMANDER MAJOR RENE ...": the second title is not a name
    kept = []
    for w in words[:MAX_NAME_WORDS]:
        if w[2].lower().strip(".,") in stop or "'" in w[2] or "’" in w[2]:
            break
        kept.append(w)
    if not kept:
        return start, start, title
    return kept[0][0], kept[-1][1], title


def _copy_person(mention: _Mention, known: _Mention) -> None:
    mention.entry, mention.actor_id, mention.local_id = known.entry, known.actor_id, known.local_id
    mention.name, mention.kind = known.name, "person"
    mention.actor_type, mention.country = known.actor_type, known.country


def _title_type(title: str | None) -> str | None:
    if not title:
        return None
    norm = re.sub(r"[.\-]", " ", title.lower()).strip()
    norm = re.sub(r"\s+", " ", norm)
    return "State forces" if norm in rules.STATE_TITLES else None


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", romanise(name)).strip("-") or "unknown"


def _unknown_orgs(state: _Doc) -> None:
    spans: list[tuple[int, int, str]] = []
    if state.mode == "mixed":
        for match in _ORG_PHRASE_RE.finditer(state.text):
            start, end = _trim_phrase(state, match.start(), match.end())
            phrase = state.text[start:end]
            if len(alias_tokens(phrase)) < 2:
                continue
            if rules.ORG_HEAD_RE.search(phrase) or _MEMBERS_OF_RE.search(
                state.text[max(0, start - 30):start]
            ):
                spans.append((start, end, "pattern"))
        if state.spacy is not None:
            for ent in state.spacy.ents:
                if ent.label_ == "ORG" and rules.ORG_HEAD_RE.search(ent.text):
                    spans.append((*_trim_phrase(state, ent.start_char, ent.end_char), "ner"))
    elif state.mode == "upper":
        for match in _ORG_UPPER_RE.finditer(state.text):
            start, end = _trim_phrase(state, match.start(), match.end())
            if len(alias_tokens(state.text[start:end])) >= 2:
                spans.append((start, end, "pattern"))
    for start, end, source in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if not state.free(start, end):
            continue
        name = re.sub(r"\s+", " ", state.text[start:end])
        mention = _Mention(start=start, end=end, source=source, kind="organization")
        mention.name = name if state.mode == "mixed" else name.title()
        mention.local_id = "org:" + _slug(name)
        mention.actor_type = rules.guess_org_type(name)
        if state.add(mention):
            _acronym(state, mention)


def _trim_phrase(state: _Doc, start: int, end: int) -> tuple[int, int]:
    lead = _GROUP_OF_RE.match(state.text, start, end)
    if lead:
        start = lead.end()  # "Members of the Committee ..." -> "Committee ..."
    words = [(m.start() + start, m.end() + start, m.group())
             for m in re.finditer(r"\S+", state.text[start:end])]
    while words and (words[0][2].lower() in rules.SENTENCE_WORDS
                     or (state.matcher.index.get(fold_token(words[0][2]))
                     and any(h.demonym for h in state.matcher.index[fold_token(words[0][2])]))):
        words.pop(0)
    while words and words[-1][2].lower() in rules.NAME_CONNECTORS:
        words.pop()
    if not words:
        return start, start
    return words[0][0], words[-1][1]


def _acronym(state: _Doc, org: _Mention) -> None:
    match = _ACRONYM_AFTER_RE.match(state.text, org.end)
    if not match:
        return
    acronym = match.group(1)
    for found in re.finditer(rf"\b{re.escape(acronym)}\b", state.text):
        if state.free(found.start(), found.end()):
            mention = _Mention(start=found.start(), end=found.end(), source="acronym",
                               kind="organization", name=org.name, local_id=org.local_id,
                               actor_type=org.actor_type)
            state.add(mention)


def _group_links(state: _Doc) -> None:
    """"TERRORISTS OF THE FMLN", "IMU militants": the group belongs to the organisation;
    "Uigur separatists": a capitalised word qualifies a generic group."""
    ordered = sorted(state.mentions, key=lambda m: m.start)
    for i, m in enumerate(ordered):
        if m.entry is None or not m.entry.id.startswith(GENERIC_PREFIX) or m.entry.role:
            continue
        nxt = ordered[i + 1] if i + 1 < len(ordered) else None
        prev = ordered[i - 1] if i > 0 else None
        if nxt is not None and _OF_GAP_RE.match(state.text[m.end:nxt.start]) and _is_org(nxt):
            m.member_of = nxt.actor_id or nxt.local_id
        elif prev is not None and state.text[prev.end:m.start].isspace() and _is_org(prev):
            m.member_of = prev.actor_id or prev.local_id
        elif state.mode == "mixed" and m.source == "dictionary":
            _qualify_by_word(state, m)


def _is_org(m: _Mention) -> bool:
    return m.kind == "organization" and not (m.actor_id or "").startswith(GENERIC_PREFIX)


def _qualify_by_word(state: _Doc, m: _Mention) -> None:
    i = bisect_left(state.token_starts, m.start) - 1
    if i < 0:
        return
    start, end, word = state.tokens[i]
    if (not word[:1].isupper() or word.lower() in rules.SENTENCE_WORDS
            or not state.text[end:m.start].isspace() or not state.free(start, end)
            or _sentence_start(state, start) or m.entry is None):
        return
    m.extra["qualifier"] = word
    m.name = f"{word} {state.text[m.start:m.end]}"
    state.occupied[start:end] = b"\x01" * (end - start)
    m.start = start


def _to_json(state: _Doc, m: _Mention) -> dict:
    out: dict[str, Any] = {
        "start": m.start,
        "end": m.end,
        "text": state.text[m.start:m.end],
        "actor_id": m.actor_id,
        "name": m.name,
        "kind": m.kind,
        "actor_type": m.actor_type,
        "country": m.country,
        "source": m.source,
    }
    if m.member_of:
        out["member_of"] = m.member_of
    if m.candidates:
        out["candidates"] = list(m.candidates)
    if m.local_id and m.local_id != m.actor_id:
        out["local_id"] = m.local_id
    if "qualifier" in m.extra:
        out["qualifier"] = m.extra["qualifier"]
    return out
