"""Stored documents with one hand-made extraction result each (an attack in Taraz on a
given day, one killed), written through the real storage API: for the analyse tests."""

from __future__ import annotations

from datetime import date

from watchfloor.ingest.dedup import content_sha256
from watchfloor.records import Document
from watchfloor.store import Database

QUOTE = "We will not let this pass unanswered"


def document(i: int, day: date) -> Document:
    text = (f"Report {i}: an attack was reported on {day.isoformat()}. \"{QUOTE},\" said "
            "governor Kanat Bozumbayev.")
    sha = content_sha256(text)
    return Document(doc_id=sha[:20], sha256=sha, source=f"t/{i}.txt", text=text,
                    title=f"Report {i}", published=day)


PLACE = {"geonameid": 1516905, "name": "Taraz", "feature_code": "PPLA", "lat": 42.9,
         "lon": 71.36667, "country_code": "KZ", "admin1": "Zhambyl", "admin1_code": "17",
         "admin2": None, "score": 0.9, "source": "gazetteer"}


def store_events(db: Database, days: list[date], *, deadliest: int = 0) -> None:
    """One report and event per day; the event of report ``deadliest`` killed 9, others 1."""
    for i, day in enumerate(days):
        doc = document(i, day)
        db.add_document(doc)
        text = doc.text
        start = text.index("attack")
        place = {**PLACE, "start": 0, "end": 6, "text": text[:6]}
        event = {
            "event_id": f"ev{i}", "event_type": "Violence against civilians",
            "sub_event_type": "Attack", "trigger": {"start": start, "end": start + 6,
                                                    "text": "attack"},
            "date": {"start_date": day.isoformat(), "end_date": day.isoformat(),
                     "precision": "day", "assumed": False},
            "location": place, "actor1": None, "actor2": None, "participants": [],
            "fatalities": 9 if i == deadliest else 1, "injured": None, "arrested": None,
            "evidence": [{"start": 0, "end": text.index(".") + 1}], "confidence": 0.8,
        }
        q = text.index(QUOTE)
        s = text.index("governor")
        quote = {"start": q, "end": q + len(QUOTE), "text": QUOTE,
                 "speaker": {"start": s, "end": len(text) - 1, "text": text[s:-1]}}
        result = {"schema": "watchfloor.extract/1", "text": text, "places": [place],
                  "actors": [], "dates": [], "quantities": [], "quotes": [quote],
                  "events": [event], "errors": []}
        db.save_extraction(doc.doc_id, result, version="test-1", config={})


