"""Several events in one sentence: coordinated event nouns and acts in a list of places."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from watchfloor.extract.event_triggers import unreal_by_window
from watchfloor.extract.events import extract_events


def _place(text: str, name: str, country: str, code: str = "PPL") -> dict[str, Any]:
    start = text.index(name)
    return {"start": start, "end": start + len(name), "text": name, "name": name,
            "geonameid": sum(map(ord, name)), "feature_code": code, "country_code": country,
            "lat": 0.0, "lon": 0.0, "demonym": False}


def _date(text: str, phrase: str, start: str, end: str, precision: str) -> dict[str, Any]:
    i = text.index(phrase)
    return {"start": i, "end": i + len(phrase), "text": phrase, "start_date": start,
            "end_date": end, "precision": precision, "anchor": "absolute"}


def _events(nlp: Any, text: str, places: list[dict[str, Any]],
            dates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sentences = [(m.start(), m.end()) for m in re.finditer(r"[^.]+\.?", text)]
    return extract_events(text, doc=nlp(text), sentences=sentences, places=places, actors=[],
                          dates=dates, quantities=[], published=date(2019, 12, 31))


def test_coordinated_event_nouns_keep_their_own_dates_and_places(nlp: Any) -> None:
    text = ("In 2019 the province saw its first car bombing in its history in March and "
            "several shootings of soldiers across the region in towns like Dara, Sella and "
            "Kumba.")
    places = [_place(text, n, "CM") for n in ("Dara", "Sella", "Kumba")]
    places.append(_place(text, "province", "CM", code="ADM1"))
    dates = [_date(text, "2019", "2019-01-01", "2019-12-31", "year"),
             _date(text, "March", "2019-03-01", "2019-03-31", "month")]
    events = _events(nlp, text, places, dates)
    bombing = [e for e in events if e["event_type"] == "Explosions/Remote violence"]
    assert len(bombing) == 1
    assert bombing[0]["date"]["precision"] == "month"
    assert bombing[0]["location"]["name"] == "province"  # not a town of the shootings
    shootings = [e for e in events if e["trigger"]["text"] == "shootings"]
    assert [e["location"]["name"] for e in shootings] == ["Dara", "Sella", "Kumba"]
    assert {e["date"]["precision"] for e in shootings} == {"year"}
    assert len({e["event_id"] for e in events}) == len(events)


def test_one_act_with_several_verbs_stays_one_event(nlp: Any) -> None:
    text = "The bombing and shooting at the embassy in Dara killed four people."
    events = _events(nlp, text, [_place(text, "Dara", "CM")], [])
    assert len(events) == 1


def test_a_single_act_is_not_copied_to_other_places(nlp: Any) -> None:
    text = "Rebels attacked a convoy near Dara, Sella and Kumba were calm."
    events = _events(nlp, text, [_place(text, n, "CM") for n in ("Dara", "Sella", "Kumba")],
                     [])
    assert len(events) == 1 and events[0]["location"]["name"] == "Dara"


def test_the_month_may_is_not_a_modal() -> None:
    for text, word in [("in May and several attacks", "attacks"),
                       ("IN MAY AND SEVERAL ATTACKS", "ATTACKS"),
                       ("on 17 May gunmen attacked", "attacked")]:
        assert not unreal_by_window(text, text.index(word), 0), text
    for text, word in [("the rebels may attack", "attack"), ("THE REBELS MAY ATTACK", "ATTACK")]:
        assert unreal_by_window(text, text.index(word), 0), text
