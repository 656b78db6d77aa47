from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from watchfloor.extract.places import PlaceContext, extract_places, places_from_entities
from watchfloor.extract.places_recognise import (
    EntitySpan,
    Mention,
    is_all_caps,
    recase,
    russian_base_forms,
    trim_span,
)
from watchfloor.extract.places_resolve import (
    base_score,
    haversine_km,
    inside,
    is_dateline,
    located_in_parents,
)
from watchfloor.knowledge.gazetteer import Candidate, Gazetteer

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"


def _gpe(text: str, *names: str) -> list[EntitySpan]:
    spans, pos = [], 0
    for name in names:
        start = text.index(name, pos)
        spans.append(EntitySpan(start=start, end=start + len(name), label="GPE"))
        pos = start + len(name)
    return spans


def _cand(**kw: object) -> Candidate:
    base: dict[str, object] = dict(
        id=1, geonameid=1, supplement_id=None, name="X", kind="city", feature_code="PPL",
        lat=0.0, lon=0.0, country_code="US", admin1_code="IL", admin2_code=None,
        population=1000, quality=3,
    )
    base.update(kw)
    return Candidate(**base)  # type: ignore[arg-type]


def test_base_score_prefers_countries_and_big_places() -> None:
    country = _cand(kind="country", feature_code="PCLI", population=3_700_000)
    village = _cand(population=600)
    assert base_score(country) > base_score(village)
    assert base_score(_cand(population=10_000_000)) > base_score(_cand(population=10_000))
    assert base_score(_cand(quality=1)) < base_score(_cand(quality=3))
    assert base_score(_cand(fuzzy=True)) < base_score(_cand())


def test_inside_by_admin_codes() -> None:
    state = _cand(id=2, kind="admin1", feature_code="ADM1")
    assert inside(_cand(), state)
    assert not inside(_cand(admin1_code="GA"), state)
    assert inside(_cand(), _cand(id=3, kind="country", admin1_code=None))


def test_haversine() -> None:
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.2, abs=0.2)


def test_trim_span_and_caps() -> None:
    text = "in the Rasht Valley's east"
    start, end = trim_span(text, 3, 21)
    assert text[start:end] == "Rasht Valley"
    # a period followed by a comma ends an abbreviation, not a sentence; "W. Va." keeps it
    text = "Sen. Roe, D-Pa., said so in Pa. Rep. Doe, D-W. Va. agreed."
    assert [text[slice(*trim_span(text, i, i + n))] for i, n in
            ((text.index("Pa.,"), 4), (text.index("Pa. Rep"), 4), (text.index("W. Va."), 7))
            ] == ["Pa.", "Pa", "W. Va."]
    assert is_all_caps("BOMB EXPLODES IN LIMA, PERU, KILLING THREE PEOPLE TODAY")
    assert not is_all_caps("A bomb exploded in Lima, Peru.")


@pytest.mark.parametrize(("text", "names", "first_cc", "first_admin1"), [
    ("Flooding hit Cairo, Illinois on Monday.", ("Cairo", "Illinois"), "US", "IL"),
    ("A bomb went off in San Isidro, Lima.", ("San Isidro", "Lima"), "PE", "15"),
    ("Gunmen shot two officers in Taraz, Zhambyl region.", ("Taraz", "Zhambyl region"),
     "KZ", "17"),
    ("The mayor of Springfield, Ill., resigned.", ("Springfield",), "US", "IL"),
])
def test_hierarchy_resolves_inside_parent(
    gazetteer: Gazetteer, text: str, names: tuple[str, ...], first_cc: str, first_admin1: str
) -> None:
    places = places_from_entities(text, _gpe(text, *names), gazetteer=gazetteer)
    assert places[0]["country_code"] == first_cc
    assert places[0]["admin1_code"] == first_admin1


def test_a_place_missing_from_its_named_country_stays_unresolved(gazetteer: Gazetteer) -> None:
    # no Springfield lies in Peru: a namesake in the United States would be the wrong country
    text = "A bomb exploded in Springfield, Peru, police said."
    found = places_from_entities(text, _gpe(text, "Springfield", "Peru"), gazetteer=gazetteer)
    assert [(p["text"], p["country_code"]) for p in found] == [
        ("Springfield", None), ("Peru", "PE")]
    assert found[0]["resolved"] is False  # the NER toponym is kept, without coordinates
    # "de" joins a place to its country as a comma does
    text = "Students of the Springfield de Peru school marched."
    found = places_from_entities(text, _gpe(text, "Springfield", "Peru"), gazetteer=gazetteer)
    assert [p["country_code"] for p in found] == [None, "PE"]
    # a reading inside the named unit is kept; a list of places is no hierarchy
    for text, names in (("A bomb exploded in Springfield, Illinois, police said.",
                         ("Springfield", "Illinois")),
                        ("Strains from Springfield, Peru and Chile were found.",
                         ("Springfield", "Peru", "Chile"))):
        found = places_from_entities(text, _gpe(text, *names), gazetteer=gazetteer)
        assert found[0]["country_code"] == "US"


def test_located_in_is_a_hierarchy_when_the_second_name_is_larger(
    gazetteer: Gazetteer,
) -> None:
    text = "Ministers from France, Germany and Italy met in Paris in Texas."
    names = ("France", "Germany", "Italy", "Paris", "Texas")
    places = places_from_entities(text, _gpe(text, *names), gazetteer=gazetteer)
    assert (places[3]["country_code"], places[3]["admin1_code"]) == ("US", "TX")
    text = "Ducks were shot in Crawford County, located in Pennsylvania, and Alpha in Beta."
    mentions = [Mention(start=text.index(n), end=text.index(n) + len(n), text=n,
                        source="ner")
                for n in ("Crawford County", "Pennsylvania", "Alpha", "Beta")]
    # ranks: county 1, state 2; "Alpha in Beta" with Beta no larger is not a hierarchy
    assert located_in_parents(text, mentions, [1, 2, 2, 0]) == {0: 1}


def test_abbreviated_words_and_parts_of_places(gazetteer: Gazetteer) -> None:
    text = "Crowds filled the clinic in St. Marc after the storm."
    places = places_from_entities(text, _gpe(text, "St. Marc"), gazetteer=gazetteer)
    assert [(p["name"], p["country_code"]) for p in places] == [("Saint-Marc", "HT")]
    text = "Planes sprayed North Dallas and the Municipal Corporation of Greater Mumbai met."
    places = places_from_entities(text, _gpe(text, "North Dallas", "Greater Mumbai"),
                                  gazetteer=gazetteer)
    assert [(p["name"], p["country_code"]) for p in places] == [("Dallas", "US"),
                                                               ("Mumbai", "IN")]
    # a direction before a region (not a big city) is not taken for that region
    text = "Farmers of the Central Plateau suffered."
    places = places_from_entities(text, _gpe(text, "Central Plateau"), gazetteer=gazetteer)
    assert places[0]["resolved"] is False


def test_a_dateline_names_a_city(gazetteer: Gazetteer) -> None:
    # beside a list of states "Washington" would be the state; opening a dateline it is
    # the capital
    states = ("Oregon", "Idaho", "Montana")
    for text, name in (("WASHINGTON — Senators from Oregon, Idaho and Montana voted.",
                        "WASHINGTON"),
                       ("Bonuses taxed. WASHINGTON — Senators from Oregon, Idaho and "
                        "Montana voted.", "WASHINGTON"),
                       ("Washington (AP) -- Senators from Oregon, Idaho and Montana voted.",
                        "Washington")):
        places = places_from_entities(text, _gpe(text, name, *states), gazetteer=gazetteer)
        assert (places[0]["kind"], places[0]["admin1_code"]) == ("city", "DC"), text
        start = text.index(name)
        assert is_dateline(text, Mention(start=start, end=start + len(name), text=name,
                                         source="ner"))
    # inside a sentence, or in lower case after a full stop, a name and a dash are none
    for text, name in (("The team beat WASHINGTON - and won the cup.", "WASHINGTON"),
                       ("It rained. Georgia - the state - flooded.", "Georgia")):
        start = text.index(name)
        assert not is_dateline(text, Mention(start=start, end=start + len(name), text=name,
                                             source="ner"))


def test_a_list_of_places_is_not_a_hierarchy(gazetteer: Gazetteer) -> None:
    # "Iraq, Iran" inside a list is two countries, not a city of Iran named like Iraq;
    # "Oklahoma, Pennsylvania" in a list of states is the state, not Oklahoma, PA.
    text = "The agency warned Armenia, Azerbaijan, Georgia, Iraq, Iran, and Syria."
    names = ("Armenia", "Azerbaijan", "Georgia", "Iraq", "Iran", "Syria")
    places = places_from_entities(text, _gpe(text, *names), gazetteer=gazetteer)
    assert [p["feature_code"] for p in places] == ["PCLI"] * 6
    assert places[3]["country_code"] == "IQ"
    text = "Cases were found in Georgia, Oklahoma, Pennsylvania, Wisconsin and California."
    names = ("Georgia", "Oklahoma", "Pennsylvania", "Wisconsin", "California")
    places = places_from_entities(text, _gpe(text, *names), gazetteer=gazetteer)
    assert [(p["country_code"], p["feature_code"]) for p in places] == [("US", "ADM1")] * 5
    text = "Many countries, among them China, Japan, and the United Kingdom, were warned."
    names = ("China", "Japan", "United Kingdom")
    places = places_from_entities(text, _gpe(text, *names), gazetteer=gazetteer)
    assert [p["country_code"] for p in places] == ["CN", "JP", "GB"]
    # inside a list, a comma before a larger unit is still a hierarchy
    text = "Flights from Springfield, Ill., and Austin, Texas were cancelled."
    places = places_from_entities(text, _gpe(text, "Springfield", "Ill.", "Austin", "Texas"),
                                  gazetteer=gazetteer)
    assert [p["admin1_code"] for p in places] == ["IL", "IL", "TX", "TX"]


def test_former_first_level_units_and_country_names(gazetteer: Gazetteer) -> None:
    # Kenya's provinces (abolished in 2013) are still named in reports; no admin1 code is
    # known for them, so each is its own admin1 and nothing is taken to lie inside it.
    text = "Most cases were in Nyanza Province and the Rift Valley, Kenya."
    places = places_from_entities(text, _gpe(text, "Nyanza Province", "Rift Valley", "Kenya"),
                                  gazetteer=gazetteer)
    assert [(p["country_code"], p["kind"]) for p in places[:2]] == [("KE", "admin1")] * 2
    assert places[0]["admin1"] == places[0]["name"] and places[0]["admin1_code"] is None
    text = "An outbreak of Ebola in Zaire was reported to the EU."
    places = places_from_entities(text, _gpe(text, "Zaire", "EU"), gazetteer=gazetteer)
    assert places[0]["country_code"] == "CD" and places[0]["feature_code"] == "PCLI"
    assert places[1]["supplement_id"] == "european-union"


def test_curated_features_outrank_hamlets_named_like_them(gazetteer: Gazetteer) -> None:
    text = "Migrating birds cross the Pacific every autumn."
    places = places_from_entities(text, _gpe(text, "Pacific"), gazetteer=gazetteer)
    assert places[0]["supplement_id"] == "pacific-ocean"


def test_exonym_of_a_big_city_and_small_regions(gazetteer: Gazetteer) -> None:
    # "Mecca" is an alternate name of Makkah, far more populous than Mecca, California
    text = "Pilgrims travelled to Mecca this week."
    places = places_from_entities(text, _gpe(text, "Mecca"), gazetteer=gazetteer)
    assert places[0]["country_code"] == "SA"
    # a first-level region smaller than a namesake city elsewhere loses its kind prior
    text = "The council of Portland met on Tuesday."
    places = places_from_entities(text, _gpe(text, "Portland"), gazetteer=gazetteer)
    assert (places[0]["country_code"], places[0]["kind"]) == ("US", "city")
    text = "Bushfires spread across Victoria."
    places = places_from_entities(text, _gpe(text, "Victoria"), gazetteer=gazetteer)
    assert (places[0]["country_code"], places[0]["kind"]) == ("AU", "admin1")


def test_document_context_picks_the_local_namesake(gazetteer: Gazetteer) -> None:
    text = "Police in Georgia said Atlanta and Savannah were quiet."
    places = places_from_entities(text, _gpe(text, "Georgia", "Atlanta", "Savannah"),
                                  gazetteer=gazetteer)
    assert places[0]["country_code"] == "US" and places[0]["feature_code"] == "ADM1"
    text = "Russia and Georgia fought over Tbilisi and South Ossetia."
    places = places_from_entities(text, _gpe(text, "Russia", "Georgia", "Tbilisi"),
                                  gazetteer=gazetteer)
    assert places[1]["country_code"] == "GE"


def _spans(text: str, *pairs: tuple[str, str]) -> list[EntitySpan]:
    out, pos = [], 0
    for name, label in pairs:
        start = text.index(name, pos)
        out.append(EntitySpan(start=start, end=start + len(name), label=label))
        pos = start + len(name)
    return out


def test_context_votes_pull_ambiguous_names_together(gazetteer: Gazetteer) -> None:
    # Springfield alone is the largest namesake (Missouri); beside a county found only in
    # Illinois it is the Illinois one.
    alone = "Officers in Springfield responded."
    assert places_from_entities(alone, _gpe(alone, "Springfield"),
                                gazetteer=gazetteer)[0]["admin1_code"] == "MO"
    text = "Officers from Springfield and Sangamon County responded."
    places = places_from_entities(text, _gpe(text, "Springfield", "Sangamon County"),
                                  gazetteer=gazetteer)
    assert [(p["admin1_code"], p["kind"]) for p in places] == [("IL", "city"),
                                                                ("IL", "admin2")]


def test_local_support_picks_the_namesake_near_a_named_county(gazetteer: Gazetteer) -> None:
    # Paris alone is the French capital; beside Henry County it is Paris, Tennessee (the
    # seat of Henry County, Tennessee), not one of the other Parises or Henry Counties.
    alone = "The festival in Paris drew crowds."
    assert places_from_entities(alone, _gpe(alone, "Paris"),
                                gazetteer=gazetteer)[0]["country_code"] == "FR"
    text = "Residents of Paris and Henry County will vote on the school tax."
    places = places_from_entities(text, _gpe(text, "Paris", "Henry County"),
                                  gazetteer=gazetteer)
    assert [(p["country_code"], p["admin1_code"]) for p in places] == [("US", "TN"),
                                                                        ("US", "TN")]


def test_street_names_do_not_vote(gazetteer: Gazetteer) -> None:
    from watchfloor.extract.places_context import followed_by_street_word, voter_key

    text = "He lived at 12 Memphis St. in Alexandria."
    assert followed_by_street_word(text, text.index("Memphis") + len("Memphis"))
    assert not followed_by_street_word(text, text.index("Alexandria") + len("Alexandria"))
    assert voter_key("Dublin City") == voter_key("Dublin") == "dublin"
    places = places_from_entities(text, _gpe(text, "Memphis", "Alexandria"),
                                  gazetteer=gazetteer)
    # The street casts no vote for Tennessee: Alexandria reads as it does alone, not as
    # the village of Alexandria, Tennessee.
    alone = "He lived in Alexandria."
    bare = places_from_entities(alone, _gpe(alone, "Alexandria"), gazetteer=gazetteer)[0]
    assert places[-1]["geonameid"] == bare["geonameid"]
    assert places[-1]["admin1_code"] != "TN"


def test_capital_of_a_populous_country_over_a_namesake_state(gazetteer: Gazetteer) -> None:
    text = "Officials in Washington warned Cairo about the aid."
    places = places_from_entities(text, _gpe(text, "Washington", "Cairo"), gazetteer=gazetteer)
    assert (places[0]["feature_code"], places[0]["admin1_code"]) == ("PPLC", "DC")
    assert places[1]["country_code"] == "EG"
    # ... while a list of states reads it as the state (kind coherence, region votes).
    text = "Recalls reached Oregon, Idaho, Washington and Montana."
    places = places_from_entities(
        text, _gpe(text, "Oregon", "Idaho", "Washington", "Montana"), gazetteer=gazetteer)
    assert [p["feature_code"] for p in places] == ["ADM1"] * 4
    assert places[2]["admin1_code"] == "WA"


def test_capitals_with_accents_are_capitals(gazetteer: Gazetteer) -> None:
    for name, cc in (("Bogota", "CO"), ("BOGOTA", "CO"), ("Asuncion", "PY"),
                     ("San Jose", "CR"), ("Brasilia", "BR")):
        capital = [c for c in gazetteer.lookup(name) if c.feature_code == "PPLC"]
        assert [c.country_code for c in capital] == [cc], name
    # One capital per country: the other Washingtons of the United States are not.
    assert sum(c.feature_code == "PPLC" for c in gazetteer.lookup("Washington")) == 1


def test_alternate_name_of_a_foreign_place_is_dropped_in_a_national_story(
    gazetteer: Gazetteer,
) -> None:
    # "La Rochela" is only a Spanish alternate name of La Rochelle (France); in a story
    # whose other places are all Colombian it is a place the gazetteer lacks.
    text = ("Judges investigating the killings near La Rochela met in Bogota and "
            "Bucaramanga, in Santander.")
    places = places_from_entities(
        text, _gpe(text, "La Rochela", "Bogota", "Bucaramanga", "Santander"),
        gazetteer=gazetteer)
    assert places[0]["text"] == "La Rochela" and not places[0]["resolved"]
    assert {p["country_code"] for p in places[1:]} == {"CO"}
    # Alone, the alternate name still resolves.
    text = "A ferry left La Rochela at dawn."
    assert places_from_entities(text, _gpe(text, "La Rochela"),
                                gazetteer=gazetteer)[0]["country_code"] == "FR"


def test_hamlet_cluster_does_not_outvote_a_capital(gazetteer: Gazetteer) -> None:
    text = "Flights from Chicago to Moscow, Kiev and Minsk resume in May."
    places = places_from_entities(text, _gpe(text, "Chicago", "Moscow", "Kiev", "Minsk"),
                                  gazetteer=gazetteer)
    assert [p["country_code"] for p in places] == ["US", "RU", "UA", "BY"]


def test_type_word_and_namesake_region(gazetteer: Gazetteer) -> None:
    text = "Strikes spread in Mangistau province."
    place = places_from_entities(text, _gpe(text, "Mangistau"), gazetteer=gazetteer)[0]
    assert place["geonameid"] == 608879 and place["feature_code"] == "ADM1"
    for name in ("Almaty", "Алматы"):  # the city, not the region named after it
        text = f"Talks in {name} ended."
        place = places_from_entities(text, _gpe(text, name), gazetteer=gazetteer)[0]
        assert place["geonameid"] == 1526384, name


def test_demonyms_of_regions_and_curated_demonyms(gazetteer: Gazetteer) -> None:
    text = "Many Minnesotans and Canadian officials attended."
    places = places_from_entities(
        text, _spans(text, ("Minnesotans", "NORP"), ("Canadian", "NORP")), gazetteer=gazetteer
    )
    assert [(p["name"], p["kind"], p["demonym"]) for p in places] == [
        ("Minnesota", "admin1", True), ("Canada", "country", True)]


def test_region_codes_and_abbreviations(gazetteer: Gazetteer) -> None:
    text = "Floods cut Wagga Wagga, NSW, off."
    places = places_from_entities(text, _gpe(text, "Wagga Wagga"), gazetteer=gazetteer)
    assert [(p["text"], p["country_code"]) for p in places] == [("Wagga Wagga", "AU"),
                                                               ("NSW", "AU")]
    text = "He flew to Washington D.C. on Friday."
    places = places_from_entities(text, _gpe(text, "Washington", "D.C."), gazetteer=gazetteer)
    assert places[1]["admin1_code"] == "DC"
    start, end = trim_span("in the U.S. today", 7, 11)
    assert "in the U.S. today"[start:end] == "U.S."
    # a dotted abbreviation is the region's even where a town abroad is called by its
    # letters ("Pa", Burkina Faso; "Ny"); "W. Va." may have a space
    text = "Sen. Jane Roe, D-Pa., and Rep. John Doe, D-N.Y., met Rep. Bo Poe, R-W. Va."
    places = places_from_entities(text, _gpe(text, "Pa.", "N.Y.", "W. Va."),
                                  gazetteer=gazetteer)
    assert [p["admin1_code"] for p in places] == ["PA", "NY", "WV"]
    text = "A Loudon Co. man died; the Town of Groton mourned."
    places = places_from_entities(text, _gpe(text, "Loudon Co.", "Town of Groton"),
                                  gazetteer=gazetteer)
    assert [(p["name"], p["admin1_code"]) for p in places] == [("Loudon County", "TN"),
                                                               ("Groton", "CT")]
    text = "The award was presented in Washington, D. C., on Thursday."
    places = places_from_entities(text, _gpe(text, "Washington"), gazetteer=gazetteer)
    assert [(p["text"], p["admin1_code"]) for p in places] == [("Washington", "DC"),
                                                               ("D. C.", "DC")]
    text = "Samples went to the NY laboratory."
    places = places_from_entities(text, _gpe(text, "NY"), gazetteer=gazetteer)
    assert [p["admin1_code"] for p in places] == ["NY"]


def test_places_inside_organisation_names(gazetteer: Gazetteer) -> None:
    text = "The Sangamon County Sheriff's Office said no one was hurt."
    org = "Sangamon County Sheriff's Office"
    places = places_from_entities(text, _spans(text, (org, "ORG")), gazetteer=gazetteer)
    assert [p["text"] for p in places] == ["Sangamon County"]
    assert places[0]["admin1_code"] == "IL"


def test_russian_base_forms() -> None:
    assert "тараз" in russian_base_forms("Таразе")
    assert "москва" in russian_base_forms("Москве")
    assert "казахстан" in russian_base_forms("Казахстана")


def test_publisher_country(gazetteer: Gazetteer) -> None:
    text = "The council met in Richmond."
    spans = _gpe(text, "Richmond")
    gb = places_from_entities(text, spans, gazetteer=gazetteer,
                              context=PlaceContext(publisher_countries=("GB",)))
    assert gb[0]["country_code"] == "GB"


def test_unresolvable_name_keeps_the_others(gazetteer: Gazetteer) -> None:
    text = "From Zzyzzyvaqq to Almaty."
    places = places_from_entities(text, _gpe(text, "Zzyzzyvaqq", "Almaty"), gazetteer=gazetteer)
    assert [p["resolved"] for p in places] == [False, True]
    assert places[1]["geonameid"] == 1526384


def test_gazetteer_scan_finds_what_ner_missed(gazetteer: Gazetteer) -> None:
    text = "Militants crossed from Tajikistan into the Fergana Valley."
    places = places_from_entities(text, [], gazetteer=gazetteer)
    assert [p["text"] for p in places] == ["Tajikistan", "Fergana Valley"]


def test_big_text_without_model(gazetteer: Gazetteer) -> None:
    text = ("Shots were fired in Almaty overnight. " * 140_000)[: 5 * 1024 * 1024]
    places = places_from_entities(text, [], gazetteer=gazetteer)
    assert len(places) > 100_000 and places[0]["geonameid"] == 1526384


# --- with the spaCy model --------------------------------------------------------------

def test_bad_input(gazetteer: Gazetteer) -> None:
    assert extract_places("", gazetteer=gazetteer) == []
    assert extract_places("   \n", gazetteer=gazetteer) == []
    assert extract_places("The cat sat on the mat and purred.", gazetteer=gazetteer) == []
    messy = "Bombs\x00 in\x07 Almaty\x1b and \x0cTaraz\x7f."
    places = extract_places(messy, gazetteer=gazetteer)
    assert {p["geonameid"] for p in places} == {1526384, 1516905}
    assert all(messy[p["start"]:p["end"]] == p["text"] for p in places)


def test_russian_text(gazetteer: Gazetteer) -> None:
    text = "Вчера в Алматы и Таразе прошли обыски. Полиция Казахстана сообщила об арестах."
    ids = {p["geonameid"] for p in extract_places(text, gazetteer=gazetteer)}
    assert {1526384, 1516905, 1522867} <= ids  # Алматы, Таразе (locative), Казахстана


def test_all_caps_wire_text(gazetteer: Gazetteer) -> None:
    text = ("LIMA, 10 JAN 90 (EFE) -- [TEXT] A CAR BOMB EXPLODED TODAY IN SAN ISIDRO, LIMA, "
            "INJURING THREE PEOPLE, PERUVIAN POLICE SAID.")
    places = extract_places(text, gazetteer=gazetteer)
    assert any(p["text"] == "SAN ISIDRO" and p["country_code"] == "PE" for p in places)
    assert all(p["text"] == text[p["start"]:p["end"]] for p in places)


def test_all_caps_common_words_spelling_a_name_are_not_places(gazetteer: Gazetteer) -> None:
    # name keys drop spaces: "TO GO" spells Togo and "AND A" Anda; "CHRISTIAN" is no demonym
    # of Christmas Island; type words ("REGION") are not names on their own
    text = ("THE LEADERS HAD TO GO INTO HIDING, THE CHRISTIAN DEMOCRATS SAID. THE REGION IS AN "
            "AREA OF CONFLICT AND A NUMBER OF TOWNS IN LA UNION DEPARTMENT WERE ATTACKED BY "
            "COLOMBIAN TROOPS NEAR SAN MIGUEL, EL SALVADOR.")
    found = {p["text"]: p["country_code"] for p in extract_places(text, gazetteer=gazetteer)}
    assert not {"TO GO", "CHRISTIAN", "REGION", "IS AN", "AND A"} & set(found)
    assert found["LA UNION"] == found["SAN MIGUEL"] == "SV" and found["COLOMBIAN"] == "CO"


def test_all_caps_ordinary_english_words_stay_lower_case(gazetteer: Gazetteer) -> None:
    # "SURPRISE" (a city in Arizona), "COAST" and "NORTHERN" (first-level regions in
    # Africa) are ordinary English words here; "JAPAN" is also a verb but names a country
    text = ("REBELS HOPED TO SURPRISE THE GARRISON ON THE NORTHERN COAST, AN ENVOY FROM "
            "JAPAN TOLD REPORTERS IN LIMA.")
    ordinary = {"surprise", "coast", "northern", "japan", "hoped", "told"}.__contains__
    plain = recase(text, gazetteer)
    assert "Surprise" in plain and "Coast" in plain  # without a lexicon they look like places
    working = recase(text, gazetteer, ordinary=ordinary)
    assert len(working) == len(text)
    assert "surprise" in working and "northern coast" in working
    assert "the coast" in recase("THEY FLED ALONG THE COAST.", gazetteer, ordinary=ordinary)
    assert "Japan" in working and "Lima" in working


def test_dateline_place_is_a_prominent_city(gazetteer: Gazetteer) -> None:
    # two names of the United States would make "Bogota" the town in New Jersey; a report
    # filed from there names the capital of Colombia
    for text in ("BOGOTA, 4 JUN 21 (WIRE) -- U.S. OFFICIALS SAID THE UNITED STATES WOULD "
                 "SEND MORE AID.",
                 "Bogota, June 4, 2021 (Wire) - U.S. officials said the United States would "
                 "send more aid."):
        bogota = extract_places(text, gazetteer=gazetteer)[0]
        assert (bogota["country_code"], bogota["feature_code"]) == ("CO", "PPLC")
    # outside a dateline the context still decides
    inland = extract_places("U.S. officials in Bogota said the United States would send aid.",
                            gazetteer=gazetteer)
    assert [p["country_code"] for p in inland if p["text"] == "Bogota"] == ["US"]


def test_other_names_lean_to_the_dateline_country(gazetteer: Gazetteer) -> None:
    text = ("TEGUCIGALPA, 2 MAY 21 (WIRE) -- GUNMEN KILLED A FARMER IN LA PAZ, A BOLIVIAN "
            "NEWSPAPER SAID.")
    found = {p["text"]: p["country_code"] for p in extract_places(text, gazetteer=gazetteer)}
    assert found["LA PAZ"] == "HN" and found["BOLIVIAN"] == "BO"


def test_all_caps_capital_and_country_context(gazetteer: Gazetteer) -> None:
    text = ("BOGOTA, 12 MAR 90 (EFE) -- [TEXT] GUERRILLAS ATTACKED A POLICE STATION IN "
            "SANTANDER DEPARTMENT, THE COLOMBIAN ARMY REPORTED TODAY IN BOGOTA.")
    places = extract_places(text, gazetteer=gazetteer)
    bogota = [p for p in places if p["text"] == "BOGOTA"]
    assert len(bogota) == 2
    assert all((p["feature_code"], p["country_code"]) == ("PPLC", "CO") for p in bogota)


@pytest.mark.slow
def test_five_megabyte_text_with_model(gazetteer: Gazetteer) -> None:
    text = ("Police reported clashes in Aktau and Almaty. " * 120_000)[: 5 * 1024 * 1024]
    assert len(extract_places(text, gazetteer=gazetteer)) > 1000


EXPECTED_SEED_PLACES = {
    "Mangistau": {608879}, "Aktau": {610612}, "Almaty": {1526384}, "Taraz": {1516905},
    # "the southern provinces of Osh and Jalal-Abad": the region (1346798), not the city
    "Osh": {1346798}, "Afghanistan": {1149361}, "Pakistan": {1168579},
    "Kazakhstan": {1522867}, "Tajikistan": {1220409}, "Uzbekistan": {1512440},
    "Kyrgyzstan": {1527747}, "Astana": {1526273, 1538317}, "Moscow": {524901},
    "Russia": {2017370}, "Southern Kazakstan Oblast": {1524787}, "SKO": {1524787},
    "Kazakstan": {1522867},
    # GeoNames now names the city entry of Jalal-Abad "Manas" (1528249); the region is 1529778
    "Jalal-Abad": {1528249, 1529778},
}
EXPECTED_SUPPLEMENT = {"Fergana Valley": "fergana-valley", "Rasht Valley": "rasht-valley"}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed texts in ../shared/seeds not present")
def test_seed_places_resolve(gazetteer: Gazetteer) -> None:
    found: dict[str, set[object]] = {}
    for path in sorted(SEEDS.glob("*.txt")):
        for p in extract_places(path.read_text(encoding="utf-8"), gazetteer=gazetteer):
            found.setdefault(p["text"], set()).add(p["geonameid"] or p["supplement_id"])
    for name, ids in EXPECTED_SEED_PLACES.items():
        assert name in found, f"{name} not found"
        assert found[name] <= ids, f"{name}: {found[name]} not in {ids}"
    for name, sid in EXPECTED_SUPPLEMENT.items():
        assert found[name] == {sid}


def test_cli_geoparse(gazetteer: Gazetteer) -> None:
    import json

    from watchfloor.cli_places import register

    app, eval_app = typer.Typer(), typer.Typer()
    app.add_typer(eval_app, name="eval")
    register(app, eval_app)
    runner = CliRunner()
    result = runner.invoke(app, ["geoparse", "-", "--json", "--gazetteer", str(gazetteer.path)],
                           input="Protests spread from Aktau to Almaty.")
    assert result.exit_code == 0, result.output
    places = json.loads(result.stdout)
    assert [p["geonameid"] for p in places] == [610612, 1526384]
    table = runner.invoke(app, ["geoparse", "-", "--gazetteer", str(gazetteer.path)],
                          input="Protests in Aktau.")
    assert "Aktau" in table.stdout and "KZ" in table.stdout
