"""The storage interface on both backends: the same tests, real SQLite and real PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from watchfloor.ingest.dedup import content_sha256
from watchfloor.records import Document, Failure
from watchfloor.store import Database, DatabaseError, SearchFilters
from watchfloor.store.migrations import LATEST_VERSION

NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def make_doc(text: str, **fields: object) -> Document:
    sha = content_sha256(text)
    values: dict[str, object] = {"source": "fixture.txt", "retrieved_at": NOW}
    values.update(fields)
    return Document(doc_id=sha[:20], sha256=sha, text=text, **values)  # type: ignore[arg-type]


REPORTS = [
    make_doc(
        "A car bomb exploded outside the police headquarters in Taraz on Saturday, killing "
        "two officers. Investigators said the car bomb was detonated remotely.",
        title="Car bomb kills two police officers in Taraz",
        published=date(2011, 11, 12),
        source="wire/taraz.txt",
        publisher="Steppe Wire",
    ),
    make_doc(
        "Striking oil workers clashed with police in Zhanaozen. Officials said the death "
        "toll had risen to fourteen; a bomb disposal team searched the square.",
        title="Death toll rises in Zhanaozen clashes",
        published=date(2011, 12, 17),
        source="wire/zhanaozen.txt",
        publisher="Steppe Wire",
    ),
    make_doc(
        "Farmers in the Fergana Valley reported a good cotton harvest this autumn.",
        title="Cotton harvest",
        published=date(2010, 10, 1),
        source="other/cotton.html",
        publisher="Valley Times",
    ),
]


def test_schema_is_created_and_upgrade_is_idempotent(db: Database) -> None:
    assert db.schema_version() == LATEST_VERSION
    assert db.upgrade() == []
    assert db.schema_version() == LATEST_VERSION


def test_concurrent_opens_migrate_once(db_url: str) -> None:
    errors: list[BaseException] = []

    def open_and_close() -> None:
        try:
            Database.open(db_url).close()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=open_and_close) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Database.open(db_url) as database:
        assert database.schema_version() == LATEST_VERSION


def test_sqlite_open_waits_for_a_writer_holding_a_new_file(tmp_path: Path) -> None:
    # Another process holds the write lock on a file not yet in WAL mode (it is creating
    # the database): SQLite refuses the switch to WAL at once, without waiting, so opening
    # must try again rather than fail with "database is locked".
    path = tmp_path / "new.sqlite"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE placeholder (x)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO placeholder VALUES (1)")
    released = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    released.start()
    try:
        with Database.open(f"sqlite:///{path}") as database:
            assert database.schema_version() == LATEST_VERSION
    finally:
        released.join()
        holder.close()


def test_add_document_once_and_read_it_back(db: Database) -> None:
    doc = REPORTS[0]
    assert db.add_document(doc, minhash=b"\x01" * 16, lsh_buckets=[(0, 7), (1, -9)])
    assert not db.add_document(doc)
    stored = db.get_document(doc.doc_id)
    assert stored is not None
    assert stored.text == doc.text
    assert stored.title == doc.title
    assert stored.published == date(2011, 11, 12)
    assert stored.retrieved_at == NOW
    assert stored.tlp == "TLP:CLEAR"
    assert db.get_document(doc.doc_id[:8]) == stored  # unique prefix
    assert db.get_document("zzzzzzzz") is None
    assert db.find_sha256(doc.sha256) == doc.doc_id
    assert db.count_rows(["documents", "document_lsh", "document_sources"]) == {
        "documents": 1,
        "document_lsh": 2,
        "document_sources": 1,
    }


def test_sources_are_remembered_once(db: Database) -> None:
    doc = REPORTS[0]
    db.add_document(doc)
    assert db.add_source(doc.doc_id, "https://example.org/a", url="https://example.org/a",
                         retrieved_at=NOW)
    assert not db.add_source(doc.doc_id, "https://example.org/a", url=None, retrieved_at=NOW)
    assert [s["source"] for s in db.document_sources(doc.doc_id)] == [
        "wire/taraz.txt",
        "https://example.org/a",
    ]


def test_near_duplicate_candidates_by_bucket(db: Database) -> None:
    db.add_document(REPORTS[0], minhash=b"a" * 8, lsh_buckets=[(0, 1), (1, 2)])
    db.add_document(REPORTS[1], minhash=b"b" * 8, lsh_buckets=[(0, 3), (1, 2)])
    db.add_document(REPORTS[2], minhash=b"c" * 8, lsh_buckets=[(0, 5), (1, 6)])
    found = db.near_duplicate_candidates([(1, 2), (0, 99)])
    assert found == [(REPORTS[0].doc_id, b"a" * 8), (REPORTS[1].doc_id, b"b" * 8)]
    assert db.near_duplicate_candidates([]) == []


def test_transaction_rolls_back_everything_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError), db.transaction():
        db.add_document(REPORTS[0])
        db.add_document(REPORTS[1])
        raise RuntimeError("crash in the middle of a batch")
    assert db.stats().documents == 0
    with db.transaction():
        db.add_document(REPORTS[0])
    assert db.stats().documents == 1


def test_list_documents_filters_and_order(db: Database) -> None:
    for doc in REPORTS:
        db.add_document(doc)
    db.add_document(make_doc("An undated note about nothing in particular at all."))
    listed = db.list_documents()
    assert [d.published for d in listed] == [
        date(2011, 12, 17), date(2011, 11, 12), date(2010, 10, 1), None,
    ]
    since = db.list_documents(filters=SearchFilters(since=date(2011, 1, 1)))
    assert {d.title for d in since} == {REPORTS[0].title, REPORTS[1].title}
    by_source = db.list_documents(filters=SearchFilters(source="other/"))
    assert [d.title for d in by_source] == ["Cotton harvest"]
    by_publisher = db.list_documents(filters=SearchFilters(source="Steppe Wire"))
    assert len(by_publisher) == 2
    assert len(db.list_documents(limit=2, offset=3)) == 1
    assert [d.doc_id for d in db.iter_documents(batch=2)] == [d.doc_id for d in REPORTS] + [
        listed[-1].doc_id
    ]


def test_search_ranks_highlights_and_filters(db: Database) -> None:
    for doc in REPORTS:
        db.add_document(doc)
    hits = db.search("car bomb")
    assert [h.doc_id for h in hits] == [REPORTS[0].doc_id]
    assert "<mark>" in hits[0].snippet and "</mark>" in hits[0].snippet
    assert hits[0].published == date(2011, 11, 12)
    # "bomb" is in two reports; the one with it in the title and twice in the text ranks first
    both = db.search("bomb")
    assert [h.doc_id for h in both] == [REPORTS[0].doc_id, REPORTS[1].doc_id]
    assert both[0].score > both[1].score
    # stemming: "clashes" finds "clashed"
    assert [h.doc_id for h in db.search("clashes")] == [REPORTS[1].doc_id]
    assert db.search("bomb", filters=SearchFilters(since=date(2011, 12, 1)))[0].doc_id == (
        REPORTS[1].doc_id
    )
    assert db.search("bomb", filters=SearchFilters(until=date(2011, 1, 1))) == []
    assert db.search("bomb", filters=SearchFilters(source="wire/zhan"))[0].doc_id == (
        REPORTS[1].doc_id
    )
    assert len(db.search("bomb", limit=1)) == 1
    assert [h.doc_id for h in db.search("bomb", limit=1, offset=1)] == [REPORTS[1].doc_id]


def test_search_syntax_phrases_or_and_exclusion(db: Database) -> None:
    for doc in REPORTS:
        db.add_document(doc)
    assert {h.doc_id for h in db.search("cotton OR Zhanaozen")} == {
        REPORTS[1].doc_id, REPORTS[2].doc_id,
    }
    assert [h.doc_id for h in db.search("bomb -Taraz")] == [REPORTS[1].doc_id]
    assert [h.doc_id for h in db.search('"bomb disposal"')] == [REPORTS[1].doc_id]
    assert db.search('"disposal bomb"') == []


@pytest.mark.parametrize(
    "query",
    ["", "   ", "'", '"', "NEAR(", "title:bomb)", "*", "-", "OR", "a AND", "\x00", "'; DROP TABLE"],
)
def test_hostile_queries_never_raise(db: Database, query: str) -> None:
    db.add_document(REPORTS[0])
    assert isinstance(db.search(query), list)
    assert db.stats().documents == 1


def test_failures_are_recorded_updated_and_cleared(db: Database) -> None:
    db.record_failure(Failure(source="bad.jsonl", line=3, reason="not JSON"))
    db.record_failure(Failure(source="bad.jsonl", line=3, reason="still not JSON"))
    db.record_failure(Failure(source="empty.txt", reason="file is empty"))
    failures = db.failures()
    assert {str(f) for f in failures} == {
        "bad.jsonl:3: still not JSON",
        "empty.txt: file is empty",
    }
    db.clear_failure("empty.txt")
    assert [str(f) for f in db.failures()] == ["bad.jsonl:3: still not JSON"]
    assert db.stats().failures == 1


def test_stats(db: Database) -> None:
    for doc in REPORTS:
        db.add_document(doc)
    stats = db.stats()
    assert stats.documents == 3
    assert stats.first_published == date(2010, 10, 1)
    assert stats.last_published == date(2011, 12, 17)
    assert stats.backend in {"sqlite", "postgresql"}


def test_bad_urls_give_clear_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DatabaseError, match="unsupported database URL"):
        Database.open("mysql://nobody@localhost/x")
    with pytest.raises(DatabaseError, match="cannot connect"):
        Database.open("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseError, match="cannot create the folder"):
        Database.open(f"sqlite:///{blocker}/sub/db.sqlite")


def test_a_write_transaction_belongs_to_its_thread(db: Database) -> None:
    """The web server shares one Database between threads: a transaction open in one
    thread is not joined by another thread's reads (which must not see its writes)."""
    doc = REPORTS[0]
    inside, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with db.transaction():
                db.add_document(doc)
                inside.set()
                release.wait(10)
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
            inside.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert inside.wait(10)
        assert db.get_document(doc.doc_id) is None  # not committed yet
    finally:
        release.set()
        thread.join(10)
    assert not errors
    assert db.get_document(doc.doc_id) is not None


def test_reading_groups_reads_on_one_connection(db: Database) -> None:
    for doc in REPORTS[:2]:
        db.add_document(doc)
    with db.reading():
        with db._connection() as first:
            pass
        assert db.get_document(REPORTS[0].doc_id) is not None
        with db._connection() as again:
            assert again is first
        with db.reading():  # nested: the same snapshot
            assert db.get_document(REPORTS[1].doc_id) is not None
        db.add_document(make_doc("A third report written inside a read snapshot."))
    assert db.stats().documents == 3
