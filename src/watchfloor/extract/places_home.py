"""A source's home area: where the places of its other reports lie.

A local newspaper writes mostly about its own town and state, so "Paris" in a paper from
Paris, Tennessee is that Paris, and "Athens" in the *Daily Post-Athenian* is Athens,
Tennessee; a wire service or an international site has no such home. This is the "local
lexicon" of Lieberman, Samet and Sankaranarayanan (2010), learnt here without supervision
from the source's own reports:

- :class:`ReportAreas`: the countries and first-level regions one report's confidently
  resolved places lie in, read from its places resolved *without* any home area (so that
  what a source's home is never feeds on itself);
- :class:`SourceProfile` counts them over the reports of one source (publisher, else web
  host): each report counts once per region, however many places it names there, so one
  long list does not outvote the rest;
- :meth:`SourceProfile.area` turns the counts into shares of the source's reports,
  leaving out the report being resolved (its own places are not evidence about itself).
  It keeps the regions and countries named by at least ``MIN_REGION_SHARE`` of the
  reports; a source none of whose countries has ``MIN_CONCENTRATION`` of its (report,
  country) pairs writes about everywhere and has no home at all;
- :meth:`HomeArea.bonus` is what a candidate inside the home area adds to its score in
  ``places_resolve`` (a prior, as the publisher's country is: the document's own context
  still counts for more).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from watchfloor.knowledge.gazetteer import Candidate

# Places resolved with less confidence than this say little about where a source writes.
MIN_PLACE_SCORE = 0.5
# Fewer other reports than this are too few to say where a source is at home.
MIN_DOCUMENTS = 3
# A region (or country) is home when at least this share of the source's reports name a
# place in it.
MIN_REGION_SHARE = 0.3
# A source is local only when one country has at least this share of all the (report,
# country) pairs: a wire service or an international site names a place in the United
# States in many of its reports, but in many other countries too, and has no home.
MIN_CONCENTRATION = 0.4
# Score added to a candidate inside a home region / country, times the share of reports.
HOME_REGION_WEIGHT = 1.2
HOME_COUNTRY_WEIGHT = 0.6
# Kinds of place that locate a report in a region (a country or a continent says little
# about a local paper's home region; a country still counts for the country).
_LOCAL_KINDS = frozenset({"city", "admin2", "admin1", "feature"})
_LOCATED_KINDS = _LOCAL_KINDS | {"country"}


def source_key(*, publisher: str | None = None, url: str | None = None) -> str | None:
    """What identifies a source across its reports: the publisher's name (case folded),
    else the host of the report's URL without "www."; None when neither is known."""
    if publisher and publisher.strip():
        return " ".join(publisher.split()).casefold()
    host = urlsplit(url).hostname if url else None
    if host:
        return host.removeprefix("www.")
    return None


@dataclass(frozen=True, kw_only=True)
class ReportAreas:
    """The countries and (country, admin1) regions one report's places locate it in."""

    countries: frozenset[str] = frozenset()
    regions: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def from_places(cls, places: Iterable[Mapping[str, Any]]) -> ReportAreas:
        countries: set[str] = set()
        regions: set[tuple[str, str]] = set()
        for p in places:
            cc, kind = p.get("country_code"), p.get("kind")
            if (not cc or p.get("demonym") or kind not in _LOCATED_KINDS
                    or float(p.get("score") or 0.0) < MIN_PLACE_SCORE):
                continue
            countries.add(cc)
            if kind in _LOCAL_KINDS and p.get("admin1_code"):
                regions.add((cc, p["admin1_code"]))
        return cls(countries=frozenset(countries), regions=frozenset(regions))

    def to_dict(self) -> dict[str, list[str]]:
        """The JSON shape of the contract line's ``areas``."""
        return {"countries": sorted(self.countries),
                "regions": sorted(f"{cc}.{a1}" for cc, a1 in self.regions)}

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> ReportAreas:
        regions = (r.split(".", 1) for r in value.get("regions") or () if "." in r)
        return cls(countries=frozenset(value.get("countries") or ()),
                   regions=frozenset((cc, a1) for cc, a1 in regions))


@dataclass(frozen=True, kw_only=True)
class HomeArea:
    """Shares of a source's reports naming a place in each home country and region."""

    countries: Mapping[str, float] = field(default_factory=dict)
    regions: Mapping[tuple[str, str], float] = field(default_factory=dict)
    documents: int = 0

    def bonus(self, c: Candidate) -> float:
        """Score added to candidate ``c`` for lying in the home area."""
        if not c.country_code:
            return 0.0
        score = HOME_COUNTRY_WEIGHT * self.countries.get(c.country_code, 0.0)
        if c.kind in _LOCAL_KINDS and c.admin1_code:
            score += HOME_REGION_WEIGHT * self.regions.get((c.country_code, c.admin1_code), 0.0)
        return score


@dataclass(kw_only=True)
class SourceProfile:
    """Counts of reports per country and region over the reports of one source."""

    documents: int = 0
    countries: Counter[str] = field(default_factory=Counter)
    regions: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, areas: ReportAreas) -> None:
        """Count one report."""
        self.documents += 1
        self.countries.update(areas.countries)
        self.regions.update(areas.regions)

    def area(self, *, leave_out: ReportAreas | None = None) -> HomeArea | None:
        """The home area, or None when the source has too few reports or no home.
        ``leave_out``: a report counted in the profile that is now being resolved again."""
        documents = self.documents
        countries, regions = Counter(self.countries), Counter(self.regions)
        if leave_out is not None:
            documents -= 1
            countries.subtract(leave_out.countries)
            regions.subtract(leave_out.regions)
        if documents < MIN_DOCUMENTS:
            return None
        pairs = sum(n for n in countries.values() if n > 0)
        if not pairs or max(countries.values()) / pairs < MIN_CONCENTRATION:
            return None
        home_countries = {cc: n / documents for cc, n in countries.items()
                          if n / documents >= MIN_REGION_SHARE}
        home_regions = {r: n / documents for r, n in regions.items()
                        if n / documents >= MIN_REGION_SHARE}
        if not home_countries and not home_regions:
            return None
        return HomeArea(countries=home_countries, regions=home_regions, documents=documents)
