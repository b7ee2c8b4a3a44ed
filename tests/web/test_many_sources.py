"""Any number of sources: six (the bundled two and four changed copies, tests/conftest.py) in the
answers' verdicts, source-against-source questions, /compare's picker, the JSON API, the home
page, the SPARQL examples and the disagreements the build infers."""

from __future__ import annotations

import json
import re
from urllib.parse import quote as q

import pytest

from qa.engine import Engine
from tests.conftest import COPIES, Built, Server

SLUGS = ["000", "001", *COPIES]
TITLES = {
    "000": "Debunking the Myth",
    "001": "Should I Run After Leg Day?",
    **{slug: short for slug, (_, _, short, _) in COPIES.items()},
}
QUESTIONS = [
    "Does running after leg day kill my gains?",
    "Is running after leg day good for recovery?",
    "Should I run after leg day?",
    "Do the sources disagree about recovery?",
]


def _get_json(server: Server, path: str) -> object:
    status, _, body = server.get(path)
    assert status == 200, (path, body[:200])
    return json.loads(body)


@pytest.mark.parametrize("question", QUESTIONS)
def test_one_verdict_per_source_that_speaks_in_the_corpus_order(
    many_engine: Engine, question: str
) -> None:
    answer = many_engine.ask(question)
    verdicts = [v.slug for v in answer.verdicts]
    cited = {c.slug for c in answer.citations}
    assert verdicts == sorted(set(verdicts))  # one each, in the corpus's order
    assert set(verdicts) == cited == set(SLUGS)  # every source speaks to these questions
    assert all(v.chip and v.short_title == TITLES[v.slug] for v in answer.verdicts)


def test_the_bottom_line_counts_the_sources_that_say_the_same(many_engine: Engine) -> None:
    answer = many_engine.ask("Should I run after leg day?")
    line = answer.bottom_line
    groups = re.findall(r"\b(two|three|four|five|six) articles \(([^)]*)\) (\w+)", line)
    assert groups, line
    counted = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
    for count, names, verb in groups:  # "three articles (A, B and C) say ..."
        assert len(re.split(r", | and ", names)) == counted[count]
        assert verb in {"say", "advise", "lean", "call"}, line
    named = [title for title in TITLES.values() if title in line]
    assert len(named) == len(SLUGS)  # each source named once, in a group or alone
    assert line.count(";") == len(groups) + len(SLUGS) - sum(counted[c] for c, _, _ in groups) - 1


@pytest.mark.parametrize(
    ("question", "pair"),
    [
        (
            "Does Debunking the Myth agree with Should I Run After Leg Day on recovery?",
            {"000", "001"},
        ),
        ("Does Tempo Journal agree with Pacer Weekly on recovery?", {"002", "003"}),
        ("Tempo Journal versus Northfield Gazette on muscle growth", {"002", "004"}),
        (
            "Does Pacer Weekly disagree with Stride Notes about running after leg day?",
            {"003", "005"},
        ),
    ],
)
def test_source_against_source_keeps_to_the_two_named(
    many_server: Server, question: str, pair: set[str]
) -> None:
    answer = _get_json(many_server, "/api/ask?q=" + q(question))
    assert isinstance(answer, dict)
    named = {s.rsplit("/", 1)[1] for s in answer["interpretation"]["sources"]}
    assert named == pair
    assert answer["status"] == "answered"
    assert {c["source"]["slug"] for c in answer["citations"]} == pair
    assert {v["source"] for v in answer["verdicts"]} <= pair
    others = [TITLES[s] for s in SLUGS if s not in pair]
    assert not any(title in answer["summary"] for title in others), answer["summary"]


def _matrix_headers(page: str) -> list[str]:
    head = page.split('class="matrix"', 1)[1].split("</thead>", 1)[0]
    return re.findall(r'<th scope="col">([^<]*)</th>', head)[1:]


def test_compare_shows_the_chosen_sources_only(many_server: Server) -> None:
    status, _, body = many_server.get("/compare?sources=003,002")
    page = body.decode()
    assert status == 200
    assert _matrix_headers(page) == ["Tempo Journal", "Pacer Weekly"]  # the corpus's order
    assert "Source against source: Tempo Journal and Pacer Weekly" in page
    picker = page.split('class="picker"', 1)[1].split("</form>", 1)[0]
    assert picker.count('type="checkbox"') == len(SLUGS)  # every source can be chosen
    assert re.findall(r'value="(\d+)" checked', picker) == ["002", "003"]
    assert "Showing 2 of 6 sources" in picker
    footers = re.findall(r"<footer>([^<·]*) ·", page.split('id="disputed-h"', 1)[1])
    assert footers and set(f.strip() for f in footers) == {"Tempo Journal", "Pacer Weekly"}
    cell = re.search(r'href="(/compare\?activity=[^"]+)"', page)
    assert cell is not None and "sources=002%2C003" in cell.group(1).replace(",", "%2C")


def test_compare_shows_a_few_by_default_and_any_number_when_asked(many_server: Server) -> None:
    page = many_server.get("/compare")[2].decode()
    assert len(_matrix_headers(page)) == 4
    assert "Source against source" not in page and "tick just those two" in page
    form = many_server.get("/compare?sources=001&sources=004&sources=005")[2].decode()
    assert _matrix_headers(form) == [TITLES["001"], TITLES["004"], TITLES["005"]]
    every = many_server.get("/compare?sources=" + ",".join(SLUGS))[2].decode()
    assert _matrix_headers(every) == [TITLES[s] for s in SLUGS]
    status, _, body = many_server.get("/compare?sources=002,nope", {"Accept": "text/html"})
    assert status == 400 and b"no source &#39;nope&#39;; the sources are: 000, 001" in body
    assert many_server.get("/compare?sources=" + ",".join(SLUGS * 3))[0] == 200  # each once


def test_the_api_lists_every_source_with_its_counts(many_server: Server) -> None:
    sources = _get_json(many_server, "/api/sources")
    assert isinstance(sources, list)
    assert [s["slug"] for s in sources] == SLUGS
    claims = _get_json(many_server, "/api/claims")
    assert isinstance(claims, list)
    assert sum(s["claims"] for s in sources) == len(claims)
    assert all(s["disagreements"] > 0 for s in sources)  # each takes a side against another
    chosen = _get_json(many_server, "/api/claims?sources=002,004")
    assert isinstance(chosen, list) and {c["source"] for c in chosen} == {"002", "004"}
    rows = _get_json(many_server, "/api/disagreements?sources=002,003")
    assert isinstance(rows, list) and rows
    for row in rows:
        held = {c["source"] for side in row["sides"] for c in side["claims"]}
        assert held <= {"002", "003"}
        assert row["within_source"] or held == {"002", "003"}
    assert many_server.get("/api/claims?sources=999")[0] == 400


def test_the_home_page_lists_every_source_with_counts(many_server: Server) -> None:
    page = many_server.get("/")[2].decode()
    assert "6 sources," in page
    listed = page.split('class="sources"', 1)[1].split("</ul>", 1)[0]
    assert listed.count("<li>") == len(SLUGS)
    for title in ("Debunking the Myth: Does Running", "Tempo Journal: A Second Look"):
        assert title in listed
    assert (
        len(re.findall(r"· \d+ claims; sides against another source on \d+ questions", listed)) == 6
    )


def test_every_example_query_returns_rows_on_many_sources(many_server: Server) -> None:
    from kg.examples import examples

    for example in examples():
        found = _get_json(many_server, "/sparql?query=" + q(example.query))
        assert isinstance(found, dict)
        rows = found["results"]["bindings"]
        assert rows, example.name
        sources = {r[k]["value"] for r in rows for k in ("source", "other") if k in r}
        if sources:  # an example by source names more than the bundled two
            assert sources - {"000", "001"}, example.name


def test_a_disputed_question_has_sides_held_by_many_sources(many_built: Built) -> None:
    from kg.store import open_store

    store = open_store(many_built.data_dir)
    rows = store.select(
        "SELECT ?d (COUNT(DISTINCT ?s) AS ?n) WHERE { ?d a kgqa:Disagreement ; "
        "kgqa:withinSource false ; kgqa:side/kgqa:heldBy ?s } GROUP BY ?d"
    )
    held = [int(str(r["n"].value)) for r in rows]  # type: ignore[union-attr]
    assert held and max(held) >= 5  # one node per question, however many sources take part
    assert many_built.report.sources == len(SLUGS)


def test_an_answers_disagreement_shows_every_cited_source_that_takes_a_side(
    many_engine: Engine,
) -> None:
    answer = many_engine.ask("Is running after leg day good for recovery?")
    assert answer.disagreements
    cited = {c.claim: c.slug for c in answer.citations}
    d = answer.disagreements[0]
    assert set(d.claims) <= set(cited)
    sources = [cited[c] for c in d.claims]
    assert len(sources) == len(set(sources)) >= 3  # one passage per source, beyond a pair
