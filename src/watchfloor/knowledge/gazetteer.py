"""Read-only lookups over the embedded gazetteer (see ``gazetteer_build`` for its sources).

A ``Gazetteer`` holds one SQLite connection; nothing but a bounded per-instance cache of
recent lookups stays in memory, so a long-running process answers lookups without loading
the ~276,000 places.

    gaz = open_gazetteer()            # builds on first use (~30 s), then opens
    gaz.lookup("Aqtau")               # -> [Candidate(name='Aktau', ...), ...]
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import platformdirs

from watchfloor.knowledge.gazetteer_build import (
    GAZETTEER_VERSION,
    QUALITY_CURATED,
    QUALITY_PRIMARY,
    BuildStats,
    build_gazetteer,
    source_fingerprint,
)
from watchfloor.knowledge.names import name_key, skeleton

# Lookups remembered per Gazetteer instance: a news corpus repeats the same few hundred
# names, and 20,000 entries of a few candidates each stay well under 50 MB.
CACHE_SIZE = 20_000
# At most this many candidates per name (by name quality, then population): "San Jose" has
# dozens of homonyms, but ones past the first 60 are hamlets that never win.
MAX_CANDIDATES = 60
# Bytes of the gazetteer file SQLite may memory-map (the whole ~110 MB index).
MMAP_BYTES = 256 * 1024 * 1024

_T = TypeVar("_T")

_PLACE_COLUMNS = (
    "p.id, p.geonameid, p.supplement_id, p.name, p.kind, p.feature_code, p.lat, p.lon, "
    "p.country_code, p.admin1_code, p.admin2_code, p.population"
)

__all__ = [
    "BuildStats",
    "Candidate",
    "Gazetteer",
    "build_gazetteer",
    "default_gazetteer_path",
    "open_gazetteer",
]


@dataclass(frozen=True, kw_only=True, slots=True)
class Candidate:
    """One gazetteer entry a name may refer to, with how well the name matched it."""

    id: int
    geonameid: int | None
    supplement_id: str | None
    name: str
    kind: str  # city | admin1 | admin2 | country | continent | region | feature
    feature_code: str
    lat: float
    lon: float
    country_code: str | None
    admin1_code: str | None
    admin2_code: str | None
    population: int
    quality: int  # QUALITY_PRIMARY / QUALITY_CURATED / QUALITY_ALTERNATE
    fuzzy: bool = False  # matched through the transliteration skeleton only

    @property
    def place_id(self) -> str:
        if self.geonameid is not None:
            return f"geonames:{self.geonameid}"
        return f"watchfloor:{self.supplement_id}"


def default_gazetteer_path() -> Path:
    """``<user cache dir>/watchfloor/gazetteer-<version>-<source fingerprint>.sqlite``."""
    cache = Path(platformdirs.user_cache_dir("watchfloor", appauthor=False))
    return cache / f"gazetteer-{GAZETTEER_VERSION}-{source_fingerprint()}.sqlite"


def open_gazetteer(path: str | Path | None = None, *, build: bool = True) -> Gazetteer:
    """Open the gazetteer at ``path`` (default: ``default_gazetteer_path()``).

    When the file is missing and ``build`` is true it is built first (about 30 s, < 1 GB
    RAM); otherwise a FileNotFoundError says how to build it.
    """
    target = Path(path) if path is not None else default_gazetteer_path()
    if not target.exists():
        if not build:
            raise FileNotFoundError(
                f"no gazetteer at {target}; build it with `watchfloor geoparse --build` "
                "or open_gazetteer(build=True)"
            )
        build_gazetteer(target)
    return Gazetteer(target)


class Gazetteer:
    """Name and id lookups over one gazetteer file; safe to share between threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._conn = sqlite3.connect(
            f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
        )
        # Memory-mapped reads: pages come from the OS file cache without a copy per query
        # (resident only while used, shared between processes reading the same file).
        self._conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, ...], object] = OrderedDict()
        version = self._query("SELECT value FROM meta WHERE key='version'")
        if not version or version[0][0] != GAZETTEER_VERSION:
            raise RuntimeError(
                f"{self.path} was built by another version of watchfloor; delete it and "
                "it is rebuilt on next use"
            )

    def close(self) -> None:
        self._conn.close()

    def _query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _cached(self, key: tuple[str, ...], compute: Callable[[], _T]) -> _T:
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]  # type: ignore[return-value]
        value = compute()
        self._cache[key] = value
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return value

    @staticmethod
    def _candidate(row: tuple, *, quality: int, fuzzy: bool = False) -> Candidate:
        return Candidate(
            id=row[0], geonameid=row[1], supplement_id=row[2], name=row[3], kind=row[4],
            feature_code=row[5], lat=row[6], lon=row[7], country_code=row[8],
            admin1_code=row[9], admin2_code=row[10], population=row[11] or 0,
            quality=quality, fuzzy=fuzzy,
        )

    def _by_key(self, column: str, value: str, *, after_comma: bool) -> list[Candidate]:
        contexts = ("any", "after_comma") if after_comma else ("any",)
        rows = self._query(
            f"SELECT {_PLACE_COLUMNS}, max(n.quality) FROM name n JOIN place p "
            f"ON p.id = n.place_id WHERE n.{column} = ? AND n.context IN "
            f"({','.join('?' * len(contexts))}) GROUP BY p.id "
            "ORDER BY max(n.quality) DESC, p.population DESC LIMIT ?",
            (value, *contexts, MAX_CANDIDATES),
        )
        return [
            self._candidate(r[:12], quality=r[12], fuzzy=column == "skel") for r in rows
        ]

    def lookup(
        self, name: str, *, fuzzy: bool = True, after_comma: bool = False
    ) -> list[Candidate]:
        """Places called ``name`` (any spelling GeoNames or the supplements know).

        With ``fuzzy``, a name with no exact match is looked up by its transliteration
        skeleton. ``after_comma`` also admits abbreviations only meaningful in a
        "Place, Region" phrase ("Ill.", "TX").
        """
        key = name_key(name)
        if not key:
            return []

        def compute() -> list[Candidate]:
            found = self._by_key("key", key, after_comma=after_comma)
            if not found and fuzzy and len(key) >= 4:
                found = self._by_key("skel", skeleton(name), after_comma=after_comma)
            return found

        return self._cached(("lookup", key, str(fuzzy), str(after_comma)), compute)

    def has_name(self, name: str) -> bool:
        """True when some place is called exactly ``name`` (no fuzzy matching)."""
        key = name_key(name)
        return bool(key) and self._cached(
            ("has", key),
            lambda: bool(self._query("SELECT 1 FROM name WHERE key=? LIMIT 1", (key,))),
        )

    def get(self, place_id: int) -> Candidate | None:
        rows = self._query(f"SELECT {_PLACE_COLUMNS} FROM place p WHERE p.id = ?", (place_id,))
        return self._candidate(rows[0], quality=QUALITY_PRIMARY) if rows else None

    def country(self, country_code: str) -> Candidate | None:
        """The country entry for an ISO 3166-1 alpha-2 code."""
        def compute() -> Candidate | None:
            rows = self._query(
                f"SELECT {_PLACE_COLUMNS} FROM place p WHERE p.country_code=? "
                "AND p.kind='country'", (country_code.upper(),)
            )
            return self._candidate(rows[0], quality=QUALITY_PRIMARY) if rows else None
        return self._cached(("country", country_code.upper()), compute)

    def admin1_name(self, country_code: str | None, code: str | None) -> str | None:
        if not country_code or not code:
            return None
        def compute() -> str | None:
            rows = self._query(
                "SELECT name FROM admin1 WHERE country_code=? AND code=?", (country_code, code)
            )
            return rows[0][0] if rows else None
        return self._cached(("a1", country_code, code), compute)

    def admin1_place_id(self, country_code: str | None, code: str | None) -> int | None:
        """GeoNames id of a first-level region, by country and admin1 code."""
        if not country_code or not code:
            return None
        def compute() -> int | None:
            rows = self._query(
                "SELECT place_id FROM admin1 WHERE country_code=? AND code=?",
                (country_code, code),
            )
            return rows[0][0] if rows else None
        return self._cached(("a1id", country_code, code), compute)

    def admin2_name(
        self, country_code: str | None, admin1: str | None, code: str | None
    ) -> str | None:
        if not country_code or not admin1 or not code:
            return None
        def compute() -> str | None:
            rows = self._query(
                "SELECT name FROM admin2 WHERE country_code=? AND admin1_code=? AND code=?",
                (country_code, admin1, code),
            )
            return rows[0][0] if rows else None
        return self._cached(("a2", country_code, admin1, code), compute)

    def demonym_country(self, word: str) -> str | None:
        """Country code for a curated demonym ("Kazakh" -> "KZ"), else None."""
        key = name_key(word)
        def compute() -> str | None:
            rows = self._query("SELECT country_code FROM demonym WHERE key=?", (key,))
            return rows[0][0] if rows else None
        return self._cached(("dem", key), compute)

    def country_keys(self) -> list[tuple[str, str]]:
        """(country code, name key) for every country's primary and curated names."""
        def compute() -> list[tuple[str, str]]:
            return [
                (r[0], r[1]) for r in self._query(
                    "SELECT p.country_code, n.key FROM name n JOIN place p ON p.id=n.place_id "
                    "WHERE p.kind='country' AND n.quality>=?", (QUALITY_PRIMARY,)
                )
            ]
        return self._cached(("country_keys",), compute)

    def stem_index(self, which: str, *, max_remainder: int) -> dict[str, frozenset[str | int]]:
        """For ``which`` = "country" (codes) or "region" (place ids): every key of
        :meth:`country_keys` / :meth:`region_keys` with 0 to ``max_remainder`` trailing
        letters removed, mapped to what carries it ("colomb" -> {"CO"}): the demonym suffix
        rule's lookups, one dict access each."""
        def compute() -> dict[str, frozenset[str | int]]:
            pairs = self.country_keys() if which == "country" else self.region_keys()
            index: dict[str, set[str | int]] = {}
            for value, key in pairs:
                for cut in range(min(max_remainder, len(key) - 1) + 1):
                    index.setdefault(key[:len(key) - cut], set()).add(value)
            return {k: frozenset(v) for k, v in index.items()}
        return self._cached(("stem_index", which, str(max_remainder)), compute)

    def region_keys(self) -> list[tuple[int, str]]:
        """(place id, name key) of every first-level region and continent, by their primary
        and curated names (for the demonym suffix rule)."""
        def compute() -> list[tuple[int, str]]:
            return [
                (r[0], r[1]) for r in self._query(
                    "SELECT p.id, n.key FROM name n JOIN place p ON p.id=n.place_id "
                    "WHERE p.kind IN ('admin1', 'continent') AND n.quality>=? "
                    "AND n.context='any'", (QUALITY_CURATED,)
                )
            ]
        return self._cached(("region_keys",), compute)

    def town_points(self) -> list[tuple[float, float, str | None, str | None]]:
        """(lat, lon, country code, admin1 code) of every city-kind place: a whole-table
        read (~200,000 rows) for reverse geocoding in evaluations; not cached."""
        return [(r[0], r[1], r[2], r[3]) for r in self._query(
            "SELECT lat, lon, country_code, admin1_code FROM place WHERE kind='city'")]

    def stats(self) -> dict[str, int]:
        return {
            "places": self._query("SELECT count(*) FROM place")[0][0],
            "names": self._query("SELECT count(*) FROM name")[0][0],
        }

