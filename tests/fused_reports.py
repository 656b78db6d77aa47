"""Invented reports of one incident (a bombing in Taraz told by three sources that disagree
on the death toll) and of an unrelated one, stored through the real storage API with
hand-made extraction results: for the fusion tests (store, CLI, API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from watchfloor.ingest.dedup import content_sha256
from watchfloor.records import Document
from watchfloor.store import Database

TARAZ = {"geonameid": 1516905, "name": "Taraz", "feature_code": "PPLA", "lat": 42.9,
         "lon": 71.36667, "country_code": "KZ", "admin1": "Zhambyl", "admin1_code": "17",
         "score": 0.9}
OSH = {"geonameid": 1527534, "name": "Osh", "feature_code": "PPLA", "lat": 40.52828,
       "lon": 72.7985, "country_code": "KG", "admin1": "Osh", "admin1_code": "08",
       "score": 0.9}
DAY = date(2011, 11, 12)


@dataclass(frozen=True)
class Story:
    name: str
    sentence: str
    place: dict[str, object]
    killed: int
    day: date = DAY

    @property
    def text(self) -> str:
        return f"{self.sentence} More details were not available."

    @property
    def doc_id(self) -> str:
        return content_sha256(self.text)[:20]

    @property
    def event_id(self) -> str:
        return f"ev-{self.name}"

    @property
    def key(self) -> str:
        return f"{self.doc_id}/{self.event_id}"


WIRE = Story("wire", "A suicide bomber killed 14 people outside the regional police "
             "headquarters in Taraz on Saturday.", TARAZ, 14)
LOCAL = Story("local", "Sixteen people were killed when a suicide bomber struck the police "
              "headquarters in Taraz on Saturday.", TARAZ, 16)
LATE = Story("late", "The suicide bomber who struck the police headquarters in Taraz killed "
             "14 people, officials said.", TARAZ, 14)
OTHER = Story("other", "Two border guards were killed in a clash with smugglers near Osh on "
              "Saturday.", OSH, 2)


def store(db: Database, story: Story, *, event_type: str = "Explosions/Remote violence",
          day: date | None = None) -> None:
    """Store the report (once) and save its extraction result (again each call; ``day``
    changes the event's date, as a different extraction of the same text would)."""
    when = (day or story.day).isoformat()
    text = story.text
    if db.get_document(story.doc_id) is None:
        sha = content_sha256(text)
        db.add_document(Document(doc_id=story.doc_id, sha256=sha, source=f"t/{story.name}.txt",
                                 text=text, title=f"Report {story.name}",
                                 published=story.day))
    end = text.index(".") + 1
    name = str(story.place["name"])
    start = text.index(name)
    event = {
        "event_id": story.event_id, "event_type": event_type,
        "sub_event_type": "Suicide bomb" if event_type.startswith("Explosions") else None,
        "date": {"start_date": when, "end_date": when,
                 "precision": "day", "assumed": False},
        "location": {**story.place, "start": start, "end": start + len(name), "text": name},
        "actor1": None, "actor2": None, "participants": [], "fatalities": story.killed,
        "injured": None, "arrested": None, "evidence": [{"start": 0, "end": end}],
        "confidence": 0.8,
    }
    result = {"schema": "watchfloor.extract/1", "text": text, "places": [], "actors": [],
              "dates": [], "quantities": [], "quotes": [], "events": [event], "errors": []}
    db.save_extraction(story.doc_id, result, version="test-1", config={})
