"""Language identification: the English fast path and the model behind it agree."""

from __future__ import annotations

from pathlib import Path

import py3langid
import pytest

from watchfloor.ingest import language
from watchfloor.ingest.language import detect_language, looks_english

# Our own sentences, two or three per language, in the style of a wire report.
FOREIGN = {
    "es": "La policía informó que dos hombres murieron el martes en un ataque contra una "
    "comisaría en el sur del país. Según el ministerio, los atacantes huyeron en un coche.",
    "fr": "La police a indiqué que deux hommes ont été tués mardi dans une attaque contre un "
    "commissariat du sud du pays. Selon le ministère, les assaillants se sont enfuis.",
    "de": "Die Polizei teilte mit, dass am Dienstag zwei Männer bei einem Angriff auf eine "
    "Polizeiwache im Süden des Landes getötet wurden. Die Täter sind auf der Flucht.",
    "it": "La polizia ha riferito che due uomini sono stati uccisi martedì in un attacco "
    "contro una stazione di polizia nel sud del paese. Gli aggressori sono fuggiti.",
    "pt": "A polícia informou que dois homens foram mortos na terça-feira num ataque contra "
    "uma esquadra no sul do país. Segundo o ministério, os atacantes fugiram de carro.",
    "nl": "De politie meldde dat dinsdag twee mannen zijn omgekomen bij een aanval op een "
    "politiebureau in het zuiden van het land. De daders zijn op de vlucht geslagen.",
    "sv": "Polisen uppgav att två män dödades på tisdagen i en attack mot en polisstation i "
    "södra delen av landet. Enligt ministeriet flydde angriparna i en bil.",
    "pl": "Policja poinformowała, że we wtorek dwóch mężczyzn zginęło w ataku na posterunek "
    "na południu kraju. Według ministerstwa napastnicy uciekli samochodem.",
    "ru": "Полиция сообщила, что во вторник двое мужчин погибли при нападении на отделение "
    "полиции на юге страны. По данным министерства, нападавшие скрылись.",
}
ENGLISH = (
    "Police said two men were killed on Tuesday in an attack on a police station in the "
    "south of the country. According to the ministry, the attackers fled in a car."
)


@pytest.mark.parametrize("code", sorted(FOREIGN))
def test_other_languages_are_left_to_the_model(code: str) -> None:
    text = FOREIGN[code]
    assert not looks_english(text.lower())
    assert detect_language(text) == py3langid.classify(text)[0] == code


def test_english_prose_takes_the_fast_path_and_agrees_with_the_model() -> None:
    assert looks_english(ENGLISH.lower())
    assert detect_language(ENGLISH) == "en" == py3langid.classify(ENGLISH)[0]
    assert detect_language(ENGLISH.upper()) == "en"  # ALL-CAPS wire copy


def test_english_quoted_inside_a_foreign_report_is_not_english() -> None:
    mixed = FOREIGN["es"] + ' El ministro dijo: "the situation is under control".'
    assert not looks_english(mixed[:320].lower())


def test_headlines_and_short_texts() -> None:
    assert not looks_english("car bomb kills four in capital".lower())  # no "the", too short
    assert detect_language("Bomb") is None  # too few letters to tell
    assert detect_language("   \n ") is None


def test_model_cache_is_written_once_and_gives_the_packaged_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(language.platformdirs, "user_cache_dir", lambda *a, **k: str(tmp_path))
    monkeypatch.setattr(language, "_identifier", None)
    monkeypatch.setattr(language, "_cache_failed", False)
    assert detect_language(FOREIGN["de"]) == "de"
    (folder,) = tmp_path.glob("langid-*")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{name}.npy" for name in language._ARRAYS
    )
    assert not list(tmp_path.glob(".langid-*"))  # no half-written copy left behind
    cached = language._load_identifier()
    for text in FOREIGN.values():
        assert cached.classify(text)[0] == py3langid.classify(text)[0]


def test_unwritable_cache_falls_back_to_the_packaged_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setattr(language.platformdirs, "user_cache_dir", lambda *a, **k: str(blocker))
    monkeypatch.setattr(language, "_identifier", None)
    monkeypatch.setattr(language, "_cache_failed", False)
    assert detect_language(FOREIGN["fr"]) == "fr"
    assert language._cache_failed
