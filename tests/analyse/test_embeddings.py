"""Document embeddings computed with the real model, stored and read back on SQLite and
PostgreSQL; semantic and hybrid search over them."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from watchfloor.analyse import queries
from watchfloor.analyse.embeddings import (
    DIMENSIONS,
    MODEL_ID,
    Embedder,
    EmbeddingError,
    document_text,
    embed_documents,
    embedding_index,
    from_bytes,
    lead_snippet,
    rank_by_similarity,
)
from watchfloor.analyse.semantic import fuse, search_hits
from watchfloor.ingest.dedup import content_sha256
from watchfloor.records import Document
from watchfloor.store import Database, SearchFilters
from watchfloor.store.search import MARK_END, MARK_START


def make_doc(text: str, title: str, published: date, source: str = "wire/a.md") -> Document:
    sha = content_sha256(text)
    return Document(doc_id=sha[:20], sha256=sha, source=source, text=text, title=title,
                    published=published, publisher="Test Wire")


CHECKPOINT = make_doc(
    "Gunmen stormed a police checkpoint on the outskirts of the city at dawn, killing three "
    "officers before escaping in a stolen car, the interior ministry said.",
    "Three officers die in checkpoint raid", date(2011, 11, 12), "wire/checkpoint.md")
BANK = make_doc(
    "The central bank raised its key interest rate by half a point to curb inflation, the "
    "governor told reporters after the monthly meeting of the monetary committee.",
    "Central bank raises rates", date(2011, 6, 1), "wire/bank.md")
SNOW = make_doc(
    "Heavy snowfall closed the mountain pass for a week, stranding hundreds of lorries "
    "at the border crossing while road crews cleared avalanches.",
    "Mountain pass closed by snow", date(2010, 1, 20), "other/snow.md")
HARVEST = make_doc(
    "Farmers gathered outside the agriculture ministry to demand compensation for the "
    "wheat harvest lost to drought, and officials promised to review the subsidies.",
    "Farmers demand drought aid", date(2012, 8, 3), "other/harvest.md")
CORPUS = [CHECKPOINT, BANK, SNOW, HARVEST]
# Says what CHECKPOINT says without one word in common with it.
PARAPHRASE = "armed men assaulted a roadblock manned by law enforcement, leaving several dead"


@pytest.fixture
def corpus_db(db: Database, embedder: Embedder) -> Database:
    for doc in CORPUS:
        db.add_document(doc)
    report = embed_documents(db, embedder=embedder)
    assert report.embedded == len(CORPUS)
    return db


def test_embeddings_are_stored_and_read_back(corpus_db: Database, embedder: Embedder) -> None:
    db = corpus_db
    assert db.embedding_pending(MODEL_ID) == []
    stored = dict(db.embeddings(MODEL_ID))
    assert set(stored) == {d.doc_id for d in CORPUS}
    vector = from_bytes(stored[CHECKPOINT.doc_id])
    assert vector.dtype == np.float32 and vector.shape == (DIMENSIONS,)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4
    fresh = embedder.encode([document_text(CHECKPOINT.title, CHECKPOINT.text)])[0]
    assert np.allclose(vector, fresh, atol=1e-5)
    # Idempotent: nothing is pending, so nothing is recomputed or rewritten.
    stamp = db.embedding_stamp(MODEL_ID)
    assert embed_documents(db, embedder=embedder).embedded == 0
    assert db.embedding_stamp(MODEL_ID) == stamp


def test_index_follows_new_and_replaced_vectors(corpus_db: Database, embedder: Embedder) -> None:
    db = corpus_db
    assert len(embedding_index(db)) == len(CORPUS)
    late = make_doc("Police arrested two men suspected of planning the checkpoint raid.",
                    "Two held over raid", date(2011, 11, 20))
    db.add_document(late)
    assert db.embedding_pending(MODEL_ID) == [late.doc_id]
    assert embed_documents(db, embedder=embedder).embedded == 1
    index = embedding_index(db)
    assert len(index) == len(CORPUS) + 1 and index.vector(late.doc_id) is not None
    before = db.embedding_stamp(MODEL_ID)
    assert embed_documents(db, embedder=embedder, only_missing=False).embedded == len(CORPUS) + 1
    assert db.embedding_stamp(MODEL_ID) != before  # replaced rows: the cache reloads
    assert len(db.embeddings(MODEL_ID)) == len(CORPUS) + 1


def test_semantic_search_finds_a_paraphrase_that_full_text_misses(
    corpus_db: Database, embedder: Embedder
) -> None:
    db = corpus_db
    assert db.search(PARAPHRASE) == []
    hits, notice = search_hits(db, PARAPHRASE, SearchFilters(), mode="semantic", limit=5,
                               embedder=embedder)
    assert notice is None
    assert hits[0].doc_id == CHECKPOINT.doc_id
    assert hits[0].score > 0.4
    # Unrelated reports score far lower, and below the floor they are not listed at all.
    assert all(h.score < hits[0].score - 0.2 for h in hits[1:])
    assert BANK.doc_id not in {h.doc_id for h in hits}


def test_semantic_search_applies_the_same_filters(corpus_db: Database, embedder: Embedder
                                                  ) -> None:
    db = corpus_db
    later = SearchFilters(since=date(2012, 1, 1))
    hits, _ = search_hits(db, PARAPHRASE, later, mode="semantic", limit=5, embedder=embedder)
    assert CHECKPOINT.doc_id not in {h.doc_id for h in hits}
    wire = SearchFilters(source="wire/")
    hits, _ = search_hits(db, "snow blocks a mountain road", wire, mode="semantic", limit=5,
                          embedder=embedder)
    assert SNOW.doc_id not in {h.doc_id for h in hits}
    hits, _ = search_hits(db, "snow blocks a mountain road", SearchFilters(), mode="semantic",
                          limit=5, embedder=embedder)
    assert hits[0].doc_id == SNOW.doc_id


def test_search_page_data_in_semantic_and_hybrid_modes(corpus_db: Database,
                                                       embedder: Embedder) -> None:
    db = corpus_db
    data = queries.search(db, PARAPHRASE, SearchFilters(), mode="semantic", embedder=embedder)
    assert data["mode"] == "semantic" and data["notice"] is None
    assert data["items"][0]["doc_id"] == CHECKPOINT.doc_id
    assert data["total"] == len(data["items"]) >= 1
    assert data["facets"]["year"][0] == {"value": "2011", "n": 1}
    text = queries.search(db, PARAPHRASE, SearchFilters(), mode="text")
    assert text["total"] == 0
    # Hybrid: every word match and every meaning match, fused.
    for query in (PARAPHRASE, "inflation OR snowfall", "officers killed at dawn"):
        ids = {}
        for mode in ("text", "semantic", "hybrid"):
            result = queries.search(db, query, SearchFilters(), mode=mode, embedder=embedder)
            ids[mode] = [h["doc_id"] for h in result["items"]]
        assert set(ids["hybrid"]) == set(ids["text"]) | set(ids["semantic"]), query
        assert ids["hybrid"][0] in ids["text"][:1] + ids["semantic"][:1]
    assert ids["hybrid"][0] == CHECKPOINT.doc_id  # first in both rankings
    with pytest.raises(ValueError, match="unknown search mode"):
        queries.search(db, "x", SearchFilters(), mode="fuzzy")


def test_semantic_search_says_when_nothing_is_embedded(db: Database, embedder: Embedder) -> None:
    db.add_document(BANK)
    data = queries.search(db, "monetary policy", SearchFilters(), mode="semantic",
                          embedder=embedder)
    assert data["items"] == [] and "watchfloor embed" in data["notice"]


def test_a_model_that_cannot_load_is_an_error_that_says_what_to_do(tmp_path) -> None:  # type: ignore[no-untyped-def]
    broken = Embedder(str(tmp_path / "no-model-here"))
    with pytest.raises(EmbeddingError, match="WATCHFLOOR_EMBEDDING_MODEL"):
        broken.encode(["anything"])


def test_pure_pieces() -> None:
    assert document_text("Title", "Title of the story. Body.") == "Title of the story. Body."
    assert document_text("Headline", "Body  text\n here") == "Headline. Body text here"
    matrix = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], dtype=np.float32)
    query = np.array([1.0, 0.0], dtype=np.float32)
    assert rank_by_similarity(matrix, query, min_score=0.5) == [(0, 1.0), (1, pytest.approx(0.6))]
    allowed = np.array([False, True, True])
    assert [r for r, _ in rank_by_similarity(matrix, query, allowed=allowed)] == [1, 2]
    assert fuse([["a", "b"], ["b", "c"]])[0][0] == "b"
    snippet = lead_snippet("Nothing here. Gunmen attacked the checkpoint at night.", "checkpoint")
    assert snippet.startswith("Gunmen") and f"{MARK_START}checkpoint{MARK_END}" in snippet
