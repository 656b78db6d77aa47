"""A real browser for the browser tests: Debian's Chromium driven by Playwright for Python.

Playwright's own browser builds are never downloaded: the tests launch /usr/bin/chromium
(`apt-get install chromium`). Without it, or without the playwright package, the tests are
skipped on a workstation and FAIL in CI (CI=true), so a CI run cannot pass without them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from browser_tab import Tab

from demo_site import DemoSite

CHROMIUM = os.environ.get("WATCHFLOOR_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# Generous for a busy 2-core machine; a page of this app renders in well under a second.
TIMEOUT_MS = 15_000


def _unavailable(message: str) -> None:
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: pip install -e '.[test]'")
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} not found: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site(chromium: Any, demo_site: DemoSite) -> DemoSite:
    """The demo served by `watchfloor demo` (asked for after the browser, so a missing
    browser skips before the corpus is ingested)."""
    return demo_site


@pytest.fixture
def tab(chromium: Any, site: DemoSite) -> Iterator[Tab]:
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    tab = Tab(page=page, base=site.url)
    page.on("console", lambda m: tab.problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: tab.problems.append(f"uncaught: {e}"))
    page.on("response", lambda r: tab.problems.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 else None)
    yield tab
    context.close()
    assert not tab.problems, "the browser saw errors:\n" + "\n".join(tab.problems)
