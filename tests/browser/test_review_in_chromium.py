"""Review and flags in real Chromium, against a real server with the review page on (loopback)
and claims not yet reviewed included: accept, reject, undo and edit on /review; a reader's flag
from a claim's page; "not yet reviewed" on an answer; axe on /review and a claim page with the
flag form (no serious or critical violation). Data folders with a proposed source of our own
(tests/conftest.py add_coach_source), built for real; every decision rebuilds the graph."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from ingest.flags import read_flags
from kg.build import build
from kg.resources import bundled_corpus
from tests.browser.test_accessibility import SIZES, serious_violations
from tests.browser.test_pages_in_chromium import browser, shot  # noqa: F401  (the fixture)
from tests.conftest import Server, add_coach_source, serve

REBUILD_MS = 90_000  # a decision waits for the rebuild before the page comes back
CLAIM = "https://w3id.org/kgqa/claim/coach/"


def _built(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    data = tmp_path_factory.mktemp(name)
    add_coach_source(data)
    build(bundled_corpus(), data)
    return data


@pytest.fixture(scope="module")
def decided_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the review flow changes (its own, so the other tests see every proposal)."""
    return _built(tmp_path_factory, "decided")


@pytest.fixture(scope="module")
def reviewing(decided_data: Path) -> Iterator[Server]:
    yield from serve(decided_data, REVIEW=True, INCLUDE_PROPOSED=True)


@pytest.fixture(scope="module")
def site_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _built(tmp_path_factory, "site")


@pytest.fixture(scope="module")
def site(site_data: Path) -> Iterator[Server]:
    yield from serve(site_data, REVIEW=True, INCLUDE_PROPOSED=True)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    yield context.new_page()
    context.close()


def statuses(data: Path) -> dict[str, str]:
    path = data / "library" / "900_coach.claims.yaml"
    return {c["id"]: c["status"] for c in yaml.safe_load(path.read_text())["claims"]}


def decide(page: Page, claim: str, button: str, done: str) -> None:
    """Press a decision's button on a claim of the review page and wait for the page to return."""
    page.locator(f"#claim-{claim}").get_by_role("button", name=button, exact=True).click()
    page.wait_for_url(f"**/review?done={done}", timeout=REBUILD_MS)


def test_accept_reject_and_undo_on_the_review_page(
    page: Page, reviewing: Server, decided_data: Path
) -> None:
    page.goto(reviewing.url + "/review")
    expect(page.locator(".review-claim")).to_have_count(3)
    expect(page.locator("#claim-swim-recovery")).to_contain_text("not yet reviewed")
    shot(page, "review")

    decide(page, "swim-recovery", "Accept", "accept")
    expect(page.get_by_role("status")).to_have_text(
        "Accepted: the claim is now part of the answers."
    )
    expect(page.locator("#claim-swim-recovery")).to_have_count(0)  # reviewed: off the list

    decide(page, "no-hard-run", "Reject", "reject")
    expect(page.get_by_role("status")).to_contain_text("Rejected")
    expect(page.locator("#claim-no-hard-run")).to_have_count(0)
    assert statuses(decided_data) == {
        "swim-recovery": "accepted",
        "swim-soreness": "proposed",
        "no-hard-run": "rejected",
    }

    page.get_by_role("button", name="Undo the last decision").click()
    page.wait_for_url("**/review?done=undo", timeout=REBUILD_MS)
    expect(page.get_by_role("status")).to_have_text("Undone: the last decision was taken back.")
    expect(page.locator("#claim-no-hard-run")).to_contain_text("not yet reviewed")
    assert statuses(decided_data)["no-hard-run"] == "proposed"
    assert statuses(decided_data)["swim-recovery"] == "accepted"  # only the last one undone

    # the source page lists the accepted claim unmarked once the server has the new build
    page.goto(reviewing.url + "/source/coach")
    listed = page.locator("section.claims li")
    for _ in range(60):  # the server opens a new build in the background: a few seconds
        if listed.filter(has_text="not yet reviewed").count() == 2:
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(listed).to_have_count(3)
    expect(listed.filter(has_text="not yet reviewed")).to_have_count(2)


def test_edit_goals_and_conditions_with_the_page_lists(
    page: Page, reviewing: Server, decided_data: Path
) -> None:
    page.goto(reviewing.url + "/review")
    claim = page.locator("#claim-swim-soreness")
    claim.get_by_text("Edit", exact=True).click()
    claim.get_by_label("How sure").select_option(label="likely")
    claim.get_by_label("Goals").select_option(label=["soreness relief", "recovery"])
    claim.get_by_label("When it holds").select_option(label=["sore legs", "low intensity"])
    shot(page, "review-edit")
    claim.get_by_role("button", name="Save and accept").click()
    page.wait_for_url("**/review?done=edit", timeout=REBUILD_MS)
    expect(page.get_by_role("status")).to_contain_text("Saved your changes")
    path = decided_data / "library" / "900_coach.claims.yaml"
    edited = next(
        c for c in yaml.safe_load(path.read_text())["claims"] if c["id"] == "swim-soreness"
    )
    assert edited["status"] == "accepted" and edited["hedge"] == "likely"
    assert edited["goals"] == ["recovery", "soreness-relief"]  # in the list's order
    assert edited["caveats"] == {"condition": ["low-intensity", "sore-legs"]}


def test_flag_a_claim_from_its_page(page: Page, site: Server, site_data: Path) -> None:
    page.goto(site.url + "/claim/coach/swim-soreness")
    section = page.locator("section.flag")
    expect(section).to_contain_text("not yet reviewed")
    section.get_by_label("how sure it is").check()
    section.get_by_label("Why, in a few words").fill("the article only says it may help")
    section.get_by_role("button", name="Flag this claim").click()
    page.wait_for_url("**/claim/coach/swim-soreness?flagged=1#flag")
    expect(page.get_by_role("status")).to_contain_text("Thank you: your flag was recorded.")
    shot(page, "flagged")
    flags = [f for f in read_flags(site_data) if f.claim == f"{CLAIM}swim-soreness"]
    assert [(f.aspect, f.reason) for f in flags] == [("hedge", "the article only says it may help")]


def test_the_answer_marks_a_claim_not_yet_reviewed(page: Page, site: Server) -> None:
    question = "Is it okay to run hard the morning after leg day?"
    page.goto(site.url + "/ask?q=" + urllib.parse.quote(question))
    coach = page.locator(".citation").filter(has_text="Coach Dana")
    expect(coach.first).to_be_visible()
    expect(coach.first.locator(".unreviewed")).to_have_text("not yet reviewed")


@pytest.fixture(params=list(SIZES))
def sized(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:  # noqa: F811
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", ["/review", "/claim/coach/no-hard-run?flagged=1"])
def test_no_serious_accessibility_violation_on_review_and_flag_pages(
    sized: Page, site: Server, path: str
) -> None:
    sized.goto(site.url + path)
    sized.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true })")
    assert sized.locator("form").count() >= 1
    assert serious_violations(sized) == []
