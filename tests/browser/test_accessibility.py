"""Accessibility: axe-core (axe-playwright-python) on every kind of page, in real Chromium.

No rule is switched off and no part of a page is excluded: a serious or critical violation on
any page fails, with the rule, its impact and the first offending elements named.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from tests.browser.test_pages_in_chromium import browser  # noqa: F401  (the fixture)
from tests.conftest import Server

PAGES = {
    "home": "/",
    "answer": "/ask?q=Does+running+after+leg+day+kill+my+gains%3F",
    "compare": "/compare?activity=running&goal=recovery",
    "source": "/source/001?claim=faq-wont-lose-muscle&q=lose+muscle#claim-faq-wont-lose-muscle",
    "concept": "/concept/running",
    "claim": "/claim/001/faq-wont-lose-muscle",
    "data": "/data",
    "sparql": "/sparql",
}
SERIOUS = {"serious", "critical"}
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


@pytest.fixture(params=list(SIZES))
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:  # noqa: F811
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    yield context.new_page()
    context.close()


def serious_violations(page: Page) -> list[str]:
    """Each serious or critical axe violation on the page as one readable line."""
    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}x): {v['help']}; e.g. "
        + " | ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in found
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation(page: Page, server: Server, name: str) -> None:
    page.goto(server.url + PAGES[name])
    if name == "sparql":  # YASGUI's editor and a results table, as a user sees them
        page.wait_for_selector(".yasqe .CodeMirror")
        page.get_by_role("link", name="What each authority is cited for").click()
        page.wait_for_selector(".yasr table tbody tr")
    assert serious_violations(page) == []
