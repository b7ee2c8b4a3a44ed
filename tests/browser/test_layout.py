"""The public pages at a desktop (1280x800) and a phone (390x844) size, in real Chromium: what
must be in view on load, no sideways scrolling; screenshots of each in test-artifacts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.test_pages_in_chromium import SHOTS, browser  # noqa: F401  (the fixture)
from tests.conftest import Server

SIZES = {"1280x800": (1280, 800), "390x844": (390, 844)}
ANSWER = "/ask?q=Does+running+after+leg+day+kill+my+gains%3F"
FOLLOWED = "/source/001?claim=faq-wont-lose-muscle&q=lose+muscle#claim-faq-wont-lose-muscle"


@pytest.fixture(params=list(SIZES))
def sized(browser: Browser, request: pytest.FixtureRequest) -> Iterator[tuple[Page, str]]:  # noqa: F811
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    yield context.new_page(), request.param
    context.close()


def screenshot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def no_sideways_scroll(page: Page) -> bool:
    return bool(
        page.evaluate(
            "document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"
        )
    )


def test_the_bottom_line_and_every_verdict_are_above_the_fold(
    sized: tuple[Page, str], server: Server
) -> None:
    page, size = sized
    page.goto(server.url + ANSWER)
    height = page.viewport_size["height"] if page.viewport_size else 0
    items = [page.locator(".bottom-line"), *page.locator(".verdict").all()]
    assert len(items) == 3  # the bottom line and one chip per source
    for item in items:
        box = item.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height
    assert "Should I Run After Leg Day?: " in page.locator(".verdicts").inner_text()
    assert no_sideways_scroll(page)
    screenshot(page, f"answer-{size}")


def test_the_followed_passage_is_marked_alone_and_mid_screen(
    sized: tuple[Page, str], server: Server
) -> None:
    page, size = sized
    page.goto(server.url + FOLLOWED)
    height = page.viewport_size["height"] if page.viewport_size else 0
    assert page.locator("mark").count() == 1
    box = page.locator("mark.current").bounding_box()
    assert box is not None and 0.2 * height <= box["y"] <= 0.7 * height  # text above it too
    assert page.get_by_role("link", name="← Back to the answer").is_visible()  # sticky bar
    assert no_sideways_scroll(page)
    screenshot(page, f"source-{size}")


def test_compare_fits_without_sideways_scroll(sized: tuple[Page, str], server: Server) -> None:
    page, size = sized
    page.goto(server.url + "/compare?activity=running&goal=recovery")
    assert no_sideways_scroll(page)
    table = page.locator("table.matrix").bounding_box()
    assert table is not None and table["x"] + table["width"] <= SIZES[size][0]
    headers = page.locator("table.matrix thead th").all_inner_texts()
    assert "Should I Run After Leg Day?" in headers and "001" not in headers
    screenshot(page, f"compare-{size}")
    page.locator(".matrix").scroll_into_view_if_needed()
    screenshot(page, f"compare-table-{size}")
