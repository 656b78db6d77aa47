"""Storing fused events, their member reports, which extraction of each document was fused,
and analysts' cannot-link pairs (see analyse.fusion_store).

Functions over one connection, called through ``Database``; reads are composed in
``watchfloor.analyse.fusion_store`` and run with ``Database.read``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert
from sqlalchemy.dialects import postgresql, sqlite

from watchfloor.store import schema

_FE, _FM = schema.fused_events, schema.fused_event_members
_FD, _CL = schema.fusion_documents, schema.fusion_cannot_link

# Bounded IN lists.
_CHUNK = 500


@dataclass(frozen=True)
class FusionChange:
    """One write of fusion results: the clusters to drop (by id), the clusters to store in
    their place (``fused_events`` rows with a ``members`` list of member rows), the
    documents whose old memberships go, and the documents now fused (doc_id, extracted_at)."""

    drop_clusters: Sequence[str] = ()
    clusters: Sequence[dict[str, Any]] = ()
    drop_documents: Sequence[str] = ()
    fused_documents: Sequence[tuple[str, datetime]] = ()
    everything: bool = False  # drop every cluster and membership first (a full re-fusion)


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = list(dict.fromkeys(values))
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def save(conn: Connection, change: FusionChange) -> None:
    """Apply one :class:`FusionChange` (in the caller's transaction)."""
    if change.everything:
        for table in (_FM, _FE, _FD):
            conn.execute(delete(table))
    drop = set(change.drop_clusters) | {c["cluster_id"] for c in change.clusters}
    for chunk in _chunks(drop):
        conn.execute(delete(_FM).where(_FM.c.cluster_id.in_(chunk)))
        conn.execute(delete(_FE).where(_FE.c.cluster_id.in_(chunk)))
    for chunk in _chunks(change.drop_documents):
        conn.execute(delete(_FM).where(_FM.c.doc_id.in_(chunk)))
    # Every stored member of the clusters written belongs to a dropped cluster or document.
    members = [m for c in change.clusters for m in c["members"]]
    if change.clusters:
        conn.execute(insert(_FE), [{k: v for k, v in c.items() if k != "members"}
                                   for c in change.clusters])
    if members:
        conn.execute(insert(_FM), members)
    if change.fused_documents:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(_FD)
        stmt = stmt.on_conflict_do_update(index_elements=["doc_id"],
                                          set_={"extracted_at": stmt.excluded.extracted_at})
        conn.execute(stmt, [{"doc_id": d, "extracted_at": at}
                            for d, at in change.fused_documents])


def add_cannot_link(conn: Connection, pairs: Iterable[tuple[str, str]], at: datetime) -> int:
    """Store cannot-link pairs of report keys (each once, in key order); returns how many
    were new."""
    rows = {tuple(sorted(p)) for p in pairs if p[0] != p[1]}
    if not rows:
        return 0
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(_CL).on_conflict_do_nothing(index_elements=["key_a", "key_b"])
    new = 0
    for a, b in sorted(rows):
        new += conn.execute(stmt, {"key_a": a, "key_b": b, "created_at": at}).rowcount or 0
    return new
