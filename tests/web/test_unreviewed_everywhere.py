"""Claims no one has reviewed, on every public page and in the JSON API: left out entirely by
default, and with --include-proposed shown everywhere they appear as "not yet reviewed" (HTML)
or `reviewed: false` (JSON). Real servers over a build with a proposed source (tests/conftest.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.build import build
from kg.resources import bundled_corpus
from tests.conftest import Server, add_coach_source, serve

UNREVIEWED = "not yet reviewed"
COACH_LINK = "/claim/coach/"  # every page links a claim it lists to the claim's page
COMPARE = "/compare?sources=coach,000&activity=swimming&goal=recovery"


@pytest.fixture(scope="module")
def proposed_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("unreviewed")
    add_coach_source(data)
    build(bundled_corpus(), data)
    return data


@pytest.fixture(scope="module")
def plain(proposed_data: Path) -> Iterator[Server]:
    yield from serve(proposed_data)


@pytest.fixture(scope="module")
def including(proposed_data: Path) -> Iterator[Server]:
    yield from serve(proposed_data, INCLUDE_PROPOSED=True)


def html(server: Server, path: str) -> str:
    status, _, body = server.get(path, {"Accept": "text/html"})
    assert status == 200, body[:300]
    return body.decode()


def api(server: Server, path: str) -> object:
    status, _, body = server.get(path, {"Accept": "application/json"})
    assert status == 200, body[:300]
    return json.loads(body)


def test_a_concept_page_leaves_proposed_claims_out_by_default(plain: Server) -> None:
    page = html(plain, "/concept/swimming")
    assert "Claims about it" in page  # a bundled claim is about swimming
    assert COACH_LINK not in page and "Coach Dana" not in page
    assert UNREVIEWED not in page


def test_the_source_page_and_compare_leave_proposed_claims_out_by_default(plain: Server) -> None:
    source = html(plain, "/source/coach")
    assert "0 passages of this article are quoted" in source and COACH_LINK not in source
    compare = html(plain, COMPARE)
    assert "Swimming after leg day improves recovery." not in compare
    assert UNREVIEWED not in compare


def test_the_api_leaves_proposed_claims_out_by_default(plain: Server) -> None:
    assert api(plain, "/api/claims?source=coach") == []
    status, _, _ = plain.get("/api/claims/coach/swim-recovery")
    assert status == 404
    claims = api(plain, "/api/claims?concept=swimming")
    assert isinstance(claims, list) and claims
    assert {c["source"] for c in claims} <= {"000", "001"}
    assert all(c["reviewed"] is True for c in claims)


def test_a_concept_page_marks_proposed_claims_when_included(including: Server) -> None:
    page = html(including, "/concept/swimming")
    item = page[page.index(f"{COACH_LINK}swim-recovery") :]
    item = item[: item.index("</li>")]
    assert UNREVIEWED in item
    bundled = [li for li in page.split("<li>") if "/claim/00" in li]
    assert bundled and all(UNREVIEWED not in li.split("</li>")[0] for li in bundled)


def test_the_source_page_marks_each_proposed_claim_when_included(including: Server) -> None:
    page = html(including, "/source/coach")
    listed = page[page.index('<section class="claims">') :]
    assert listed.count("<li") == 3 and listed.count(UNREVIEWED) == 3
    assert UNREVIEWED not in html(including, "/source/000")


def test_compare_marks_proposed_stances_and_passages_when_included(including: Server) -> None:
    page = html(including, COMPARE)
    matrix = page[page.index('<table class="matrix">') : page.index("</table>")]
    assert UNREVIEWED in matrix
    passages = page[page.index('id="claims"') :]
    coach = passages[passages.index("Swimming after leg day improves recovery.") :]
    assert UNREVIEWED in coach[: coach.index("</blockquote>")]


def test_the_api_says_reviewed_false_for_proposed_claims_when_included(
    including: Server,
) -> None:
    coach = api(including, "/api/claims?source=coach")
    assert isinstance(coach, list)
    assert sorted(c["claim"].rsplit("/", 1)[1] for c in coach) == [
        "no-hard-run",
        "swim-recovery",
        "swim-soreness",
    ]
    assert all(c["reviewed"] is False for c in coach)
    one = api(including, "/api/claims/coach/swim-recovery")
    assert isinstance(one, dict) and one["reviewed"] is False
    bundled = api(including, "/api/claims?source=000")
    assert isinstance(bundled, list) and all(c["reviewed"] is True for c in bundled)
