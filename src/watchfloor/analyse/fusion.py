"""Event fusion: events from different reports that describe the same real-world incident
become one fused event that lists every report and shows what each one said.

Pure functions over contract events (``watchfloor extract`` output, see CONTRACT.md); no
database. The pieces:

- :func:`prepare` / :func:`reports_from_line` turn a contract event (plus its document id,
  publication date and text) into a :class:`Report`: the features fusion compares.
- :func:`compare` scores a pair of reports (the features are in
  :mod:`watchfloor.analyse.fusion_similarity`). **Gates** first — a pair failing one can never be
  fused, however similar the text:

  - *different documents*: one report contributes at most one event to a fused event (a
    report's own events are kept apart by extraction);
  - *type*: compatible ACLED types (:data:`TYPE_SIMILARITY`) — waived, like the place
    gate, when both reports identify the same victim or target (a dictionary actor id or a
    named person): reports of one killing type it differently and are geoparsed to where
    they were filed;
  - *date*: the two date ranges overlap once each is widened by the slack of its precision
    (:data:`DATE_SLACK_DAYS`); a date that was not stated (``assumed``) stands for
    "on or shortly before publication" (:attr:`FusionOptions.assumed_lookback_days`),
    or for any earlier date within :attr:`FusionOptions.recall_lookback_days` when the
    two reports name the same victim or target (:func:`recalls`: a later report
    recalling the incident);
  - *place*: same country; two points within :attr:`FusionOptions.point_radius_km`; an
    area (district) within :attr:`FusionOptions.area_radius_km`; a province-level (admin1)
    place matches any place inside that admin1; a country-level place any place in the
    country; an unknown place anything. A place that is the report's own dateline
    ("SAN SALVADOR, 3 JAN 90 -- ...": where it was filed, not necessarily where the
    incident was) counts as its country only (:attr:`FusionOptions.dateline_as_country`);
  - *cannot-link*: an analyst split the two apart (:class:`Constraints`).

  Then a **score** in [0, 1], the weighted mean (:attr:`FusionOptions.weights`) of the
  similarities the two reports allow: type; date (1 for two day-precise dates, less for
  vaguer ones, :attr:`FusionOptions.unknown` when one is unknown); place (1 for the same
  place, 0.6 for admin1 containment, 0.3 for country containment or an unknown place);
  victims and targets (1 a shared named one, or one report's named victim in the other's
  evidence sentence; 0.6 a shared description; :attr:`FusionOptions.victims_mismatch`
  both given and none shared); perpetrators (1 when one is shared, else left out;
  weight 0 by default, see :attr:`FusionOptions.weights`); evidence text (IDF-weighted
  token Jaccard, saturating at :attr:`FusionOptions.text_saturation`); and,
  when given, embedding cosine similarity (:attr:`FusionOptions.embed`). A feature that
  neither report gives is left out, not counted as zero.

- :func:`fuse` clusters a batch: candidate pairs (blocked by country and date: only pairs
  that can pass the gates are compared, so a batch costs far less than every pair) are
  taken by descending score; a pair at or above :attr:`FusionOptions.threshold` merges its two
  clusters when no document appears twice, no cannot-link separates them, at most
  :attr:`FusionOptions.gate_tolerance` of the cross pairs fail a date, type or place gate
  and the mean cross score (0 for those) is at least
  :attr:`FusionOptions.cluster_threshold`. Ties are broken by report key, so the result
  does not depend on input order.
- :func:`assign` is the incremental form: a new report joins the best qualifying existing
  cluster (or starts one) and may bridge clusters it links, under the same rule.
- :func:`split` separates members of a cluster and records cannot-link pairs between the
  two sides, so later :func:`fuse` / :func:`assign` calls keep them apart. Constraints are
  plain data (:meth:`Constraints.to_dict`) keyed by ``doc_id/event_id``; both ids are
  content-derived, so a split survives re-extraction of unchanged text.
- :func:`describe` builds the :class:`FusedEvent`: every member report, per-field values
  by source, conflicts side by side, and fused values chosen by the rules in
  :mod:`watchfloor.analyse.fusion_values` (never averaged).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from watchfloor.analyse.fusion_pairs import candidate_pairs
from watchfloor.analyse.fusion_similarity import (
    cosine,
    date_similarity,
    perpetrator_similarity,
    place_similarity,
    recalls,
    text_similarity,
    type_similarity,
    victim_similarity,
)
from watchfloor.analyse.fusion_values import FusedEvent, fused_event
from watchfloor.analyse.precision import geo_precision
from watchfloor.ingest.dateline import DATELINE, DATELINE_WINDOW

__all__ = [
    "Cluster", "Constraints", "FusedEvent", "FusionOptions", "PairScore", "Report", "assign",
    "compare", "describe", "fuse", "idf_weights", "prepare", "reports_from_line", "split",
]

# Days added on each side of a date range, by the date's precision: reports of one incident
# disagree by a day ("late Tuesday" vs "Wednesday"), more when they only give the week.
DATE_SLACK_DAYS = {"day": 1, "week": 2, "part_of_month": 3, "month": 0, "season": 0,
                   "year": 0, "decade": 0}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that carry no identity in evidence text and participant names.
_STOPWORDS = _words("""
a about after against all also an and any are as at be been before being between both but
by can could did do does during each for from had has have he her him his how i if in into
is it its itself more most no nor not of on once only or other our out over own said same
says she should so some such than that the their them then there these they this those
through to too under until up very was we were what when where which while who whom why
will with would you your today yesterday reported report reports according news agency
""")
_TOKEN = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_NON_WORD = re.compile(r"[^\w\s]")
# Participant descriptions too common to identify an incident.
GENERIC_PARTICIPANTS = _words("""
people persons person civilians civilian man men woman women child children members member
soldiers soldier police policemen officers officer troops guerrillas guerrilla rebels
terrorists gunmen individuals unidentified peasants residents population security forces
army military
""")


@dataclass(frozen=True, kw_only=True)
class FusionOptions:
    """Thresholds and weights of fusion (tuned on the MUC-3/4 development texts)."""

    # A pair at or above this score is a link; a cluster merge also needs the mean score
    # of all its cross pairs at or above ``cluster_threshold``.
    threshold: float = 0.6
    cluster_threshold: float = 0.5
    # Share of a merge's cross pairs that may fail the date, type or place gate (scoring
    # 0): a story told by dozens of reports always has some whose extraction misdated or
    # misplaced it, and one of them must not keep two halves of the story apart. Same
    # document and an analyst's split are never waived.
    gate_tolerance: float = 0.2
    # Two points (towns, sites) of one incident: geocoders place a town's name at its centre,
    # a report may name the district or the nearest town.
    point_radius_km: float = 25.0
    area_radius_km: float = 75.0
    # An unstated date stands for [published - lookback, published].
    assumed_lookback_days: int = 30
    # A report that does not date the incident but names its victim ("the murder of
    # Luis Carlos Galan") may recall an incident this long before its publication: the
    # date gate gives way to a shared named victim or target (see :func:`recalls`).
    recall_lookback_days: int = 365
    # A place that is the report's dateline (where it was filed, "SAN SALVADOR, 3 JAN 90
    # --") says little about where the incident was: it counts as its country only.
    dateline_as_country: bool = True
    # Feature weights in the score. A shared perpetrator is recorded but weighs nothing by
    # default: one armed group commits many incidents of a week and country, so sharing it
    # tells two of them apart no better than chance (on MUC-4 it raised false merges more
    # than true ones), and a perpetrator only ever counted when shared.
    weights: Mapping[str, float] = field(default_factory=lambda: {
        "type": 0.5, "date": 0.5, "place": 0.5, "victims": 2.0, "perpetrators": 0.0,
        "text": 1.5, "embed": 2.0})
    # Evidence sentences of one incident share few words: a weighted Jaccard of this much
    # counts as fully similar.
    text_saturation: float = 0.3
    # Similarity given to a date or place that one report does not know: weak, so that
    # an undated or unplaced report needs shared actors or text to be fused.
    unknown: float = 0.3
    # Similarity of two reports that both give victims or targets but share none.
    victims_mismatch: float = 0.2
    # Inverse document frequencies of evidence tokens (see :func:`idf_weights`); without
    # them every token weighs 1.
    idf: Mapping[str, float] | None = None
    # Optional embedding hook: text -> vector; cosine similarity of evidence texts.
    embed: Callable[[str], Sequence[float]] | None = None
    # The weight of a token missing from ``idf`` (the rarest known one), computed once.
    idf_default: float = field(init=False, repr=False, compare=False, default=1.0)
    # Summed token weights of evidence texts, by token set (filled as reports are compared).
    _weights: dict[frozenset[str], float] = field(init=False, repr=False, compare=False,
                                                  default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("threshold", "cluster_threshold", "gate_tolerance", "unknown",
                     "victims_mismatch"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"FusionOptions.{name} must be between 0 and 1, "
                                 f"not {getattr(self, name)!r}")
        for name in ("assumed_lookback_days", "recall_lookback_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"FusionOptions.{name} must be 0 or more days, "
                                 f"not {getattr(self, name)!r}")
        if self.idf:
            object.__setattr__(self, "idf_default", max(self.idf.values()))


@dataclass(frozen=True)
class Report:
    """One event from one report, with the features fusion compares."""

    key: str  # "doc_id/event_id": unique across reports
    doc_id: str
    event: Mapping[str, Any]  # the contract event, unchanged
    published: date | None = None
    source: str | None = None
    title: str | None = None
    evidence_text: str = ""
    start: date | None = None  # widened date range (slack and lookback applied)
    end: date | None = None
    span_days: int | None = None  # length of the stated range, None when unknown
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    place_id: str | None = None
    place_name: str | None = None
    geo_precision: int = 3
    place_level: str = "none"  # point | area | admin1 | country | none
    filed_from: bool = False  # the place is the report's dateline (see FusionOptions)
    named: frozenset[str] = frozenset()  # victims/targets: specific ids, multi-word names
    described: frozenset[str] = frozenset()  # victims/targets: other descriptions
    perpetrators: frozenset[str] = frozenset()  # perpetrator ids and names
    tokens: frozenset[str] = frozenset()
    vector: tuple[float, ...] | None = None

    @cached_property
    def evidence_words(self) -> str:
        """The evidence text normalised like participant names, padded with spaces."""
        return f" {normalise_name(self.evidence_text)} "

    @cached_property
    def identified(self) -> frozenset[str]:
        """The dictionary-actor or person ids among the victims and targets."""
        return frozenset(k for k in self.named if k.startswith("id:"))


@dataclass(frozen=True)
class PairScore:
    compatible: bool
    score: float
    reason: str = ""  # the failed gate, when not compatible
    features: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Constraints:
    """Cannot-link pairs of report keys, kept as data (analysts' splits)."""

    cannot_link: frozenset[frozenset[str]] = frozenset()

    def separated(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.cannot_link

    def with_cannot_link(self, pairs: Iterable[tuple[str, str]]) -> Constraints:
        new = {frozenset(p) for p in pairs if p[0] != p[1]}
        return Constraints(self.cannot_link | new)

    def to_dict(self) -> dict[str, Any]:
        return {"cannot_link": sorted(sorted(p) for p in self.cannot_link)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Constraints:
        return cls(frozenset(frozenset(p) for p in data.get("cannot_link", [])
                             if len(set(p)) == 2))


@dataclass(frozen=True)
class Cluster:
    """A fused event's members (report keys sorted); ``cluster_id`` comes from the smallest
    key, so it stays the same while reports join."""

    members: tuple[Report, ...]

    @property
    def cluster_id(self) -> str:
        return cluster_id_for(r.key for r in self.members)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.members)


def cluster_id_for(keys: Iterable[str]) -> str:
    return "fe-" + hashlib.sha1(min(keys).encode("utf-8")).hexdigest()[:16]


# ----------------------------------------------------------------------------- features
def _iso(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def normalise_name(text: str) -> str:
    text = _NON_WORD.sub(" ", text.lower())
    return " ".join(w for w in text.split() if w not in {"a", "an", "the"})


def tokens_of(text: str) -> frozenset[str]:
    return frozenset(t for t in _TOKEN.findall(text.lower()) if t not in _STOPWORDS)


def idf_weights(texts: Iterable[str]) -> dict[str, float]:
    """log(N / df) of the tokens of ``texts`` (the evidence of the reports being fused)."""
    df: dict[str, int] = {}
    n = 0
    for text in texts:
        n += 1
        for tok in tokens_of(text):
            df[tok] = df.get(tok, 0) + 1
    return {tok: math.log((n + 1) / (count + 0.5)) for tok, count in df.items()}


def _date_range(event: Mapping[str, Any], published: date | None,
                options: FusionOptions) -> tuple[date | None, date | None, int | None]:
    when = event.get("date") or {}
    start, end = _iso(when.get("start_date")), _iso(when.get("end_date"))
    precision = when.get("precision") or "unknown"
    if start is None and end is None:
        if published is None:
            return None, None, None
        return published - timedelta(days=options.assumed_lookback_days), published, None
    start, end = start or end, end or start
    assert start is not None and end is not None
    if when.get("assumed") or precision == "unknown":
        return start - timedelta(days=options.assumed_lookback_days), end, None
    slack = DATE_SLACK_DAYS.get(precision, 0)
    span = (end - start).days + 1
    return start - timedelta(days=slack), end + timedelta(days=slack), span


def _dateline_span(text: str) -> tuple[int, int] | None:
    """Character span of the dateline's place ("SAN SALVADOR" in "SAN SALVADOR, 3 JAN 90
    -- ..."), or None when the text has no dateline."""
    match = DATELINE.search(text[:DATELINE_WINDOW])
    return match.span("place") if match else None


def _at_dateline(location: Mapping[str, Any] | None, dateline: tuple[int, int] | None) -> bool:
    if not location or dateline is None:
        return False
    start, end = location.get("start"), location.get("end")
    return (isinstance(start, int) and isinstance(end, int)
            and dateline[0] <= start and end <= dateline[1])


def _place(location: Mapping[str, Any] | None, *, filed_from: bool = False) -> dict[str, Any]:
    if not location:
        return {"place_level": "none", "geo_precision": 3}
    if filed_from and location.get("country_code"):
        return {"country": location.get("country_code"), "place_level": "country",
                "geo_precision": 3, "filed_from": True,
                "place_name": normalise_name(str(location.get("name") or "")) or None}
    code = str(location.get("feature_code") or "").upper()
    precision = geo_precision(code or None)
    if precision == 1:
        level = "point"
    elif precision == 2:
        level = "area"
    elif code.startswith("ADM1") or (location.get("admin1") and not code.startswith("PCL")
                                     and code not in {"", "CONT", "RGN"}):
        level = "admin1"
    else:
        level = "country"
    if level == "point" and location.get("lat") is None and not location.get("name"):
        level = "country"
    geonameid = location.get("geonameid")
    place_id = location.get("place_id") or (f"geonames:{geonameid}" if geonameid else None)
    admin1 = location.get("admin1_code") or location.get("admin1")
    return {
        "country": (location.get("country_code") or None),
        "admin1": str(admin1) if admin1 else None,
        "lat": location.get("lat"), "lon": location.get("lon"),
        "place_id": place_id,
        "place_name": normalise_name(str(location.get("name") or location.get("text") or ""))
        or None,
        "geo_precision": precision, "place_level": level,
    }


def _participants(event: Mapping[str, Any]) -> tuple[frozenset[str], ...]:
    """(named victims/targets, described victims/targets, perpetrators)."""
    named: set[str] = set()
    described: set[str] = set()
    perpetrators: set[str] = set()
    people = list(event.get("participants") or [])
    for p in people:
        role = p.get("role")
        if role == "weapon":
            continue
        actor_id = p.get("actor_id")
        specific = actor_id and not str(actor_id).startswith("generic-")
        text = normalise_name(str(p.get("text") or ""))
        words = [w for w in text.split() if w not in _STOPWORDS and not w.isdigit()]
        if role == "perpetrator":
            if specific:
                perpetrators.add(f"id:{actor_id}")
            if len(words) >= 2 or specific:
                perpetrators.add(" ".join(words))
            continue
        if specific:
            named.add(f"id:{actor_id}")
        if not words or all(w in GENERIC_PARTICIPANTS for w in words):
            continue
        (named if len(words) >= 2 else described).add(" ".join(words))
    return frozenset(named), frozenset(described), frozenset(perpetrators - {""})


def prepare(event: Mapping[str, Any], *, doc_id: str | None = None,
            published: date | str | None = None, text: str | None = None,
            source: str | None = None, title: str | None = None,
            options: FusionOptions | None = None) -> Report:
    """A :class:`Report` from one contract event. ``text`` is the line's ``text`` (the
    evidence offsets point into it); an ``evidence_text`` key in the event is used when
    there is no text. ``doc_id`` defaults to the event's own ``doc_id`` key."""
    options = options or FusionOptions()
    doc = str(doc_id or event.get("doc_id") or "")
    event_id = str(event.get("event_id") or "")
    if not doc or not event_id:
        raise ValueError("a fusion report needs a doc_id and the event's event_id")
    pub = _iso(published if published is not None else event.get("published"))
    if text is not None:
        spans = event.get("evidence") or []
        evidence = " ".join(text[s["start"]:s["end"]] for s in spans
                            if isinstance(s, Mapping) and "start" in s and "end" in s)
    else:
        evidence = str(event.get("evidence_text") or "")
    start, end, span = _date_range(event, pub, options)
    named, described, perpetrators = _participants(event)
    vector = tuple(options.embed(evidence)) if options.embed and evidence else None
    return Report(
        key=f"{doc}/{event_id}", doc_id=doc, event=event, published=pub, source=source,
        title=title, evidence_text=evidence, start=start, end=end, span_days=span,
        named=named, described=described, perpetrators=perpetrators,
        tokens=tokens_of(evidence), vector=vector,
        **_place(event.get("location"), filed_from=options.dateline_as_country
                 and text is not None and _at_dateline(event.get("location"),
                                                       _dateline_span(text))),
    )


def reports_from_line(line: Mapping[str, Any], *, options: FusionOptions | None = None,
                      keep: Callable[[Mapping[str, Any]], bool] | None = None) -> list[Report]:
    """The reports of one ``watchfloor extract`` line (``keep`` filters its events)."""
    return [
        prepare(event, doc_id=line["doc_id"], published=line.get("published"),
                text=line.get("text") or "", source=line.get("source"),
                title=line.get("title"), options=options)
        for event in line.get("events") or []
        if keep is None or keep(event)
    ]


# ----------------------------------------------------------------------------- comparing
def compare(a: Report, b: Report, *, options: FusionOptions | None = None,
            constraints: Constraints | None = None) -> PairScore:
    """Gates, then the weighted score (see module docstring)."""
    options = options or FusionOptions()
    if a.doc_id == b.doc_id:
        return PairScore(False, 0.0, "same document")
    if constraints is not None and constraints.separated(a.key, b.key):
        return PairScore(False, 0.0, "split by an analyst")
    features: dict[str, float] = {}
    date_sim = date_similarity(a, b)
    if date_sim == 0.0 and recalls(a, b, options):
        date_sim = None
    if date_sim == 0.0:
        return PairScore(False, 0.0, "dates do not overlap", features)
    features["date"] = options.unknown if date_sim is None else date_sim
    # A shared identified victim or target (a dictionary actor or a named person) outweighs
    # a type or place that disagrees: reports of one killing type it differently and
    # geoparse it to where it was reported from.
    named = bool(_identified(a) & _identified(b))
    features["type"] = type_similarity(a.event, b.event)
    if features["type"] <= 0 and not named:
        return PairScore(False, 0.0, "incompatible event types", features)
    place_sim = place_similarity(a, b, options)
    if place_sim == 0.0 and not named:
        return PairScore(False, 0.0, "places too far apart", features)
    features["place"] = options.unknown if place_sim is None else place_sim
    for name, value in (("victims", victim_similarity(a, b, options.victims_mismatch)),
                        ("perpetrators", perpetrator_similarity(a, b)),
                        ("text", text_similarity(a, b, options.idf,
                                                  options.idf_default, options._weights))):
        if value is not None:
            features[name] = value
    if "text" in features:
        features["text"] = min(1.0, features["text"] / options.text_saturation)
    if a.vector is not None and b.vector is not None:
        features["embed"] = cosine(a.vector, b.vector)
    weights = options.weights
    total = sum(weights.get(k, 0.0) for k in features)
    score = sum(weights.get(k, 0.0) * v for k, v in features.items()) / total if total else 0.0
    return PairScore(True, round(score, 6), "", features)


# ----------------------------------------------------------------------------- clustering
def _identified(report: Report) -> frozenset[str]:
    """The dictionary-actor or person ids among a report's victims and targets."""
    return report.identified


_HARD_GATES = frozenset(("same document", "split by an analyst"))


class _Clusters:
    """Union of reports into clusters under the merge rule (see module docstring)."""

    def __init__(self, options: FusionOptions, constraints: Constraints) -> None:
        self.options = options
        self.constraints = constraints
        self.reports: dict[str, Report] = {}
        self.cluster_of: dict[str, str] = {}  # report key -> cluster key (smallest key)
        self.members: dict[str, list[str]] = {}
        self.scores: dict[frozenset[str], PairScore] = {}

    def add_singleton(self, report: Report) -> None:
        if report.key in self.reports:
            raise ValueError(f"report {report.key} is already fused")
        self.reports[report.key] = report
        self.cluster_of[report.key] = report.key
        self.members[report.key] = [report.key]

    def pair(self, a: str, b: str) -> PairScore:
        k = frozenset((a, b))
        if k not in self.scores:
            self.scores[k] = compare(self.reports[a], self.reports[b], options=self.options,
                                     constraints=self.constraints)
        return self.scores[k]

    def can_merge(self, ca: str, cb: str) -> bool:
        left, right = self.members[ca], self.members[cb]
        if {self.reports[k].doc_id for k in left} & {self.reports[k].doc_id for k in right}:
            return False
        pairs = len(left) * len(right)
        allowed = int(self.options.gate_tolerance * pairs)
        total = 0.0
        for a in left:
            for b in right:
                result = self.pair(a, b)
                if not result.compatible:
                    if allowed <= 0 or result.reason in _HARD_GATES:
                        return False
                    allowed -= 1
                total += result.score
        return total / pairs >= self.options.cluster_threshold

    def merge(self, ca: str, cb: str) -> str:
        keep, gone = sorted((ca, cb))
        for k in self.members.pop(gone):
            self.cluster_of[k] = keep
            self.members[keep].append(k)
        return keep

    def link(self, edges: Iterable[tuple[float, str, str]]) -> None:
        for score, a, b in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
            if score < self.options.threshold:
                break
            ca, cb = self.cluster_of[a], self.cluster_of[b]
            if ca != cb and self.can_merge(ca, cb):
                self.merge(ca, cb)

    def clusters(self) -> list[Cluster]:
        out = [Cluster(tuple(sorted((self.reports[k] for k in keys), key=lambda r: r.key)))
               for keys in self.members.values()]
        return sorted(out, key=lambda c: c.keys[0])


def fuse(reports: Iterable[Report], *, options: FusionOptions | None = None,
         constraints: Constraints | None = None) -> list[Cluster]:
    """Cluster a batch of reports (order-independent); every report is in one cluster."""
    options = options or FusionOptions()
    state = _Clusters(options, constraints or Constraints())
    items = sorted(reports, key=lambda r: r.key)
    for report in items:
        state.add_singleton(report)
    edges = []
    for i, j in candidate_pairs(items):
        result = state.pair(items[i].key, items[j].key)
        if result.compatible and result.score >= options.threshold:
            edges.append((result.score, items[i].key, items[j].key))
    state.link(edges)
    return state.clusters()


def assign(report: Report, clusters: Sequence[Cluster], *,
           options: FusionOptions | None = None,
           constraints: Constraints | None = None) -> list[Cluster]:
    """Add one report to existing clusters: it joins the cluster it links best (or starts
    one) and may bridge clusters it links, by the same rule as :func:`fuse`. Returns the
    new list of clusters (the input is not modified)."""
    options = options or FusionOptions()
    state = _Clusters(options, constraints or Constraints())
    for cluster in clusters:
        first = cluster.members[0].key
        for member in cluster.members:
            state.reports[member.key] = member
            state.cluster_of[member.key] = first
        state.members[first] = [m.key for m in cluster.members]
    state.add_singleton(report)
    edges: list[tuple[float, str, str]] = []
    for key, other in list(state.reports.items()):
        if key == report.key or not _may_link(report, other):
            continue
        result = state.pair(report.key, key)
        if result.compatible and result.score >= options.threshold:
            low, high = sorted((report.key, key))
            edges.append((result.score, low, high))
    state.link(edges)
    return state.clusters()


def _may_link(a: Report, b: Report) -> bool:
    """The blocking of :func:`~watchfloor.analyse.fusion_pairs.candidate_pairs` for one pair."""
    if (a.country is not None and b.country is not None and a.country != b.country
            and not _identified(a) & _identified(b)):
        return False
    if a.start is None or b.start is None or a.end is None or b.end is None:
        return True
    return (a.start <= b.end and b.start <= a.end) or (
        (a.span_days is None or b.span_days is None) and bool(a.named & b.named))


def split(clusters: Sequence[Cluster], keys: Iterable[str], *,
          constraints: Constraints | None = None) -> tuple[list[Cluster], Constraints]:
    """Separate the reports ``keys`` (``doc_id/event_id``) from the cluster holding them.

    The separated reports form one new cluster; a cannot-link pair is recorded between each
    of them and each report left behind, so later :func:`fuse` and :func:`assign` calls
    never put them together again. All keys must belong to one cluster."""
    wanted = set(keys)
    holders = [c for c in clusters if wanted & set(c.keys)]
    if not wanted or len(holders) != 1 or not wanted <= set(holders[0].keys):
        raise ValueError("split: give report keys that all belong to one fused event")
    cluster = holders[0]
    out_members = tuple(r for r in cluster.members if r.key in wanted)
    rest = tuple(r for r in cluster.members if r.key not in wanted)
    if not rest:
        raise ValueError("split: leave at least one report in the fused event")
    pairs = [(a.key, b.key) for a in out_members for b in rest]
    new_constraints = (constraints or Constraints()).with_cannot_link(pairs)
    others = [c for c in clusters if c is not cluster]
    result = [*others, Cluster(rest), Cluster(out_members)]
    return sorted(result, key=lambda c: c.keys[0]), new_constraints


def describe(cluster: Cluster) -> FusedEvent:
    """The fused event of a cluster: members, values by source, conflicts, fused values."""
    return fused_event(cluster.cluster_id, [
        {"key": r.key, "doc_id": r.doc_id, "source": r.source, "title": r.title,
         "published": r.published.isoformat() if r.published else None,
         "evidence_text": r.evidence_text, "event": r.event,
         "geo_precision": r.geo_precision}
        for r in cluster.members
    ])


def with_options(report: Report, options: FusionOptions) -> Report:
    """The report re-prepared under other options (date lookback, embedding hook)."""
    start, end, span = _date_range(report.event, report.published, options)
    vector = (tuple(options.embed(report.evidence_text))
              if options.embed and report.evidence_text else None)
    return replace(report, start=start, end=end, span_days=span, vector=vector)
