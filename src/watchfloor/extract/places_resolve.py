"""Toponym resolution: candidates for each mention, scored with document context.

Pure functions over mentions and gazetteer candidates. A candidate's score adds:

- how well the name matched (primary name > curated alias > alternate name > fuzzy);
- population (log scale) and a prior by feature type (countries and first-level regions are
  what a bare name most often means);
- a type word beside the name ("Mangistau province", "the city of Richmond") or a dateline
  ("WASHINGTON —": a city) favouring admin units or cities; a region whose namesake city
  is large and inside or near it loses to that city ("Almaty", "Osh"), a village named
  like its district does not win that way;
- lists (``places_lists``): a plural type word around a coordination names each item's
  admin level ("Becker, Clay and Grant counties"), and a list's items lean to the size
  rank of the others' context-free readings ("Wales and England");
- document context, in ``CONTEXT_ROUNDS`` rounds (``places_context``): every *other*
  distinct name votes for the countries and first-level regions of its candidates with
  their current probabilities, for the *kind* of its readings (a list of states makes
  "Washington" a state), and its plausible readings support candidates within ``NEAR_KM``
  or in the same county ("Paris" beside "Henry County"); plus the publisher's country;
- a national capital of a populous country outranks a same-named region elsewhere in it
  ("Washington"); an alternate-name reading shadowed by a more populous place carrying the
  name as its own scores lower, and one in a country no other name of a national story
  points to is dropped ("La Rochela" in a Colombian story is not La Rochelle);
- a name in the report's dateline ("SANTIAGO, 21 MAR 90 --") favours populous readings
  and national capitals: reports are filed from cities with news bureaus; the other names
  then lean to the dateline's country, as to the publisher's;
- hierarchy: in "Taraz, Zhambyl region", "Cairo, Illinois", "San Carlos de Guatemala" or
  "Crawford County in Pennsylvania" (a larger kind after "in") the second name is the
  parent of the first; candidates inside the parent's chosen resolution get a large bonus.
  A name whose parent is a country it has no reading in is left unresolved: the gazetteer
  lacks it, and a namesake abroad would be wrong.

Candidates come from the exact name, then spelt-out or stripped forms: region
abbreviations ("Pa.", "NY", "W. Va."), "St."/"Mt."/"Co."/"Twp.", a district of a big city
("North Dallas"), "Central" for "Central America" in "Central and South America".

Mentions with the same name in one document get the same resolution (one sense per
discourse) unless a parent phrase says otherwise. The reported score in [0, 1] is the
softmax share of the winning candidate, lowered for fuzzy and demonym matches.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

from watchfloor.extract.places_context import (
    build_voters,
    context_bonus,
    count_votes,
    foreign_to_document,
)
from watchfloor.extract.places_geo import NEAR_KM, haversine_km, inside
from watchfloor.extract.places_home import HomeArea
from watchfloor.extract.places_lists import (
    coordinated,
    elided_names,
    joined_runs,
    plural_admin_items,
    plural_level,
    singular,
)
from watchfloor.extract.places_recognise import (
    Mention,
    demonym_country,
    demonym_region,
    lookup_cyrillic,
)
from watchfloor.knowledge.gazetteer import Candidate, Gazetteer
from watchfloor.knowledge.gazetteer_build import QUALITY_CURATED, QUALITY_PRIMARY
from watchfloor.knowledge.names import name_key

# Name-match component: the canonical name is the strongest evidence; GeoNames alternate
# names include many obscure or historical spellings, and fuzzy keys are weaker still.
NAME_SCORE = {QUALITY_PRIMARY: 1.0, QUALITY_CURATED: 0.9}
ALTERNATE_NAME_SCORE = 0.55
FUZZY_FACTOR = 0.5
# Weight of population, scored log10(population) / POPULATION_SCALE capped at 1 (10 M -> 1).
POPULATION_WEIGHT = 1.0
POPULATION_SCALE = 7.0
# Prior by kind: a bare "Georgia" or "Jordan" most often means the larger unit.
KIND_PRIOR = {
    "country": 0.6, "continent": 0.5, "admin1": 0.45, "feature": 0.35, "region": 0.2,
    "admin2": 0.1, "city": 0.0,
}
CAPITAL_BONUS = 0.2  # national capitals are mentioned far more than namesakes
# Population score of a curated feature (an ocean, a valley, a macro-region) at least: they
# were added for being well known, and most have no population ("the Pacific" is the
# ocean before Pacific, Missouri). As much as a town of about 80,000.
CURATED_PROMINENCE = 0.7
# The capital of a populous country stands for its government ("Washington said"): it
# outranks a first-level region of the same name elsewhere in the country as a seat city
# outranks its namesake region (see SEAT_MARGIN), from this country population up.
PROMINENT_CAPITAL_COUNTRY_POPULATION = 10_000_000
# A candidate matched only through a GeoNames alternate name ("Atlanta" is an old name of
# Lyons, Kansas) loses this much more when another candidate carries the name as its
# primary or curated name: the alternate reading is then rarely meant.
SHADOWED_ALTERNATE_PENALTY = 0.2
# The reverse: an alternate name of a city EXONYM_RATIO times more populous than every
# place carrying the name as its own, and at least EXONYM_MIN_POPULATION strong, is most
# often its English exonym ("Mecca" for Makkah, not Mecca, California; "Bombay"): it is
# scored as a curated name.
EXONYM_RATIO = 50
EXONYM_MIN_POPULATION = 500_000
# A city inside a same-named region ("Almaty", "Osh", "New York"): the city is what a bare
# name usually means; the region is named with a type word ("Osh region"). The region's
# score is lowered by this much (raising the city instead would also lift it over its
# namesakes elsewhere: Paris, France over Paris, Texas).
SEAT_MARGIN = 0.6
SEAT_CITY_BONUS = 0.15
SEAT_MIN_SHARE = 0.2
SEAT_MIN_POPULATION = 20_000
PUBLISHER_WEIGHT = 0.4
# A wire dateline ("SANTIAGO, 21 MAR 90 (EFE) --") names where the report was filed: a city
# known enough to have news bureaus, seldom a small namesake. A reading of a name in the
# dateline gains DATELINE_POPULATION_WEIGHT times its population score and, for a national
# capital, DATELINE_CAPITAL_BONUS ("SAN SALVADOR" is the capital of El Salvador before
# the towns of Argentina and the Philippines, even beside a namesake neighbour).
DATELINE_POPULATION_WEIGHT = 1.0
DATELINE_CAPITAL_BONUS = 0.5
# The country the dateline's place lies in is, like the publisher's, where most places of
# the report are: the readings there of the report's other names gain this much.
DATELINE_COUNTRY_WEIGHT = PUBLISHER_WEIGHT
PARENT_WEIGHT = 2.0  # "Cairo, Illinois": being inside the named parent outweighs population
SUFFIX_KIND_WEIGHT = 0.5  # "Zhambyl region" names an admin unit, "Almaty city" a city
# An administrative unit named by a plural type word around its list ("Becker, Clay and
# Wilkin counties") gains this beyond SUFFIX_KIND_WEIGHT: the text says what it is.
PLURAL_ADMIN_WEIGHT = 1.0
# Items of a list are of one kind ("Oregon and Washington"; ``places_lists``): a candidate
# gains this times the share of the list's other items currently read as its kind.
LIST_KIND_WEIGHT = 0.5
# Softmax temperature for the reported confidence.
TEMPERATURE = 0.3
DEMONYM_FACTOR = 0.8
# Rounds of context voting (each re-weighs the votes by the previous round's scores).
CONTEXT_ROUNDS = 3

# Words that say what kind of place a name is; stripped when the full phrase is unknown.
_ADMIN_WORDS = (
    "province", "region", "oblast", "oblysy", "state", "district", "governorate",
    "prefecture", "territory", "department", "county", "parish", "municipality", "krai",
    "kray", "republic", "rayon", "raion",
)
_CITY_WORDS = ("city", "town", "village", "township", "borough")
_SUFFIX = re.compile(
    r"^(?P<name>.+?)\s+(?P<word>" + "|".join(_ADMIN_WORDS + _CITY_WORDS) + r")$",
    re.IGNORECASE,
)
_TYPE_AFTER = re.compile(
    r"[ \t]+(" + "|".join(_ADMIN_WORDS + _CITY_WORDS) + r")\b", re.IGNORECASE
)
_TYPE_BEFORE = re.compile(
    r"\b(" + "|".join(_ADMIN_WORDS + _CITY_WORDS) + r")[ \t]+of[ \t]+(?:the[ \t]+)?$",
    re.IGNORECASE,
)
# What follows the city of a dateline: an optional region or country, an optional agency
# in brackets, then a dash ("WASHINGTON —", "SPRINGFIELD, Ill. (AP) --").
_DATELINE_AFTER = re.compile(
    r"(?:,[ \t]+[A-Z][A-Za-z.]*(?:[ \t][A-Z][A-Za-z.]*){0,2})?[ \t]*(?:\([A-Za-z ]{1,20}\)[ \t]*)?"
    r"(?:—|–|--|-)(?:[ \t]|$)", re.MULTILINE)
_SENTENCE_END = re.compile(r"[.!?][\"'”’]?[ \t]+$")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Words joining a place to the unit it lies in, in names such as "San Carlos de Guatemala".
_OF_WORDS = frozenset({"de", "del"})
# Kinds of place that lie inside a country (see ``_orphan``), and what continues a list.
_ORPHAN_KINDS = frozenset({"city", "admin1", "admin2", "feature"})
_LIST_JOIN = re.compile(r"\s*[,;]?\s*(?:(?:and|or|&)\s+)?(?:the\s+)?", re.IGNORECASE)
# What joins a place to the larger one it lies in: "Crawford County in Pennsylvania",
# "Santa Maria, located in Davao del Sur", "Kalam in the province of Swat".
_LOCATED_IN = re.compile(
    r"^[ \t]*,?[ \t]*(?:(?:which|that)[ \t]+(?:is|are|lies|lie)[ \t]+)?"
    r"(?:(?:located|situated|based)[ \t]+)?in[ \t]+(?:the[ \t]+)?"
    r"(?:(?:state|province|region|county|country|district)[ \t]+of[ \t]+)?$",
    re.IGNORECASE)
# Order of kinds by size, for telling a hierarchy ("Cairo, Illinois") from a list.
KIND_RANK = {"city": 0, "feature": 0, "admin2": 1, "admin1": 2, "country": 3, "region": 4,
             "continent": 4}
# One capitalised Latin word, the shape of a demonym ("Minnesotans", "Cypriot").
_DEMONYM_WORD = re.compile(r"^[A-Z][a-z]+(?: [A-Z][a-z]+)?$")
# Abbreviations of region names: "Ill.", "D.C.", "Calif.", "TX".
_ABBREVIATION = re.compile(r"^(?:[A-Z][A-Za-z]{0,5}\.(?: ?[A-Z][a-z]?\.)?|[A-Z]{2,3})$")
# An abbreviation with its dots ("Pa.", "N.Y.", "W. Va.") or a two-letter code ("NY"): in
# English news a region's, even where some town abroad is called like its letters ("Pa",
# Burkina Faso; "Ny", an alternate name of a village in Iran).
_REGION_ABBREVIATION = re.compile(r"^(?:[A-Z][A-Za-z]{0,5}\.(?: ?[A-Z][a-z]?\.)?|[A-Z]{2})$")
# Abbreviated words of names: "St. Marc" (Saint-Marc), "Mt. Hood", "Ft. Worth".
_ABBREVIATED_WORDS = {"st": "Saint", "ste": "Sainte", "mt": "Mount", "ft": "Fort"}
_ABBREVIATED_WORD = re.compile(r"\b(St|Ste|Mt|Ft)\.?(?=\s)", re.IGNORECASE)
# A part of a place named by a direction or "Greater" ("North Dallas", "South Los
# Angeles", "Greater Mumbai") and unknown to the gazetteer stands for the place: with a
# direction only for a city this large (a district of it), with "Greater" for any place.
_PART_OF = re.compile(
    r"^(?P<word>North|South|East|West|Northern|Southern|Eastern|Western|Central|Downtown|"
    r"Greater)\s+(?P<name>.+)$", re.IGNORECASE)
PART_OF_MIN_POPULATION = 100_000
# Abbreviated type words of US news: "Loudon Co.", "Tewksbury Twp.", "Pott Co."
_SHORT_TYPE_WORDS = {"co": "County", "twp": "Township"}
_SHORT_TYPE_WORD = re.compile(r"^(?P<name>.+?)\s+(?P<word>Co|Twp|CO|TWP)\.?$")
_PREFIX = re.compile(
    r"^(?:(?:the\s+)?(?P<word>republic|state|city|town|village|township|province|region|county)"
    r"\s+of)\s+(?P<name>.+)$",
    re.IGNORECASE,
)


@dataclass(kw_only=True)
class Resolution:
    """The chosen candidate of one mention (None when nothing matched)."""

    mention: Mention
    candidate: Candidate | None
    score: float
    candidates: list[Candidate] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)  # final score of each candidate


@dataclass(frozen=True, kw_only=True)
class _Query:
    candidates: list[Candidate]
    kind_hint: str | None  # "admin" | "city" | None


def candidates_for(mention: Mention, gazetteer: Gazetteer) -> _Query:
    """Candidates for a mention: exact name, then without a type word, then fuzzy."""
    text = mention.text
    if mention.demonym_of:
        entry = gazetteer.country(mention.demonym_of)
        return _Query(candidates=[entry] if entry else [], kind_hint=None)
    if mention.demonym_place is not None:
        entry = gazetteer.get(mention.demonym_place)
        return _Query(candidates=[entry] if entry else [], kind_hint=None)
    code = gazetteer.demonym_country(text) if " " not in text.strip() else None
    country_entry = gazetteer.country(code) if code else None
    if country_entry is not None:  # curated demonyms win over namesakes ("Canadian", TX)
        return _Query(candidates=[country_entry], kind_hint=None)
    exact = gazetteer.lookup(text, fuzzy=False, after_comma=mention.after_comma)
    if not mention.after_comma and (
            _REGION_ABBREVIATION.match(text) or (not exact and _ABBREVIATION.match(text))):
        # "D.C." or "Ill." outside a "Place, Region" phrase ("Washington D.C.", a list,
        # "Sen. Bob Casey, D-Pa."): the regions it abbreviates are candidates too
        exact = gazetteer.lookup(text, fuzzy=False, after_comma=True)
    if exact:
        return _Query(candidates=exact, kind_hint=None)
    spelled = _ABBREVIATED_WORD.sub(lambda w: _ABBREVIATED_WORDS[w.group(1).lower()], text)
    if spelled != text:  # "St. Marc" is known as Saint-Marc
        found = gazetteer.lookup(spelled, fuzzy=False)
        if found:
            return _Query(candidates=found, kind_hint=None)
    part = _PART_OF.match(text.strip())
    if part:  # "Greater Mumbai", "North Dallas": the city it is part of
        found = [c for c in gazetteer.lookup(part.group("name"), fuzzy=False)
                 if c.quality >= QUALITY_CURATED and (
                     part.group("word").lower() == "greater"
                     or (c.kind == "city" and c.population >= PART_OF_MIN_POPULATION))]
        if found:
            return _Query(candidates=found, kind_hint=None)
    short = _SHORT_TYPE_WORD.match(text.strip())
    if short:  # "Loudon Co.", "Tewksbury Twp.": the unit by its full name, else as below
        full = f"{short.group('name')} {_SHORT_TYPE_WORDS[short.group('word').lower()]}"
        found = gazetteer.lookup(full, fuzzy=False)
        if found:
            return _Query(candidates=found, kind_hint="admin")
        text = full
    for pattern in (_SUFFIX, _PREFIX):
        hit = pattern.match(text.strip())
        if hit:
            word = hit.group("word").lower()
            hint = "city" if word in _CITY_WORDS else "admin"
            found = gazetteer.lookup(hit.group("name"), fuzzy=True)
            if found:
                return _Query(candidates=found, kind_hint=hint)
    if _DEMONYM_WORD.match(text):
        code = demonym_country(text, gazetteer)
        entry = gazetteer.country(code) if code else None
        if entry is None:
            pid = demonym_region(text, gazetteer)
            entry = gazetteer.get(pid) if pid is not None else None
        if entry is not None:
            return _Query(candidates=[entry], kind_hint=None)
    if _CYRILLIC.search(text):
        found = lookup_cyrillic(text, gazetteer)
        if found:
            return _Query(candidates=found, kind_hint=None)
    return _Query(candidates=gazetteer.lookup(text, fuzzy=True), kind_hint=None)


def context_hint(text: str, mention: Mention) -> str | None:
    """"admin" or "city" when a type word stands right after or before the name
    ("Mangistau province", "the state of Georgia", "the city of Richmond")."""
    after = _TYPE_AFTER.match(text, mention.end)
    if after:
        return "city" if after.group(1).lower() in _CITY_WORDS else "admin"
    before = _TYPE_BEFORE.search(text, max(0, mention.start - 40), mention.start)
    if before:
        return "city" if before.group(1).lower() in _CITY_WORDS else "admin"
    if is_dateline(text, mention):
        return "city"
    return None


def is_dateline(text: str, mention: Mention) -> bool:
    """True for a name followed by a dash ("WASHINGTON —", "Osh, KG (AP) -- ") that opens
    a line, or is in capitals and opens a sentence (a headline run into the story): a
    dateline, which by news convention names a city."""
    if _DATELINE_AFTER.match(text, mention.end) is None:
        return False
    before = text[max(0, mention.start - 200):mention.start]
    line = before[before.rfind("\n") + 1:]
    return not line.strip() or (mention.text.isupper() and _SENTENCE_END.search(before)
                                is not None)


def base_score(
    candidate: Candidate, *, kind_hint: str | None = None, shadowed: bool = False,
    exonym: bool = False, prior_scale: float = 1.0,
) -> float:
    """Context-free score: name match, population, kind prior. ``shadowed`` marks an
    alternate-name match of a name other candidates carry as their own; ``exonym`` one of
    a place far more populous than all of them, whose English name it is ("Mecca")."""
    name = NAME_SCORE.get(candidate.quality, ALTERNATE_NAME_SCORE)
    if exonym:
        name = max(name, NAME_SCORE[QUALITY_CURATED])
    if candidate.fuzzy:
        name *= FUZZY_FACTOR
    population = min(1.0, math.log10(candidate.population + 1) / POPULATION_SCALE)
    if candidate.supplement_id is not None:  # hand-picked for being well known
        population = max(population, CURATED_PROMINENCE)
    score = name + POPULATION_WEIGHT * population + prior_scale * KIND_PRIOR.get(
        candidate.kind, 0.0)
    if candidate.feature_code == "PPLC":
        score += CAPITAL_BONUS
    if shadowed and candidate.quality < QUALITY_CURATED:
        score -= SHADOWED_ALTERNATE_PENALTY
    if (kind_hint == "admin" and candidate.kind in ("admin1", "admin2")) or (
        kind_hint == "city" and candidate.kind == "city"
    ):
        score += SUFFIX_KIND_WEIGHT
    return score


def _with_type_word(query: _Query, mention: Mention, word: str, gazetteer: Gazetteer) -> _Query:
    """``query`` with the units called by the name and a type word named around it ("the
    provinces of Nyanza and Western": Western Province, Kenya, is called so in full)."""
    if mention.demonym_of or mention.demonym_place is not None:
        return query
    known = {c.id for c in query.candidates}
    extra = [c for c in gazetteer.lookup(f"{mention.text} {word}", fuzzy=False)
             if c.id not in known and c.kind in ("admin1", "admin2")]
    return replace(query, candidates=query.candidates + extra) if extra else query


def _plural_admin_row(candidates: list[Candidate], row: list[float], level: str) -> list[float]:
    """``row`` with ``PLURAL_ADMIN_WEIGHT`` added to the candidates of the admin ``level`` a
    plural type word names ("counties": admin2), or of the other level where the name has
    none of that one."""
    kinds = {c.kind for c in candidates}
    if level not in kinds:
        level = "admin1" if level == "admin2" else "admin2"
    return [b + PLURAL_ADMIN_WEIGHT if c.kind == level else b
            for c, b in zip(candidates, row, strict=True)]


def _base_row(candidates: list[Candidate], hint: str | None) -> list[float]:
    """Base scores of a name's candidates. An alternate-name reading is *shadowed* when a
    candidate at least as populous carries the name as its own ("Atlanta", an old name of
    Lyons, Kansas); "Mecca" for Makkah is not, its namesakes being villages."""
    own = [c.population for c in candidates if c.quality >= QUALITY_CURATED and not c.fuzzy]
    top = max(own, default=-1)
    top_city = max((c.population for c in candidates if c.kind == "city" and not c.fuzzy),
                   default=0)
    return [base_score(c, kind_hint=hint, shadowed=top >= c.population,
                       exonym=bool(own) and not c.fuzzy and c.quality < QUALITY_CURATED
                       and c.population >= EXONYM_MIN_POPULATION
                       and c.population >= EXONYM_RATIO * max(top, 1),
                       prior_scale=_region_prior_scale(c, top_city))
            for c in candidates]


def _region_prior_scale(c: Candidate, top_city: int) -> float:
    """A first-level region less populous than a namesake city loses its kind prior in
    proportion: "Portland" is the city in Oregon before the parish of Jamaica, while
    "Victoria" (the state of six million) still outranks the city in Canada."""
    if c.kind != "admin1" or top_city <= 0 or c.population >= top_city:
        return 1.0
    return c.population / top_city


def dateline_bonus(candidate: Candidate) -> float:
    """What a reading of a name in the report's dateline adds to its score (see
    DATELINE_POPULATION_WEIGHT)."""
    population = min(1.0, math.log10(candidate.population + 1) / POPULATION_SCALE)
    capital = DATELINE_CAPITAL_BONUS if candidate.feature_code == "PPLC" else 0.0
    return DATELINE_POPULATION_WEIGHT * population + capital


def prominent_capital(city: Candidate, gazetteer: Gazetteer) -> bool:
    """True for the national capital of a country of at least
    ``PROMINENT_CAPITAL_COUNTRY_POPULATION`` people."""
    if city.feature_code != "PPLC" or not city.country_code:
        return False
    country = gazetteer.country(city.country_code)
    return country is not None and country.population >= PROMINENT_CAPITAL_COUNTRY_POPULATION


def is_seat(city: Candidate, region: Candidate) -> bool:
    """True when ``city`` is the namesake centre of ``region`` (same name, same country) and
    large enough to be what the bare name means: at least ``SEAT_MIN_SHARE`` of the
    region's population, or ``SEAT_MIN_POPULATION`` where the region's is unknown. A village
    named like its district ("Mangistau", "Richmond" in Jamaica) is not. The city lies
    inside the region, or (for a region with a known population) within ``NEAR_KM`` of its
    point: a city that is a first-level unit of its own ("Almaty") is not inside its
    namesake region by the codes."""
    if city.country_code != region.country_code:
        return False
    if region.population <= 0:
        return inside(city, region) and city.population >= SEAT_MIN_POPULATION
    if not inside(city, region) and (
        haversine_km(city.lat, city.lon, region.lat, region.lon) > NEAR_KM
    ):
        return False  # a city that is its own first-level unit ("Almaty") lies near its region
    return city.population >= SEAT_MIN_SHARE * region.population


def find_parents(text: str, mentions: list[Mention]) -> dict[int, int]:
    """Index of each mention's parent: the next mention when only a comma separates them
    ("Cairo, Illinois"), or the Spanish and French "de"/"del" of a place named after the
    larger unit it lies in ("San Carlos de Guatemala", "Santiago de Chile")."""
    parents: dict[int, int] = {}
    for i in range(len(mentions) - 1):
        gap = text[mentions[i].end:mentions[i + 1].start]
        if "\n" not in gap and (gap.strip() == "," or gap.strip().lower() in _OF_WORDS):
            parents[i] = i + 1
    return parents


def _continues_list(text: str, mentions: list[Mention], i: int) -> bool:
    """Whether the next name follows mention ``i`` as another item of a list (only a comma,
    "and" or "or" between them)."""
    if i + 1 >= len(mentions):
        return False
    gap = text[mentions[i].end:mentions[i + 1].start]
    return bool(gap.strip()) and "\n" not in gap and _LIST_JOIN.fullmatch(gap) is not None


def _orphan(text: str, mentions: list[Mention], queries: list[_Query], chosen: list[int],
            child: int, parent: int) -> bool:
    """True when a name's parent phrase names a country ("X, Peru", "X de Guatemala") and
    none of the name's readings lies there: the place is one the gazetteer lacks, and any
    namesake elsewhere would put it in the wrong country. Not for a name read as a country
    or larger, nor where the "parent" goes on as a list ("Kuwait, Egypt and Jordan";
    "Bundibugyo, Côte d'Ivoire and Sudan"): those are lists, not hierarchies."""
    if chosen[parent] < 0 or chosen[child] < 0:
        return False
    parent_c = queries[parent].candidates[chosen[parent]]
    if parent_c.kind != "country" or queries[child].candidates[chosen[child]].kind not in (
            _ORPHAN_KINDS) or _continues_list(text, mentions, parent):
        return False
    return not any(inside(c, parent_c) for c in queries[child].candidates)


def located_in_parents(
    text: str, mentions: list[Mention], ranks: list[int | None],
) -> dict[int, int]:
    """Index of each mention's parent by an "in" between them ("Crawford County in
    Pennsylvania", "Santa Maria, located in Davao del Sur"), where the second name's best
    context-free reading (``ranks``) is of a larger kind than the first's: "Georgia in
    Atlanta" is a match, not a place."""
    parents: dict[int, int] = {}
    for i in range(len(mentions) - 1):
        if not _LOCATED_IN.match(text[mentions[i].end:mentions[i + 1].start]):
            continue
        child, parent = ranks[i], ranks[i + 1]
        if child is not None and parent is not None and child < parent:
            parents[i] = i + 1
    return parents


def list_runs(
    text: str, mentions: list[Mention], ranks: list[int | None],
) -> list[list[int]]:
    """Runs of mentions that are lists: joined by "and"/"or" somewhere, or at least three
    names joined by commas whose best context-free readings (``ranks``) are of one kind."""
    out = []
    for run in joined_runs(text, mentions):
        known = {ranks[i] for i in run if ranks[i] is not None}
        if coordinated(text, mentions, run) or (len(run) >= 3 and len(known) == 1):
            out.append(run)
    return out


def drop_list_parents(
    text: str, mentions: list[Mention], parents: dict[int, int], ranks: list[int | None],
) -> dict[int, int]:
    """``parents`` without the commas that separate the items of a list.

    "Armenia, Azerbaijan, Georgia, Iraq, Iran, and Syria" is a list, not a chain of
    places each inside the next: a run of names joined by commas is a list when "and"/"or"
    joins two of them, or when it has at least three names whose best context-free
    readings (``ranks``, see ``KIND_RANK``) are all of one kind. Inside a list, a comma is
    still a hierarchy where the next name is of a larger kind ("Springfield, Ill., and
    Austin, Texas")."""
    kept = dict(parents)
    for run in list_runs(text, mentions, ranks):
        for child in run[:-1]:
            parent = kept.get(child)
            if parent is None:
                continue
            r_child, r_parent = ranks[child], ranks[parent]
            if r_child is None or r_parent is None or r_child >= r_parent:
                del kept[child]
    return kept


def _softmax_share(scores: list[float], best: int) -> float:
    top = max(scores)
    weights = [math.exp((s - top) / TEMPERATURE) for s in scores]
    return weights[best] / sum(weights)


def resolve(
    text: str,
    mentions: list[Mention],
    *,
    gazetteer: Gazetteer,
    publisher_countries: tuple[str, ...] = (),
    home: HomeArea | None = None,
    dateline: tuple[int, int] | None = None,
) -> list[Resolution]:
    """Resolve every mention (see module docstring); output is parallel to ``mentions``.
    ``home``: the home area of the document's source (``places_home``), a prior like the
    publisher's country. ``dateline``: the span of the dateline's place part; names inside
    it favour prominent readings (:func:`dateline_bonus`)."""
    parents = find_parents(text, mentions)
    for parent in parents.values():
        mentions[parent].after_comma = True  # admits "Ill.", "TX" as the parent
    queries = [candidates_for(m, gazetteer) for m in mentions]
    for i, full in elided_names(text, mentions).items():
        # "Central and South America": "Central" is Central America, where that is a name
        found = [c for c in gazetteer.lookup(full, fuzzy=False) if c.quality >= QUALITY_CURATED]
        if found:
            queries[i] = _Query(candidates=found, kind_hint=None)
    hints = [q.kind_hint or context_hint(text, m) for q, m in zip(queries, mentions, strict=True)]
    plural = plural_admin_items(text, mentions)  # "Becker, Clay and Wilkin counties"
    for i, word in plural.items():
        hints[i] = "admin"
        queries[i] = _with_type_word(queries[i], mentions[i], singular(word), gazetteer)
    keys = [name_key(m.text) for m in mentions]
    base = [_base_row(q.candidates, h) for q, h in zip(queries, hints, strict=True)]
    for i, word in plural.items():
        base[i] = _plural_admin_row(queries[i].candidates, base[i], plural_level(word))
    if dateline is not None:
        for m, q, row in zip(mentions, queries, base, strict=True):
            if _within(m, dateline):
                row[:] = [b + dateline_bonus(c) for c, b in zip(q.candidates, row, strict=True)]
    ranks = [KIND_RANK.get(q.candidates[max(range(len(row)), key=row.__getitem__)].kind)
             if row else None for q, row in zip(queries, base, strict=True)]
    lists = list_runs(text, mentions, ranks)
    parents = drop_list_parents(text, mentions, parents, ranks)
    # a "parent" the gazetteer does not know ("Bockel (Luxembourg, Celtic Diekirch team)")
    # constrains nothing: its child is a bare mention, free to follow the others
    parents = {child: parent for child, parent in parents.items() if queries[parent].candidates}
    for child, parent in located_in_parents(text, mentions, ranks).items():
        parents.setdefault(child, parent)
    seat_regions: set[int] = set()  # regions whose namesake city the bare name means
    for q, h, row in zip(queries, hints, base, strict=True):
        if h == "admin":
            continue
        cities = [c for c in q.candidates if c.kind == "city"]
        regions = [c for c in q.candidates if c.kind in ("admin1", "admin2")]
        if not regions:
            continue
        capitals = {c.id for c in cities if c.population >= SEAT_MIN_POPULATION
                    and prominent_capital(c, gazetteer)}
        # a seat lies in its region's country: only namesakes of one country are compared
        regions_in: dict[str | None, list[Candidate]] = defaultdict(list)
        cities_in: dict[str | None, list[Candidate]] = defaultdict(list)
        for r in regions:
            regions_in[r.country_code].append(r)
        for city in cities:
            cities_in[city.country_code].append(city)
        for j, c in enumerate(q.candidates):
            if c.kind == "city" and (c.id in capitals or any(
                    is_seat(c, r) for r in regions_in.get(c.country_code, ()))):
                row[j] += SEAT_CITY_BONUS
            elif c.kind not in ("admin1", "admin2"):
                continue
            elif any(is_seat(city, c) for city in cities_in.get(c.country_code, ())):
                row[j] -= SEAT_MARGIN - SEAT_CITY_BONUS
                seat_regions.add(c.id)
            elif capitals:
                row[j] -= SEAT_MARGIN - SEAT_CITY_BONUS

    # names read as a seat city or its namesake region ("New York"): the seat rule decides
    seat_names = {i for i, q in enumerate(queries)
                  if any(c.id in seat_regions for c in q.candidates)}
    in_list = list_kind_bonus(base, queries, lists, seat_names)

    def pick(scores_by_mention: list[list[float]]) -> list[int]:
        return [max(range(len(s)), key=s.__getitem__) if s else -1 for s in scores_by_mention]

    # Pass 1: parents first (resolved on their own), then children constrained by them.
    scores = [list(s) for s in base]
    chosen = pick(scores)
    for child, parent in parents.items():
        _apply_parent(scores, queries, chosen, child, parent)
    chosen = pick(scores)
    filed_in = _dateline_country(mentions, queries, chosen, dateline)

    # Pass 2: document context from the *other* names (``places_context``): soft votes for
    # countries and first-level regions, and support from plausible readings nearby.
    voters = build_voters(text, mentions, [q.candidates for q in queries], base)
    for _ in range(CONTEXT_ROUNDS):
        votes = count_votes(voters, [q.candidates for q in queries], scores)
        scores = []
        for i, q in enumerate(queries):
            key = voters.keys[i]
            row = []
            for c, b, lb in zip(q.candidates, base[i], in_list[i], strict=True):
                s = b + lb + context_bonus(c, key, votes, voters,
                                      coherent=c.id not in seat_regions)
                if c.country_code and c.country_code in publisher_countries:
                    s += PUBLISHER_WEIGHT
                elif c.country_code and c.country_code == filed_in and not _within(
                        mentions[i], dateline):
                    s += DATELINE_COUNTRY_WEIGHT
                if home is not None:
                    s += home.bonus(c)
                row.append(s)
            scores.append(row)
        chosen = pick(scores)
        for child, parent in parents.items():
            _apply_parent(scores, queries, chosen, child, parent)
        chosen = _one_sense(keys, scores, queries, chosen, parents)

    orphans = {child for child, parent in parents.items()
               if _orphan(text, mentions, queries, chosen, child, parent)}
    results = []
    for i, (m, q) in enumerate(zip(mentions, queries, strict=True)):
        if chosen[i] < 0 or i in orphans:
            results.append(Resolution(mention=m, candidate=None, score=0.0))
            continue
        c = q.candidates[chosen[i]]
        if c.quality < QUALITY_CURATED and c.kind in ("city", "admin2") and (
                foreign_to_document(c, voters.keys[i], votes)):
            results.append(Resolution(mention=m, candidate=None, score=0.0))
            continue
        confidence = _softmax_share(scores[i], chosen[i])
        if c.fuzzy:
            confidence *= FUZZY_FACTOR
        if m.demonym_of or m.demonym_place is not None:
            confidence *= DEMONYM_FACTOR
        results.append(Resolution(mention=m, candidate=c, score=round(confidence, 4),
                                  candidates=q.candidates, scores=scores[i]))
    return results


def _within(mention: Mention, span: tuple[int, int] | None) -> bool:
    return span is not None and span[0] <= mention.start and mention.end <= span[1]


def _dateline_country(mentions: list[Mention], queries: list[_Query], chosen: list[int],
                      dateline: tuple[int, int] | None) -> str | None:
    """The country of the first name of the dateline, as resolved so far, or None."""
    for m, q, j in zip(mentions, queries, chosen, strict=True):
        if j >= 0 and _within(m, dateline):
            return q.candidates[j].country_code
    return None


def list_kind_bonus(
    base: list[list[float]], queries: list[_Query], lists: list[list[int]], skip: set[int],
) -> list[list[float]]:
    """Items of one list are of one kind ("Wales and England" are regions, "Nigeria,
    Cameroon and Chad" countries): per mention and candidate, ``LIST_KIND_WEIGHT`` times
    the mean over the list's other items of how plausible their best reading of the
    candidate's size rank (``KIND_RANK``) is, exp((base - their best base) / TEMPERATURE).

    The context-free scores ``base``, so that two items cannot pull each other to a kind
    only their context suggests; the best reading, not the sum, so that a name with many
    namesake towns ("Washington") is no more a town for it. Items in ``skip`` (a seat city
    and its namesake region: "New York" is one place either way, the seat rule decides)
    neither take nor give a bonus."""
    bonus = [[0.0] * len(row) for row in base]
    for run in lists:
        plausible: dict[int, dict[int | None, float]] = {}
        for i in run:
            if not base[i] or i in skip:
                continue
            top = max(base[i])
            by_rank: dict[int | None, float] = {}
            for c, s in zip(queries[i].candidates, base[i], strict=True):
                rank, w = KIND_RANK.get(c.kind), math.exp((s - top) / TEMPERATURE)
                by_rank[rank] = max(by_rank.get(rank, 0.0), w)
            plausible[i] = by_rank
        for i in run:
            peers = [p for j, p in plausible.items() if j != i]
            if not peers or i in skip:
                continue
            bonus[i] = [LIST_KIND_WEIGHT * sum(p.get(KIND_RANK.get(c.kind), 0.0)
                                               for p in peers) / len(peers)
                        for c in queries[i].candidates]
    return bonus


def _apply_parent(
    scores: list[list[float]], queries: list[_Query], chosen: list[int], child: int,
    parent: int,
) -> None:
    if chosen[parent] < 0 or not scores[child]:
        return
    parent_c = queries[parent].candidates[chosen[parent]]
    bonus = [PARENT_WEIGHT if inside(c, parent_c) else 0.0 for c in queries[child].candidates]
    if not any(bonus):
        # Maybe the parent was resolved wrongly: let the child pick the parent instead
        # ("Cairo, Illinois": the state whose city matches wins over a namesake country).
        for j, pc in enumerate(queries[parent].candidates):
            if any(inside(c, pc) for c in queries[child].candidates):
                scores[parent][j] += PARENT_WEIGHT
                chosen[parent] = max(range(len(scores[parent])), key=scores[parent].__getitem__)
                parent_c = queries[parent].candidates[chosen[parent]]
                bonus = [PARENT_WEIGHT if inside(c, parent_c) else 0.0
                         for c in queries[child].candidates]
                break
    scores[child] = [s + b for s, b in zip(scores[child], bonus, strict=True)]
    chosen[child] = max(range(len(scores[child])), key=scores[child].__getitem__)


def _one_sense(
    keys: list[str], scores: list[list[float]], queries: list[_Query], chosen: list[int],
    parents: dict[int, int],
) -> list[int]:
    """Same name, same place: sum each candidate's scores over the name's mentions. A name
    once placed by a parent phrase ("Paris, Texas") keeps that reading in its bare
    mentions ("... Paris police said")."""
    constrained = set(parents)
    explicit: dict[str, int] = {}
    for i in constrained:
        if chosen[i] >= 0:
            explicit.setdefault(keys[i], queries[i].candidates[chosen[i]].id)
    totals: dict[str, dict[int, float]] = {}
    for i, q in enumerate(queries):
        if i in constrained or not q.candidates:
            continue
        bucket = totals.setdefault(keys[i], {})
        for c, s in zip(q.candidates, scores[i], strict=True):
            bucket[c.id] = bucket.get(c.id, 0.0) + s
    out = list(chosen)
    for i, q in enumerate(queries):
        if i in constrained or not q.candidates or keys[i] not in totals:
            continue
        best_id = explicit.get(keys[i]) or max(totals[keys[i]].items(),
                                               key=lambda kv: kv[1])[0]
        for j, c in enumerate(q.candidates):
            if c.id == best_id:
                out[i] = j
                break
    return out
