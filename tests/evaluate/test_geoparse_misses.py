from __future__ import annotations

from pathlib import Path

from watchfloor.evaluate.geoparse import format_table, run_geoparse_eval
from watchfloor.evaluate.geoparse_misses import TownLocator, classify_miss, count_categories
from watchfloor.extract.places_recognise import Mention
from watchfloor.extract.places_resolve import Resolution
from watchfloor.knowledge.gazetteer import Candidate, Gazetteer


def _cand(**kw: object) -> Candidate:
    base: dict[str, object] = dict(
        id=1, geonameid=1, supplement_id=None, name="X", kind="city", feature_code="PPL",
        lat=0.0, lon=0.0, country_code="AA", admin1_code="01", admin2_code=None,
        population=1000, quality=3,
    )
    base.update(kw)
    return Candidate(**base)  # type: ignore[arg-type]


def _res(chosen: Candidate | None, *others: Candidate) -> Resolution:
    cands = ([chosen] if chosen else []) + list(others)
    return Resolution(mention=Mention(start=0, end=1, text="X", source="gold"),
                      candidate=chosen, score=1.0, candidates=cands, scores=[0.0] * len(cands))


# Invented towns: two in country AA (regions 01 and 02), one in BB.
LOCATOR = TownLocator([(10.0, 10.0, "AA", "01"), (10.0, 14.0, "AA", "02"),
                       (30.0, 30.0, "BB", "05")])


def test_hits_and_unknown_names() -> None:
    assert classify_miss(10.0, 10.0, _res(_cand(lat=10.5, lon=10.0)), LOCATOR) is None
    assert classify_miss(10.0, 10.0, _res(None), LOCATOR) == "no_candidate"


def test_areas_whose_point_is_far() -> None:
    country = _cand(id=2, kind="country", admin1_code=None, lat=12.0, lon=16.0)
    assert classify_miss(10.0, 10.1, _res(country), LOCATOR) == "area_country"
    region = _cand(id=3, kind="admin1", admin1_code="02", lat=14.0, lon=14.0)
    assert classify_miss(10.0, 14.1, _res(region), LOCATOR) == "area_admin1"
    # the gold point lies in region 01, not in the chosen region 02, and a namesake town
    # of the name is far too: the gazetteer lacks the place
    assert classify_miss(10.0, 10.1, _res(region, _cand(id=4, lat=40.0)),
                         LOCATOR) == "no_candidate_near"
    continent = _cand(id=5, kind="continent", country_code=None, lat=30.0, lon=0.0)
    assert classify_miss(10.0, 10.0, _res(continent), LOCATOR) == "area_region"
    # LGL: the gold GeoNames id is the chosen one
    assert classify_miss(10.0, 10.0, _res(_cand(id=6, geonameid=77, kind="admin2", lat=20.0)),
                         LOCATOR, gold_geonameid=77) == "area_region"


def test_wrong_candidate_and_missing_place() -> None:
    near = _cand(id=7, lat=10.2, lon=10.0, population=50_000)
    far = _cand(id=8, lat=30.0, lon=30.0, country_code="BB", admin1_code="05")
    assert classify_miss(10.0, 10.0, _res(far, near), LOCATOR) == "wrong_candidate"
    assert classify_miss(10.0, 10.0, _res(far), LOCATOR) == "no_candidate_near"
    # the state chosen where the city inside it was meant
    state = _cand(id=9, kind="admin1", lat=12.0, lon=10.0)
    assert classify_miss(10.0, 10.0, _res(state, near), LOCATOR) == "wrong_candidate"
    assert count_categories([{"category": "wrong_candidate"}])["wrong_candidate"] == 1


LGL_MISS = """<?xml version="1.0" encoding="utf-8"?>
<articles><article docid="1"><title>t</title><text><![CDATA[Protests in Aktau and Almaty.]]></text>
<toponyms><toponym><start>12</start><end>17</end><phrase>Aktau</phrase>
<gaztag geonameid="1"><name>Aktau</name><lat>0.0</lat><lon>0.0</lon></gaztag></toponym>
</toponyms></article></articles>"""


def test_run_eval_reports_misses(tmp_path: Path, gazetteer: Gazetteer) -> None:
    path = tmp_path / "lgl.xml"
    path.write_text(LGL_MISS, encoding="utf-8")
    result = run_geoparse_eval(path, gazetteer=gazetteer, misses=True)
    [miss] = result["misses"]
    assert miss["text"] == "Aktau" and miss["category"] == "no_candidate_near"
    assert miss["chosen"]["country_code"] == "KZ" and miss["error_km"] > 161
    assert result["miss_categories"]["no_candidate_near"] == 1
    assert "misses: no_candidate_near" in format_table([result])
