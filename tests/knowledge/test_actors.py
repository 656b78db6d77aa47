"""The actor dictionary: shipped data validity, the loader's checks, alias folding."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from watchfloor.knowledge.actors import (
    ACTOR_TYPES,
    KINDS,
    ActorDictionaryError,
    alias_key,
    default_data_dir,
    load_actor_dictionary,
)

GOOD_ENTRY = """
- id: test-front
  name: Test Liberation Front
  aliases: [TLF, Frente de Prueba]
  kind: organization
  actor_type: Rebel group
  country: SV
  parent: null
  note: "made up for a test"
"""


@pytest.fixture(scope="module")
def dictionary():
    return load_actor_dictionary()


def test_shipped_dictionary_is_valid_and_large(dictionary) -> None:
    assert len(dictionary) >= 300
    files = Counter(e.source_file for e in dictionary)
    assert {"central_asia.yaml", "latin_america.yaml", "generic.yaml", "states.yaml"} <= set(files)
    for entry in dictionary:
        assert entry.kind in KINDS and entry.actor_type in ACTOR_TYPES
        assert entry.note.strip()
        if entry.parent:
            assert dictionary.get(entry.parent) is not None


def test_default_dictionary_is_loaded_once() -> None:
    assert load_actor_dictionary() is load_actor_dictionary()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kazakh", "Kazak"),
        ("Kazakhstan", "Kazakstan"),
        ("Qazaqstan", "Kazakhstan"),
        ("Khizbut-Takhrir", "Hizb ut-Tahrir"),
        ("Uigur", "Uyghur"),
        ("Uighur", "Uyghur"),
        ("Kyrgyz", "Kirgiz"),
        ("Tadzhikistan", "Tajikistan"),
        ("Tazhin", "Tajin"),
        ("Nazarbayev", "Назарбаев"),
        ("Bakiyev", "Бакиев"),
        ("U.S.", "US"),
        ("al-Qaeda", "Al Qaeda"),
        ("Jama'at", "Jamaat"),
        ("Pérez", "PEREZ"),
        ("Shabaab", "Shabab"),
    ],
)
def test_alias_key_meets_variants(a: str, b: str) -> None:
    assert alias_key(a) == alias_key(b)


@pytest.mark.parametrize(("a", "b"), [("policy", "police"), ("Taleban", "Talisman"), ("us", "is")])
def test_alias_key_keeps_distinct_words_apart(a: str, b: str) -> None:
    assert alias_key(a) != alias_key(b)


@pytest.mark.parametrize(
    ("alias", "actor_id"),
    [
        ("IMU", "islamic-movement-of-uzbekistan"),
        ("Islamic Movement of Uzbekistan", "islamic-movement-of-uzbekistan"),
        ("Исламское движение Узбекистана", "islamic-movement-of-uzbekistan"),
        ("Soldiers of the Caliphate", "jund-al-khilafah"),
        ("Jund al-Khilafa", "jund-al-khilafah"),
        ("Khizbut-Takhrir", "hizb-ut-tahrir"),
        ("Хизб ут-Тахрир", "hizb-ut-tahrir"),
        ("Taleban", "taliban"),
        ("Талибан", "taliban"),
        ("ISIL", "islamic-state"),
        ("Daesh", "islamic-state"),
        ("KNB", "kazakhstan-national-security-committee"),
        ("КНБ", "kazakhstan-national-security-committee"),
        ("ФСБ", "russia-federal-security-service"),
        ("Emomali Rakhmonov", "emomali-rahmon"),
        ("Нурсултан Назарбаев", "nursultan-nazarbayev"),
        ("Sendero Luminoso", "shining-path"),
        ("Farabundo Martí National Liberation Front", "fmln"),
        ("Hizballah", "hezbollah"),
        ("Tehreek-e-Taliban Pakistan", "tehrik-i-taliban-pakistan"),
    ],
)
def test_lookup_by_alias(dictionary, alias: str, actor_id: str) -> None:
    assert [e.id for e in dictionary.lookup(alias)] == [actor_id]


def test_ambiguous_alias_returns_all_candidates(dictionary) -> None:
    ids = {e.id for e in dictionary.lookup("GKNB")}
    assert ids == {
        "kyrgyzstan-state-committee-for-national-security",
        "tajikistan-state-committee-for-national-security",
    }


def test_roles_and_demonyms(dictionary) -> None:
    assert [e.id for e in dictionary.lookup_demonym("Kazak")] == ["kazakhstan"]
    assert dictionary.for_role("security-council", "KZ").id == "kazakhstan-security-council"
    assert dictionary.for_role("police", None).id == "generic-police"
    for country in ("KZ", "KG", "TJ", "UZ", "TM", "AF", "RU", "CN"):
        for role in ("security-service", "interior-ministry", "police", "border-service",
                     "armed-forces", "army", "defence-ministry", "prosecutor",
                     "security-council", "president", "government"):
            assert dictionary.for_role(role, country) is not None, (role, country)


def _write(tmp_path: Path, text: str, name: str = "test.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_loader_accepts_a_good_file(tmp_path: Path) -> None:
    d = load_actor_dictionary(_write(tmp_path, GOOD_ENTRY))
    assert [e.id for e in d.lookup("tlf")] == ["test-front"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- {id: x, name: X\n  aliases: [", "not valid YAML"),
        ("id: x", "must be a YAML list"),
        (GOOD_ENTRY.replace("kind: organization", "kind: company"), "kind 'company'"),
        (GOOD_ENTRY.replace("Rebel group", "Rebels"), "actor_type 'Rebels'"),
        (GOOD_ENTRY.replace("id: test-front", "id: Test Front"), "kebab-case"),
        (GOOD_ENTRY.replace("parent: null", "parent: nowhere"), "parent 'nowhere'"),
        (GOOD_ENTRY.replace("country: SV", "country: Salvador"), "ISO2"),
        (GOOD_ENTRY.replace("  note: \"made up for a test\"\n", ""), "missing field"),
        (GOOD_ENTRY + GOOD_ENTRY, "ids must be unique"),
        (GOOD_ENTRY + GOOD_ENTRY.replace("test-front", "other-front").replace(
            "Test Liberation Front", "Other Front"), "shared by"),
        (GOOD_ENTRY.replace("note:", "colour: red\n  note:"), "unknown field"),
    ],
)
def test_loader_rejects_broken_files(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ActorDictionaryError, match=message) as info:
        load_actor_dictionary(path)
    assert "test.yaml" in str(info.value) or "shared by" in str(info.value)


def test_loader_reads_directories(tmp_path: Path) -> None:
    _write(tmp_path, GOOD_ENTRY, "a.yaml")
    _write(tmp_path, GOOD_ENTRY.replace("test-front", "child").replace("parent: null",
           "parent: test-front").replace("TLF, Frente de Prueba", "TLF Youth").replace(
           "Test Liberation Front", "Test Youth"), "b.yaml")
    d = load_actor_dictionary(tmp_path)
    assert d.get("child").parent == "test-front"


def test_shipped_files_are_in_the_package_data_dir() -> None:
    files = sorted(p.name for p in default_data_dir().glob("*.yaml"))
    assert "central_asia.yaml" in files and len(files) >= 6
