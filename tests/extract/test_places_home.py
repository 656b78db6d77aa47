"""A source's home area: learnt from its other reports, used as a prior in resolution."""

from __future__ import annotations

from collections import Counter
from typing import Any

from watchfloor.extract.pipeline import Extractor
from watchfloor.extract.places import PlaceContext, places_from_entities
from watchfloor.extract.places_home import (
    HomeArea,
    ReportAreas,
    SourceProfile,
    source_key,
)
from watchfloor.extract.places_recognise import EntitySpan
from watchfloor.extract.runner import extract_documents
from watchfloor.ingest.dedup import content_sha256
from watchfloor.knowledge.gazetteer import Gazetteer
from watchfloor.records import Document
from watchfloor.store import Database


def _place(cc: str, a1: str | None, kind: str = "city", score: float = 0.9,
           demonym: bool = False) -> dict[str, Any]:
    return {"country_code": cc, "admin1_code": a1, "kind": kind, "score": score,
            "demonym": demonym}


def test_source_key() -> None:
    assert source_key(publisher="  The  Paris Post ", url="https://x.org/a") == "the paris post"
    assert source_key(url="https://www.parispi.net/news/1.html") == "parispi.net"
    assert source_key(url="report.txt") is None and source_key() is None


def test_report_areas_keep_confident_located_places() -> None:
    areas = ReportAreas.from_places([
        _place("US", "TN"), _place("US", "TN", kind="admin2"), _place("FR", "11", score=0.2),
        _place("GB", None, kind="country"), _place("DE", None, kind="country", demonym=True),
        _place("US", "TX", kind="continent"),
    ])
    assert areas == ReportAreas(countries=frozenset({"US", "GB"}),
                                regions=frozenset({("US", "TN")}))
    assert ReportAreas.from_dict(areas.to_dict()) == areas


def _profile(reports: list[tuple[set[str], set[tuple[str, str]]]]) -> SourceProfile:
    profile = SourceProfile()
    for countries, regions in reports:
        profile.add(ReportAreas(countries=frozenset(countries), regions=frozenset(regions)))
    return profile


def test_home_area_of_a_local_source() -> None:
    tn = ({"US"}, {("US", "TN")})
    profile = _profile([tn, tn, tn, ({"US", "FR"}, set()), ({"IQ"}, set())])
    home = profile.area()
    assert home is not None
    assert home.regions == {("US", "TN"): 0.6} and home.countries == {"US": 0.8}
    # the report being resolved again is left out of its own evidence
    left = profile.area(leave_out=ReportAreas(countries=frozenset({"US"}),
                                              regions=frozenset({("US", "TN")})))
    assert left is not None and left.regions == {("US", "TN"): 0.5}


def test_no_home_for_few_reports_or_a_source_that_writes_about_everywhere() -> None:
    assert _profile([({"US"}, {("US", "TN")})] * 2).area() is None
    # the United States in half the reports, but a third of all the (report, country) pairs
    everywhere = _profile([({"US", "FR"}, set()), ({"US", "CN"}, set()), ({"US", "BR"}, set()),
                           ({"KE"}, set()), ({"IN"}, set()), ({"RU"}, set())])
    assert everywhere.area() is None
    # a local paper names its own country in most reports and others now and then
    local = _profile([({"US"}, set())] * 4 + [({"US", "IQ"}, set()), ({"AF"}, set())])
    assert local.area() is not None


def test_home_area_decides_between_namesakes(gazetteer: Gazetteer) -> None:
    text = "The festival in Paris drew crowds."
    spans = [EntitySpan(start=16, end=21, label="GPE")]
    alone = places_from_entities(text, spans, gazetteer=gazetteer)
    assert alone[0]["country_code"] == "FR"
    home = HomeArea(countries={"US": 0.9}, regions={("US", "TN"): 0.7}, documents=10)
    local = places_from_entities(text, spans, gazetteer=gazetteer,
                                 context=PlaceContext(home=home))
    assert (local[0]["country_code"], local[0]["admin1_code"]) == ("US", "TN")
    # a home area is a prior: it does not move a place the text itself pins down
    text = "The festival in Paris, France drew crowds."
    pinned = places_from_entities(
        text, [EntitySpan(start=16, end=21, label="GPE"), EntitySpan(start=23, end=29,
                                                                    label="GPE")],
        gazetteer=gazetteer, context=PlaceContext(home=home))
    assert pinned[0]["country_code"] == "FR"


def _doc(text: str, publisher: str) -> Document:
    sha = content_sha256(text)
    return Document(doc_id=sha[:20], sha256=sha, source="t.txt", text=text,
                    publisher=publisher)


LOCAL_REPORTS = [
    "Deputies in Henry County, Tennessee searched a barn near Puryear on Monday.",
    "The Henry County school board in Tennessee met to discuss the budget.",
    "Firefighters from Puryear and Springville in Tennessee put out a grass fire.",
    "A Henry County, Tennessee man was charged with theft in Cottage Grove.",
]


def test_ingested_reports_teach_their_source_a_home(db: Database) -> None:
    extractor = Extractor()
    for text in LOCAL_REPORTS:
        db.add_document(_doc(text, "Henry County Courier"))
    festival = _doc("The festival in Paris drew crowds.", "Henry County Courier")
    db.add_document(festival)
    first = extract_documents(db, extractor=extractor)
    assert first["extracted"] == 5
    before = db.get_extraction(festival.doc_id)
    assert before is not None and before["areas"]["source_key"] == "henry county courier"
    paris = [p for p in before["places"] if p["text"] == "Paris"]
    assert paris[0]["country_code"] == "FR"  # nothing was stored for the source yet
    documents, countries, regions = db.source_area_counts("henry county courier")
    assert documents == 5 and countries["US"] == 4 and regions[("US", "TN")] == 4
    assert SourceProfile(documents=documents, countries=Counter(countries),
                         regions=Counter(regions)).area() is not None
    # re-extraction reads the source's stored areas: Paris is now the one in Tennessee
    again = extract_documents(db, extractor=extractor, only_missing=False)
    assert again["extracted"] == 5
    after = db.get_extraction(festival.doc_id)
    assert after is not None
    paris = [p for p in after["places"] if p["text"] == "Paris"]
    assert (paris[0]["country_code"], paris[0]["admin1_code"]) == ("US", "TN")
    # the evidence is read without the home area: a third pass changes nothing
    assert after["areas"] == before["areas"]
    extract_documents(db, extractor=extractor, only_missing=False)
    final = db.get_extraction(festival.doc_id)
    assert final is not None and final["places"] == after["places"]
    # without source context the report stands alone again
    extract_documents(db, extractor=extractor, only_missing=False, source_context=False)
    alone = db.get_extraction(festival.doc_id)
    assert alone is not None
    assert next(p for p in alone["places"] if p["text"] == "Paris")["country_code"] == "FR"
