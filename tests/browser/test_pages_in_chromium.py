"""The pages in a real browser: Playwright driving Debian's Chromium against the real server.

Screenshots go to test-artifacts/screenshots (scripts/test prints the folder).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import Server

CHROMIUM = os.environ.get("KGQA_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    yield context.new_page()
    context.close()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_type_a_question_and_read_the_answer(page: Page, server: Server) -> None:
    page.goto(server.url + "/")
    shot(page, "home")
    page.fill("#q", "Does running after leg day help recovery?")
    page.click("form.ask button")
    page.wait_for_selector(".citation")
    assert page.locator(".citation").count() >= 3
    assert page.locator(".disagreement").first.locator(".side").count() == 2
    assert page.locator(".bottom-line").inner_text().startswith("The articles ")


def test_citation_link_opens_the_passage_highlighted_in_view(page: Page, server: Server) -> None:
    page.goto(server.url + "/ask?q=Will+running+after+leg+day+make+me+lose+muscle%3F")
    page.locator(".citation a.passage").first.click()
    page.wait_for_selector("mark.current")
    assert "/source/" in page.url and "#claim-" in page.url
    expect(page.locator("mark.current").first).to_be_in_viewport()  # waits for the scroll


def test_the_main_flow_works_from_the_keyboard(page: Page, server: Server) -> None:
    page.goto(server.url + "/")
    page.keyboard.type("is it ok to run with sore legs")  # the box has focus on load
    page.keyboard.press("Enter")
    page.wait_for_selector(".citation")
    assert "sore legs" in page.locator(".citations").inner_text().lower()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('passage')"):
            break
    else:
        pytest.fail("no citation link reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("mark.current")


def test_the_sparql_editor_runs_an_example_query_and_shows_rows(page: Page, server: Server) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url + "/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")  # YASGUI, with syntax highlighting
    page.get_by_role("link", name="What each authority is cited for").click()
    page.wait_for_selector(".yasr table tbody tr")
    assert page.locator(".yasr table tbody tr").count() >= 3
    assert "American Council on Exercise" in page.locator(".yasr").inner_text()
    assert page.locator(".yasqe .CodeMirror-lint-marker-error").count() == 0  # prefixes declared
    assert errors == []
    shot(page, "sparql")


def type_in_the_editor(page: Page, server: Server, query: str) -> None:
    page.goto(server.url + "/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate(
        "text => document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue(text)", query
    )


def test_the_editor_knows_the_predeclared_prefixes(page: Page, server: Server) -> None:
    type_in_the_editor(page, server, "SELECT ?s WHERE { ?s a kgqa:Source ; dcterms:title ?t }")
    page.wait_for_timeout(500)  # the checker runs after a pause in typing
    assert page.locator(".yasqe .CodeMirror-lint-marker-error").count() == 0
    assert page.locator(".yasqe_queryButton.query_invalid").count() == 0
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table tbody tr")
    assert page.locator(".yasr table tbody tr").count() == 2


def test_the_editor_shows_a_parser_error_readably(page: Page, server: Server) -> None:
    type_in_the_editor(page, server, "SELECT ?s WHERE { ?s a kgqa:Source . FILTER(?s = ) }")
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr .endpoint-error")
    text = page.locator(".yasr .endpoint-error").inner_text()
    assert text.startswith("Error 400: malformed query: line 1, column 53: expected one of")
    assert '{"' not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 1200
    shot(page, "sparql-error")


def test_the_sparql_editor_without_javascript(browser: Browser, server: Server) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url + "/sparql")
    page.get_by_role("link", name="What each authority is cited for").click()
    page.wait_for_selector(".results-table tbody tr")
    assert page.locator(".results-table tbody tr").count() >= 3
    page.fill("#query", "SELECT ?s WHERE { ?s a kgqa:Source }")
    page.click("form.editor button")
    page.wait_for_selector(".results-table")
    assert page.locator(".results-table tbody tr").count() == 2
    context.close()


def test_a_compare_cell_shows_both_sources_quotes(page: Page, server: Server) -> None:
    page.goto(server.url + "/compare")
    page.locator("td.contested a.cell").first.click()
    page.wait_for_selector("#claims .side")
    columns = page.locator("#claims .side-col")
    assert columns.count() == 2
    for i in range(2):
        assert columns.nth(i).locator(".side").count() >= 1
