from __future__ import annotations

from pathlib import Path

import pytest

from watchfloor.knowledge import gazetteer_build
from watchfloor.knowledge.gazetteer import Gazetteer
from watchfloor.knowledge.names import name_key, script_ok, skeleton


def test_name_key_folds_case_diacritics_and_punctuation() -> None:
    assert name_key("Jalal-Abad") == name_key("Jalalabad") == name_key("JALAL ABAD")
    assert name_key("Mangghystaū") == "mangghystau"


def test_skeleton_joins_transliteration_variants() -> None:
    assert skeleton("Kazakstan") == skeleton("Kazakhstan")
    assert skeleton("Aqtau") == skeleton("Aktau")
    assert skeleton("Mangystau") == skeleton("Mangistau")
    assert skeleton("Ferghana") == skeleton("Fergana")
    assert skeleton("Paris") != skeleton("Perth")


def test_script_filter_keeps_latin_and_cyrillic_only() -> None:
    assert script_ok("Алматы") and script_ok("Almaty")
    assert not script_ok("アルマトイ")


def test_lookups(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Aqtau")[0].geonameid == 610612
    assert gazetteer.lookup("Almaty")[0].geonameid == 1526384
    assert gazetteer.lookup("Алматы")[0].geonameid == 1526384  # Cyrillic alternate name
    assert gazetteer.lookup("Kazakstan")[0].country_code == "KZ"
    # curated alias of the region, beside the small town whose primary name it is
    assert 608879 in {c.geonameid for c in gazetteer.lookup("Mangistau")}
    assert gazetteer.lookup("SKO")[0].geonameid == 1524787
    assert gazetteer.lookup("Rasht Valley")[0].supplement_id == "rasht-valley"
    assert gazetteer.lookup("NSW")[0].name == "New South Wales"  # ISO 3166-2 code letters
    assert gazetteer.lookup("Qazaqstann", fuzzy=False) == []
    assert gazetteer.lookup("") == []


def test_context_only_abbreviations(gazetteer: Gazetteer) -> None:
    assert not any(c.kind == "admin1" for c in gazetteer.lookup("Ill.", fuzzy=False))
    hits = gazetteer.lookup("Ill.", fuzzy=False, after_comma=True)
    assert hits[0].name == "Illinois"


def test_admin_names_and_demonyms(gazetteer: Gazetteer) -> None:
    assert gazetteer.admin1_name("KZ", "09") == "Mangghystaū oblysy"
    assert gazetteer.admin1_place_id("US", "LA") == 4331987
    assert gazetteer.demonym_country("Kazakh") == "KZ"
    assert gazetteer.country("kz").geonameid == 1522867  # type: ignore[union-attr]
    assert gazetteer.stats()["places"] > 250_000


def test_interrupted_build_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(gazetteer_build, "_collect", boom)
    target = tmp_path / "g.sqlite"
    with pytest.raises(KeyboardInterrupt):
        gazetteer_build.build_gazetteer(target)
    assert list(tmp_path.iterdir()) == []


def test_wrong_version_is_refused(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE meta (key TEXT, value TEXT); INSERT INTO meta VALUES ('version','0');"
    )
    conn.commit()
    conn.close()
    with pytest.raises(RuntimeError, match="another version"):
        Gazetteer(path)


def test_curated_supplements_for_common_news_names(gazetteer: Gazetteer) -> None:
    assert gazetteer.demonym_country("Cypriot") == "CY"
    assert gazetteer.demonym_country("Ivorian") == "CI"
    assert gazetteer.lookup("L.A.", fuzzy=False)[0].geonameid == 5368361  # Los Angeles
    # The dotted abbreviation names the city; Louisiana stays the state's code after a comma.
    assert any(c.geonameid == 4331987
               for c in gazetteer.lookup("LA", fuzzy=False, after_comma=True))
