"""Where an event happened: the trigger's own clause, modifiers, lone mentions, capitals."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from watchfloor.extract.event_places import document_places, is_modifier, place_for
from watchfloor.extract.events import extract_events


def _place(text: str, name: str, *, country: str, code: str = "PPL",
           nth: int = 0) -> dict[str, Any]:
    start = [m.start() for m in re.finditer(re.escape(name), text)][nth]
    kind = {"PCLI": "country", "ADM1": "admin1"}.get(code, "city")
    return {"start": start, "end": start + len(name), "text": name, "name": name,
            "geonameid": hash((name, country)) % 100_000, "feature_code": code,
            "country_code": country, "kind": kind, "lat": 0.0, "lon": 0.0, "demonym": False}


def _locations(nlp: Any, text: str, places: list[dict[str, Any]]) -> list[str | None]:
    doc = nlp(text)
    events = extract_events(text, doc=doc, sentences=[(s.start_char, s.end_char)
                                                      for s in doc.sents],
                            places=places, actors=[], dates=[], quantities=[],
                            published=date(1990, 2, 4))
    return [(e["location"] or {}).get("name") for e in events]


def test_a_place_in_a_relative_clause_about_someone_else_does_not_locate(nlp: Any) -> None:
    text = ("GUATEMALA CITY, 4 FEB 90 (EFE) -- A report by the agency, whose main offices are "
            "in Mexico, says that a guerrilla column attacked the farm.")
    places = [_place(text, "GUATEMALA CITY", country="GT", code="PPLC"),
              _place(text, "Mexico", country="MX", code="PCLI")]
    assert _locations(nlp, text, places) == ["GUATEMALA CITY"]


def test_a_sister_clause_with_its_own_subject_does_not_locate(nlp: Any) -> None:
    text = ("BOGOTA, 27 AUG 89 (REUTER) -- Seven of these bombs exploded, causing damage, and "
            "the justice minister went to the United States on 25 August.")
    places = [_place(text, "BOGOTA", country="CO", code="PPLC"),
              _place(text, "United States", country="US", code="PCLI")]
    assert _locations(nlp, text, places) == ["BOGOTA"]


def test_a_place_below_the_trigger_still_locates(nlp: Any) -> None:
    text = ("LIMA, 10 JAN 90 (EFE) -- Police said that a bomb exploded last night at a school "
            "in Huancayo, which lies in the central highlands.")
    places = [_place(text, "LIMA", country="PE", code="PPLC"),
              _place(text, "Huancayo", country="PE")]
    assert _locations(nlp, text, places) == ["Huancayo"]


def test_a_country_qualifying_a_noun_is_not_the_location(nlp: Any) -> None:
    text = ("CARACAS, 15 JUL 89 (DPA) -- Unidentified assailants kidnapped the brother of "
            "Venezuela's first lady in Colombia's northern Santander department.")
    places = [_place(text, "CARACAS", country="VE", code="PPLC"),
              _place(text, "Venezuela", country="VE", code="PCLI"),
              _place(text, "Colombia", country="CO", code="PCLI"),
              _place(text, "Santander", country="CO", code="ADM1")]
    [location] = _locations(nlp, text, places)
    assert location in ("Colombia", "Santander")


def test_is_modifier_without_a_parse() -> None:
    text = "the brother of VENEZUELA'S FIRST LADY in COLOMBIA'S SANTANDER DEPARTMENT"
    venezuela = _place(text, "VENEZUELA", country="VE", code="PCLI")
    colombia = _place(text, "COLOMBIA", country="CO", code="PCLI")
    assert is_modifier(text, venezuela)
    assert not is_modifier(text, colombia)  # it qualifies a place: "Colombia's department"
    town = _place("the LIMA'S MAYOR", "LIMA", country="PE")
    assert not is_modifier("the LIMA'S MAYOR", town)  # towns qualifying a noun still locate


def test_a_capital_named_once_locates_when_the_event_is_in_it(nlp: Any) -> None:
    text = ("TEGUCIGALPA, 29 APR 88 (EFE) -- Honduras is calm. On the same day, 13 persons "
            "died in San Salvador as a result of a bomb explosion.")
    places = [_place(text, "TEGUCIGALPA", country="HN", code="PPLC"),
              _place(text, "Honduras", country="HN", code="PCLI"),
              _place(text, "San Salvador", country="SV", code="PPLC")]
    assert _locations(nlp, text, places)[-1] == "San Salvador"


def test_a_lone_foreign_name_not_attached_by_in_does_not_locate() -> None:
    text = ("LIMA, 10 JAN 90 (EFE) -- The mouthpiece of the Revolutionary Unity says that "
            "guerrillas attacked the farm. Peru was calm.")
    places = [_place(text, "LIMA", country="PE", code="PPLC"),
              _place(text, "Unity", country="SS", code="ADM1"),
              _place(text, "Peru", country="PE", code="PCLI")]
    geography = document_places(text, places)
    assert geography.home == "PE" and geography.lone == frozenset({"SS"})
    sent = (text.index("The mouthpiece"), text.index(" Peru was"))
    trigger = (text.index("attacked"), text.index("attacked") + len("attacked"))
    assert place_for(text, sent, trigger, places, geography) is None


def test_without_a_dateline_place_an_event_falls_back_to_the_story_country() -> None:
    # "CLANDESTINE" names no place: the fallback is the most named place of the country
    # the story is about (by places and actors), not a province named once that merely
    # ranks first as a named area
    text = ("CLANDESTINE, 14 NOV 89 -- COL VARGAS ORDERED MORE TROOPS. CLASHES CONTINUED "
            "NEAR SAN MIGUEL, AND THE SALVADORAN ARMY SHELLED SAN MIGUEL AGAIN.")
    places = [_place(text, "VARGAS", country="VE", code="ADM1"),
              _place(text, "SAN MIGUEL", country="SV"),
              _place(text, "SAN MIGUEL", country="SV", nth=1)]
    actors = [{"start": text.index("SALVADORAN ARMY"), "end": text.index(" SHELLED"),
               "text": "SALVADORAN ARMY", "country": "SV"}]
    geography = document_places(text, places, actors)
    assert geography.dateline is None
    assert geography.fallback is not None and geography.fallback["country_code"] == "SV"
    # with a dateline place, events without a place of their own fall back to it
    filed = "SAN SALVADOR, 14 NOV 89 (EFE) -- " + text.split("-- ", 1)[1]
    places = [_place(filed, "SAN SALVADOR", country="SV", code="PPLC"),
              _place(filed, "VARGAS", country="VE", code="ADM1")]
    fallback = document_places(filed, places, []).fallback
    assert fallback is not None and fallback["text"] == "SAN SALVADOR"


def test_a_correspondents_dateline_gives_way_to_the_story_country() -> None:
    # Filed from San Jose about Guatemala, which is named three times to Costa Rica's once
    # (the dateline): events with no place of their own happened in Guatemala.
    text = ("SAN JOSE, 3 FEB 90 (ACAN) -- Guatemalan soldiers clashed with rebels in "
            "Quetzaltenango on Friday, and the army said Quetzaltenango was quiet again. "
            "The attack was the third this month, officials said.")
    places = [_place(text, "SAN JOSE", country="CR", code="PPLC"),
              _place(text, "Quetzaltenango", country="GT", code="PPLA"),
              _place(text, "Quetzaltenango", country="GT", code="PPLA", nth=1)]
    actors = [{"start": text.index("Guatemalan soldiers"), "end": text.index(" clashed"),
               "text": "Guatemalan soldiers", "country": "GT"}]
    fallback = document_places(text, places, actors).fallback
    assert fallback is not None and fallback["text"] == "Quetzaltenango"
    # named only as often as the dateline's country, the dateline still wins
    fallback = document_places(text, places[:2], []).fallback
    assert fallback is not None and fallback["text"] == "SAN JOSE"
