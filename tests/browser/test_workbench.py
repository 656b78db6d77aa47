"""The workbench in a real browser, as an analyst uses it, over the demo served by
`watchfloor demo` (the sample corpus ingested and extracted into SQLite): search, open a
report, see its events highlighted, follow connected content, open Kazakhstan's page with
its map and timeline; keyboard use; no broken link. Screenshots of the main pages are left
in artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import pytest
from browser_tab import Tab

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        raise  # CI must run the browser tests (pip install -e '.[test]' brings playwright)
    pytest.skip("playwright is not installed: pip install -e '.[test]'", allow_module_level=True)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

AKTOBE_TITLE = "Suicide bomber blows himself up at Aktobe security office"


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def wait_for_map(page: Page) -> int:
    """Wait until map.js has drawn the events; the number of events it was given."""
    page.wait_for_selector("#map[data-loaded]")
    loaded = int(page.locator("#map").get_attribute("data-loaded") or "0")
    markers = page.locator("#map .event-marker, #map .marker-cluster")
    expect(markers.first).to_be_visible()
    assert markers.count() > 0
    return loaded


def test_search_report_connected_content_and_country(tab: Tab) -> None:
    page = tab.page
    tab.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    tab.screenshot("overview")

    # search: type a query in the search form and submit it
    nav(page, "Search")
    page.wait_for_url(re.compile(r"/search$"))
    page.get_by_label("Query").fill("suicide bomber")
    page.get_by_label("Query").press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=suicide\+bomber"))
    hits = page.locator("ol.hits li.hit")
    assert hits.count() >= 3
    expect(page.locator(".hit .snippet mark").first).to_be_visible()
    tab.screenshot("search")

    # open a report from the results: its text with a highlighted event
    page.locator(".hit h2").get_by_role("link", name=AKTOBE_TITLE).click()
    page.wait_for_url(re.compile(r"/documents/[0-9a-f]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(AKTOBE_TITLE)
    events = page.locator("#text .hl-event")
    expect(events.first).to_be_visible()
    assert "suicide bombing" in events.all_inner_texts()
    # an event card's evidence link lights its sentence in the text
    card = page.locator(".event-card").filter(has_text="Suicide bomb")
    card.get_by_role("link", name=re.compile("^Evidence")).first.click()
    page.wait_for_url(re.compile(r"#span-\d+-\d+$"))
    lit = page.locator("#text .ev.targeted")
    expect(lit.first).to_be_in_viewport()
    assert "suicide bombing" in " ".join(lit.all_inner_texts())
    page.evaluate("window.scrollTo(0, 0)")
    tab.screenshot("document")

    # connected content: a related report, with the reason it is related
    related = page.locator(".related .related-item")
    assert related.count() >= 1
    first = related.first
    assert first.locator("ul.reasons li").count() >= 1
    link = first.locator("a").first
    title = link.inner_text().strip()
    link.click()
    page.wait_for_url(re.compile(r"/documents/[0-9a-f]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert title != AKTOBE_TITLE

    # one of its events, with every field's evidence, then the event's country
    page.locator(".event-card h3 a").first.click()
    page.wait_for_url(re.compile(r"/events/[^/]+$"))
    assert page.locator("table.fields tbody tr").count() >= 3
    expect(page.locator("table.fields a[href*='#span-']").first).to_be_visible()
    tab.screenshot("event")
    page.locator("p.meta a[href^='/countries/']").first.click()
    page.wait_for_url(re.compile(r"/countries/[A-Z]{2}$"))
    wait_for_map(page)

    # Regions & countries → Kazakhstan: map markers, the timeline, 2011's rise at a glance
    nav(page, "Regions & countries")
    page.get_by_role("link", name="Kazakhstan", exact=True).first.click()
    page.wait_for_url(re.compile(r"/countries/KZ$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kazakhstan")
    assert wait_for_map(page) >= 50
    bars = page.locator("#timeline svg.timeline rect.bar")
    expect(bars.first).to_be_visible()
    assert bars.count() >= 10
    years = page.locator("table.years thead th").all_inner_texts()[1:]
    counts = [int(n) for n in page.locator("table.years tbody tr").first
              .locator("td").all_inner_texts()]
    per_year = dict(zip(years, counts, strict=True))
    assert max(per_year, key=lambda y: per_year[y]) == "2011", per_year
    assert per_year["2011"] > 3 * max(per_year.get("2010", 0), 1)
    tab.screenshot("country")

    # the map page and the actors page
    nav(page, "Map")
    assert wait_for_map(page) >= 100
    tab.screenshot("map")
    nav(page, "Actors")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.locator("main a[href^='/actors/']").count() >= 10
    tab.screenshot("actors")


def _focused(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => { const el = document.activeElement;
                   return { tag: el.tagName, id: el.id || '', href: el.getAttribute('href') || '',
                            cls: el.closest('.hit') ? 'hit' : '',
                            outline: getComputedStyle(el).outlineStyle }; }"""
    )


def _tab_until(page: Page, wanted: str, *, limit: int) -> dict[str, str]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if wanted in (focused["id"], focused["cls"]):
            return focused
    raise AssertionError(f"{wanted} not reached with {limit} presses of Tab")


def test_keyboard_only(tab: Tab) -> None:
    page = tab.page
    tab.goto("/")
    page.keyboard.press("Tab")
    first = _focused(page)
    assert first["tag"] == "A" and first["href"] == "#main"  # the skip link comes first
    focused = _tab_until(page, "quick-q", limit=12)  # the search box, a few presses away
    assert focused["tag"] == "INPUT"
    page.keyboard.type("Zhanaozen")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Zhanaozen"))
    assert page.locator("ol.hits li.hit").count() >= 3
    # the results are real links: reachable with Tab, visibly focused, opened with Enter
    focused = _tab_until(page, "hit", limit=80)
    assert focused["tag"] == "A" and focused["href"].startswith("/documents/")
    assert focused["outline"] != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/documents/[0-9a-f]+$"))
    assert "Zhanaozen" in page.locator("#text").inner_text()


def test_links_on_the_main_pages_lead_somewhere(tab: Tab) -> None:
    """Every link is a real link (an href, no script), every in-page anchor has its target,
    and every link to another page of the workbench answers 200."""
    page = tab.page
    tab.goto(f"/search?q={AKTOBE_TITLE.replace(' ', '+')}")
    page.locator(".hit h2 a").first.click()
    page.wait_for_url(re.compile(r"/documents/[0-9a-f]+$"))
    document_path = urlsplit(page.url).path
    targets: set[str] = set()
    for path in ["/", document_path, "/countries/KZ"]:
        tab.goto(path)
        # Leaflet's zoom controls are <a role="button">, buttons rather than links
        links = page.locator("a:not([role=button])").evaluate_all(
            "els => els.map(a => [a.getAttribute('href'), a.innerText])")
        assert len(links) >= 10, path
        for href, text in links:
            assert href and not href.startswith("javascript:"), (path, text)
            if href.startswith("#"):
                anchor = href[1:]
                assert page.locator(f"[id='{anchor}']").count() == 1, (path, href)
            elif href.startswith("/") and not href.startswith("/api/v1/export"):
                targets.add(urljoin(tab.base, href))
    assert len(targets) >= 30
    broken = []
    for url in sorted(targets):
        reply = page.request.get(url)
        if reply.status != 200:
            broken.append(f"{reply.status} {url}")
    assert not broken, broken
