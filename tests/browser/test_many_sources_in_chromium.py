"""/compare's source picker in real Chromium over six sources (tests/conftest.py), at a desktop
(1280x800) and a phone (390x844) size: choosing sources shows those only, and nothing is cut off
or scrolls sideways; screenshots in test-artifacts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.test_layout import SIZES, no_sideways_scroll, screenshot
from tests.browser.test_pages_in_chromium import browser  # noqa: F401  (the fixture)
from tests.conftest import Server

EVERY = "000,001,002,003,004,005"


@pytest.fixture(params=list(SIZES))
def sized(browser: Browser, request: pytest.FixtureRequest) -> Iterator[tuple[Page, str]]:  # noqa: F811
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    yield context.new_page(), request.param
    context.close()


def _inside(page: Page, selector: str, width: int) -> None:
    """Every element the selector finds lies within the page's width."""
    for item in page.locator(selector).all():
        box = item.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, selector


def _headers(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("table.matrix thead th").all_text_contents()][1:]


def test_the_picker_shows_the_chosen_sources_and_fits(
    sized: tuple[Page, str], many_server: Server
) -> None:
    page, size = sized
    width = SIZES[size][0]
    page.goto(many_server.url + "/compare")
    boxes = page.locator("form.picker input[type=checkbox]")
    assert boxes.count() == 6
    assert len(_headers(page)) == 4  # a few by default
    _inside(page, "form.picker fieldset", width)
    _inside(page, "form.picker label", width)
    for i in range(boxes.count()):
        boxes.nth(i).set_checked(False)
    page.get_by_label("Tempo Journal").check()
    page.get_by_label("Stride Notes").check()
    page.get_by_role("button", name="Compare these").click()
    page.wait_for_selector("section.versus")
    assert "sources=002" in page.url and "sources=005" in page.url
    assert _headers(page) == ["Tempo Journal", "Stride Notes"]
    assert page.locator("section.versus h2").inner_text().startswith("Source against source")
    assert no_sideways_scroll(page)
    _inside(page, "form.picker label", width)
    _inside(page, "table.matrix", width)
    screenshot(page, f"compare-picker-{size}")


def test_every_source_side_by_side_fits(sized: tuple[Page, str], many_server: Server) -> None:
    page, size = sized
    width = SIZES[size][0]
    page.goto(many_server.url + f"/compare?sources={EVERY}&activity=running&goal=recovery")
    assert len(_headers(page)) == 6
    assert no_sideways_scroll(page)
    _inside(page, ".matrix-wrap", width)
    _inside(page, "table.matrix", width)  # six columns fit a desktop; a phone gets one per line
    _inside(page, "#claims .side-col", width)
    assert page.locator("#claims .side-col").count() == 6  # a column of passages per source
    screenshot(page, f"compare-six-{size}")
    page.locator(".matrix").scroll_into_view_if_needed()
    screenshot(page, f"compare-six-table-{size}")
