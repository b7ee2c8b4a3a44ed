"""Hostile requests: nothing from a URL reaches query text, and every query a request causes is
capped and timed; whole graphs come from dump files; deep and huge queries are refused or bounded."""

from __future__ import annotations

import ast
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from waitress.server import create_server

from kg.store import EmbeddedStore
from tests.conftest import Built, Server, run_kgqa
from web import create_app

BREAKOUTS = (
    "x> } ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } #",
    'x" } ?a ?b ?c #',
    "x>\n} DELETE WHERE { ?s ?p ?o } #",
    "x{1}",
    "x\\u003E } ?a ?b ?c",
)
KINDS = ("concept", "claim", "source", "authority", "effect", "disagreement", "graph")
FORMATS = (
    ("", {"Accept": "text/html"}),
    ("?format=ttl", {}),
    ("?format=nt", {}),
    ("?format=jsonld", {}),
    ("", {"Accept": "application/rdf+xml"}),
)
WEB = Path(__file__).resolve().parents[2] / "web"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("suffix", "headers"), FORMATS)
def test_iri_breakout_is_a_quick_404_in_every_route_and_format(
    server: Server, kind: str, suffix: str, headers: dict[str, str]
) -> None:
    for text in BREAKOUTS:
        began = time.monotonic()
        status, reply_headers, body = server.get(
            f"/{kind}/{urllib.parse.quote(text)}{suffix}", headers
        )
        assert status == 404, (text, body[:200])
        assert time.monotonic() - began < 2
        if "\n" in text:  # no route matches a path with a line break
            continue
        if reply_headers["Content-Type"].startswith("application/json"):
            assert json.loads(body)["error"] == "no such resource: the path is not a valid IRI"
        else:
            assert b"not a valid IRI" in body and b"?a ?b" not in body


@pytest.mark.parametrize("path", ["/concept/running')", "/claim/000/x%2527%29"])
def test_an_unknown_but_valid_iri_is_a_404_not_an_error(server: Server, path: str) -> None:
    status, _, body = server.get(path, {"Accept": "application/json"})
    assert status == 404 and json.loads(body)["error"].startswith("nothing is known about <")


@pytest.fixture(scope="module")
def capped(built: Built) -> Iterator[Server]:
    """A server whose queries return at most three rows."""
    app = create_app({"DATA_DIR": str(built.data_dir), "SPARQL_ROW_LIMIT": 3, "SPARQL_WORKERS": 1})
    httpd = create_server(app, host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=httpd.run, daemon=True).start()
    yield Server(url=f"http://127.0.0.1:{httpd.effective_port}")  # type: ignore[attr-defined]
    httpd.close()
    app.extensions["kgqa"].workers.close()


def test_linked_data_rdf_is_capped_and_says_so(capped: Server) -> None:
    status, headers, body = capped.get("/concept/running?format=nt")
    assert status == 200 and headers["X-KGQA-Truncated"].startswith("rows:")
    assert len(list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))) == 3


@pytest.mark.parametrize(
    ("path", "graph"),
    [
        ("/graph/inferred", "https://w3id.org/kgqa/graph/inferred"),
        ("/graph/source/000", "https://w3id.org/kgqa/graph/source/000"),
        ("/ontology", "https://w3id.org/kgqa/graph/ontology"),
    ],
)
def test_a_whole_graph_comes_whole_from_a_dump_file(
    capped: Server, store: EmbeddedStore, path: str, graph: str
) -> None:
    expected = {
        q.triple for q in store.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    }
    for suffix, fmt in (
        ("?format=nt", ox.RdfFormat.N_TRIPLES),
        ("?format=ttl", ox.RdfFormat.TURTLE),
    ):
        status, headers, body = capped.get(path + suffix)  # the row cap of 3 does not apply
        assert status == 200 and "X-KGQA-Truncated" not in headers
        got = [q.triple for q in ox.parse(body, format=fmt)]
        assert len(got) == len(expected) > 3
        if fmt == ox.RdfFormat.N_TRIPLES:
            assert {t for t in got if not _blank(t)} == {t for t in expected if not _blank(t)}
    dumps = store.build_dir / "dumps" / "graphs"
    assert len(list(dumps.glob("*.nt"))) >= 1 and len(list(dumps.glob("*.ttl"))) >= 1


def _blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def test_a_graph_the_store_does_not_hold_is_a_404(server: Server) -> None:
    status, _, body = server.get("/graph/nothing?format=nt", {"Accept": "application/json"})
    assert status == 404 and "nothing is known" in json.loads(body)["error"]


def _ask(server: Server, query: str) -> tuple[int, dict[str, object]]:
    status, _, body = server.get("/sparql?query=" + urllib.parse.quote(query))
    return status, json.loads(body)


def test_a_deeply_nested_query_is_refused_and_the_workers_live_on(server: Server) -> None:
    deep = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
    status, reply = _ask(server, deep)
    assert status == 400 and "nests 5000 levels deep" in str(reply["error"])
    nested = "ASK " + "{" * 200 + " ?s ?p ?o " + "}" * 200  # deep, but within the limit
    assert _ask(server, nested) == (200, {"head": {}, "boolean": True})


def test_a_huge_query_is_bounded(server: Server) -> None:
    branches = " UNION ".join(f'{{ ?s ?p "{i}" }}' for i in range(2500))
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {branches} }}"
    assert 50_000 < len(query.encode()) < 64 * 1024
    began = time.monotonic()
    status, reply = _ask(server, query)  # the engine takes about 9 s to plan this one
    assert time.monotonic() - began < 10 + 1 + 4  # the time limit, the grace, the HTTP
    if status == 503:
        assert reply["error"] == "the query ran past the time limit of 10 s and was stopped"
    else:
        assert status == 200
        assert reply["results"]["bindings"][0]["n"]["value"].isdigit()  # type: ignore[index]
    assert _ask(server, "ASK { ?s ?p ?o }") == (200, {"head": {}, "boolean": True})


def test_an_undeclared_prefix_is_named_where_it_is_used(server: Server) -> None:
    status, reply = _ask(server, "SELECT * WHERE { ?s kgqa:activity foo:bar }")
    assert status == 400
    assert reply["error"] == (
        "malformed query: line 1, column 35: the prefix foo: is not declared (add PREFIX foo: <...>)"
    )


def test_the_cli_refuses_a_deep_query_in_one_line(built: Built) -> None:
    deep = "ASK " + "{" * 3000 + "}" * 3000
    result = run_kgqa("sparql", deep, data_dir=built.data_dir)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "kgqa: error: the query nests 3000 levels deep; at most 256 are allowed"
    )


def _spliced_queries(tree: ast.AST) -> Iterator[int]:
    """Lines where a store or worker query's text is made on the spot (f-string, format,
    replace, concatenation) instead of being a named constant with bound values."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in ("query", "select") or not node.args:
            continue
        text = node.args[0]
        built = isinstance(text, ast.JoinedStr | ast.BinOp) or (
            isinstance(text, ast.Call)
            and isinstance(text.func, ast.Attribute)
            and text.func.attr in ("format", "replace")
        )
        if built:
            yield node.lineno


def test_the_web_layer_never_splices_text_into_a_query() -> None:
    found = [
        f"{path.name}:{line}"
        for path in sorted(WEB.glob("*.py"))
        for line in _spliced_queries(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == []
    assert list(_spliced_queries(ast.parse('store.query(f"ASK {{ <{iri}> ?p ?o }}")'))) == [1]
