"""Document context for toponym resolution: soft votes from the other names of a text.

Every distinct name of a document (its *voter key*) votes for the places its candidates lie
in, each candidate weighted by how close its current score is to the name's best one
(``exp((score - best) / VOTE_TEMPERATURE)``, so a name with five equally plausible
namesakes votes fully for all five, and an unlikely reading votes little). Three kinds of
support come out of the votes:

- **country** and **first-level region**: the share of the *other* names that vote for the
  candidate's country / region ("Athens" beside "Henderson County" leans to Texas);
- **local**: whether another name has a plausible reading within ``NEAR_KM`` of the
  candidate, in the same second-level unit, or containing it ("Paris" beside
  "Henry County" is the Paris of Henry County, Tennessee, not Paris, Illinois). Pairs are
  found once per document through a coarse latitude/longitude grid.

A name never votes for itself: mentions with one voter key (the name with a trailing
"City"/"Town" dropped, so "Dublin City Council" does not confirm "Dublin") are one voter.
Demonyms ("English", "Spanish") vote with ``DEMONYM_VOTE_FACTOR``: they name languages and
cuisines as often as countries. Names used as part of a street name ("Memphis St.") do not
vote at all.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from watchfloor.extract.places_geo import NEAR_KM, haversine_km, inside
from watchfloor.extract.places_recognise import Mention
from watchfloor.knowledge.gazetteer import Candidate
from watchfloor.knowledge.names import name_key

# Temperature of the vote weights (the score scale of ``places_resolve``).
VOTE_TEMPERATURE = 0.3
# Demonyms are weaker evidence of a place than a place name ("English class").
DEMONYM_VOTE_FACTOR = 0.5
COUNTRY_CONTEXT_WEIGHT = 1.0
ADMIN1_CONTEXT_WEIGHT = 1.5
# Local support: LOCAL_WEIGHT per supporting name, at most LOCAL_CAP names counted.
LOCAL_WEIGHT = 0.3
LOCAL_CAP = 2.0
# Readings less plausible than this (prior vote weight) do not support a neighbour: in a
# document of forty names, the hamlets among their candidates would otherwise add up to
# support for any hamlet near them.
MIN_PARTNER_WEIGHT = 0.2
# Kind coherence: names in one document tend to be of one kind (a list of states, a list
# of countries). A country or first-level region candidate gains KIND_CONTEXT_WEIGHT times
# the share of the other names read as that kind ("Washington" in a list of states).
KIND_CONTEXT_WEIGHT = 0.8
# Names added to the denominator of the kind share, so that one other name (a dateline
# city beside "Santander department") does not decide the kind of a short text alone.
KIND_PSEUDO_NAMES = 2
# A reading through a GeoNames alternate name (often another language's exonym: "La
# Rochela" is Spanish for La Rochelle) is dropped when its country gets no vote from the
# other names while at least FOREIGN_MIN_NAMES of them, and FOREIGN_MIN_SHARE of their
# votes, go to one other country: the name is then a place the gazetteer lacks.
FOREIGN_MIN_NAMES = 2
FOREIGN_MIN_SHARE = 0.5
COHERENT_KINDS = frozenset({"country", "admin1"})
# Kinds of candidate that local support applies to (a first-level region gets its support
# from the places inside it through the region votes; a country through the country votes).
LOCAL_KINDS = frozenset({"city", "admin2", "feature"})
# Kinds too large for "near" to mean anything as a partner.
NOT_PARTNERS = frozenset({"continent", "region", "admin1"})
# Grid cell size in degrees for the near-pairs search (one cell spans > NEAR_KM in latitude).
_CELL_DEGREES = 1.5
_KM_PER_DEGREE = 111.0

# A word after a name that makes it part of a street name: "Memphis St.", "Clarksville
# Pike". Such a name says nothing about where the story happens.
STREET_WORDS = (
    "st", "street", "ave", "avenue", "blvd", "boulevard", "drive", "dr", "lane", "ln",
    "pike", "parkway", "pkwy", "terrace", "circle", "trail", "road", "rd", "highway", "hwy",
)
_STREET_AFTER = re.compile(r"[ \t]+(?:" + "|".join(STREET_WORDS) + r")\b\.?", re.IGNORECASE)
_CITY_SUFFIX = re.compile(r"\s+(?:city|town)$", re.IGNORECASE)


def followed_by_street_word(text: str, end: int) -> bool:
    """True when ``text[end:]`` starts with a street word ("Memphis| St.")."""
    return _STREET_AFTER.match(text, end) is not None


def voter_key(name: str) -> str:
    """The key under which a name votes: its name key, without a trailing "City"/"Town"."""
    return name_key(_CITY_SUFFIX.sub("", name.strip())) or name_key(name)


@dataclass(kw_only=True)
class Voters:
    """The distinct voting names of a document and, per candidate id, its local partners
    (other names' candidates close to it), grouped by the partner's voter key."""

    keys: list[str | None]  # voter key of each mention (None: does not vote)
    factor: dict[str, float] = field(default_factory=dict)
    partners: dict[int, dict[str, list[int]]] = field(default_factory=dict)
    # Vote weights from the context-free scores: local support uses these, so that readings
    # which are only plausible because of each other (a cluster of hamlets named like
    # "Moscow", "Delta" and "Petersburg") cannot lift each other round after round.
    prior: dict[str, dict[int, float]] = field(default_factory=dict)


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / _CELL_DEGREES), math.floor(lon / _CELL_DEGREES)


def _local(c: Candidate, b: Candidate) -> bool:
    if c.country_code and c.country_code == b.country_code and c.admin2_code and (
            c.admin1_code == b.admin1_code and c.admin2_code == b.admin2_code):
        return True
    if inside(c, b) or inside(b, c):
        return True
    return (abs(c.lat - b.lat) * _KM_PER_DEGREE <= NEAR_KM
            and haversine_km(c.lat, c.lon, b.lat, b.lon) <= NEAR_KM)


def build_voters(
    text: str, mentions: Sequence[Mention], candidates: Sequence[Sequence[Candidate]],
    base: Sequence[Sequence[float]],
) -> Voters:
    """Voter keys of ``mentions``, the local partners of every candidate and the vote
    weights of the context-free scores ``base``."""
    keys: list[str | None] = []
    factor: dict[str, float] = {}
    by_key: dict[str, dict[int, Candidate]] = defaultdict(dict)
    for m, cands in zip(mentions, candidates, strict=True):
        if not cands or followed_by_street_word(text, m.end):
            keys.append(None)
            continue
        key = voter_key(m.text)
        keys.append(key)
        weak = m.demonym_of is not None or m.demonym_place is not None
        factor[key] = max(factor.get(key, 0.0), DEMONYM_VOTE_FACTOR if weak else 1.0)
        for c in cands:
            by_key[key][c.id] = c
    voters = Voters(keys=keys, factor=factor)
    voters.prior = vote_weights(voters, candidates, base)
    plausible = {key: [c for cid, c in cands_by_id.items()
                       if voters.prior[key].get(cid, 0.0) >= MIN_PARTNER_WEIGHT]
                 for key, cands_by_id in by_key.items()}
    grid: dict[tuple[int, int], list[tuple[str, Candidate]]] = defaultdict(list)
    for key, cands_list in plausible.items():
        for b in cands_list:
            if b.kind not in NOT_PARTNERS:
                grid[_cell(b.lat, b.lon)].append((key, b))
    for cands in candidates:
        for c in cands:
            if c.kind not in LOCAL_KINDS or c.id in voters.partners:
                continue
            voters.partners[c.id] = _group(
                (key, b) for key, b in _nearby(grid, c) if b.id != c.id and _local(c, b))
    return voters


def _group(pairs: Iterable[tuple[str, Candidate]]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for key, b in pairs:
        found[key].append(b.id)
    return dict(found)


def _nearby(
    grid: dict[tuple[int, int], list[tuple[str, Candidate]]], c: Candidate
) -> Iterable[tuple[str, Candidate]]:
    row, col = _cell(c.lat, c.lon)
    cos_lat = max(math.cos(math.radians(c.lat)), 0.05)
    span = min(math.ceil(NEAR_KM / (_KM_PER_DEGREE * cos_lat * _CELL_DEGREES)), 119)
    for r in (row - 1, row, row + 1):
        for k in range(col - span, col + span + 1):
            # wrap the antimeridian: cells are numbered from -120 to 119
            wrapped = (k + 120) % 240 - 120
            yield from grid.get((r, wrapped), ())


def vote_weights(
    voters: Voters, candidates: Sequence[Sequence[Candidate]], scores: Sequence[Sequence[float]],
    *, normalise: bool = False,
) -> dict[str, dict[int, float]]:
    """Per voter key, each candidate's weight: exp((score - the name's best) / T), times
    the key's factor; a candidate's score is its best over the name's mentions. With
    ``normalise`` the weights of a name sum to its factor (probabilities)."""
    best: dict[str, dict[int, float]] = defaultdict(dict)
    for key, cands, row in zip(voters.keys, candidates, scores, strict=True):
        if key is None:
            continue
        bucket = best[key]
        for c, s in zip(cands, row, strict=True):
            if s > bucket.get(c.id, -math.inf):
                bucket[c.id] = s
    weights: dict[str, dict[int, float]] = {}
    for key, bucket in best.items():
        top = max(bucket.values())
        f = voters.factor.get(key, 1.0)
        raw = {cid: math.exp((s - top) / VOTE_TEMPERATURE) for cid, s in bucket.items()}
        total = sum(raw.values()) if normalise else 1.0
        weights[key] = {cid: f * w / total for cid, w in raw.items()}
    return weights


def _containers(c: Candidate) -> list[tuple[str, ...]]:
    keys: list[tuple[str, ...]] = []
    if c.country_code:
        keys.append((c.country_code,))
        if c.admin1_code and c.kind != "country":
            keys.append((c.country_code, c.admin1_code))
    return keys


@dataclass(kw_only=True)
class ContextVotes:
    """Votes of one round: summed per container, each name's own, and the weights."""

    totals: dict[tuple[str, ...], float]
    own: dict[str, dict[tuple[str, ...], float]]
    weights: dict[str, dict[int, float]]
    kinds: dict[str, float] = field(default_factory=dict)  # summed over names
    own_kinds: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def names(self) -> int:
        return len(self.own)


def count_votes(
    voters: Voters, candidates: Sequence[Sequence[Candidate]], scores: Sequence[Sequence[float]]
) -> ContextVotes:
    """Each voter's vote for each country and first-level region: the largest weight of its
    candidates there."""
    weights = vote_weights(voters, candidates, scores, normalise=True)
    own: dict[str, dict[tuple[str, ...], float]] = {}
    kinds_by_id: dict[int, str] = {}
    for key, cands in zip(voters.keys, candidates, strict=True):
        if key is None:
            continue
        votes = own.setdefault(key, {})
        w = weights[key]
        for c in cands:
            kinds_by_id[c.id] = c.kind
            for container in _containers(c):
                if w[c.id] > votes.get(container, 0.0):
                    votes[container] = w[c.id]
    own_kinds: dict[str, dict[str, float]] = {}
    for key, w in weights.items():
        mass: dict[str, float] = defaultdict(float)
        for cid, value in w.items():
            kind = kinds_by_id.get(cid)
            if kind in COHERENT_KINDS:
                mass[kind] += value
        own_kinds[key] = dict(mass)
    totals: dict[tuple[str, ...], float] = defaultdict(float)
    for votes in own.values():
        for container, value in votes.items():
            totals[container] += value
    kind_totals: dict[str, float] = defaultdict(float)
    for mass in own_kinds.values():
        for kind, value in mass.items():
            kind_totals[kind] += value
    return ContextVotes(totals=dict(totals), own=own, weights=weights,
                        kinds=dict(kind_totals), own_kinds=own_kinds)


def context_bonus(
    c: Candidate, key: str | None, votes: ContextVotes, voters: Voters, *,
    coherent: bool = True,
) -> float:
    """The context part of candidate ``c``'s score for a mention with voter ``key``.
    ``coherent=False`` withholds the kind-coherence bonus (a region whose namesake seat
    city is what the name means: "Beijing" in a list of provinces is still the city)."""
    own = votes.own.get(key, {}) if key is not None else {}
    others = votes.names - (1 if key in votes.own else 0)
    bonus = 0.0
    if others > 0 and c.country_code:
        country = (c.country_code,)
        bonus += COUNTRY_CONTEXT_WEIGHT * (
            votes.totals.get(country, 0.0) - own.get(country, 0.0)) / others
        if c.admin1_code and c.kind != "country":
            a1 = (c.country_code, c.admin1_code)
            bonus += ADMIN1_CONTEXT_WEIGHT * (
                votes.totals.get(a1, 0.0) - own.get(a1, 0.0)) / others
        if coherent and c.kind in COHERENT_KINDS:
            mine = votes.own_kinds.get(key, {}) if key is not None else {}
            bonus += KIND_CONTEXT_WEIGHT * (
                votes.kinds.get(c.kind, 0.0) - mine.get(c.kind, 0.0)) / (
                    others + KIND_PSEUDO_NAMES)
    bonus += LOCAL_WEIGHT * min(LOCAL_CAP, _named_support(voters.partners.get(c.id), key,
                                                            voters.prior))
    return bonus


def _named_support(
    found: dict[str, list[int]] | None, key: str | None, prior: dict[str, dict[int, float]]
) -> float:
    """Sum over the other names of their most plausible supporting reading's weight."""
    if not found:
        return 0.0
    support = 0.0
    for other, ids in found.items():
        if other != key:
            w = prior.get(other, {})
            support += max(w.get(i, 0.0) for i in ids)
    return support


def foreign_to_document(c: Candidate, key: str | None, votes: ContextVotes) -> bool:
    """True when ``c``'s country gets no vote from the other names of the document while
    one other country gets most of them (see FOREIGN_MIN_NAMES)."""
    if not c.country_code or key is None:
        return False
    own = votes.own.get(key, {})
    others = votes.names - (1 if key in votes.own else 0)
    if others < FOREIGN_MIN_NAMES:
        return False
    if votes.totals.get((c.country_code,), 0.0) - own.get((c.country_code,), 0.0) > 0.01:
        return False
    return any(
        len(k) == 1 and (v - own.get(k, 0.0)) / others >= FOREIGN_MIN_SHARE
        for k, v in votes.totals.items()
    )
