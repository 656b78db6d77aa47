"""Place-name normalisation shared by the gazetteer builder and the lookups.

Two keys are stored for every name:

- ``name_key``: case, diacritics, punctuation and spacing removed ("Jalal-Abad",
  "Jalalabad" and "JALAL ABAD" all give ``jalalabad``). Exact lookups use it.
- ``skeleton``: a coarse transliteration key on top of that, so that the spelling variants
  of names romanised from Russian, Kazakh, Arabic or Persian meet ("Kazakstan" /
  "Kazakhstan", "Aktau" / "Aqtau", "Mangistau" / "Mangystau", "Uigur" / "Uighur").
  Lookups use it only when the exact key finds nothing, and score such matches lower.
"""

from __future__ import annotations

import re
import unicodedata

# Transliteration pairs folded by the skeleton key, applied in order. Each joins spellings
# that romanisation systems (BGN/PCGN, ISO 9, Kazakh Latin, French/German-era spellings) use
# for one sound, so one place written by different agencies meets in one key.
_SKELETON_RULES: tuple[tuple[str, str], ...] = (
    ("kh", "k"),
    ("gh", "g"),
    ("q", "k"),
    ("ck", "k"),
    ("zh", "j"),
    ("dj", "j"),
    ("dzh", "j"),
    ("sch", "sh"),
    ("tch", "ch"),
    ("ph", "f"),
    ("ou", "u"),
    ("ee", "i"),
    ("y", "i"),
    ("w", "v"),
    ("x", "ks"),
)

_NON_ALNUM = re.compile(r"[^0-9a-z\u0400-\u04ff]+")
_DOUBLED = re.compile(r"(.)\1+")

# Cyrillic letters that NFKD does not decompose but that are variants of Russian letters
# (Kazakh, Ukrainian, Serbian forms), so that "Маңғыстау" and "Мангыстау" share a key.
_CYRILLIC_FOLD = str.maketrans({
    "ё": "е", "ң": "н", "ғ": "г", "қ": "к", "ү": "у", "ұ": "у", "ө": "о", "ә": "а",
    "і": "и", "һ": "х", "ї": "и", "є": "е", "ј": "й", "ў": "у", "ђ": "д", "ћ": "ч",
})
# Latin letters without a decomposition that still have an obvious ASCII reading.
_LATIN_FOLD = str.maketrans({
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae",
    "œ": "oe", "ʼ": "", "ʻ": "", "’": "", "'": "", "`": "", "´": "",
})


# Every combining mark of the Basic Multilingual Plane, deleted after NFKD decomposition
# (one str.translate instead of a per-character test: the gazetteer build folds ~2 M names).
_COMBINING = dict.fromkeys(cp for cp in range(0x10000) if unicodedata.combining(chr(cp)))


def fold(text: str) -> str:
    """Lower-case, strip diacritics, fold Cyrillic/Latin letter variants; keeps spacing."""
    if text.isascii():
        return text.lower().translate(_LATIN_FOLD)
    lowered = text.lower().translate(_LATIN_FOLD).translate(_CYRILLIC_FOLD)
    stripped = unicodedata.normalize("NFKD", lowered).translate(_COMBINING)
    # NFKD turns "й" into "и" + breve; recompose the Cyrillic letters it split.
    return unicodedata.normalize("NFC", stripped)


def name_key(text: str) -> str:
    """The exact lookup key: folded, with every non-alphanumeric character removed."""
    return _NON_ALNUM.sub("", fold(text))


def skeleton(text: str) -> str:
    """The fuzzy transliteration key (see module docstring); '' for an empty name."""
    return skeleton_of_key(name_key(text))


def skeleton_of_key(key: str) -> str:
    """``skeleton`` of a text whose ``name_key`` is already known."""
    for old, new in _SKELETON_RULES:
        key = key.replace(old, new)
    key = _DOUBLED.sub(r"\1", key)
    # Vowel-final variants ("Tashkent"/"Toshkent" stay apart, but "Fergana"/"Ferghana" meet
    # through gh->g above); a trailing "h" after a vowel is silent in most romanisations.
    if len(key) > 3 and key.endswith("h") and key[-2] in "aeiou":
        key = key[:-1]
    return key


def tokens(text: str) -> list[str]:
    """Folded words of a name, for word-level comparisons."""
    return [t for t in _NON_ALNUM.split(fold(text)) if t]


def script_ok(text: str) -> bool:
    """True for names written in Latin or Cyrillic script (the languages the workbench reads).

    GeoNames alternate names cover dozens of scripts; storing only these two keeps the index
    small while still finding Russian-language names.
    """
    if text.isascii():
        return any(ch.isalpha() for ch in text)
    for ch in text:
        if ch.isalpha():
            code = ord(ch)
            if not (code < 0x250 or 0x400 <= code < 0x530 or 0x1E00 <= code < 0x1F00):
                return False
    return any(ch.isalpha() for ch in text)


def is_latin(text: str) -> bool:
    """True when every letter of ``text`` is a Latin letter (with or without diacritics)."""
    return all(
        ord(ch) < 0x250 or 0x1E00 <= ord(ch) < 0x1F00 for ch in text if ch.isalpha()
    )
