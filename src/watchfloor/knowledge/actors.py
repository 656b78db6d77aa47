"""The curated actor dictionary: YAML data files in ``knowledge/data/actors/``, validated and
indexed by a normalised alias key.

Every entry has a canonical kebab-case ``id``, a ``name``, ``aliases``, a ``kind``
(organization | state | person | group), an ACLED ``actor_type``, an ISO2 ``country`` (or
null), a ``parent`` id (or null) and a ``note`` naming a public source. Optional fields:

- ``role``: what the entry is as an institution (``police``, ``army``, ``security-council``…);
  an entry with a role and no country is the *generic* entry for that role ("the police").
  State-qualified mentions ("the Kazakh police") resolve to the entry with that role and
  country.
- ``demonyms`` (states only): adjectives that qualify a role ("Kazakh", "Kazak", "Qazaq").
- ``ambiguous``: aliases this entry shares on purpose with another entry (both must list it),
  e.g. "GKNB" for the Kyrgyz and the Tajik committees; the extractor decides by context.
- ``surname_alone`` (persons): the bare surname may stand alone (heads of state: "Karimov");
  otherwise a person's one-word alias only matches after a fuller alias in the same document.

Alias keys (``alias_key``) are built so that spelling variants meet; the same function is
applied to dictionary aliases and to text, token by token, and the token keys are joined
without separators (so "Khizbut-Takhrir" and "Hizb ut-Tahrir" compare as one string):

1. Unicode NFKD, combining marks dropped (diacritics: "Pérez" = "Perez"), casefolded.
2. Cyrillic (Russian, Kazakh, Uzbek, Tajik, Kyrgyz letters) romanised by a fixed table,
   so "Назарбаев" = "Nazarbaev".
3. Apostrophes and modifier letters dropped ("Jama'at" = "Jamaat", "Oʻzbekiston").
4. Transliteration folding, in order: ``dzh``/``dj``/``zh`` -> ``j`` (Tazhin = Tajin);
   ``kh``, ``q`` and a lone ``h`` -> ``k``, keeping the digraphs ``sh``, ``ch``, ``th``,
   ``ph``, ``wh``, ``gh`` (-> ``g``) intact. Russian "х" is romanised "kh" for Arabic "h" and
   for Turkic "q"/"k", so Kazakh = Kazak = Qazaq, Khizbut-Takhrir = Hizb ut-Tahrir,
   Uighur = Uigur. ``y`` before a consonant -> ``i`` (Kyrgyz = Kirgiz, Uyghur = Uighur;
   "policy" keeps its final y); ``y`` between vowels is dropped (Nazarbayev = Nazarbaev,
   Bakiyev = Bakiev). Runs of one letter collapse ("Shabaab" = "Shabab").
5. Vowel variants are NOT folded (Taleban/Taliban, Qaeda/Qaida are listed as aliases):
   folding vowels would make ordinary English words collide with actor names.

Documented limits: the fold can, in principle, make an alias equal an unrelated word whose
letters differ only by h/k/q/x (none are known among the shipped aliases; the loader's
collision check covers alias-vs-alias). Keys ignore word boundaries, so "Ham as" would equal
"Hamas"; the extractor requires adjacent tokens separated only by spaces, hyphens, periods
or apostrophes, which keeps this theoretical.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

KINDS = frozenset({"organization", "state", "person", "group"})
ACTOR_TYPES = frozenset(
    {
        "State forces",
        "Rebel group",
        "Political militia",
        "Identity militia",
        "Rioters",
        "Protesters",
        "Civilians",
        "External/Other forces",
    }
)
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
REQUIRED_FIELDS = ("id", "name", "aliases", "kind", "actor_type", "country", "parent", "note")
OPTIONAL_FIELDS = ("role", "demonyms", "ambiguous", "surname_alone")

# One table for the Cyrillic alphabets of the region (Russian, Kazakh, Kyrgyz, Tajik, Uzbek
# Cyrillic), following the BGN/PCGN-style romanisation used in English-language reporting.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u",
    "һ": "h", "і": "i", "ӯ": "u", "ӣ": "i", "ҳ": "h", "ҷ": "j", "ў": "u", "ҳ̣": "h",
}
_CYRILLIC_TABLE = str.maketrans({k: v for k, v in _CYRILLIC.items() if len(k) == 1})
_APOSTROPHES = re.compile(r"['’‘`´ʻʼʹʾʿ]")
# Word tokens: runs of letters/digits; an inner apostrophe joins ("Jama'at", "O'zbekiston")
# except before a possessive s ("Kazakhstan's" is "Kazakhstan" + "s").
TOKEN_RE = re.compile(r"[^\W_]+(?:['’ʻʼ`](?![sS]\b)[^\W_]+)*")
_TOKEN_RE = TOKEN_RE
_VOWELS = "aeiou"
# Digraphs whose "h" is not a consonant of its own; protected before lone h -> k.
_PROTECTED = {"sh": "\x01", "ch": "\x02", "th": "\x03", "ph": "\x04", "wh": "\x05"}


class ActorDictionaryError(ValueError):
    """A data file is malformed; the message names the file, the entry and the fix."""


@dataclass(frozen=True, kw_only=True)
class ActorEntry:
    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    actor_type: str
    country: str | None
    parent: str | None
    note: str
    role: str | None = None
    demonyms: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    surname_alone: bool = False
    source_file: str = ""

    @property
    def is_generic(self) -> bool:
        """A role without a country: "the police", "protesters", "gunmen"."""
        return self.role is not None and self.country is None


def romanise(text: str) -> str:
    """Lower-case Latin form: diacritics dropped, Cyrillic romanised (steps 1-3 of the key)."""
    out = unicodedata.normalize("NFKD", text.casefold())
    out = "".join(ch for ch in out if not unicodedata.combining(ch))
    return _APOSTROPHES.sub("", out.translate(_CYRILLIC_TABLE))


# 65,536 distinct word forms cover the vocabulary of a large batch of reports; the cache
# makes folding a 5 MB text cost one dictionary look-up per token.
@functools.lru_cache(maxsize=65536)
def fold_token(token: str) -> str:
    """Key of one word token (see the module docstring for the rules)."""
    text = romanise(token)
    text = text.replace("dzh", "j").replace("dj", "j").replace("zh", "j")
    text = text.replace("kh", "k").replace("gh", "g").replace("q", "k")
    for digraph, mark in _PROTECTED.items():
        text = text.replace(digraph, mark)
    text = text.replace("h", "k")
    for digraph, mark in _PROTECTED.items():
        text = text.replace(mark, digraph)
    text = _collapse_runs(text)
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch != "y" or i + 1 >= len(chars) or not chars[i + 1].isalpha():
            continue
        if chars[i + 1] not in _VOWELS:
            chars[i] = "i"  # Kyrgyz = Kirgiz, Uyghur = Uighur
        elif i > 0 and chars[i - 1] in _VOWELS:
            chars[i] = ""  # Nazarbayev = Nazarbaev, Bakiyev = Bakiev
    return _collapse_runs("".join(chars))


def _collapse_runs(text: str) -> str:
    out: list[str] = []
    for ch in text:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def alias_tokens(text: str) -> list[str]:
    """Word tokens of an alias or a text (runs of letters and digits)."""
    return _TOKEN_RE.findall(text)


def alias_key(text: str) -> str:
    """Normalised lookup key of an alias: folded tokens joined without separators."""
    return "".join(fold_token(tok) for tok in alias_tokens(text))


@dataclass(kw_only=True)
class ActorDictionary:
    """Validated entries with lookup by alias key; build with :func:`load_actor_dictionary`."""

    entries: dict[str, ActorEntry]
    by_key: dict[str, tuple[ActorEntry, ...]] = field(default_factory=dict)
    demonym_keys: dict[str, tuple[ActorEntry, ...]] = field(default_factory=dict)
    by_role_country: dict[tuple[str, str | None], ActorEntry] = field(default_factory=dict)
    # Structures built from the entries by consumers (the extractor's matcher), built once.
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[ActorEntry]:
        return iter(self.entries.values())

    def get(self, actor_id: str) -> ActorEntry | None:
        return self.entries.get(actor_id)

    def lookup(self, alias: str) -> list[ActorEntry]:
        """Entries one alias names (more than one only for aliases marked ambiguous)."""
        return list(self.by_key.get(alias_key(alias), ()))

    def lookup_demonym(self, word: str) -> list[ActorEntry]:
        """States a demonym or country name qualifies ("Kazak" -> Kazakhstan)."""
        key = alias_key(word)
        return list(self.demonym_keys.get(key, ())) or [
            e for e in self.by_key.get(key, ()) if e.kind == "state"
        ]

    def for_role(self, role: str, country: str | None) -> ActorEntry | None:
        """The entry for a role in a country ("police", "KZ"); country None = the generic."""
        return self.by_role_country.get((role, country))


def _as_str_list(value: Any, *, where: str, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ActorDictionaryError(f"{where}: '{name}' must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _parse_entry(raw: Any, *, where: str, source: str) -> ActorEntry:
    if not isinstance(raw, dict):
        raise ActorDictionaryError(f"{where}: each entry must be a mapping with {REQUIRED_FIELDS}")
    missing = [f for f in REQUIRED_FIELDS if f not in raw]
    if missing:
        raise ActorDictionaryError(f"{where}: missing field(s) {missing}; add them (null allowed "
                                   "for country and parent)")
    unknown = sorted(set(raw) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        raise ActorDictionaryError(f"{where}: unknown field(s) {unknown}; allowed optional "
                                   f"fields are {OPTIONAL_FIELDS}")
    actor_id = raw["id"]
    if not isinstance(actor_id, str) or not ID_RE.match(actor_id):
        raise ActorDictionaryError(f"{where}: id {actor_id!r} must be kebab-case ascii "
                                   "(e.g. islamic-movement-of-uzbekistan)")
    where = f"{where} (id {actor_id})"
    for name in ("name", "note"):
        if not isinstance(raw[name], str) or not raw[name].strip():
            raise ActorDictionaryError(f"{where}: '{name}' must be a non-empty string")
    if raw["kind"] not in KINDS:
        raise ActorDictionaryError(f"{where}: kind {raw['kind']!r} is not one of {sorted(KINDS)}")
    if raw["actor_type"] not in ACTOR_TYPES:
        raise ActorDictionaryError(
            f"{where}: actor_type {raw['actor_type']!r} is not one of {sorted(ACTOR_TYPES)}"
        )
    country = raw["country"]
    if country is not None and (not isinstance(country, str) or not COUNTRY_RE.match(country)):
        raise ActorDictionaryError(f"{where}: country {country!r} must be ISO2 (e.g. KZ) or null")
    parent = raw["parent"]
    if parent is not None and not isinstance(parent, str):
        raise ActorDictionaryError(f"{where}: parent must be an id or null")
    role = raw.get("role")
    if role is not None and (not isinstance(role, str) or not ID_RE.match(role)):
        raise ActorDictionaryError(f"{where}: role {role!r} must be kebab-case")
    demonyms = _as_str_list(raw.get("demonyms"), where=where, name="demonyms")
    if demonyms and raw["kind"] != "state":
        raise ActorDictionaryError(f"{where}: only kind 'state' entries may have demonyms")
    aliases = _as_str_list(raw["aliases"], where=where, name="aliases")
    ambiguous = _as_str_list(raw.get("ambiguous"), where=where, name="ambiguous")
    surname_alone = raw.get("surname_alone", False)
    if not isinstance(surname_alone, bool):
        raise ActorDictionaryError(f"{where}: surname_alone must be true or false")
    return ActorEntry(
        id=actor_id, name=raw["name"].strip(), aliases=aliases, kind=raw["kind"],
        actor_type=raw["actor_type"], country=country, parent=parent, note=raw["note"].strip(),
        role=role, demonyms=demonyms, ambiguous=ambiguous, surname_alone=surname_alone,
        source_file=source,
    )


def _read_files(paths: Iterable[Path]) -> list[ActorEntry]:
    entries: list[ActorEntry] = []
    for path in paths:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ActorDictionaryError(f"{path}: not valid YAML ({exc}); fix the syntax") from exc
        if data is None:
            continue
        if not isinstance(data, list):
            raise ActorDictionaryError(f"{path}: the file must be a YAML list of entries")
        for index, raw in enumerate(data, start=1):
            entries.append(_parse_entry(raw, where=f"{path}: entry {index}", source=path.name))
    return entries


def build_actor_dictionary(entries: Iterable[ActorEntry]) -> ActorDictionary:
    """Validate cross-entry rules and index the entries; raises ActorDictionaryError."""
    by_id: dict[str, ActorEntry] = {}
    for entry in entries:
        if entry.id in by_id:
            raise ActorDictionaryError(
                f"{entry.source_file}: id {entry.id!r} is also defined in "
                f"{by_id[entry.id].source_file}; ids must be unique"
            )
        by_id[entry.id] = entry
    for entry in by_id.values():
        if entry.parent is not None and entry.parent not in by_id:
            raise ActorDictionaryError(
                f"{entry.source_file}: {entry.id}: parent {entry.parent!r} is not a known id"
            )
    by_key: dict[str, list[ActorEntry]] = {}
    demonym_keys: dict[str, list[ActorEntry]] = {}
    roles: dict[tuple[str, str | None], ActorEntry] = {}
    for entry in by_id.values():
        for alias in (entry.name, *entry.aliases):
            key = alias_key(alias)
            if not key:
                raise ActorDictionaryError(
                    f"{entry.source_file}: {entry.id}: alias {alias!r} has no letters or digits"
                )
            bucket = by_key.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)
        for demonym in entry.demonyms:
            states = demonym_keys.setdefault(alias_key(demonym), [])
            if entry not in states:
                states.append(entry)
        if entry.role is not None:
            slot = (entry.role, entry.country)
            if slot in roles:
                raise ActorDictionaryError(
                    f"{entry.source_file}: {entry.id}: role {entry.role!r} for country "
                    f"{entry.country} is already held by {roles[slot].id}; one entry per slot"
                )
            roles[slot] = entry
    for key, bucket in by_key.items():
        if len(bucket) > 1:
            marked = [e for e in bucket if any(alias_key(a) == key for a in e.ambiguous)]
            if len(marked) != len(bucket):
                ids = ", ".join(e.id for e in bucket)
                raise ActorDictionaryError(
                    f"alias key {key!r} is shared by {ids}; make the aliases distinct or list "
                    "the alias under 'ambiguous' in every one of these entries"
                )
    for key, states in demonym_keys.items():
        others = [e for e in by_key.get(key, ()) if e not in states]
        if len(states) > 1 or others:
            ids = ", ".join(e.id for e in (*states, *others))
            raise ActorDictionaryError(f"demonym key {key!r} is shared by {ids}; make it unique")
    return ActorDictionary(
        entries=by_id,
        by_key={k: tuple(v) for k, v in by_key.items()},
        demonym_keys={k: tuple(v) for k, v in demonym_keys.items()},
        by_role_country=roles,
    )


def load_actor_dictionary(*paths: Path) -> ActorDictionary:
    """Load and validate YAML files or directories (default: the shipped data).

    With no argument the result is cached for the process (the shipped files never change
    while it runs); pass paths to load another set, e.g. a customer's own list.
    """
    if not paths:
        return _default_dictionary()
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return build_actor_dictionary(_read_files(files))


def default_data_dir() -> Path:
    return Path(str(resources.files("watchfloor.knowledge") / "data" / "actors"))


@functools.lru_cache(maxsize=1)
def _default_dictionary() -> ActorDictionary:
    return load_actor_dictionary(default_data_dir())
