"""Stored document embeddings: one float32 vector per document, as bytes, on both backends.

The store knows nothing about models: it keeps ``(doc_id, model, dim, vector)`` rows and
answers which documents lack a vector from a given model. ``watchfloor.analyse.embeddings``
computes the vectors and searches them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select

from watchfloor.store import schema

_DOCS, _EMB = schema.documents, schema.document_embeddings
# Rows per DELETE ... IN / INSERT statement when saving a batch: well below SQLite's limit
# on bound parameters.
_CHUNK = 500


def pending(conn: Connection, *, model: str) -> list[str]:
    """Ids of documents with no vector from ``model`` (none at all, or another model's), in
    ingestion order."""
    stmt = (
        select(_DOCS.c.doc_id)
        .select_from(_DOCS.outerjoin(_EMB, _EMB.c.doc_id == _DOCS.c.doc_id))
        .where(_EMB.c.doc_id.is_(None) | (_EMB.c.model != model))
        .order_by(_DOCS.c.pk)
    )
    return list(conn.execute(stmt).scalars())


def save(
    conn: Connection, vectors: Sequence[tuple[str, bytes]], *, model: str, dim: int, at: datetime
) -> None:
    """Store vectors, replacing any a document had (delete + insert, so the pk grows)."""
    for i in range(0, len(vectors), _CHUNK):
        chunk = vectors[i : i + _CHUNK]
        conn.execute(delete(_EMB).where(_EMB.c.doc_id.in_([doc_id for doc_id, _ in chunk])))
        conn.execute(
            insert(_EMB),
            [
                {"doc_id": doc_id, "model": model, "dim": dim, "vector": vector,
                 "embedded_at": at}
                for doc_id, vector in chunk
            ],
        )


def load(conn: Connection, *, model: str) -> list[tuple[str, bytes]]:
    """Every stored (doc_id, vector) from ``model``, in ingestion order of the vectors."""
    rows = conn.execute(
        select(_EMB.c.doc_id, _EMB.c.vector).where(_EMB.c.model == model).order_by(_EMB.c.pk)
    ).all()
    return [(r[0], bytes(r[1])) for r in rows]


def stamp(conn: Connection, *, model: str) -> tuple[int, int]:
    """(count, largest pk) of ``model``'s vectors: changes whenever a vector is added or
    replaced, so an in-memory copy knows when to reload."""
    count, last = conn.execute(
        select(func.count(), func.max(_EMB.c.pk)).where(_EMB.c.model == model)
    ).one()
    return int(count), int(last or 0)
