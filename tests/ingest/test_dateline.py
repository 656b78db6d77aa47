from datetime import date

import pytest

from watchfloor.ingest.dateline import dateline_place_span, find_dateline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LIMA, 10 JAN 90 (EFE) -- [TEXT] POLICE SAID", (date(1990, 1, 10), "LIMA")),
        ("XX-MUC3-0001 (NOSC)\n\n   SAN SALVADOR, 3 JAN 90 -- [REPORT] THE",
         (date(1990, 1, 3), "SAN SALVADOR")),
        ("TEGUCIGALPA, 14 SEP 89 (ACAN-EFE) -- [TEXT]", (date(1989, 9, 14), "TEGUCIGALPA")),
        ("ALMATY, Dec 17, 2011 (Wire) - Police said", (date(2011, 12, 17), "ALMATY")),
        ("ASTANA, 18 December 2011 -- The court", (date(2011, 12, 18), "ASTANA")),
        ("BISHKEK, Kyrgyzstan, June 12, 2010 — Troops", (date(2010, 6, 12), "BISHKEK")),
        ("Headline here\nBy A. Writer\n\nOSH, 11 Jun 2010 -- Fires", (date(2010, 6, 11), "OSH")),
    ],
)
def test_datelines_give_the_publication_date(text: str, expected: tuple[date, str]) -> None:
    assert find_dateline(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ALMATY, Dec 17 (Wire) - no year, so no date",  # never guess the year
        "Police said on 10 JAN 90 -- that nothing happened",  # not at a line start
        "LIMA, 31 FEB 90 -- impossible day",
        ("x " * 400) + "\nLIMA, 10 JAN 90 -- too far down to be a dateline",
        "Кызылорда, 10 янв 2011 -- Cyrillic months are not matched",
    ],
)
def test_no_dateline_no_date(text: str) -> None:
    assert find_dateline(text) is None


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("LIMA, 10 JAN 90 (EFE) -- [TEXT] POLICE SAID", "LIMA"),
        ("NO CITY (PERU), 16 SEP 89 -- [TEXT] X", "NO CITY (PERU)"),
        ("BISHKEK, Kyrgyzstan, June 12, 2010 — Troops", "BISHKEK, Kyrgyzstan"),
        ("Headline\n\nOSH, 11 Jun 2010 -- Fires", "OSH"),
    ],
)
def test_dateline_place_span(text: str, place: str) -> None:
    span = dateline_place_span(text)
    assert span is not None and text[span[0]:span[1]] == place


def test_no_dateline_no_place_span() -> None:
    assert dateline_place_span("Police said on 10 JAN 90 -- that nothing happened") is None
