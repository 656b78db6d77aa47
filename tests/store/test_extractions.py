"""Storing extraction results on both backends: whole line + queryable rows, idempotent."""

from __future__ import annotations

import copy
from typing import Any

from watchfloor.extract.pipeline import EXTRACTOR_VERSION, Extractor
from watchfloor.extract.runner import extract_documents
from watchfloor.ingest.dedup import content_sha256
from watchfloor.records import Document
from watchfloor.store import Database


def _doc(text: str) -> Document:
    sha = content_sha256(text)
    return Document(doc_id=sha[:20], sha256=sha, source="t.txt", text=text)


REPORTS = [_doc("A car bomb exploded in Taraz, killing two officers."), _doc("Second report.")]

TARAZ = {
    "start": 52, "end": 57, "text": "Taraz", "geonameid": 1516905, "name": "Taraz",
    "feature_code": "PPLA", "lat": 42.9, "lon": 71.36667, "country_code": "KZ",
    "admin1": "Zhambyl", "admin1_code": "17", "admin2": None, "score": 0.9,
}
RESULT: dict[str, Any] = {
    "schema": "watchfloor.extract/1",
    "places": [TARAZ, {"start": 0, "end": 3, "text": "Nowhere-land", "geonameid": None}],
    "actors": [
        {"start": 30, "end": 36, "text": "police", "actor_id": "kazakhstan-police",
         "name": "Police of Kazakhstan", "kind": "organization", "actor_type": "State forces"},
        {"start": 90, "end": 99, "text": "gunmen", "actor_id": None, "name": "gunmen",
         "kind": "group", "actor_type": None},
    ],
    "quotes": [{"start": 100, "end": 120, "text": "we will find them",
                "speaker": {"text": "a spokesman", "start": 121, "end": 132, "actor_id": None}}],
    "events": [{
        "event_id": "ev-1", "event_type": "Explosions/Remote violence",
        "sub_event_type": "Remote explosive/landmine/IED",
        "trigger": {"start": 2, "end": 10, "text": "car bomb"},
        "date": {"start_date": "2011-11-12", "end_date": "2011-11-12", "precision": "day",
                 "assumed": False},
        "location": TARAZ,
        "actor1": None, "actor2": None,
        "participants": [{"role": "victim", "kind": "group", "text": "two officers",
                          "start": 77, "end": 89, "actor_id": None}],
        "fatalities": 2, "injured": None, "arrested": None,
        "evidence": [{"start": 0, "end": 95}], "confidence": 0.8,
    }],
    "errors": [],
}


def test_save_load_and_resave_is_idempotent(db: Database) -> None:
    doc = REPORTS[0]
    db.add_document(doc)
    tables = ["extractions", "places", "place_mentions", "actors", "actor_mentions", "quotes",
              "events", "event_evidence"]
    db.save_extraction(doc.doc_id, RESULT, version="1.0", config={"model": "sm"})
    first = db.count_rows(tables)
    assert first == {"extractions": 1, "places": 1, "place_mentions": 2, "actors": 1,
                     "actor_mentions": 2, "quotes": 1, "events": 1, "event_evidence": 4}
    db.save_extraction(doc.doc_id, RESULT, version="1.0", config={"model": "sm"})
    assert db.count_rows(tables) == first
    loaded = db.get_extraction(doc.doc_id)
    assert loaded is not None
    assert loaded["events"][0]["fatalities"] == 2
    assert loaded["extractor"]["version"] == "1.0"
    assert loaded["extractor"]["config"] == {"model": "sm"}
    assert db.extraction_versions() == {doc.doc_id: "1.0"}
    assert db.events_for(doc.doc_id)[0]["location"]["name"] == "Taraz"


def test_resave_with_a_new_result_replaces_the_old_rows(db: Database) -> None:
    doc = REPORTS[1]
    db.add_document(doc)
    db.save_extraction(doc.doc_id, RESULT, version="1.0", config={})
    changed = copy.deepcopy(RESULT)
    changed["events"] = []
    changed["quotes"] = []
    db.save_extraction(doc.doc_id, changed, version="1.1", config={})
    counts = db.count_rows(["events", "event_evidence", "quotes", "places"])
    assert counts == {"events": 0, "event_evidence": 0, "quotes": 0, "places": 1}
    assert db.extraction_versions() == {doc.doc_id: "1.1"}


def test_two_documents_share_places_and_actors(db: Database) -> None:
    for i, doc in enumerate(REPORTS[:2]):
        db.add_document(doc)
        result = copy.deepcopy(RESULT)
        result["events"][0]["event_id"] = f"ev-{i}"
        db.save_extraction(doc.doc_id, result, version="1.0", config={})
    assert db.count_rows(["places", "actors", "events"]) == {"places": 1, "actors": 1, "events": 2}


def test_two_spans_of_one_field_at_the_same_start_are_stored_once(db: Database) -> None:
    """Evidence is unique per (event, field, start): a longer and a shorter participant of
    one role starting on the same word must not abort the whole save."""
    doc = REPORTS[0]
    db.add_document(doc)
    result = copy.deepcopy(RESULT)
    result["events"][0]["participants"] = [
        {"role": "victim", "kind": "group", "text": "two officers", "start": 77, "end": 89},
        {"role": "victim", "kind": "group", "text": "two", "start": 77, "end": 80},
    ]
    db.save_extraction(doc.doc_id, result, version="1.0", config={})
    # trigger, location, one victim span, the sentence
    assert db.count_rows(["event_evidence"])["event_evidence"] == 4


class _OneBrokenResult(Extractor):
    """The real extractor's storage path with results made by hand (no model): the result
    for ``broken`` has an event without a type, which the events table refuses."""

    def __init__(self, broken: str) -> None:
        super().__init__()
        self.broken = broken

    def parse_many(self, texts: list[str]) -> list[tuple[str, Any] | None]:
        return [None] * len(texts)

    def extract(self, text: str, *, doc_id: str, **_: Any) -> dict[str, Any]:
        line = copy.deepcopy(RESULT) | {"doc_id": doc_id, "text": text}
        if doc_id == self.broken:
            line["events"][0]["event_type"] = None
        else:
            line["events"][0]["event_id"] = f"ev-{doc_id}"
        return line


def test_a_refused_result_leaves_the_others_stored_and_pending_itself(db: Database) -> None:
    for doc in REPORTS:
        db.add_document(doc)
    counts = extract_documents(db, extractor=_OneBrokenResult(REPORTS[0].doc_id))
    assert counts["not_stored"] == 1 and counts["extracted"] == 1
    assert db.extraction_pending(version=EXTRACTOR_VERSION) == [REPORTS[0].doc_id]
    assert db.count_rows(["extractions"])["extractions"] == 1


def test_report_areas_are_stored_per_source_and_replaced(db: Database) -> None:
    for doc in REPORTS:
        db.add_document(doc)
    first = copy.deepcopy(RESULT) | {"areas": {"source_key": "steppe wire",
                                               "countries": ["KZ"], "regions": ["KZ.17"]}}
    second = copy.deepcopy(RESULT) | {"areas": {"source_key": "steppe wire",
                                                "countries": ["KZ", "KG"], "regions": []}}
    second["events"][0]["event_id"] = "ev-2"
    db.save_extraction(REPORTS[0].doc_id, first, version="1.0", config={})
    db.save_extraction(REPORTS[1].doc_id, second, version="1.0", config={})
    assert db.source_area_counts("steppe wire") == (2, {"KZ": 2, "KG": 1}, {("KZ", "17"): 1})
    assert db.report_areas(REPORTS[0].doc_id) == ("steppe wire", {"KZ"}, {("KZ", "17")})
    # re-extraction replaces a report's areas; a result without a source key stores none
    db.save_extraction(REPORTS[0].doc_id, RESULT, version="1.1", config={})
    assert db.report_areas(REPORTS[0].doc_id) is None
    assert db.source_area_counts("steppe wire") == (1, {"KZ": 1, "KG": 1}, {})
    assert db.source_area_counts("nobody") == (0, {}, {})
