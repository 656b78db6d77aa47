"""Connected content: reports related to a report, each with the reasons it is related.

Four signals, each scored and explained:

- **same event**: an event of the same type at the same place on the same day
  ("same event: Attack in Taraz on 2011-11-12");
- **shared actors** ("shares actors: Jund al-Khilafah");
- **shared places**, a town counting more than a country or province
  ("shares places: Taraz");
- **similar text**: cosine similarity of the stored sentence embeddings
  ("similar text 0.82"), from analyse.embeddings; absent when no embeddings are stored.

Near duplicates (the same story republished) come first.
"""

from __future__ import annotations

import heapq
import math
import threading
import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, distinct, func, literal, select

from watchfloor.analyse.embeddings import embedding_index
from watchfloor.analyse.precision import geo_precision
from watchfloor.analyse.queries import _A, _AM, _D, _E, _P, _PM, _iso
from watchfloor.store import Database

# Weights of what two reports share when ranking connected content: an event at the same
# place on the same day says more than a shared actor, which says more than a shared place
# (a capital city is mentioned everywhere). A shared country or province counts a third of
# a shared town.
_RELATED_WEIGHTS = {"event": 3.0, "actor": 2.0, "place": 1.0, "broad_place": 0.3,
                    "near_duplicate": 10.0}
# Embedding similarity: reports on one region's security all score about 0.4 with each
# other (the median pair of the sample corpus), so similarity counts from SIMILARITY_BASE
# up, and only at RELATED_MIN_SIMILARITY or more (the top tenth of pairs) is a report
# "similar text". SIMILARITY_WEIGHT at cosine 1.0; 0.7 scores like a shared event.
SIMILARITY_BASE = 0.4
RELATED_MIN_SIMILARITY = 0.5
SIMILARITY_WEIGHT = 6.0
# Most similar reports considered, before combining with the other signals.
SIMILAR_CANDIDATES = 50
RELATED_LIMIT = 8
# Reports taken as candidates from each kind of shared name (actors, places), by score.
SHARED_CANDIDATES = 100
# Ids per IN (...) list when summing the shared names of the candidates.
_IN_BATCH = 500
# A name in more than COMMON_SHARE of the reports (and more than COMMON_MIN_DOCUMENTS of
# them) is too common to find related reports by (see common_share_limit).
COMMON_SHARE = 0.05
COMMON_MIN_DOCUMENTS = 50
# Names listed in one reason before "and N more".
_NAMES_SHOWN = 3
# Up to this many mentions of one kind, the distinct (report, name) pairs are kept in memory
# per process (see _Postings) and shared names are scored there; above it, in SQL.
POSTINGS_MAX_PAIRS = 2_000_000


@dataclass
class _Related:
    score: float = 0.0
    events: list[str] = field(default_factory=list)
    # (specificity, name): the rarest shared names are listed first in a reason.
    actors: list[tuple[float, str]] = field(default_factory=list)
    places: list[tuple[float, str]] = field(default_factory=list)
    similarity: float | None = None
    near_duplicate: bool = False

    def reasons(self) -> list[str]:
        out = []
        if self.near_duplicate:
            out.append("near duplicate (the same story republished)")
        out += [f"same event: {e}" for e in dict.fromkeys(self.events)]
        if self.actors:
            out.append(f"shares actors: {_names(self.actors)}")
        if self.places:
            out.append(f"shares places: {_names(self.places)}")
        if self.similarity is not None:
            out.append(f"similar text {self.similarity:.2f}")
        return out


def _names(weighted: list[tuple[float, str]]) -> str:
    unique = list(dict.fromkeys(name for _w, name in sorted(weighted, key=lambda x: -x[0])))
    shown = ", ".join(unique[:_NAMES_SHOWN])
    return shown + (f" and {len(unique) - _NAMES_SHOWN} more" if len(unique) > _NAMES_SHOWN
                    else "")


def similarity_score(cosine: float) -> float:
    """What an embedding similarity adds to a related report's score (0 below the floor)."""
    if cosine < RELATED_MIN_SIMILARITY:
        return 0.0
    return SIMILARITY_WEIGHT * (cosine - SIMILARITY_BASE) / (1.0 - SIMILARITY_BASE)


def common_share_limit(n_documents: int) -> int:
    """Names in more reports than this do not find related reports: in a collection of
    10,000 reports from one country, sharing the country's name says next to nothing, and
    reading its thousands of mentions would cost more than the rest of the page."""
    return max(COMMON_MIN_DOCUMENTS, int(COMMON_SHARE * n_documents))


def specificity(doc_frequency: int, n_documents: int) -> float:
    """How much sharing a name says, from 1.0 (named in these two reports only) down to
    about 0 (named in every report): a normalised inverse document frequency."""
    n = max(n_documents, doc_frequency, 2)
    return math.log((n + 1) / max(doc_frequency, 1)) / math.log(n + 1)


def related_documents(db: Database, doc_id: str, *, limit: int = RELATED_LIMIT) -> list[dict]:
    """Reports connected to this one, best first, each with its score and reasons.

    Shared actors and places are weighted by how rare they are in the whole collection
    (sharing "Jund al-Khilafah" says more than sharing "police" or "Kazakhstan"); names
    in more than a twentieth of them find no related reports at all (common_share_limit)."""
    found: dict[str, _Related] = defaultdict(_Related)
    n_documents = db.read(select(func.count().label("n")).select_from(_D))[0]["n"]
    common = common_share_limit(n_documents)
    version = db.data_version()
    actor_postings = _postings(db, "actor", version)
    place_postings = _postings(db, "place", version)
    shared = [
        _Shared(kind="actor", mentions=_AM, key=_AM.c.actor_id, names=_A,
                name_key=_A.c.actor_id,
                weights=_actor_weights(db, doc_id, n_documents, common, actor_postings)),
        _Shared(kind="place", mentions=_PM, key=_PM.c.place_id, names=_P,
                name_key=_P.c.place_id,
                weights=_place_weights(db, doc_id, n_documents, common, place_postings)),
    ]
    # Candidates: the reports sharing the most (weighted) names, then every signal's; their
    # shared-name scores are then summed exactly, and names read for the reasons only for
    # the reports shown (a report naming common places shares them with thousands).
    top: list[dict[str, float] | None] = []  # per kind: the candidates' shared-name scores
    # Shared-name scores from memory, kept apart from ``found`` until the best are known:
    # a report naming a common place shares it with thousands, each needing no _Related.
    in_memory: defaultdict[str, float] = defaultdict(float)
    for sh, postings in zip(shared, (actor_postings, place_postings), strict=True):
        if postings is not None:  # every report sharing a name, scored exactly in memory
            postings.add_shared_scores(sh.weights, doc_id, in_memory)
            top.append(None)
            continue
        rows = db.read(_shared_scores(sh, doc_id).limit(SHARED_CANDIDATES))
        top.append({r["doc_id"]: float(r["score"]) for r in rows})
        for r in rows:
            found.setdefault(r["doc_id"], _Related())
    other = _E.alias("other")
    for r in db.read(
        select(other.c.doc_id, _E.c.event_type, _E.c.sub_event_type, _E.c.start_date,
               _P.c.name)
        .select_from(
            _E.join(
                other,
                and_(
                    other.c.place_id == _E.c.place_id,
                    other.c.start_date == _E.c.start_date,
                    other.c.event_type == _E.c.event_type,
                ),
            ).outerjoin(_P, _P.c.place_id == _E.c.place_id)
        )
        .where(_E.c.doc_id == doc_id, other.c.doc_id != doc_id)
        .order_by(other.c.doc_id, _E.c.event_id)
        .limit(500)
    ):
        item = found[r["doc_id"]]
        label = (f"{r['sub_event_type'] or r['event_type']} in {r['name'] or 'an unknown place'}"
                 f" on {_iso(r['start_date'])}")
        if label not in item.events:
            item.score += _RELATED_WEIGHTS["event"]
            item.events.append(label)
    index = embedding_index(db)
    vector = index.vector(doc_id)
    if vector is not None:
        for other_id, cosine in index.nearest(vector, min_score=RELATED_MIN_SIMILARITY,
                                              limit=SIMILAR_CANDIDATES + 1):
            if other_id != doc_id:
                found[other_id].similarity = cosine
                found[other_id].score += similarity_score(cosine)
    for near in db.near_duplicates_of(doc_id):
        found[near].near_duplicate = True
        found[near].score += _RELATED_WEIGHTS["near_duplicate"]
    for sh, candidates in zip(shared, top, strict=True):
        if candidates is None:  # scored in memory above
            continue
        for other_id, score in candidates.items():
            found[other_id].score += score
        if len(candidates) < SHARED_CANDIDATES:
            continue  # every report sharing one of these names is already scored
        rest = sorted(d for d in found if d not in candidates)
        for start in range(0, len(rest), _IN_BATCH):
            for r in db.read(_shared_scores(sh, doc_id, among=rest[start:start + _IN_BATCH])):
                found[r["doc_id"]].score += float(r["score"])
    def total(d: str) -> float:
        item = found.get(d)
        return (item.score if item is not None else 0.0) + in_memory.get(d, 0.0)

    # The best few of what can be thousands of reports sharing a name: a partial sort.
    best = [d for _s, d in heapq.nsmallest(
        limit, ((-total(d), d) for d in found.keys() | in_memory.keys()))]
    for d in best:
        found[d].score = total(d)
    for sh in shared:
        _add_reasons(db, sh, doc_id, best, found)
    docs = {d.doc_id: d for d in db.get_documents(best)}
    return [
        {"doc_id": d, "title": docs[d].title, "published": _iso(docs[d].published),
         "score": round(found[d].score, 2),
         "similarity": _rounded(found[d].similarity),
         "reasons": found[d].reasons()}
        for d in best
        if d in docs
    ]


@dataclass(frozen=True)
class _Shared:
    """One kind of name two reports may share: its mention table, key, name table, and the
    weight of sharing each of this report's names (rare names, towns weigh more)."""

    kind: str  # actor | place
    mentions: Any
    key: Any
    names: Any
    name_key: Any
    weights: dict[str, float]


def _actor_weights(db: Database, doc_id: str, n_documents: int, common: int,
                   postings: _Postings | None = None) -> dict[str, float]:
    df = _document_frequencies(db, doc_id, _AM.c.actor_id, _AM.c.doc_id, postings)
    return {a: _RELATED_WEIGHTS["actor"] * specificity(n, n_documents)
            for a, n in df.items() if n <= common}


def _place_weights(db: Database, doc_id: str, n_documents: int, common: int,
                   postings: _Postings | None = None) -> dict[str, float]:
    df = _document_frequencies(db, doc_id, _PM.c.place_id, _PM.c.doc_id, postings)
    kept = [p for p, n in df.items() if n <= common]
    codes = {r["place_id"]: r["feature_code"] for r in db.read(
        select(_P.c.place_id, _P.c.feature_code).where(_P.c.place_id.in_(kept)))} if kept else {}
    return {p: _RELATED_WEIGHTS["place"] * specificity(df[p], n_documents)
            * (1.0 if geo_precision(codes.get(p)) < 3 else _RELATED_WEIGHTS["broad_place"])
            for p in kept}


def _shared_scores(sh: _Shared, doc_id: str, *, among: list[str] | None = None) -> Any:
    """Per other report: the summed weights of this report's names it shares, best first."""
    query = select(sh.mentions.c.doc_id, sh.key.label("key")).where(
        sh.key.in_(list(sh.weights)), sh.mentions.c.doc_id != doc_id)
    if among is not None:
        query = query.where(sh.mentions.c.doc_id.in_(among))
    pairs = query.distinct().subquery()
    weight = case({k: literal(w) for k, w in sh.weights.items()}, value=pairs.c.key,
                  else_=literal(0.0)) if sh.weights else literal(0.0)
    score = func.sum(weight).label("score")
    return (select(pairs.c.doc_id, score).group_by(pairs.c.doc_id)
            .order_by(score.desc(), pairs.c.doc_id))


def _add_reasons(db: Database, sh: _Shared, doc_id: str, shown: list[str],
                 found: dict[str, _Related]) -> None:
    """The names each shown report shares with this one, for its reasons."""
    if not shown or not sh.weights:
        return
    for r in db.read(
        select(sh.mentions.c.doc_id, sh.key.label("key"), func.max(sh.names.c.name).label("name"))
        .select_from(sh.mentions.join(sh.names, sh.name_key == sh.key))
        .where(sh.key.in_(list(sh.weights)), sh.mentions.c.doc_id.in_(shown))
        .group_by(sh.mentions.c.doc_id, sh.key)
    ):
        item = found[r["doc_id"]]
        names = item.actors if sh.kind == "actor" else item.places
        names.append((sh.weights[r["key"]], r["name"]))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _document_frequencies(db: Database, doc_id: str, key: Any, doc: Any,
                          postings: _Postings | None) -> dict[str, int]:
    """Reports naming each of this report's names (actors or places), by id."""
    if postings is not None:
        return postings.frequencies(doc_id)
    mine = select(key).where(doc == doc_id, key.is_not(None))
    return _frequencies(db, key, doc, mine)


def _frequencies(db: Database, key: Any, doc: Any, keys: Any) -> dict[str, int]:
    """Documents naming each of ``keys`` (a subquery of ids), by id."""
    n = func.count(distinct(doc)).label("n")
    return {r["key"]: r["n"] for r in db.read(
        select(key.label("key"), n).where(key.in_(keys)).group_by(key)
    )}


class _Postings:
    """Which reports name each actor (or place), in memory: the distinct (name, report)
    pairs of one mention table, read once per process and again only after the data
    changed (the database's data version). Scoring a report's shared names is then a few
    set lookups instead of two SQL aggregations over the mention table; the scores are
    exact for every report sharing a name, where the SQL path ranks SHARED_CANDIDATES."""

    def __init__(self, pairs: list[tuple[Any, ...]]) -> None:
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.by_doc: dict[str, set[str]] = defaultdict(set)
        for key, doc in pairs:
            self.by_key[key].add(doc)
            self.by_doc[doc].add(key)

    def frequencies(self, doc_id: str) -> dict[str, int]:
        """Reports naming each of this report's names."""
        return {key: len(self.by_key[key]) for key in self.by_doc.get(doc_id, ())}

    def add_shared_scores(self, weights: dict[str, float], doc_id: str,
                          scores: defaultdict[str, float]) -> None:
        """Per other report, add to ``scores`` the summed weights of this report's names it
        names too."""
        for key, weight in weights.items():
            for other in self.by_key.get(key, ()):
                if other != doc_id:
                    scores[other] += weight


# Per database and kind: (data version, postings or None when too many pairs).
_POSTINGS: weakref.WeakKeyDictionary[Database, dict[str, tuple[int, _Postings | None]]] = (
    weakref.WeakKeyDictionary())
_POSTINGS_LOCK = threading.Lock()


def _postings(db: Database, kind: str, version: int) -> _Postings | None:
    """The in-memory postings of ``kind`` (actor | place) at this data version, or None
    when the collection has more than POSTINGS_MAX_PAIRS mentions (or the database keeps no
    data version, so a change could not be noticed): then SQL scores shared names."""
    if version == 0:
        return None
    cached = _POSTINGS.get(db, {}).get(kind)
    if cached is not None and cached[0] == version:
        return cached[1]
    # One thread builds; the others asking meanwhile wait for it instead of each reading
    # the same hundreds of thousands of rows.
    with _POSTINGS_LOCK:
        cached = _POSTINGS.get(db, {}).get(kind)
        if cached is not None and cached[0] == version:
            return cached[1]
        table, key = (_AM, _AM.c.actor_id) if kind == "actor" else (_PM, _PM.c.place_id)
        # Mentions bound the pairs from above, and counting them is cheap.
        n_mentions = db.read(select(func.count().label("n")).select_from(table))[0]["n"]
        postings: _Postings | None = None
        if n_mentions <= POSTINGS_MAX_PAIRS:
            pairs = db.read_tuples(
                select(key, table.c.doc_id).where(key.is_not(None)).distinct())
            postings = _Postings(pairs)
        _POSTINGS.setdefault(db, {})[kind] = (version, postings)
    return postings
