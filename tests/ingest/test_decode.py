"""Bytes -> text: BOMs, UTF-8, legacy Cyrillic and Western code pages, binary detection."""

from __future__ import annotations

import codecs

import pytest

from watchfloor.ingest.decode import (
    binary_reason,
    decode_bytes,
    decode_text,
    implausibility,
    normalise_text,
)
from watchfloor.ingest.errors import SourceError

RUSSIAN = (
    "В четверг вечером в Бишкеке прошла акция протеста. Полиция задержала 12 человек, "
    "сообщило МВД Кыргызстана."
)
RUSSIAN_SHORT = "Взрыв в Ташкенте"
# Kazakh that cp1251 can hold (і is in cp1251; ә, қ, ң ... are not).
KAZAKH_CP1251 = "Ол кітап алды. Бала мектепке барды. Мен де келдім."
# Full Kazakh needs kz1048, the Kazakh variant of cp1251 (Windows code page 1048).
KAZAKH = (
    "Қазақстан Республикасының Президенті Алматы қаласында кеңес өткізді. "
    "Әкімдік өкілдері қатысты."
)
FRENCH = (
    "Le président a déclaré mercredi que la sécurité à la frontière était renforcée "
    "après l'attaque près de Douchanbé."
)
FRENCH_SHORT = "été à Noël"
SPANISH = "El ministro señaló que la situación en la región es más estable; ¿qué pasará mañana?"


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        (RUSSIAN, "cp1251", "cp1251"),
        (RUSSIAN_SHORT, "cp1251", "cp1251"),
        (KAZAKH_CP1251, "cp1251", "cp1251"),
        (KAZAKH, "kz1048", "kz1048"),
        ("Қазақстан", "kz1048", "kz1048"),
        (FRENCH, "latin-1", "cp1252"),  # cp1252 is a superset; same characters here
        (FRENCH_SHORT, "latin-1", "cp1252"),
        (SPANISH, "latin-1", "cp1252"),
        ("“Según el informe” — 5 € …", "cp1252", "cp1252"),
        ("Привет мир, как дела", "koi8-r", "koi8-r"),
    ],
)
def test_legacy_encodings_decode_to_the_original_text(
    text: str, encoding: str, expected: str
) -> None:
    decoded = decode_bytes(text.encode(encoding))
    assert decoded.text == text
    assert codecs.lookup(decoded.encoding).name == codecs.lookup(expected).name
    assert decoded.plausible


def test_charset_normalizer_alone_would_not_be_trusted_on_short_cyrillic() -> None:
    # The scorer, not the guesser, decides: a short cp1251 headline comes out Cyrillic.
    assert decode_text("Ёж".encode("cp1251")) == "Ёж"
    assert decode_text("Ош".encode("cp1251")) == "Ош"


def test_utf8_wins_over_legacy_guesses() -> None:
    decoded = decode_bytes(RUSSIAN.encode("utf-8"))
    assert decoded.encoding == "utf-8"
    assert decoded.text == RUSSIAN


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_byte_order_marks(encoding: str) -> None:
    assert decode_text(KAZAKH.encode(encoding)) == KAZAKH


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_text_not_binary(encoding: str) -> None:
    text = "Almaty, 3 June (Reuters) - police said two people were killed."
    assert decode_text(text.encode(encoding)) == text


def test_declared_charset_is_used_when_it_reads_well() -> None:
    data = RUSSIAN.encode("cp1251")
    assert decode_bytes(data, declared="windows-1251").encoding == "cp1251"
    # A declared latin-1 is decoded as windows-1252, as browsers do.
    assert decode_bytes("“quoted”".encode("cp1252"), declared="ISO-8859-1").text == "“quoted”"


def test_declared_charset_that_is_wrong_loses_to_a_plausible_one() -> None:
    data = RUSSIAN.encode("cp1251")
    decoded = decode_bytes(data, declared="iso-8859-1")
    assert decoded.text == RUSSIAN


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(64), "ZIP archive"),
        (b"\x7fELF\x02\x01\x01" + bytes(64), "ELF executable"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "Office document"),
        (b"\x1f\x8b\x08\x00" + bytes(16), "gzip"),
        (b"plain start then\x00\x00\x00\x01 a NUL", "NUL bytes"),
        (bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15]) * 20 + b"text", "control bytes"),
    ],
)
def test_binary_input_is_refused(data: bytes, what: str) -> None:
    reason = binary_reason(data)
    assert reason is not None and reason.startswith("binary file") and what in reason
    with pytest.raises(SourceError, match=r"^binary file"):
        decode_bytes(data)


def test_text_is_not_binary() -> None:
    assert binary_reason(RUSSIAN.encode("cp1251")) is None
    assert binary_reason(b"line one\r\n\tline two\x0c\n") is None


def test_normalise_text() -> None:
    raw = "a\r\nb\rc\x00d\x07e\x85f\u2028g\ufeffh\u00adi\t  \n\n\n\n  j\x9f  "
    assert normalise_text(raw) == "a\nb\ncde\nf\ngh" + "i\n\n  j"
    # NFC: e + combining acute accent -> é (one code point)
    assert normalise_text("e\u0301te\u0301") == "été"
    # a lone surrogate (from a JSON escape) cannot be written as UTF-8; it becomes U+FFFD
    assert normalise_text("x\ud800y") == "x\ufffdy"


def test_implausibility_separates_text_from_mojibake() -> None:
    assert implausibility(RUSSIAN) == 0.0
    assert implausibility(FRENCH) == 0.0
    assert implausibility(RUSSIAN.encode("cp1251").decode("cp1252")) > 0.5
    assert implausibility(FRENCH.encode("latin-1").decode("cp1251")) > 0.5
    assert implausibility("x\x81\x8dy") > 1.0  # C1 controls: latin-1 read of cp1252 bytes
