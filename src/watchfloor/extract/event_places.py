"""Where an event happened: the place of its sentence, checked against the document.

:func:`document_places` reads what the document says about geography once:

- ``countries``: the countries the document is about: of the dateline place ("SAN
  SALVADOR, 3 JAN 90 --"), of the countries and provinces it names, of its demonyms
  ("Salvadoran troops"), and of any country two different places of the document lie in. A
  place of another country is a lone mention, most often a wrong reading of an ambiguous
  name ("LA ROCHELA" read as La Rochelle): it does not locate an event.
- ``dateline``: the dateline's place, where the report was filed.
- ``dominant``: the most mentioned place in those countries (first mentioned on ties).

:func:`place_for` picks the place of a sentence: attached by "in/near/at/outside/of" (most
specific first, then nearest to the trigger), else the nearest one. With a dependency parse
it takes places of the trigger's own clause (and what hangs below it) first, then of the
clauses that one depends on ("the embassy in Colombia confirmed the release of the
journalist who was kidnapped"), and a place of any other clause only in the report's home
country: elsewhere it tells where something else happened ("the agency, whose offices are
in Mexico, says that guerrillas attacked the farm"; "the bombs exploded, and the minister
went to the United States"). A country or province name that only qualifies a noun ("U.S.
authorities", "Venezuela's first lady") is not a location either, unless that noun is
itself a place ("Colombia's Santander department"). A country's capital attached by
"in/near/at" to the trigger locates it even when it is the document's only mention of that
country ("13 persons died in San Salvador as a result of a bomb explosion", in a report
filed from Tegucigalpa): capitals are seldom misread names. Any other place of a foreign
country named only once in the document (``lone``) must be attached that way too. An event
whose sentence has no usable place takes the place of the event before it in the text (a
report tells one incident over several sentences), else the dateline's, else the dominant
one.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from watchfloor.extract.event_lexicon import words

# "in Lima", "near the town of", "outside Almaty": prepositions that attach a place to an event.
_LOCATIVE = re.compile(r"\b(?:in|near|at|outside|inside|of|on|around|across|between|from)"
                       r"\s+(?:the\s+)?(?:\w+\s+){0,3}$", re.IGNORECASE)
# Prepositions that put an event inside a place ("died in San Salvador", "near Lima"), as
# opposed to "of/from/on", which also introduce owners, origins and topics.
_INSIDE = re.compile(r"\b(?:in|near|at|outside|inside|around|throughout)"
                     r"\s+(?:the\s+)?(?:\w+\s+){0,3}$", re.IGNORECASE)
# Capitals (GeoNames PPLC) are rarely a misread name: one attached by _INSIDE locates an event
# even as the only mention of its country in the document.
_CAPITAL_CODES = frozenset({"PPLC"})
# Dependency labels of a word that qualifies the noun after it ("U.S. authorities",
# "Venezuela's first lady").
_MODIFIER_DEPS = frozenset({"compound", "poss", "amod", "nmod"})
# Nouns that a place name may qualify and still be where something happened ("Colombia's
# Santander department", "the Zacamil neighbourhood", "the Lima airport").
_PLACE_NOUNS = words(
    "department province state region area zone district municipality city town village "
    "hamlet neighborhood neighbourhood suburb outskirts border frontier territory highway "
    "road street avenue river valley mountain mountains jungle coast sector canton county "
    "jurisdiction capital port airport island islands estate farm plantation")
# A possessive name before a word ("Venezuela's first lady") when no parse is at hand.
_POSSESSIVE = re.compile(r"\s*'S\b", re.IGNORECASE)
# Dependency labels that start a clause of their own; a place in another clause than the
# trigger's locates something else.
_CLAUSE_DEPS = frozenset({"ROOT", "ccomp", "advcl", "relcl", "parataxis", "csubj"})
_VERBS = frozenset({"VERB", "AUX"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
# More specific places are better event locations (GeoNames feature codes).
_SPECIFICITY = (("PPL", 0), ("ADM2", 1), ("ADM3", 1), ("ADM1", 2), ("PCL", 3))
# Feature codes and kinds of places that name a country or a province outright.
_NAMED_AREA_CODES = ("PCL", "ADM1")
_NAMED_AREA_KINDS = frozenset({"country", "admin1"})
# Characters from the start of a text within which a dateline ends ("LIMA, 10 JAN 90 --").
DATELINE_CHARS = 120
_DATELINE_END = re.compile(r"\s(?:--|—|–)\s|\)\s+-\s")
# A story whose country is named this many times as often as the dateline's is about that
# country, wherever it was filed from.
SUBJECT_OVER_DATELINE = 2


@dataclass(frozen=True)
class DocumentPlaces:
    countries: frozenset[str]
    dateline: dict[str, Any] | None
    dominant: dict[str, Any] | None
    # Countries other than home named by a single mention (a place or a demonym): most
    # often a misread name ("Unity" of an organisation's name read as a province).
    lone: frozenset[str] = frozenset()
    # Where an event with no place of its own happened: the dateline's place (the filing
    # place is also where most stories happen), else the most named place of the country
    # the story is about.
    fallback: dict[str, Any] | None = None

    @property
    def home(self) -> str | None:
        """The country the report is from: the dateline's, else the dominant place's."""
        place = self.dateline or self.dominant
        return str(place["country_code"]) if place else None


def _specificity(place: dict[str, Any]) -> int:
    code = str(place.get("feature_code") or "")
    return next((rank for prefix, rank in _SPECIFICITY if code.startswith(prefix)), 2)


def _usable(place: dict[str, Any]) -> bool:
    return not place.get("demonym") and place.get("country_code") is not None


def _named_area(place: dict[str, Any]) -> bool:
    return place.get("kind") in _NAMED_AREA_KINDS or \
        str(place.get("feature_code") or "").startswith(_NAMED_AREA_CODES)


def _key(place: dict[str, Any]) -> Any:
    return place.get("geonameid") or place.get("name")


def dominant_place(places: list[dict[str, Any]],
                   countries: frozenset[str] | None = None) -> dict[str, Any] | None:
    """The most mentioned resolved place of the document (first mentioned on ties), among
    those in ``countries`` when given."""
    usable = [p for p in places if _usable(p)
              and (not countries or p.get("country_code") in countries)]
    if not usable:
        return None
    counts = Counter(_key(p) for p in usable)
    best = max(counts.values())
    return next(p for p in usable if counts[_key(p)] == best)


def dateline_place(text: str, places: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first place of the dateline ("SAN SALVADOR, 3 JAN 90 (EFE) --"), if any."""
    end = _DATELINE_END.search(text, 0, DATELINE_CHARS)
    if end is None:
        return None
    return next((p for p in places if p["start"] < end.start() and _usable(p)), None)


def document_countries(text: str, places: list[dict[str, Any]]) -> frozenset[str]:
    """The countries the document is about (see the module docstring)."""
    out: set[str] = set()
    by_country: dict[str, set[Any]] = {}
    dateline = dateline_place(text, places)
    if dateline is not None:
        out.add(str(dateline["country_code"]))
    for p in places:
        code = p.get("country_code")
        if not code:
            continue
        if p.get("demonym") or _named_area(p):
            out.add(str(code))
        else:
            by_country.setdefault(str(code), set()).add(_key(p))
    out.update(code for code, keys in by_country.items() if len(keys) >= 2)
    return frozenset(out)


def subject_country(places: list[dict[str, Any]], actors: list[dict[str, Any]]) -> str | None:
    """The country a story is about: the one most named by its places, demonyms and actors
    of a country ("the Salvadoran army"), each span once; None when none is named."""
    counts = _country_mentions(places, actors)
    return counts.most_common(1)[0][0] if counts else None


def _country_mentions(places: list[dict[str, Any]], actors: list[dict[str, Any]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    spans: list[tuple[int, int]] = []
    for p in places:
        if p.get("country_code"):
            counts[str(p["country_code"])] += 1
            spans.append((p["start"], p["end"]))
    for a in actors:
        cc = a.get("country")
        if cc and not any(a["start"] < e and s < a["end"] for s, e in spans):
            counts[str(cc)] += 1
    return counts


def document_places(text: str, places: list[dict[str, Any]],
                    actors: list[dict[str, Any]] | None = None) -> DocumentPlaces:
    countries = document_countries(text, places)
    dateline = dateline_place(text, places)
    found = DocumentPlaces(countries=countries, dateline=dateline,
                           dominant=dominant_place(places, countries)
                           or dominant_place(places))
    mentions = Counter(str(p["country_code"]) for p in places if p.get("country_code"))
    lone = frozenset(code for code, n in mentions.items() if n == 1 and code != found.home)
    fallback = dateline
    named = _country_mentions(places, actors or [])
    subject = named.most_common(1)[0][0] if named else None  # as subject_country
    if dateline is None:  # "CLANDESTINE, NO DATE --": the country the story is about
        if subject is not None:
            fallback = dominant_place(places, frozenset({subject}))
    elif subject is not None and subject != dateline["country_code"] and (
        named[subject] >= SUBJECT_OVER_DATELINE * named[str(dateline["country_code"])]
    ):
        # A correspondent's dateline ("SAN JOSE, 3 JAN 90 --" over a story about
        # Guatemala): the story's country wins when named at least twice as often.
        fallback = dominant_place(places, frozenset({subject})) or dateline
    return replace(found, lone=lone, fallback=fallback or found.dominant)


def _token(doc: Any, place: dict[str, Any]) -> Any:
    """The head word of ``place`` in ``doc`` (the one whose head lies outside it), or None."""
    span = doc.char_span(place["start"], place["end"], alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _clause_head(token: Any) -> Any:
    while token.dep_ not in _CLAUSE_DEPS and not _conjoined_clause(token) \
            and token.head.i != token.i:
        token = token.head
    return token


def _conjoined_clause(token: Any) -> bool:
    """A verb joined by "and/but" with a subject of its own ("the bombs exploded, and the
    minister went to ..."); one sharing the subject ("was found and defused") is the same
    clause."""
    return token.dep_ == "conj" and token.pos_ in _VERBS and any(
        c.dep_ in _SUBJECTS for c in token.children)


def _clause_heads(token: Any) -> list[int]:
    """Indexes of the heads of the clause of ``token`` and of every clause above it."""
    out = []
    while True:
        token = _clause_head(token)
        out.append(token.i)
        if token.head.i == token.i:
            return out
        token = token.head


def clause_rank(place_token: Any, trigger_token: Any) -> int | None:
    """0 when a place hangs in the trigger's clause or below it (a relative clause about the
    place it names is fine); 1 when it hangs in a clause the trigger's clause depends on ("the
    embassy in Colombia confirmed the release of the journalist who was kidnapped"); None
    for another clause (a sister clause with its own subject, a relative clause about
    something else)."""
    head = _clause_head(trigger_token)
    token = place_token
    while token.i != head.i:  # spaCy makes a new Token object on each access
        if token.head.i == token.i or _conjoined_clause(token):
            break
        token = token.head
    else:
        return 0
    return 1 if _clause_head(place_token).i in _clause_heads(head.head) else None


def is_modifier(text: str, place: dict[str, Any], token: Any = None) -> bool:
    """Whether a country or province name only qualifies the noun after it ("U.S.
    authorities", "Venezuela's first lady") rather than being a place where something
    happens. A town qualifying a noun ("Coban base troops") still says where they are."""
    if not _named_area(place):
        return False
    if token is None:
        return bool(_POSSESSIVE.match(text, place["end"])) and not re.match(
            r"\s*'S\s+(?:\w+\s+)?(?:" + "|".join(sorted(_PLACE_NOUNS)) + r")\b",
            text[place["end"]:place["end"] + 60], re.IGNORECASE)
    head = token.head
    if token.dep_ not in _MODIFIER_DEPS or head.i <= token.i or head.idx < place["end"]:
        return False
    return head.lower_ not in _PLACE_NOUNS and head.pos_ in ("NOUN", "PROPN")


def place_for(text: str, sent: tuple[int, int], trigger: tuple[int, int],
              places: list[dict[str, Any]], geography: DocumentPlaces | None = None,
              *, doc: Any = None) -> dict[str, Any] | None:
    """The place of the sentence that best locates the trigger, or None.

    ``geography``: what the document says about geography (:func:`document_places`): a
    place must lie in one of its countries, or be a capital attached by "in/near/at"; a
    country of a single mention must be attached by "in/near/at"; a place of another
    clause is taken, last, only in the home country. ``doc``: a parse of ``text`` (or of a
    re-cased copy of the same length) for the clause and modifier checks (see the module
    docstring)."""
    countries = geography.countries if geography else frozenset()
    home = geography.home if geography else None
    lone = geography.lone if geography else frozenset()
    trigger_token = None
    if doc is not None:
        span = doc.char_span(trigger[0], trigger[1], alignment_mode="expand")
        trigger_token = span.root if span is not None and len(span) else None

    def before(p: dict[str, Any]) -> str:
        return text[max(sent[0], p["start"] - 40):p["start"]]

    ranked: list[tuple[int, dict[str, Any]]] = []
    for p in places:
        if not (sent[0] <= p["start"] and p["end"] <= sent[1] and _usable(p)):
            continue
        token = _token(doc, p) if trigger_token is not None else None
        if is_modifier(text, p, token):
            continue
        rank = clause_rank(token, trigger_token) if token is not None else 0
        if rank is None:
            if home is None or p.get("country_code") != home:
                continue
            rank = 2
        inside_of = bool(_INSIDE.search(before(p)))
        if countries and p.get("country_code") not in countries and not (
                p.get("feature_code") in _CAPITAL_CODES and inside_of):
            continue
        if p.get("country_code") in lone and not inside_of:
            continue
        ranked.append((rank, p))
    if not ranked:
        return None
    best_rank = min(rank for rank, _ in ranked)
    inside = [p for rank, p in ranked if rank == best_rank]

    def distance(p: dict[str, Any]) -> int:
        return min(abs(p["start"] - trigger[1]), abs(trigger[0] - p["end"]))

    attached = [p for p in inside if _LOCATIVE.search(before(p))]
    if attached:
        return min(attached, key=lambda p: (_specificity(p), distance(p)))
    return min(inside, key=distance)
