"""A small hand-made corpus with extraction results in the contract's shape (no NLP models):
three reports from Kazakhstan (2010, 2011) and one from Kyrgyzstan."""

from __future__ import annotations

from datetime import date
from typing import Any

from watchfloor.ingest.dedup import content_sha256
from watchfloor.records import Document
from watchfloor.store import Database


def _doc(text: str, title: str, published: date, source: str) -> Document:
    sha = content_sha256(text)
    return Document(doc_id=sha[:20], sha256=sha, source=source, text=text, title=title,
                    published=published, publisher="Test Wire")


def span(text: str, needle: str, **extra: Any) -> dict[str, Any]:
    start = text.index(needle)
    return {"start": start, "end": start + len(needle), "text": needle, **extra}


TARAZ_TEXT = (
    "TARAZ, 12 November 2011 -- A gunman killed seven people in Taraz on Saturday, "
    "officials said. Jund al-Khilafah claimed the attack. \"We will find them,\" said "
    "police spokesman Marat Tajin."
)
AKTOBE_TEXT = (
    "AKTOBE, 17 May 2011 -- A suicide bomber blew himself up at the KNB regional office "
    "in Aktobe, killing himself and wounding two officers. Jund al-Khilafah was blamed."
)
QUIET_TEXT = (
    "ASTANA, 3 March 2010 -- Police in Zhambyl province arrested three men suspected of "
    "planning attacks on oil facilities."
)
OSH_TEXT = "OSH, 11 June 2010 -- Clashes in Osh killed dozens as riots spread across the city."

TARAZ_PLACE = {"geonameid": 1516905, "name": "Taraz", "feature_code": "PPLA", "lat": 42.9,
               "lon": 71.36667, "country_code": "KZ", "admin1": "Zhambyl",
               "admin1_code": "17", "admin2": None, "score": 0.9, "source": "gazetteer"}
AKTOBE_PLACE = {"geonameid": 610611, "name": "Aktobe", "feature_code": "PPLA",
                "lat": 50.27969, "lon": 57.20718, "country_code": "KZ", "admin1": "Aktobe",
                "admin1_code": "04", "admin2": None, "score": 0.95, "source": "gazetteer"}
ZHAMBYL_PLACE = {"geonameid": 1524444, "name": "Zhambyl", "feature_code": "ADM1",
                 "lat": 44.0, "lon": 72.0, "country_code": "KZ", "admin1": "Zhambyl",
                 "admin1_code": "17", "admin2": None, "score": 0.8, "source": "gazetteer"}
OSH_PLACE = {"geonameid": 1527534, "name": "Osh", "feature_code": "PPLA", "lat": 40.52828,
             "lon": 72.7985, "country_code": "KG", "admin1": "Osh", "admin1_code": "08",
             "admin2": None, "score": 0.9, "source": "gazetteer"}
JUND = {"actor_id": "jund-al-khilafah", "name": "Jund al-Khilafah", "kind": "organization",
        "actor_type": "Rebel group"}
POLICE = {"actor_id": "kazakhstan-police", "name": "Police of Kazakhstan",
          "kind": "organization", "actor_type": "State forces"}


def _event(text: str, event_id: str, *, event_type: str, sub: str, trigger: str,
           day: str, precision: str, place: dict[str, Any], place_text: str,
           fatalities: int | None, actor1: dict[str, Any] | None = None,
           actor1_text: str | None = None, sentence_end: str = ".") -> dict[str, Any]:
    trig = span(text, trigger)
    sentence_start = text.rfind("-- ", 0, trig["start"])
    sentence_start = sentence_start + 3 if sentence_start >= 0 else 0
    end = text.index(sentence_end, trig["end"]) + 1
    return {
        "event_id": event_id, "event_type": event_type, "sub_event_type": sub,
        "trigger": trig,
        "date": {"start_date": day, "end_date": day, "precision": precision, "assumed": False},
        "location": {**_trimmed(text, place_text, place["name"]), **place},
        "actor1": {**span(text, actor1_text), "actor_id": actor1["actor_id"],
                   "name": actor1["name"]} if actor1 and actor1_text else None,
        "actor2": None,
        "participants": [
            {"role": "perpetrator", "kind": "organization", **span(text, actor1_text),
             "actor_id": actor1["actor_id"]}
        ] if actor1 and actor1_text else [],
        "fatalities": fatalities, "injured": None, "arrested": None,
        "evidence": [{"start": sentence_start, "end": end}], "confidence": 0.8,
    }


def _trimmed(text: str, needle: str, name: str) -> dict[str, Any]:
    """The span of ``name`` where ``needle`` (a unique context starting with it) occurs."""
    start = text.index(needle)
    return {"start": start, "end": start + len(name), "text": text[start : start + len(name)]}


def _result(text: str, *, places: list[dict[str, Any]], actors: list[dict[str, Any]],
            events: list[dict[str, Any]], quotes: list[dict[str, Any]] | None = None,
            dates: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"schema": "watchfloor.extract/1", "text": text, "places": places,
            "actors": actors, "dates": dates or [], "quantities": [], "quotes": quotes or [],
            "events": events, "errors": []}


TARAZ = _doc(TARAZ_TEXT, "Gunman kills seven in Taraz", date(2011, 11, 12), "wire/taraz.md")
AKTOBE = _doc(AKTOBE_TEXT, "Suicide bomber strikes KNB office in Aktobe", date(2011, 5, 17),
              "wire/aktobe.md")
QUIET = _doc(QUIET_TEXT, "Three held in Zhambyl", date(2010, 3, 3), "wire/zhambyl.md")
OSH = _doc(OSH_TEXT, "Clashes in Osh", date(2010, 6, 11), "other/osh.md")

RESULTS: dict[str, dict[str, Any]] = {
    TARAZ.doc_id: _result(
        TARAZ_TEXT,
        places=[{**span(TARAZ_TEXT, "TARAZ"), **TARAZ_PLACE},
                {**span(TARAZ_TEXT, "Taraz on"), **TARAZ_PLACE, "end": TARAZ_TEXT.index(
                    "Taraz on") + 5, "text": "Taraz"}],
        actors=[{**span(TARAZ_TEXT, "Jund al-Khilafah"), **JUND},
                {**span(TARAZ_TEXT, "police"), **POLICE}],
        dates=[{**span(TARAZ_TEXT, "12 November 2011"), "value": "2011-11-12",
                "start_date": "2011-11-12", "end_date": "2011-11-12", "precision": "day",
                "anchor": "absolute"}],
        quotes=[{**span(TARAZ_TEXT, "We will find them"),
                 "speaker": {**span(TARAZ_TEXT, "Marat Tajin"),
                             "actor_id": "kazakhstan-police"}}],
        events=[_event(TARAZ_TEXT, "ev-taraz", event_type="Violence against civilians",
                       sub="Attack", trigger="killed", day="2011-11-12", precision="day",
                       place=TARAZ_PLACE, place_text="Taraz on", fatalities=7,
                       actor1=JUND, actor1_text="Jund al-Khilafah", sentence_end="attack.")],
    ),
    AKTOBE.doc_id: _result(
        AKTOBE_TEXT,
        places=[{**span(AKTOBE_TEXT, "in Aktobe"), **AKTOBE_PLACE}],
        actors=[{**span(AKTOBE_TEXT, "Jund al-Khilafah"), **JUND}],
        events=[_event(AKTOBE_TEXT, "ev-aktobe", event_type="Explosions/Remote violence",
                       sub="Suicide bomb", trigger="blew himself up", day="2011-05-17",
                       precision="day", place=AKTOBE_PLACE, place_text="Aktobe,",
                       fatalities=1, actor1=JUND, actor1_text="Jund al-Khilafah")],
    ),
    QUIET.doc_id: _result(
        QUIET_TEXT,
        places=[{**span(QUIET_TEXT, "Zhambyl"), **ZHAMBYL_PLACE}],
        actors=[{**span(QUIET_TEXT, "Police"), **POLICE}],
        events=[_event(QUIET_TEXT, "ev-zhambyl", event_type="Strategic developments",
                       sub="Arrests", trigger="arrested", day="2010-03-01", precision="month",
                       place=ZHAMBYL_PLACE, place_text="Zhambyl", fatalities=None,
                       actor1=POLICE, actor1_text="Police")],
    ),
    OSH.doc_id: _result(
        OSH_TEXT,
        places=[{**span(OSH_TEXT, "Osh killed"), **OSH_PLACE, "end": OSH_TEXT.index(
            "Osh killed") + 3, "text": "Osh"}],
        actors=[],
        events=[_event(OSH_TEXT, "ev-osh", event_type="Riots", sub="Mob violence",
                       trigger="Clashes", day="2010-06-11", precision="day", place=OSH_PLACE,
                       place_text="Osh killed", fatalities=None)],
    ),
}
DOCUMENTS = [TARAZ, AKTOBE, QUIET, OSH]


def load(db: Database) -> None:
    for doc in DOCUMENTS:
        db.add_document(doc)
        db.save_extraction(doc.doc_id, RESULTS[doc.doc_id], version="test-1", config={})
