"""The one narrow storage interface: the same methods on SQLite and on PostgreSQL.

Callers never see SQL or connections. Writes made inside ``with db.transaction():`` commit
together (ingestion batches documents this way); outside one, each write commits alone.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Executable,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from watchfloor.records import Document, Failure, SearchHit
from watchfloor.store import alerts as _alerts
from watchfloor.store import embeddings as _vectors
from watchfloor.store import extractions, migrations, schema
from watchfloor.store import fusion as _fusion
from watchfloor.store.search import SearchFilters, document_filter_clauses
from watchfloor.store.search import filtered_ids as _filtered_ids
from watchfloor.store.search import search as _search
from watchfloor.store.search import search_ids as _search_ids

# Milliseconds a SQLite writer waits for another process's lock before giving up:
# long enough for a concurrent ingest batch to commit.
SQLITE_BUSY_TIMEOUT_MS = 30_000
# SQLite connections kept open between uses. A server answers pages from a pool of worker
# threads (40 in anyio's default): with SQLAlchemy's default of 5, every page beyond the
# fifth concurrent one opened a new connection (pragmas, a cold page cache) and closed it
# again, and ten concurrent clients got fewer pages a second than one. A connection costs
# a file handle and up to its page cache (2 MB by default).
SQLITE_POOL_SIZE = 16
SQLITE_POOL_OVERFLOW = 32
# PostgreSQL connections are server processes (the default server allows 100 in all), and
# opening one costs a few milliseconds: keep more than SQLAlchemy's 5 for a threaded server,
# at most 20 per process.
POSTGRES_POOL_SIZE = 8
POSTGRES_POOL_OVERFLOW = 12
# Pause between attempts to switch a new SQLite file to WAL (see _switch_to_wal).
_WAL_RETRY_SECONDS = 0.02
# Arbitrary constant identifying watchfloor's migration lock among PostgreSQL advisory locks.
PG_MIGRATION_LOCK = 0x77666C72


_DOCS, _LSH, _SOURCES = schema.documents, schema.document_lsh, schema.document_sources
# The migration that adds data_version, and its two statements.
_DATA_VERSION_MIGRATION = 7
_BUMP_VERSION = (update(schema.data_version).where(schema.data_version.c.id == 1)
                 .values(n=schema.data_version.c.n + 1))
_READ_VERSION = select(schema.data_version.c.n).where(schema.data_version.c.id == 1)


@dataclass(frozen=True)
class NewDocument:
    """A document to store with its near-duplicate signature (for ``add_documents``)."""

    doc: Document
    minhash: bytes | None = None
    lsh_buckets: Sequence[tuple[int, int]] = ()
# Statements on the ingestion hot path, built once: constructing a statement costs more than
# SQLite takes to run it.
_FIND_SHA = select(_DOCS.c.doc_id).where(_DOCS.c.sha256 == bindparam("sha"))
_FIND_SHAS = select(_DOCS.c.sha256).where(_DOCS.c.sha256.in_(bindparam("shas", expanding=True)))
_LSH_LOOKUP = select(_LSH.c.band, _LSH.c.bucket, _LSH.c.doc_id).where(
    _LSH.c.bucket.in_(bindparam("buckets", expanding=True))
)
_MINHASHES = (
    select(_DOCS.c.doc_id, _DOCS.c.minhash)
    .where(_DOCS.c.doc_id.in_(bindparam("ids", expanding=True)), _DOCS.c.minhash.is_not(None))
    .order_by(_DOCS.c.pk)
)
_INSERT_LSH = insert(_LSH)
# INSERT ... ON CONFLICT DO NOTHING RETURNING: a row stored meanwhile (by another process)
# is reported as "not inserted" instead of an error that would abort the whole batch.
# RETURNING, not rowcount, tells whether a row went in: drivers report rowcount differently.
_INSERT_DOC = {
    "sqlite": sqlite.insert(_DOCS)
    .on_conflict_do_nothing(index_elements=["sha256"])
    .returning(_DOCS.c.pk),
    "postgresql": postgresql.insert(_DOCS)
    .on_conflict_do_nothing(index_elements=["sha256"])
    .returning(_DOCS.c.pk),
}
# The batch form returns the ids that went in (rows skipped by the conflict return nothing).
_INSERT_DOCS = {
    "sqlite": sqlite.insert(_DOCS)
    .on_conflict_do_nothing(index_elements=["sha256"])
    .returning(_DOCS.c.doc_id),
    "postgresql": postgresql.insert(_DOCS)
    .on_conflict_do_nothing(index_elements=["sha256"])
    .returning(_DOCS.c.doc_id),
}
_INSERT_SOURCES = {
    "sqlite": sqlite.insert(_SOURCES).on_conflict_do_nothing(index_elements=["doc_id", "source"]),
    "postgresql": postgresql.insert(_SOURCES).on_conflict_do_nothing(
        index_elements=["doc_id", "source"]
    ),
}
_INSERT_SOURCE = {
    "sqlite": sqlite.insert(_SOURCES)
    .on_conflict_do_nothing(index_elements=["doc_id", "source"])
    .returning(_SOURCES.c.id),
    "postgresql": postgresql.insert(_SOURCES)
    .on_conflict_do_nothing(index_elements=["doc_id", "source"])
    .returning(_SOURCES.c.id),
}


class DatabaseError(RuntimeError):
    """The database cannot be opened or used; the message says what to do."""


@dataclass(frozen=True)
class Stats:
    documents: int
    near_duplicates: int
    failures: int
    first_published: date | None
    last_published: date | None
    schema_version: int
    backend: str


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin: the module's
    # legacy mode runs DDL outside any transaction, so a migration could half-apply.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # WAL lets readers (the web UI) work while an ingest writes; NORMAL sync is durable
    # across process crashes (the SIGKILL case), trading only power-loss durability.
    _switch_to_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _switch_to_wal(cursor: Any) -> None:
    # Switching a new file to WAL needs an exclusive lock. When another connection holds or
    # is taking the write lock at that moment (several processes opening a new database at
    # once), SQLite answers "database is locked" at once instead of calling the busy
    # handler, to avoid a deadlock; the switch then only has to be tried again.
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(_WAL_RETRY_SECONDS)


def _sqlite_begin(conn: Connection) -> None:
    # Writers take the write lock up front (BEGIN IMMEDIATE): a deferred transaction that
    # read first and then tries to write fails at once when another process wrote meanwhile.
    conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))


class Database:
    """A watchfloor database. Open with :meth:`open`; close with :meth:`close` or ``with``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # The open write transaction and the open read snapshot, per thread: one Database
        # serves the web server's threads, and a connection is never shared between them.
        self._local = threading.local()
        # Whether the schema has the data_version row that every write transaction bumps.
        self._versioned = False

    # -- lifecycle -------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, upgrade: bool = True) -> Database:
        """Open (and by default create or upgrade) the database at a SQLAlchemy URL."""
        if url.startswith("sqlite:///"):
            path = Path(url[len("sqlite:///") :])
            if str(path) not in ("", ":memory:"):
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise DatabaseError(
                        f"cannot create the folder for database {path}: {exc.strerror}; "
                        "choose another location with --db"
                    ) from exc
            engine = create_engine(url, pool_size=SQLITE_POOL_SIZE,
                                   max_overflow=SQLITE_POOL_OVERFLOW)
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
        elif url.startswith("postgresql"):
            engine = create_engine(url, pool_pre_ping=True, pool_size=POSTGRES_POOL_SIZE,
                                   max_overflow=POSTGRES_POOL_OVERFLOW)
        else:
            raise DatabaseError(
                f"unsupported database URL {url!r}: use a file path, sqlite:///PATH "
                "or postgresql://USER@HOST/DB"
            )
        db = cls(engine)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except OperationalError as exc:
            engine.dispose()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise DatabaseError(
                f"cannot connect to database {engine.url.render_as_string(hide_password=True)}:"
                f" {reason}; check that the server is running and the URL is right"
            ) from exc
        if upgrade:
            db.upgrade()
        else:
            db._versioned = db.schema_version() >= _DATA_VERSION_MIGRATION
        return db

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def upgrade(self) -> list[str]:
        """Apply pending migrations; returns their names. Safe to run concurrently."""
        applied: list[str] = []
        with self._writing() as conn:
            if self.backend == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_MIGRATION_LOCK})
            for migration in migrations.pending(conn):
                migration.apply(conn)
                migrations.record(conn, migration)
                applied.append(f"{migration.version}: {migration.name}")
            self._versioned = migrations.current_version(conn) >= _DATA_VERSION_MIGRATION
        return applied

    def data_version(self) -> int:
        """A number that changes whenever anything is written (by any process): what was
        computed from the data at one value is still right while it stays the same."""
        if not self._versioned:
            return 0
        with self._connection() as conn:
            return int(conn.execute(_READ_VERSION).scalar_one())

    def schema_version(self) -> int:
        with self._connection() as conn:
            return migrations.current_version(conn)

    # -- transactions ----------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: all of them commit at the end, or none if an exception escapes."""
        if self._conn is not None:  # nested: join the outer transaction
            yield
            return
        with self._writing() as conn:
            self._conn = conn
            try:
                yield
            finally:
                self._conn = None

    @property
    def _conn(self) -> Connection | None:
        conn: Connection | None = getattr(self._local, "conn", None)
        return conn

    @_conn.setter
    def _conn(self, conn: Connection | None) -> None:
        self._local.conn = conn

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Group reads: every read inside runs on one connection and one transaction, so a
        page made of a dozen queries pays for one BEGIN and sees one state of the data.
        Writes inside still take their own write transaction."""
        if self._conn is not None or getattr(self._local, "reader", None) is not None:
            yield
            return
        with self.engine.begin() as conn:
            self._local.reader = conn
            try:
                yield
            finally:
                self._local.reader = None

    @contextlib.contextmanager
    def _connection(self) -> Iterator[Connection]:
        """For reads: the open transaction's (or read snapshot's) connection, or a short
        one of its own."""
        conn = self._conn if self._conn is not None else getattr(self._local, "reader", None)
        if conn is not None:
            yield conn
        else:
            with self.engine.begin() as conn:
                yield conn

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        """For writes: the open transaction, or a new one holding the write lock."""
        if self._conn is not None:
            yield self._conn
            return
        with self.engine.connect() as conn:
            conn = conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")
            with conn.begin():
                yield conn
                if self._versioned:
                    conn.execute(_BUMP_VERSION)

    # -- documents -------------------------------------------------------------------------

    def find_sha256(self, sha256: str) -> str | None:
        """The doc_id of the document with this text hash, if stored."""
        with self._connection() as conn:
            return conn.execute(_FIND_SHA, {"sha": sha256}).scalar_one_or_none()

    def add_document(
        self,
        doc: Document,
        *,
        minhash: bytes | None = None,
        lsh_buckets: Sequence[tuple[int, int]] = (),
    ) -> bool:
        """Store a document with its dedup signature; False if its text was already stored."""
        # A shallow copy of the fields (dataclasses.asdict would deep-copy the text).
        values = {f.name: getattr(doc, f.name) for f in fields(doc)}
        values.update(length=len(doc.text), minhash=minhash)
        with self._writing() as conn:
            if conn.execute(_INSERT_DOC[self.backend], values).first() is None:
                return False
            if lsh_buckets:
                conn.execute(
                    _INSERT_LSH,
                    [{"band": b, "bucket": k, "doc_id": doc.doc_id} for b, k in lsh_buckets],
                )
            self._add_source(conn, doc.doc_id, doc.source, doc.url, doc.retrieved_at)
            return True

    def known_sha256(self, hashes: Iterable[str]) -> set[str]:
        """Which of these text hashes are stored already (one query for a whole batch)."""
        wanted = sorted(set(hashes))
        if not wanted:
            return set()
        with self._connection() as conn:
            return set(conn.execute(_FIND_SHAS, {"shas": wanted}).scalars())

    def add_documents(self, items: Sequence[NewDocument]) -> set[str]:
        """Store many documents with their dedup signatures in one transaction, with one
        multi-row statement per table; returns the ids actually inserted (a text stored
        meanwhile by another process is skipped, not an error)."""
        if not items:
            return set()
        rows = []
        for item in items:
            values = {f.name: getattr(item.doc, f.name) for f in fields(item.doc)}
            values.update(length=len(item.doc.text), minhash=item.minhash)
            rows.append(values)
        with self._writing() as conn:
            inserted = set(conn.execute(_INSERT_DOCS[self.backend], rows).scalars())
            lsh = [
                {"band": b, "bucket": k, "doc_id": item.doc.doc_id}
                for item in items if item.doc.doc_id in inserted
                for b, k in item.lsh_buckets
            ]
            if lsh:
                conn.execute(_INSERT_LSH, lsh)
            sources = [
                {"doc_id": item.doc.doc_id, "source": item.doc.source, "url": item.doc.url,
                 "retrieved_at": item.doc.retrieved_at}
                for item in items if item.doc.doc_id in inserted
            ]
            if sources:
                conn.execute(_INSERT_SOURCES[self.backend], sources)
        return inserted

    def add_sources(self, seen: Sequence[tuple[str, str, str | None, datetime | None]]) -> None:
        """Remember other places stored documents were seen: (doc_id, source, url, at)."""
        if not seen:
            return
        rows = [{"doc_id": d, "source": s, "url": u, "retrieved_at": a} for d, s, u, a in seen]
        with self._writing() as conn:
            conn.execute(_INSERT_SOURCES[self.backend], rows)

    def lsh_neighbours(
        self, lsh_buckets: Iterable[tuple[int, int]]
    ) -> tuple[list[tuple[int, int, str]], dict[str, bytes]]:
        """For a batch of signatures: the stored (band, bucket, doc_id) rows in any of these
        buckets, oldest document first, and those documents' MinHash signatures."""
        wanted = set(lsh_buckets)
        if not wanted:
            return [], {}
        with self._connection() as conn:
            rows = conn.execute(
                _LSH_LOOKUP, {"buckets": sorted({bucket for _band, bucket in wanted})}
            ).all()
            hits = [(r[0], r[1], r[2]) for r in rows if (r[0], r[1]) in wanted]
            ids = sorted({doc_id for _b, _k, doc_id in hits})
            if not ids:
                return [], {}
            found = conn.execute(_MINHASHES, {"ids": ids}).all()
        order = {r[0]: i for i, r in enumerate(found)}  # _MINHASHES is ordered by pk
        hits = [h for h in hits if h[2] in order]
        hits.sort(key=lambda h: order[h[2]])
        return hits, {r[0]: bytes(r[1]) for r in found}

    def add_source(
        self, doc_id: str, source: str, *, url: str | None, retrieved_at: datetime | None
    ) -> bool:
        """Remember another place the same document was seen; False if already known."""
        with self._writing() as conn:
            return self._add_source(conn, doc_id, source, url, retrieved_at)

    def _add_source(
        self, conn: Connection, doc_id: str, source: str, url: str | None, at: datetime | None
    ) -> bool:
        params = {"doc_id": doc_id, "source": source, "url": url, "retrieved_at": at}
        return conn.execute(_INSERT_SOURCE[self.backend], params).first() is not None

    def near_duplicate_candidates(
        self, lsh_buckets: Sequence[tuple[int, int]]
    ) -> list[tuple[str, bytes]]:
        """Stored documents sharing at least one LSH bucket: (doc_id, minhash), oldest first."""
        if not lsh_buckets:
            return []
        wanted = set(lsh_buckets)
        with self._connection() as conn:
            # Buckets are 64-bit hashes, so looking up the bucket values alone is selective;
            # the band is checked here rather than in a row-value IN the planners handle poorly.
            rows = conn.execute(
                _LSH_LOOKUP, {"buckets": sorted({bucket for _band, bucket in wanted})}
            ).all()
            ids = sorted({r[2] for r in rows if (r[0], r[1]) in wanted})
            if not ids:
                return []
            found = conn.execute(_MINHASHES, {"ids": ids}).all()
        return [(r[0], bytes(r[1])) for r in found]

    def get_document(self, doc_id: str) -> Document | None:
        """A document by id, or by a unique id prefix of at least 6 characters."""
        docs = schema.documents
        with self._connection() as conn:
            row = conn.execute(select(docs).where(docs.c.doc_id == doc_id)).mappings().first()
            if row is None and len(doc_id) >= 6:
                rows = (
                    conn.execute(
                        select(docs)
                        .where(docs.c.doc_id.startswith(doc_id, autoescape=True))
                        .limit(2)
                    )
                    .mappings()
                    .all()
                )
                row = rows[0] if len(rows) == 1 else None
        return _document(row) if row else None

    def list_documents(
        self,
        *,
        filters: SearchFilters | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Document]:
        """Documents, newest publication first (unknown dates last), then by ingestion order."""
        docs = schema.documents
        stmt = select(docs)
        f = filters or SearchFilters()
        if f.since:
            stmt = stmt.where(docs.c.published >= f.since)
        if f.until:
            stmt = stmt.where(docs.c.published <= f.until)
        if f.source:
            stmt = stmt.where(
                docs.c.source.startswith(f.source, autoescape=True) | (docs.c.publisher == f.source)
            )
        for clause in document_filter_clauses(f):
            stmt = stmt.where(clause)
        stmt = stmt.order_by(docs.c.published.desc().nulls_last(), docs.c.pk)
        with self._connection() as conn:
            rows = conn.execute(stmt.limit(limit).offset(offset)).mappings().all()
        return [_document(r) for r in rows]

    def iter_documents(self, *, batch: int = 500) -> Iterator[Document]:
        """Every document in ingestion order, fetched in batches (bounded memory)."""
        docs = schema.documents
        last = 0
        while True:
            with self._connection() as conn:
                rows = (
                    conn.execute(
                        select(docs).where(docs.c.pk > last).order_by(docs.c.pk).limit(batch)
                    )
                    .mappings()
                    .all()
                )
            if not rows:
                return
            last = rows[-1]["pk"]
            yield from (_document(r) for r in rows)

    def document_sources(self, doc_id: str) -> list[dict[str, Any]]:
        table = schema.document_sources
        with self._connection() as conn:
            rows = conn.execute(
                select(table.c.source, table.c.url, table.c.retrieved_at)
                .where(table.c.doc_id == doc_id)
                .order_by(table.c.id)
            ).all()
        return [
            {"source": r[0], "url": r[1], "retrieved_at": r[2].isoformat() if r[2] else None}
            for r in rows
        ]

    def near_duplicates_of(self, doc_id: str) -> list[str]:
        docs = schema.documents
        with self._connection() as conn:
            return list(
                conn.execute(
                    select(docs.c.doc_id)
                    .where(docs.c.near_duplicate_of == doc_id)
                    .order_by(docs.c.pk)
                ).scalars()
            )

    def search(
        self,
        query: str,
        *,
        filters: SearchFilters | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[SearchHit]:
        """Full-text search, best first, with highlighted snippets (see store.search)."""
        with self._connection() as conn:
            return _search(
                conn, query, filters=filters or SearchFilters(), limit=limit, offset=offset
            )

    def search_ids(
        self, query: str, *, filters: SearchFilters | None = None, limit: int = 1000
    ) -> list[str]:
        """Ids of the best ``limit`` matches, best first, without snippets (for facets)."""
        with self._connection() as conn:
            return _search_ids(conn, query, filters=filters or SearchFilters(), limit=limit)

    def read(self, statement: Executable) -> list[dict[str, Any]]:
        """Run one read-only SQLAlchemy Core statement built on ``store.schema`` tables and
        return its rows as dicts: the query layer (``watchfloor.analyse``) composes its
        selects from the schema and runs them here, on either backend."""
        with self._connection() as conn:
            return [dict(r) for r in conn.execute(statement).mappings()]

    def read_tuples(self, statement: Executable) -> list[tuple[Any, ...]]:
        """Like :meth:`read`, with rows as plain tuples in the statement's column order:
        for the analysis layer's bulk reads (hundreds of thousands of rows), where a dict
        per row would cost more than the query."""
        with self._connection() as conn:
            return [tuple(r) for r in conn.execute(statement)]

    # -- extraction results -------------------------------------------------------------------

    def save_extraction(
        self, doc_id: str, result: dict[str, Any], *, version: str, config: dict[str, Any]
    ) -> None:
        """Replace what was extracted from a document (idempotent; see store.extractions)."""
        with self._writing() as conn:
            extractions.save_extraction(
                conn,
                doc_id=doc_id,
                result=result,
                version=version,
                config=config,
                at=datetime.now(UTC),
            )

    def source_area_counts(
        self, source_key: str
    ) -> tuple[int, dict[str, int], dict[tuple[str, str], int]]:
        """Of one source's extracted reports: how many there are, and how many name a place
        in each country and each (country, admin1) region (``document_areas``)."""
        with self._connection() as conn:
            return extractions.source_area_counts(conn, source_key=source_key)

    def report_areas(self, doc_id: str) -> tuple[str, set[str], set[tuple[str, str]]] | None:
        """(source key, countries, regions) stored for one report; None when none are."""
        with self._connection() as conn:
            return extractions.report_areas(conn, doc_id=doc_id)

    def get_extraction(self, doc_id: str) -> dict[str, Any] | None:
        """The stored extraction result, with an ``extractor`` entry (version, config, time)."""
        with self._connection() as conn:
            return extractions.load_extraction(conn, doc_id=doc_id)

    def extraction_versions(self) -> dict[str, str]:
        """doc_id -> extractor version, for every document that has been extracted."""
        table = schema.extractions
        with self._connection() as conn:
            rows = conn.execute(select(table.c.doc_id, table.c.extractor_version)).all()
        return {r[0]: r[1] for r in rows}

    def extraction_pending(self, *, version: str | None) -> list[str]:
        """Ids of documents with no extraction, or (with ``version``) one made by another
        version; in ingestion order."""
        docs, ext = _DOCS, schema.extractions
        stmt = select(docs.c.doc_id).select_from(
            docs.outerjoin(ext, ext.c.doc_id == docs.c.doc_id)
        )
        missing = ext.c.doc_id.is_(None)
        condition = missing if version is None else missing | (ext.c.extractor_version != version)
        with self._connection() as conn:
            return list(conn.execute(stmt.where(condition).order_by(docs.c.pk)).scalars())

    def get_documents(self, doc_ids: Sequence[str]) -> list[Document]:
        """Documents by id, in the order given (unknown ids are left out)."""
        if not doc_ids:
            return []
        with self._connection() as conn:
            rows = conn.execute(select(_DOCS).where(_DOCS.c.doc_id.in_(list(doc_ids))))
            found = {r["doc_id"]: _document(r) for r in rows.mappings()}
        return [found[i] for i in doc_ids if i in found]

    def events_for(self, doc_id: str) -> list[dict[str, Any]]:
        table = schema.events
        with self._connection() as conn:
            rows = (
                conn.execute(
                    select(table.c.data).where(table.c.doc_id == doc_id).order_by(table.c.event_id)
                )
                .scalars()
                .all()
            )
        return [dict(r) for r in rows]

    # -- embeddings (see store.embeddings; computed by analyse.embeddings) ----------------------

    def embedding_pending(self, model: str) -> list[str]:
        """Ids of documents with no vector from ``model``, in ingestion order."""
        with self._connection() as conn:
            return _vectors.pending(conn, model=model)

    def save_embeddings(
        self, vectors: Sequence[tuple[str, bytes]], *, model: str, dim: int
    ) -> None:
        """Store (doc_id, float32 bytes) vectors, replacing what those documents had."""
        if not vectors:
            return
        with self._writing() as conn:
            _vectors.save(conn, vectors, model=model, dim=dim, at=datetime.now(UTC))

    def embeddings(self, model: str) -> list[tuple[str, bytes]]:
        """Every stored (doc_id, vector bytes) from ``model``."""
        with self._connection() as conn:
            return _vectors.load(conn, model=model)

    def embedding_stamp(self, model: str) -> tuple[int, int]:
        """A cheap token that changes whenever ``model``'s vectors change (for caches)."""
        with self._connection() as conn:
            return _vectors.stamp(conn, model=model)

    def filtered_ids(self, filters: SearchFilters) -> list[str]:
        """Ids of every document the filters admit (dates, source, place, event, actor,
        TLP), in ingestion order."""
        with self._connection() as conn:
            return _filtered_ids(conn, filters=filters)

    # -- watchlists, alerts, webhooks, feed state (see store.alerts; read with ``read``) ------

    def add_watchlist(self, values: dict[str, Any]) -> int:
        """Store a watchlist (columns of ``schema.watchlists``); returns its id."""
        with self._writing() as conn:
            return _alerts.add_watchlist(conn, values)

    def delete_watchlist(self, watchlist_id: int) -> bool:
        """Delete a watchlist with its alerts; False if there was none."""
        with self._writing() as conn:
            return _alerts.delete_watchlist(conn, watchlist_id)

    def add_alerts(self, watchlist_id: int, rows: Sequence[dict[str, Any]], *,
                   webhook_url: str | None, evaluated_until: datetime | None) -> list[int]:
        """Store a watchlist's alerts (an existing key is skipped: never twice) and move its
        evaluation cursor, in one transaction; returns the new alerts' ids."""
        with self._writing() as conn:
            new = _alerts.add_alerts(conn, rows, webhook_url, datetime.now(UTC))
            if evaluated_until is not None:
                _alerts.set_evaluated_until(conn, watchlist_id, evaluated_until)
            return new

    def record_delivery_attempt(self, delivery_id: int, *, attempt: dict[str, Any],
                                status: str) -> None:
        """Append one webhook attempt (``at``, ``status_code``, ``error``) to a delivery."""
        with self._writing() as conn:
            _alerts.record_attempt(conn, delivery_id, attempt=attempt, status=status)

    def save_feed_state(self, url: str, values: dict[str, Any]) -> None:
        """Remember what `watchfloor watch` has seen of a feed."""
        with self._writing() as conn:
            _alerts.save_feed_state(conn, url, values)

    def text_matches(self, query: str, doc_ids: Sequence[str]) -> set[str]:
        """Which of these documents match a full-text query (the syntax of ``search``)."""
        with self._connection() as conn:
            return _alerts.text_matches(conn, query, doc_ids)

    # -- fused events (see store.fusion; composed by analyse.fusion_store, read with ``read``)

    def save_fusion(self, change: _fusion.FusionChange) -> None:
        """Replace fused events and memberships as ``change`` says, in one transaction."""
        with self._writing() as conn:
            _fusion.save(conn, change)

    def add_cannot_link(self, pairs: Iterable[tuple[str, str]]) -> int:
        """Store analysts' cannot-link pairs of report keys; returns how many were new."""
        with self._writing() as conn:
            return _fusion.add_cannot_link(conn, pairs, datetime.now(UTC))

    # -- failures and statistics -------------------------------------------------------------

    def record_failure(self, failure: Failure, *, at: datetime | None = None) -> None:
        """Remember a failed input; seeing the same input fail again updates the record."""
        table = schema.ingest_failures
        now = at or datetime.now(UTC)
        line = failure.line or 0
        with self._writing() as conn:
            updated = conn.execute(
                update(table)
                .where(table.c.source == failure.source, table.c.line == line)
                .values(reason=failure.reason, last_seen=now, count=table.c.count + 1)
            ).rowcount
            if not updated:
                conn.execute(
                    insert(table).values(
                        source=failure.source,
                        line=line,
                        reason=failure.reason,
                        first_seen=now,
                        last_seen=now,
                        count=1,
                    )
                )

    def clear_failure(self, source: str, *, line: int | None = None) -> None:
        """Forget a failure once the input has been ingested successfully."""
        table = schema.ingest_failures
        with self._writing() as conn:
            conn.execute(
                table.delete().where(table.c.source == source, table.c.line == (line or 0))
            )

    def failures(self, *, limit: int = 100) -> list[Failure]:
        table = schema.ingest_failures
        with self._connection() as conn:
            rows = conn.execute(
                select(table.c.source, table.c.line, table.c.reason)
                .order_by(table.c.last_seen.desc())
                .limit(limit)
            ).all()
        return [Failure(source=r[0], line=r[1] or None, reason=r[2]) for r in rows]

    def stats(self) -> Stats:
        docs, fails = schema.documents, schema.ingest_failures
        with self._connection() as conn:
            n, near, first, last = conn.execute(
                select(
                    func.count(),
                    func.count(docs.c.near_duplicate_of),
                    func.min(docs.c.published),
                    func.max(docs.c.published),
                )
            ).one()
            n_fail = conn.execute(select(func.count()).select_from(fails)).scalar_one()
            version = migrations.current_version(conn)
        return Stats(
            documents=n,
            near_duplicates=near,
            failures=n_fail,
            first_published=_as_date(first),
            last_published=_as_date(last),
            schema_version=version,
            backend=self.backend,
        )

    def count_rows(self, tables: Iterable[str]) -> dict[str, int]:
        """Row counts per table (for tests and `watchfloor db info`)."""
        out = {}
        with self._connection() as conn:
            for name in tables:
                table = schema.metadata.tables[name]
                out[name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
        return out


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _document(row: Any) -> Document:
    retrieved = row["retrieved_at"]
    if retrieved is not None and retrieved.tzinfo is None:  # SQLite drops the zone; it was UTC
        retrieved = retrieved.replace(tzinfo=UTC)
    return Document(
        doc_id=row["doc_id"],
        sha256=row["sha256"],
        source=row["source"],
        text=row["text"],
        url=row["url"],
        source_id=row["source_id"],
        title=row["title"],
        author=row["author"],
        publisher=row["publisher"],
        published=_as_date(row["published"]),
        published_from=row["published_from"],
        retrieved_at=retrieved,
        language=row["language"],
        tlp=row["tlp"],
        content_type=row["content_type"],
        near_duplicate_of=row["near_duplicate_of"],
        similarity=row["similarity"],
    )
