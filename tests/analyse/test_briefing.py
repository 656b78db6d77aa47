"""Briefings: the data gathered from stored events, and the HTML and PDF written from it,
through `watchfloor brief` on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from stored_events import QUOTE, store_events

from watchfloor.analyse.briefing import BriefingRequest, build_briefing, country_outline
from watchfloor.export.briefing import map_geometry, render_html, render_pdf
from watchfloor.store import Database

DAYS = [date(2010, 3, 4), date(2011, 5, 17), date(2011, 11, 12), date(2011, 12, 16)]


def test_briefing_gathers_events_map_quotes_and_sources(db_url: str) -> None:
    with Database.open(db_url) as db:
        store_events(db, DAYS, deadliest=2)
        data = build_briefing(db, BriefingRequest(country="kz", since=date(2011, 1, 1)))
        assert build_briefing(db, BriefingRequest(country="ZZ")) is None
    assert data is not None
    assert data["place"] == "Kazakhstan" and data["since"] == "2011-01-01"
    assert data["totals"]["events"] == 3 and data["totals"]["fatalities"] == 11
    # The deadliest event is listed; key events run in date order; 2010 is outside the period.
    assert [e["start_date"] for e in data["key_events"]] == [d.isoformat() for d in DAYS[1:]]
    assert max(e["fatalities"] for e in data["key_events"]) == 9
    assert len(data["sources"]) == 3
    assert [q["text"] for q in data["quotes"]] == [QUOTE]  # the same words once
    assert "Bozumbayev" in (data["quotes"][0]["speaker"] or "")
    assert len(data["map"]["points"]) == 3 and data["map"]["outline"]


def test_map_geometry_puts_points_inside_the_frame() -> None:
    outline = country_outline("KZ")
    assert outline and country_outline("--") == []
    data = {"map": {"outline": outline, "points": [
        {"lat": 42.9, "lon": 71.37, "fatalities": 4, "precise": True, "title": "Attack"}]}}
    geometry = map_geometry(data)
    assert geometry is not None
    (circle,) = geometry["circles"]
    assert 0 < circle["x"] < geometry["width"] and 0 < circle["y"] < geometry["height"]
    assert circle["r"] == 8.0  # 3 + 2.5 * sqrt(4)
    # Taraz lies in the south of the country: the lower half of the frame.
    assert circle["y"] > geometry["height"] / 2


def test_html_and_pdf_render_every_section(db_url: str) -> None:
    with Database.open(db_url) as db:
        store_events(db, DAYS)
        data = build_briefing(db, BriefingRequest(country="KZ"))
    assert data is not None
    page = render_html(data)
    for heading in ("Trend findings", "Map", "Events per month", "Key events", "Top actors",
                    "Notable quotes", "Sources"):
        assert f">{heading}</h2>" in page, heading
    assert page.count("<circle") == 4 and "<script" not in page and "http" not in page
    pdf = render_pdf(data)
    assert pdf.startswith(b"%PDF-") and b"/Type /Page" in pdf


def test_brief_command_writes_html_and_pdf_and_explains_failures(
    db_url: str, tmp_path: Path
) -> None:
    with Database.open(db_url) as db:
        store_events(db, DAYS)

    def brief(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "watchfloor", "brief", "--db", db_url,
                               *args], capture_output=True, text=True, timeout=120)

    html, pdf = tmp_path / "kz.html", tmp_path / "kz.pdf"
    ok = brief("--country", "KZ", "--since", "2011-01-01", "-o", str(html))
    assert ok.returncode == 0, ok.stderr
    assert "Kazakhstan: security briefing" in html.read_text(encoding="utf-8")
    ok = brief("--country", "KZ", "-o", str(pdf))
    assert ok.returncode == 0, ok.stderr
    assert pdf.read_bytes().startswith(b"%PDF-")
    missing = brief("--country", "FR", "-o", str(tmp_path / "fr.html"))
    assert missing.returncode == 1 and "nothing recorded for FR" in missing.stderr
    assert not (tmp_path / "fr.html").exists()
    unwritable = brief("--country", "KZ", "-o", str(tmp_path / "no" / "such" / "dir.html"))
    assert unwritable.returncode == 1 and "cannot write" in unwritable.stderr
    bad_date = brief("--country", "KZ", "--since", "2011-13-45", "-o", str(html))
    assert bad_date.returncode == 2
