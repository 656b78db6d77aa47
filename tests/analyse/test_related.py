"""Connected content on a small hand-made corpus, on SQLite and PostgreSQL: shared events,
actors and places from stored extraction results combined with embedding similarity."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from test_embeddings import make_doc

from watchfloor.analyse import related
from watchfloor.analyse.embeddings import Embedder, embed_documents
from watchfloor.analyse.related import related_documents, similarity_score, specificity
from watchfloor.store import Database

TARAZ = {"geonameid": 1516905, "name": "Taraz", "feature_code": "PPLA", "lat": 42.9,
         "lon": 71.37, "country_code": "KZ", "admin1": "Zhambyl", "admin1_code": "17"}
AKTOBE = {"geonameid": 610611, "name": "Aktobe", "feature_code": "PPLA", "lat": 50.28,
          "lon": 57.21, "country_code": "KZ", "admin1": "Aktobe", "admin1_code": "04"}
JUND = {"actor_id": "jund-al-khilafah", "name": "Jund al-Khilafah", "kind": "organization"}

BASE = make_doc(
    "TARAZ, 12 November 2011 -- Gunmen attacked a police station in Taraz on Saturday, "
    "killing three officers. Jund al-Khilafah said it carried out the attack.",
    "Gunmen kill three officers in Taraz", date(2011, 11, 12), "wire/base.md")
SAME_EVENT = make_doc(
    "ALMATY, 13 November 2011 -- Officials gave new details of Saturday's attack in Taraz, "
    "which Jund al-Khilafah has claimed, and said the city was calm.",
    "Taraz calm after Saturday attack", date(2011, 11, 13), "wire/follow-up.md")
ACTOR_ONLY = make_doc(
    "AKTOBE, 17 May 2011 -- A man blew himself up outside a security service office in "
    "Aktobe. Investigators later linked him to Jund al-Khilafah.",
    "Bomber dies outside Aktobe office", date(2011, 5, 17), "wire/aktobe.md")
PARAPHRASE = make_doc(
    "Three policemen were shot dead when militants raided a police post in a city in "
    "southern Kazakhstan; an Islamist group said it was behind the assault.",
    "Militants shoot dead three policemen", date(2011, 11, 14), "blog/paraphrase.md")
UNRELATED = make_doc(
    "The central bank raised its key interest rate by half a point to curb inflation, the "
    "governor told reporters after the monthly meeting.",
    "Central bank raises rates", date(2011, 6, 1), "wire/bank.md")


def _span(text: str, needle: str, **extra: Any) -> dict[str, Any]:
    start = text.index(needle)
    return {"start": start, "end": start + len(needle), "text": needle, **extra}


def _result(text: str, *, place: dict[str, Any], place_text: str, event: str,
            day: str) -> dict[str, Any]:
    trigger = "attack" if "attack" in text else "blew himself up"
    return {
        "places": [_span(text, place_text, **place)],
        "actors": [_span(text, "Jund al-Khilafah", **JUND)],
        "events": [{
            "event_id": event, "event_type": "Violence against civilians",
            "sub_event_type": "Attack", "trigger": _span(text, trigger),
            "date": {"start_date": day, "end_date": day, "precision": "day"},
            "location": _span(text, place_text, **place), "actor1": None, "actor2": None,
            "participants": [], "fatalities": None, "injured": None, "arrested": None,
            "evidence": [], "confidence": 0.8,
        }],
        "dates": [], "quantities": [], "quotes": [], "errors": [],
    }


@pytest.fixture
def related_db(db: Database, embedder: Embedder) -> Database:
    for doc in (BASE, SAME_EVENT, ACTOR_ONLY, PARAPHRASE, UNRELATED):
        db.add_document(doc)
    extracted = {
        BASE.doc_id: _result(BASE.text, place=TARAZ, place_text="Taraz on", event="ev-base",
                      day="2011-11-12"),
        SAME_EVENT.doc_id: _result(SAME_EVENT.text, place=TARAZ, place_text="Taraz,",
                            event="ev-follow-up", day="2011-11-12"),
        ACTOR_ONLY.doc_id: _result(ACTOR_ONLY.text, place=AKTOBE, place_text="Aktobe.",
                            event="ev-aktobe", day="2011-05-17"),
    }
    for doc_id, result in extracted.items():
        db.save_extraction(doc_id, result, version="test", config={})
    embed_documents(db, embedder=embedder)
    return db


def test_related_reports_are_ranked_and_explained(related_db: Database) -> None:
    related = related_documents(related_db, BASE.doc_id)
    order = [r["doc_id"] for r in related]
    reasons = {r["doc_id"]: r["reasons"] for r in related}
    assert BASE.doc_id not in order and UNRELATED.doc_id not in order
    # The same event beats a shared actor alone.
    assert order[0] == SAME_EVENT.doc_id
    assert "same event: Attack in Taraz on 2011-11-12" in reasons[SAME_EVENT.doc_id]
    assert "shares actors: Jund al-Khilafah" in reasons[SAME_EVENT.doc_id]
    assert "shares places: Taraz" in reasons[SAME_EVENT.doc_id]
    assert order.index(SAME_EVENT.doc_id) < order.index(ACTOR_ONLY.doc_id)
    assert "shares actors: Jund al-Khilafah" in reasons[ACTOR_ONLY.doc_id]
    assert not any(r.startswith("same event") for r in reasons[ACTOR_ONLY.doc_id])
    # Nothing was extracted from the paraphrase: it is related by its text alone.
    paraphrase = next(r for r in related if r["doc_id"] == PARAPHRASE.doc_id)
    assert len(paraphrase["reasons"]) == 1
    assert re.fullmatch(r"similar text 0\.\d\d", paraphrase["reasons"][0])
    assert paraphrase["similarity"] >= 0.5
    scores = [r["score"] for r in related]
    assert scores == sorted(scores, reverse=True)


def test_without_embeddings_the_other_signals_still_work(db: Database) -> None:
    for doc in (BASE, ACTOR_ONLY, PARAPHRASE):
        db.add_document(doc)
    db.save_extraction(BASE.doc_id, _result(BASE.text, place=TARAZ, place_text="Taraz on",
                                            event="ev-base", day="2011-11-12"),
                       version="test", config={})
    db.save_extraction(ACTOR_ONLY.doc_id, _result(ACTOR_ONLY.text, place=AKTOBE,
                                                  place_text="Aktobe.", event="ev-aktobe",
                                                  day="2011-05-17"),
                       version="test", config={})
    related = related_documents(db, BASE.doc_id)
    assert [r["doc_id"] for r in related] == [ACTOR_ONLY.doc_id]
    assert related[0]["similarity"] is None


def test_weights() -> None:
    # A name in two of a hundred reports says much more than one in ninety.
    assert specificity(2, 100) > 0.8 > 0.1 > specificity(90, 100)
    assert similarity_score(0.45) == 0.0
    assert 0 < similarity_score(0.55) < similarity_score(0.9)


def test_in_memory_and_sql_scoring_agree(
    related_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_memory = related_documents(related_db, BASE.doc_id)
    cached = related._POSTINGS[related_db]
    assert cached["actor"][1] is not None and cached["place"][1] is not None  # memory path
    monkeypatch.setattr(related, "POSTINGS_MAX_PAIRS", 0)
    related._POSTINGS.clear()
    in_sql = related_documents(related_db, BASE.doc_id)
    assert related._POSTINGS[related_db]["actor"][1] is None  # SQL path this time
    assert in_memory == in_sql and in_memory


def test_shared_names_follow_new_extractions(related_db: Database) -> None:
    before = {r["doc_id"]: r["reasons"] for r in related_documents(related_db, BASE.doc_id)}
    assert not any(x.startswith("shares actors") for x in before.get(PARAPHRASE.doc_id, []))
    related_db.save_extraction(
        PARAPHRASE.doc_id,
        {"places": [], "events": [], "dates": [], "quantities": [], "quotes": [],
         "errors": [],
         "actors": [_span(PARAPHRASE.text, "an Islamist group", **JUND)]},
        version="test", config={})
    after = {r["doc_id"]: r["reasons"] for r in related_documents(related_db, BASE.doc_id)}
    assert "shares actors: Jund al-Khilafah" in after[PARAPHRASE.doc_id]
