"""Lists of places: coordination, plural type words, one kind per list."""

from __future__ import annotations

import pytest

from watchfloor.extract import places_resolve
from watchfloor.extract.places import places_from_entities
from watchfloor.extract.places_lists import (
    coordinated,
    elided_names,
    joined_runs,
    plural_admin_items,
    plural_level,
    singular,
)
from watchfloor.extract.places_recognise import EntitySpan, Mention
from watchfloor.knowledge.gazetteer import Gazetteer


def _mentions(text: str, *names: str) -> list[Mention]:
    out, pos = [], 0
    for name in names:
        start = text.index(name, pos)
        out.append(Mention(start=start, end=start + len(name), text=name, source="ner"))
        pos = start + len(name)
    return out


def _gpe(text: str, *names: str) -> list[EntitySpan]:
    return [EntitySpan(start=m.start, end=m.end, label="GPE") for m in _mentions(text, *names)]


def test_runs_and_coordination() -> None:
    text = "Trucks left Alpha, Beta and in Gamma; later Delta, Epsilon went on to Zeta."
    ms = _mentions(text, "Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta")
    runs = joined_runs(text, ms)
    assert runs == [[0, 1, 2], [3, 4], [5]]
    assert coordinated(text, ms, runs[0])  # "and in" repeats the preposition
    assert not coordinated(text, ms, runs[1])  # a comma chain may be a hierarchy
    assert not coordinated(text, ms, runs[2])


def test_plural_type_words_around_a_list() -> None:
    text = "Roads closed in Alpha, Beta and Gamma counties; the provinces of Delta and Epsilon."
    ms = _mentions(text, "Alpha", "Beta", "Gamma", "Delta", "Epsilon")
    assert plural_admin_items(text, ms) == {0: "counties", 1: "counties", 2: "counties",
                                            3: "provinces", 4: "provinces"}
    assert plural_level("counties") == "admin2" and plural_level("provinces") == "admin1"
    assert singular("counties") == "County" and singular("provinces") == "Province"
    # one name before a plural is a group ("the Gulf states"), not a unit
    text = "Ministers of the Gulf states and Alpha met."
    assert plural_admin_items(text, _mentions(text, "Gulf", "Alpha")) == {}
    text = "The Gulf states met."
    assert plural_admin_items(text, _mentions(text, "Gulf")) == {}


def test_counties_named_by_a_plural_after_their_list(gazetteer: Gazetteer) -> None:
    # bare "Becker" and "Grant" are towns in Minnesota; "counties" makes them the counties
    text = "High water closed roads in Becker, Clay and Grant counties on Friday."
    places = places_from_entities(text, _gpe(text, "Becker", "Clay", "Grant"),
                                  gazetteer=gazetteer)
    assert [(p["kind"], p["admin1_code"]) for p in places] == [("admin2", "MN")] * 3


def test_provinces_of_a_list_find_units_called_with_the_type_word(
    gazetteer: Gazetteer,
) -> None:
    # Kenya's former Western Province is known only by its full name
    text = "Clashes were reported in the provinces of Nyanza, Rift Valley and Western."
    places = places_from_entities(text, _gpe(text, "Nyanza", "Rift Valley", "Western"),
                                  gazetteer=gazetteer)
    assert [p["country_code"] for p in places] == ["KE"] * 3


def test_items_of_a_list_are_of_one_kind(gazetteer: Gazetteer) -> None:
    # a town called Wales lies in England; beside England, Wales is the nation
    text = "Hospitals in Wales and in England prepared for a pandemic."
    places = places_from_entities(text, _gpe(text, "Wales", "England"), gazetteer=gazetteer)
    assert [(p["name"], p["kind"]) for p in places] == [("Wales", "admin1"),
                                                        ("England", "admin1")]
    # a name with many namesake towns does not make its partner a town
    text = "Voters in Oregon and Washington approved the measure."
    places = places_from_entities(text, _gpe(text, "Oregon", "Washington"),
                                  gazetteer=gazetteer)
    assert [(p["kind"], p["admin1_code"]) for p in places] == [("admin1", "OR"),
                                                               ("admin1", "WA")]


def test_elided_coordination() -> None:
    text = "Storms hit Central and South America, then Georgia and South Carolina."
    ms = _mentions(text, "Central", "South America", "Georgia", "South Carolina")
    assert elided_names(text, ms) == {0: "Central America", 2: "Georgia Carolina"}


def test_elided_coordination_resolves_where_the_full_name_is_known(
    gazetteer: Gazetteer,
) -> None:
    text = "Storms hit Central and South America, then Georgia and South Carolina."
    names = ("Central", "South America", "Georgia", "South Carolina")
    places = places_from_entities(text, _gpe(text, *names), gazetteer=gazetteer)
    assert [p["name"] for p in places] == ["Central America", "South America", "Georgia",
                                           "South Carolina"]
    assert places[2]["admin1_code"] == "GA"  # "Georgia Carolina" is no name: unchanged
    text = "Talks between North and South Korea resumed."
    places = places_from_entities(text, _gpe(text, "North", "South Korea"),
                                  gazetteer=gazetteer)
    assert [p["country_code"] for p in places] == ["KP", "KR"]


def test_an_unknown_parent_constrains_nothing(
    gazetteer: Gazetteer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # "Bockel (Luxembourg, Zorblyx Club)": a comma before a name the gazetteer does not
    # know is no hierarchy, so that mention does not dictate the reading of the others
    seen: list[dict[int, int]] = []
    one_sense = places_resolve._one_sense

    def spy(keys, scores, queries, chosen, parents):  # type: ignore[no-untyped-def]
        seen.append(dict(parents))
        return one_sense(keys, scores, queries, chosen, parents)

    monkeypatch.setattr(places_resolve, "_one_sense", spy)
    text = "Riders from Belgium and Luxembourg raced; Bockel (Luxembourg, Zorblyx Club) won."
    names = ("Belgium", "Luxembourg", "Luxembourg", "Zorblyx Club")
    places = places_from_entities(text, _gpe(text, *names), gazetteer=gazetteer)
    assert seen and all(parents == {} for parents in seen)
    assert places[1]["place_id"] == places[2]["place_id"]
