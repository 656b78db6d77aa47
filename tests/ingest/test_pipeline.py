"""Ingestion pipeline on both backends: ids, dates, duplicates, near duplicates, failures."""

from __future__ import annotations

from datetime import UTC, date, datetime

from watchfloor.config import Settings
from watchfloor.ingest.pipeline import IngestOptions, ingest_items, prepare_document
from watchfloor.records import Failure, RawDocument
from watchfloor.store import Database

NOW = datetime(2024, 5, 1, tzinfo=UTC)
OPTIONS = IngestOptions(tlp="TLP:CLEAR")
STORY = (
    "ALMATY, 18 December 2011 -- Police in the oil town said a group of armed men attacked a "
    "checkpoint on the main road before dawn on Saturday, wounding three officers. The "
    "attackers fled towards the hills and a search operation was under way, a spokesman for "
    "the regional police department said, adding that roads out of the town were closed.\n\n"
    "Officials in the regional capital described the attack as the third on security posts "
    "in the province this year. Residents reached by telephone said shops and the market "
    "stayed shut through the morning while armoured vehicles patrolled the streets, and "
    "that mobile telephone coverage had been cut in parts of the town. The interior "
    "ministry said it would send reinforcements and promised a full investigation."
)


def raw(text: str, **fields: object) -> RawDocument:
    values: dict[str, object] = {"source": "reports/a.txt"}
    values.update(fields)
    return RawDocument(text=text, **values)  # type: ignore[arg-type]


def test_publication_date_precedence() -> None:
    from_metadata = prepare_document(
        raw(STORY, published=date(2011, 12, 19)), tlp="TLP:CLEAR",
        published_default=date(2000, 1, 1), retrieved_at=NOW,
    )
    assert (from_metadata.published, from_metadata.published_from) == (
        date(2011, 12, 19), "metadata",
    )
    from_dateline = prepare_document(
        raw(STORY), tlp="TLP:CLEAR", published_default=date(2000, 1, 1), retrieved_at=NOW
    )
    assert (from_dateline.published, from_dateline.published_from) == (
        date(2011, 12, 18), "dateline",
    )
    no_date = "Armed men attacked a checkpoint, police said. Nobody was hurt in the attack."
    from_option = prepare_document(
        raw(no_date), tlp="TLP:CLEAR", published_default=date(2000, 1, 1), retrieved_at=NOW
    )
    assert (from_option.published, from_option.published_from) == (date(2000, 1, 1), "option")
    unknown = prepare_document(raw(no_date), tlp="TLP:AMBER", published_default=None,
                               retrieved_at=NOW)
    assert unknown.published is None  # never today
    assert unknown.published_from is None
    assert unknown.tlp == "TLP:AMBER"
    assert unknown.language == "en"
    assert len(unknown.doc_id) == 20 and unknown.sha256.startswith(unknown.doc_id)


def test_duplicates_near_duplicates_and_rerun(db: Database) -> None:
    settings = Settings(database_url="unused")
    republished = STORY.replace("three officers", "four officers") + " Copyright Other Site."
    other = (
        "The central bank kept its main interest rate unchanged on Thursday, saying "
        "inflation had slowed for a third month in a row and the currency was stable."
    )
    items: list[RawDocument | Failure] = [
        raw(STORY),
        raw(STORY, source="https://mirror.example/a"),  # same text elsewhere
        raw(republished, source="https://other.example/b"),
        raw(other, source="reports/bank.txt"),
        Failure(source="reports/broken.pdf", reason="could not read PDF"),
    ]
    report = ingest_items(items, db=db, settings=settings, options=OPTIONS)
    first = report.new[0]
    assert len(report.new) == 3
    assert report.duplicate == [first]
    assert report.near_duplicate == [(report.new[1], first)]
    assert [str(f) for f in report.failed] == ["reports/broken.pdf: could not read PDF"]
    stored = db.get_document(report.new[1])
    assert stored is not None and stored.near_duplicate_of == first
    assert stored.similarity is not None and stored.similarity >= 0.8
    assert db.near_duplicates_of(first) == [report.new[1]]
    assert [s["source"] for s in db.document_sources(first)] == [
        "reports/a.txt", "https://mirror.example/a",
    ]
    before = db.count_rows(["documents", "document_lsh", "document_sources"])

    again = ingest_items(items[:4], db=db, settings=settings, options=OPTIONS)
    assert again.new == [] and len(again.duplicate) == 4
    assert db.count_rows(["documents", "document_lsh", "document_sources"]) == before


def test_failure_is_cleared_when_the_input_later_succeeds(db: Database) -> None:
    settings = Settings(database_url="unused")
    ingest_items([Failure(source="reports/a.txt", reason="file is empty")], db=db,
                 settings=settings, options=OPTIONS)
    assert db.stats().failures == 1
    ingest_items([raw(STORY)], db=db, settings=settings, options=OPTIONS)
    assert db.stats().failures == 0


def test_batches_commit_independently(db: Database) -> None:
    settings = Settings(database_url="unused")
    texts = [f"Report number {i}: " + STORY.replace("checkpoint", f"post {i}") for i in range(7)]
    report = ingest_items([raw(t, source=f"r{i}.txt") for i, t in enumerate(texts)], db=db,
                          settings=settings, options=IngestOptions(tlp="TLP:CLEAR", batch_size=3))
    assert len(report.new) == 7
    assert db.stats().documents == 7


def test_worker_processes_give_the_same_result_in_the_same_order(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(database_url="unused")
    texts = [f"Report number {i}: " + STORY.replace("checkpoint", f"post {i}") for i in range(40)]
    texts.insert(20, STORY.replace("three officers", "four officers"))
    items: list[RawDocument | Failure] = [raw(t, source=f"r{i}.txt") for i, t in enumerate(texts)]
    items.insert(5, Failure(source="bad.txt", reason="file is empty"))
    results = []
    for workers in (1, 2):
        with Database.open(f"sqlite:///{tmp_path}/w{workers}.sqlite") as db:
            seen: list[tuple[str, str]] = []
            report = ingest_items(
                items, db=db, settings=settings,
                options=IngestOptions(tlp="TLP:CLEAR", workers=workers, batch_size=7),
                progress=lambda outcome, source, seen=seen: seen.append((outcome, source)),
            )
            results.append((report.to_json(), seen))
    assert results[0] == results[1]
    assert [s for _o, s in results[0][1]][:6] == ["r0.txt", "r1.txt", "r2.txt", "r3.txt",
                                                  "r4.txt", "bad.txt"]
