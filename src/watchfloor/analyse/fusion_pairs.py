"""Candidate pairs for event fusion: which reports are worth comparing at all.

Comparing every pair of thousands of events is quadratic; the gates of
:func:`watchfloor.analyse.fusion.compare` reject most pairs on date or country alone, so
candidates are swept by date within each country (and reports of unknown country with
everyone), plus pairs of different countries that share an identified victim or target, the
one case where the place gate is waived.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # fusion imports this module
    from watchfloor.analyse.fusion import Report


def date_sweep(reports: Sequence[Report], members: Sequence[int]) -> Iterable[tuple[int, int]]:
    """Pairs of ``members`` (indices into ``reports``) whose date ranges overlap; undated
    reports pair with every member."""
    order = sorted(members, key=lambda i: (reports[i].start or date.min, reports[i].key))
    undated = [i for i in order if reports[i].start is None or reports[i].end is None]
    dated = [i for i in order if reports[i].start is not None and reports[i].end is not None]
    for pos, i in enumerate(dated):
        end_i = reports[i].end
        assert end_i is not None
        for j in dated[pos + 1:]:
            start_j = reports[j].start
            assert start_j is not None
            if start_j > end_i:
                break
            yield i, j
    for pos, i in enumerate(undated):
        yield from ((i, j) for j in dated)
        yield from ((i, j) for j in undated[pos + 1:])


def candidate_pairs(reports: Sequence[Report]) -> Iterable[tuple[int, int]]:
    """A superset of the pairs that can pass the gates, without comparing every pair: the
    date ranges overlap (or one is unknown) and the countries agree (or one is unknown);
    reports of different countries only when they share an identified victim or target
    (the one case where the place gate is waived). Each pair once, as (low, high)."""
    by_country: dict[str, list[int]] = {}
    unknown: list[int] = []
    for i, r in enumerate(reports):
        if r.country is None:
            unknown.append(i)
        else:
            by_country.setdefault(r.country, []).append(i)
    for country in sorted(by_country):
        for i, j in date_sweep(reports, by_country[country] + unknown):
            if reports[i].country is not None or reports[j].country is not None:
                yield min(i, j), max(i, j)
    for i, j in date_sweep(reports, unknown):
        yield min(i, j), max(i, j)
    by_id: dict[str, list[int]] = {}
    for i, r in enumerate(reports):
        for ident in r.identified:
            by_id.setdefault(ident, []).append(i)
    seen: set[tuple[int, int]] = set()
    for ident in sorted(by_id):
        for i, j in date_sweep(reports, by_id[ident]):
            a, b = reports[i].country, reports[j].country
            pair = (min(i, j), max(i, j))
            if a is not None and b is not None and a != b and pair not in seen:
                seen.add(pair)
                yield pair
    yield from _recalled_pairs(reports, seen)


def _recalled_pairs(reports: Sequence[Report],
                    seen: set[tuple[int, int]]) -> Iterable[tuple[int, int]]:
    """Pairs whose dates do not overlap but that name the same victim or target, one of
    them undated: a later report recalling an incident (``fusion.recalls``)."""
    by_name: dict[str, list[int]] = {}
    for i, r in enumerate(reports):
        for name in r.named:
            by_name.setdefault(name, []).append(i)
    for name in sorted(by_name):
        members = by_name[name]
        undated = [i for i in members if reports[i].span_days is None
                   and reports[i].start is not None]
        dated = [i for i in members if reports[i].span_days is not None]
        for i in undated:
            for j in dated:
                a, b = reports[i], reports[j]
                assert a.start is not None and a.end is not None
                if b.start is None or b.end is None or (b.start <= a.end and a.start <= b.end):
                    continue  # the date sweep has them
                pair = (min(i, j), max(i, j))
                if pair not in seen:
                    seen.add(pair)
                    yield pair
