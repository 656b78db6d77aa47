"""Semantic and hybrid search over stored document embeddings.

``semantic``: documents ranked by the cosine similarity of their embedding to the query's,
above :data:`SEMANTIC_MIN_SCORE`, narrowed by the same filters as full-text search.
``hybrid``: the full-text ranking and the semantic ranking fused by reciprocal rank (a
document near the top of either list comes first; one near the top of both, before it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from watchfloor.analyse.embeddings import (
    Embedder,
    EmbeddingError,
    embedding_index,
    lead_snippet,
    shared_embedder,
)
from watchfloor.records import SearchHit
from watchfloor.store import Database, SearchFilters

Mode = Literal["text", "semantic", "hybrid"]
MODES: tuple[str, ...] = ("text", "semantic", "hybrid")
# Cosine similarity below which a document is not a semantic match. all-MiniLM-L6-v2 gives
# unrelated texts about 0.0-0.15 and a paraphrase 0.5 or more; short queries against whole
# reports score lower than sentence pairs, so the floor is set low.
SEMANTIC_MIN_SCORE = 0.2
# ... and within this distance of the best match: in a collection on one topic (a region's
# security reporting) nearly every report clears the absolute floor for any query on that
# topic, and facets over all of them would describe the collection, not the query.
SEMANTIC_WINDOW = 0.3
# Reciprocal rank fusion constant (Cormack et al. 2009): dampens the weight of the very top
# ranks so that neither list dominates.
RRF_K = 60


@dataclass(frozen=True)
class Ranking:
    """Documents in rank order with their scores; ``notice`` says why it may be empty."""

    ranked: list[tuple[str, float]]
    notice: str | None = None

    @property
    def ids(self) -> list[str]:
        return [d for d, _ in self.ranked]


def _has_filters(filters: SearchFilters) -> bool:
    return filters != SearchFilters()


def semantic_ranking(
    db: Database,
    query: str,
    filters: SearchFilters,
    *,
    limit: int,
    embedder: Embedder | None = None,
) -> Ranking:
    """The best ``limit`` documents by embedding similarity to the query.

    Raises EmbeddingError when the model cannot be loaded."""
    if not query.strip():
        return Ranking([])
    index = embedding_index(db)
    if not len(index):
        return Ranking([], notice="no document has an embedding yet: run `watchfloor embed`")
    vector = (embedder or shared_embedder()).encode_query(query)
    allowed = index.mask(db.filtered_ids(filters)) if _has_filters(filters) else None
    ranked = index.nearest(vector, allowed=allowed, min_score=SEMANTIC_MIN_SCORE, limit=limit)
    if ranked:
        floor = ranked[0][1] - SEMANTIC_WINDOW
        ranked = [(d, s) for d, s in ranked if s >= floor]
    return Ranking(ranked)


def fuse(rankings: Sequence[Sequence[str]], *, k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: score(d) = sum over lists of 1 / (k + rank of d), rank from 1;
    best first, ties broken by first appearance."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + 1.0 / (k + rank)
    order = {d: i for i, d in enumerate(scores)}
    return sorted(scores.items(), key=lambda item: (-item[1], order[item[0]]))


def hybrid_ranking(
    db: Database,
    query: str,
    filters: SearchFilters,
    *,
    limit: int,
    embedder: Embedder | None = None,
) -> Ranking:
    """Full-text and semantic rankings fused (reciprocal rank fusion); the full-text ranking
    alone, with a notice, when the model cannot be loaded."""
    text_ids = db.search_ids(query, filters=filters, limit=limit)
    try:
        semantic = semantic_ranking(db, query, filters, limit=limit, embedder=embedder)
    except EmbeddingError as exc:
        semantic = Ranking([], notice=f"full-text results only: {exc}")
    fused = fuse([text_ids, semantic.ids])[:limit]
    return Ranking([(d, round(s, 6)) for d, s in fused], notice=semantic.notice)


def hits_for(db: Database, query: str, ranked: Sequence[tuple[str, float]]) -> list[SearchHit]:
    """Search hits (title, source, date, score, snippet) for ranked document ids."""
    docs = {d.doc_id: d for d in db.get_documents([d for d, _ in ranked])}
    return [
        SearchHit(doc_id=doc_id, title=docs[doc_id].title, source=docs[doc_id].source,
                  published=docs[doc_id].published, score=round(score, 4),
                  snippet=lead_snippet(docs[doc_id].text, query))
        for doc_id, score in ranked
        if doc_id in docs
    ]


def search_hits(
    db: Database,
    query: str,
    filters: SearchFilters,
    *,
    mode: str,
    limit: int,
    offset: int = 0,
    embedder: Embedder | None = None,
) -> tuple[list[SearchHit], str | None]:
    """One page of hits in any mode, and a notice when a semantic mode had nothing to rank
    (what `watchfloor search` prints). Raises EmbeddingError in semantic mode when the model
    cannot be loaded."""
    if mode == "text":
        return db.search(query, filters=filters, limit=limit, offset=offset), None
    if mode not in MODES:
        raise ValueError(f"unknown search mode {mode!r}; use one of {', '.join(MODES)}")
    rank = semantic_ranking if mode == "semantic" else hybrid_ranking
    ranking = rank(db, query, filters, limit=offset + limit, embedder=embedder)
    return hits_for(db, query, ranking.ranked[offset : offset + limit]), ranking.notice
