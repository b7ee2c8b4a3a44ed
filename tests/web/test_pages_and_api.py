"""Pages and JSON API against a real server on loopback."""

from __future__ import annotations

import json
import re
import shutil
import threading
import urllib.parse
from pathlib import Path

from waitress.server import create_server

from kg.build import build
from tests.conftest import Built, Server, run_kgqa
from web import create_app


def q(text: str) -> str:
    return urllib.parse.quote(text)


def test_home_has_the_question_box_examples_and_sources(server: Server) -> None:
    status, _headers, body = server.get("/")
    page = body.decode()
    assert status == 200
    assert '<form class="ask" action="/ask" method="get"' in page
    assert 'name="q"' in page
    assert "Debunking the Myth: Does Running After Leg Day Hinder Your Muscle Gains?" in page
    assert "/source/000" in page and "/source/001" in page


def test_security_headers(server: Server) -> None:
    _, headers, _ = server.get("/")
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_answer_page_shows_summary_citations_disagreement_and_query(server: Server) -> None:
    status, _, body = server.get("/ask?q=" + q("Does running after leg day help recovery?"))
    page = body.decode()
    assert status == 200
    assert '<p class="bottom-line status-answered">The articles ' in page
    assert page.count('class="verdict ') == 2 and page.count('class="citation"') >= 3
    assert "Where the articles differ" in page and 'class="sides"' in page
    assert "/source/001?claim=" in page and "#claim-" in page
    assert "How this was answered" in page and "PREFIX kgqa:" in page


def test_citation_link_opens_the_source_with_the_passage_marked(server: Server) -> None:
    status, _, body = server.get("/source/001?claim=faq-wont-lose-muscle")
    page = body.decode()
    assert status == 200
    assert 'id="claim-faq-wont-lose-muscle"' in page
    marked = page.split('<mark class="claim current"', 1)[1].split("</mark>", 1)[0]
    assert "you won&#39;t lose muscle" in marked
    assert 'href="/claim/001/faq-wont-lose-muscle"' in marked  # the span links to its claim


def test_api_ask_follows_the_contract(server: Server) -> None:
    status, headers, body = server.get("/api/ask?q=" + q("Is it okay to run with sore legs?"))
    answer = json.loads(body)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert answer["status"] == "answered"
    assert {
        "question",
        "status",
        "summary",
        "interpretation",
        "sparql",
        "citations",
        "disagreements",
    } <= set(answer)
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_api_errors_are_json_4xx(server: Server) -> None:
    status, _, body = server.get("/api/ask")
    assert status == 400
    assert json.loads(body) == {
        "ok": False,
        "error": "give exactly one question as ?q=",
        "status": 400,
    }
    status, _, body = server.get("/api/ask?q=" + "x" * 600)
    assert status == 400 and "limit is 500" in json.loads(body)["error"]


def test_unknown_source_is_a_404_page(server: Server) -> None:
    status, _, body = server.get("/source/nope", headers={"Accept": "text/html"})
    assert status == 404
    assert "no source &#39;nope&#39;" in body.decode()


def test_no_answer_page(server: Server) -> None:
    status, _, body = server.get("/ask?q=" + q("What is the capital of France?"))
    assert status == 200
    assert "The corpus has nothing on this" in body.decode()


def test_document_html_is_inert_on_every_page(tmp_path: Path, built: object) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = 'Intro <script>alert("x")</script> and <b>bold</b>.\nRunning after leg day <img src=x onerror=alert(1)> helps recovery.\n'
    (corpus / "doc.txt").write_text(text, encoding="utf-8")
    (corpus / "doc.claims.yaml").write_text(
        "source:\n  slug: evil\n  file: doc.txt\n  title: \"<script>alert('t')</script> Title\"\n"
        "claims:\n  - id: c1\n    kind: effect\n"
        '    quote: "Running after leg day <img src=x onerror=alert(1)> helps recovery."\n'
        '    summary: "<i>running</i> helps recovery"\n    activities: [running]\n    goals: [recovery]\n'
        "    direction: improves\n    hedge: certain\n",
        encoding="utf-8",
    )
    data_dir = tmp_path / "data"
    build(corpus, data_dir)
    app = create_app({"DATA_DIR": str(data_dir)})
    httpd = create_server(app, host="127.0.0.1", port=0, threads=2)
    port = httpd.effective_port  # type: ignore[attr-defined]
    threading.Thread(target=httpd.run, daemon=True).start()
    try:
        site = Server(url=f"http://127.0.0.1:{port}")
        pages = [
            "/",
            "/source/evil",
            "/ask?q=" + q("does running after leg day help recovery"),
            "/compare?activity=running&goal=recovery",
            "/claim/evil/c1",
            "/concept/running",
            "/sparql?run=1&q=" + q("SELECT ?t WHERE { ?s dcterms:title ?t }"),
        ]
        for path in pages:
            status, _, body = site.get(path, headers={"Accept": "text/html"})
            page = body.decode()
            assert status == 200, path
            assert (
                "<script>alert" not in page
                and "<img src=x" not in page
                and "<i>running" not in page
            ), path
        assert "&lt;img src=x onerror=alert(1)&gt;" in site.get(pages[2])[2].decode()
    finally:
        httpd.close()
    shutil.rmtree(data_dir, ignore_errors=True)


def test_compare_matrix_and_source_against_source(server: Server) -> None:
    status, _, body = server.get("/compare?activity=running&goal=recovery")
    page = body.decode()
    assert status == 200
    assert 'class="matrix"' in page and "contested" in page
    assert "obstructing the recovery process" in page and "facilitating quicker recovery" in page
    disputed = page.split('id="disputed-h"', 1)[1].split('class="matrix-wrap"', 1)[0]
    assert "Why they differ: they give opposite answers." in disputed
    assert "they speak of different conditions" in disputed
    assert "What may tell the sides apart: a hard run" in disputed
    assert "goal: hypertrophy" not in disputed and "training for muscle size" in disputed
    assert "000" not in page.split('class="matrix"', 1)[1].split("</table>", 1)[0]
    assert '<th scope="col">Should I Run After Leg Day?</th>' in page
    versus = page.split("Source against source", 1)[1]
    disagree = versus.split("<h3>Disagree", 1)[1].split("<h3>", 1)[0]
    assert "recovery" in disagree and "calorie" not in disagree
    agreeing = versus.split("<h3>Agree", 1)[1].split("<h3>Only", 1)[0]  # or one qualifies
    assert "running and calorie burn" in agreeing and "→" not in versus


def _count(text: str, pattern: str) -> int:
    found = re.search(pattern, text)
    assert found, pattern
    return int(found.group(1))


def test_every_view_counts_the_same_disagreements(server: Server, built: Built) -> None:
    """Home, /compare, /api/disagreements, `kgqa stats`, VoID and a SPARQL count: one number."""
    home = server.get("/")[2].decode()
    compare = server.get("/compare")[2].decode()
    api = json.loads(server.get("/api/disagreements")[2])
    query = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a kgqa:Disagreement }"
    sparql = json.loads(server.get("/sparql?query=" + q(query))[2])
    counted = int(sparql["results"]["bindings"][0]["n"]["value"])
    ran = run_kgqa("stats", "--json", data_dir=built.data_dir)
    assert ran.returncode == 0, ran.stderr
    stats = json.loads(ran.stdout)
    assert counted > 0
    assert _count(home, r"(\d+) questions they answer differently") == counted
    assert _count(compare, r"Where they differ \((\d+)\)") == counted
    assert len(api) == stats["disagreements"] == counted
    across = [d for d in api if not d["within_source"]]
    assert _count(compare, r"<h3>Disagree \((\d+)\)") == len(across)
    assert stats["disagreements"] - stats["disagreements_within_source"] == len(across)
    assert sum(stats["disagreements_per_type"].values()) == counted
    void = server.get("/void.ttl")[2].decode()
    assert _count(void, r"kgqa/ontology#Disagreement> ; void:entities (\d+)") == counted


def test_data_page_dumps_void_and_examples(server: Server) -> None:
    status, _, body = server.get("/data")
    page = body.decode()
    assert status == 200 and page.count('class="example"') >= 8
    for name in ("kgqa.trig", "kgqa.nq", "kgqa.jsonld", "kgqa.ttl"):
        assert f'href="/data/{name}"' in page
    status, headers, body = server.get("/data/kgqa.nq")
    assert status == 200 and headers["Content-Type"].startswith("application/n-quads")
    assert body.count(b"\n") > 5000
    status, _, body = server.get("/void.ttl")
    from rdflib import Graph, URIRef

    void = Graph().parse(data=body.decode(), format="turtle")
    endpoints = list(
        void.objects(
            URIRef("https://w3id.org/kgqa/dataset"),
            URIRef("http://rdfs.org/ns/void#sparqlEndpoint"),
        )
    )
    assert [str(e) for e in endpoints] == [server.url + "/sparql"]


def test_every_example_query_returns_rows(server: Server) -> None:
    from kg.examples import examples

    assert len(examples()) >= 8
    for example in examples():
        status, _, body = server.get("/sparql?query=" + q(example.query))
        assert status == 200, example.name
        assert json.loads(body)["results"]["bindings"], example.name


def test_api_claims_entities_and_disagreements(server: Server, texts: dict[str, str]) -> None:
    status, _, body = server.get("/api/claims?source=001&concept=cold-plunge")
    claims = json.loads(body)
    assert status == 200 and claims and all(c["source"] == "001" for c in claims)
    assert all(texts["001"][c["start"] : c["end"]] == c["quote"] for c in claims)
    status, _, body = server.get("/api/claims/001/faq-wont-lose-muscle")
    assert status == 200 and json.loads(body)["direction"].endswith("/no-effect")
    status, _, body = server.get("/api/entities/running")
    entity = json.loads(body)
    assert (
        entity["label"] == "running"
        and "https://w3id.org/kgqa/concept/jogging" in entity["narrower"]
    )
    status, _, body = server.get("/api/disagreements")
    found = json.loads(body)
    assert found and {"topic", "type", "claims", "sides", "within_source"} <= set(found[0])
    for d in found:
        assert len(d["sides"]) >= 2
        assert set(d["claims"]) == {c["claim"] for side in d["sides"] for c in side["claims"]}
        for side in d["sides"]:
            for c in side["claims"]:
                assert texts[c["source"]][c["start"] : c["end"]] == c["quote"]
    assert server.get("/api/entities/parkour")[0] == 404
    assert server.get("/api/claims?concept=parkour")[0] == 400


FOLLOWED = "/source/001?claim=faq-wont-lose-muscle&q=" + q("Will running make me lose muscle?")


def test_followed_passage_is_the_only_one_marked(server: Server) -> None:
    page = server.get(FOLLOWED)[2].decode()
    assert page.count("<mark") == 1
    assert 'class="span-link quoted"' not in page  # other passages are left unmarked
    assert "characters" not in page and "EffectClaim" not in page


def test_source_page_links_to_the_original_and_back_to_the_answer(server: Server) -> None:
    page = server.get(FOLLOWED)[2].decode()
    assert 'href="https://www.pulseatlas.com/blogs/articles/should-i-run-after-leg-day' in page
    assert 'href="/ask?q=Will+running+make+me+lose+muscle?">← Back to the answer' in page
    unfollowed = server.get("/source/001")[2].decode()
    assert "Back to the answer" not in unfollowed and "<mark" not in unfollowed


def test_a_hostile_question_on_the_source_link_stays_text(server: Server) -> None:
    page = server.get("/source/001?claim=x&q=" + q('"><script>alert(1)</script>'))[2].decode()
    assert "<script>alert" not in page
    assert "%3Cscript%3E" in page


def test_the_favicon_is_an_icon(server: Server) -> None:
    status, headers, body = server.get("/favicon.ico")
    assert status == 200 and headers["Content-Type"].startswith("image/")
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon" href="/favicon.ico"' in server.get("/")[2].decode()


def test_answer_page_speaks_plain_english(server: Server) -> None:
    page = server.get("/ask?q=" + q("Does running after leg day kill my gains?"))[2].decode()
    public = page.split('<details class="how">', 1)[0]  # the researcher's part may name terms
    for term in ("EffectClaim", "FactClaim", "->", "→", "goal: ", "impairs:", "characters "):
        assert term not in public, term
    assert '<h3 class="side-label' in public  # citations under their side's plain label
    numbers = [int(n) for n in re.findall(r'class="citation" id="cite-(\d+)"', public)]
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
