"""/sparql per the SPARQL 1.1 Protocol, with real clients: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper
from waitress.server import create_server

from tests.conftest import Built, Server
from web import create_app

COUNT = "SELECT (COUNT(?s) AS ?n) WHERE { ?s a <https://w3id.org/kgqa/ontology#Source> }"
CONSTRUCT = (
    "CONSTRUCT { ?s <http://purl.org/dc/terms/title> ?t } "
    "WHERE { ?s a <https://w3id.org/kgqa/ontology#Source> ; <http://purl.org/dc/terms/title> ?t }"
)


def wrapper(server: Server, fmt: str, query: str) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_json(server: Server) -> None:
    result = wrapper(server, JSON, COUNT).query().convert()
    assert result["results"]["bindings"][0]["n"]["value"] == "2"  # type: ignore[index]


def test_sparqlwrapper_xml(server: Server) -> None:
    document = wrapper(server, XML, COUNT).query().convert()
    literals = [n.firstChild.data for n in document.getElementsByTagName("literal")]  # type: ignore[union-attr]
    assert literals == ["2"]


def test_sparqlwrapper_csv_and_tsv(server: Server) -> None:
    as_csv = wrapper(server, CSV, COUNT).query().convert()
    assert list(csv.reader(io.StringIO(as_csv.decode()))) == [["n"], ["2"]]  # type: ignore[union-attr]
    as_tsv = wrapper(server, TSV, COUNT).query().convert()
    lines = as_tsv.decode().splitlines()  # type: ignore[union-attr]
    assert lines[0] == "?n"  # an integer in Turtle's short form or in full, both SPARQL TSV
    assert lines[1:] in (["2"], ['"2"^^<http://www.w3.org/2001/XMLSchema#integer>'])


def test_sparqlwrapper_construct_turtle(server: Server) -> None:
    data = wrapper(server, TURTLE, CONSTRUCT).query().convert()
    assert len(Graph().parse(data=data, format="turtle")) == 2  # type: ignore[arg-type]


def test_rdflib_sparqlstore(server: Server) -> None:
    store = SPARQLStore(server.url + "/sparql")
    rows = list(store.query(COUNT))
    assert int(rows[0][0]) == 2  # type: ignore[index, arg-type]


def test_post_form_and_direct_query(server: Server) -> None:
    form = urllib.parse.urlencode({"query": COUNT}).encode()
    status, _, body = server.request(
        "POST", "/sparql", form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "2"
    status, _, body = server.request(
        "POST", "/sparql", COUNT.encode(), {"Content-Type": "application/sparql-query"}
    )
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "2"


def test_no_accept_header_gets_json_results(server: Server) -> None:
    status, headers, _body = server.get("/sparql?query=" + urllib.parse.quote(COUNT))
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    assert headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("method", "path", "data", "headers", "status"),
    [
        (
            "GET",
            "/sparql?update=" + urllib.parse.quote("INSERT DATA { <a:b> <a:c> <a:d> }"),
            None,
            {},
            403,
        ),
        (
            "POST",
            "/sparql",
            b"INSERT DATA { <a:b> <a:c> <a:d> }",
            {"Content-Type": "application/sparql-update"},
            403,
        ),
        (
            "POST",
            "/sparql",
            b"update=INSERT+DATA+%7B%7D",
            {"Content-Type": "application/x-www-form-urlencoded"},
            403,
        ),
        ("GET", "/sparql?query=SELECT+WHERE+%7B", None, {}, 400),
        ("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", None, {}, 400),
        ("POST", "/sparql", b"ASK {}", {"Content-Type": "text/plain"}, 400),
        (
            "GET",
            "/sparql?query="
            + urllib.parse.quote("SELECT * WHERE { SERVICE <http://127.0.0.1:1/x> { ?s ?p ?o } }"),
            None,
            {},
            400,
        ),
        ("GET", "/sparql", None, {"Accept": "application/sparql-results+json"}, 400),
    ],
)
def test_refusals(
    server: Server, method: str, path: str, data: bytes | None, headers: dict[str, str], status: int
) -> None:
    got, _response_headers, body = server.request(method, path, data, headers)
    assert got == status
    message = json.loads(body)
    assert message["ok"] is False and message["status"] == status and message["error"]


def test_service_inside_a_string_is_not_refused(server: Server) -> None:
    query = 'SELECT ("SERVICE" AS ?x) WHERE {}'
    status, _, body = server.get("/sparql?query=" + urllib.parse.quote(query))
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["x"]["value"] == "SERVICE"


def test_store_is_unchanged_after_refused_updates(server: Server) -> None:
    status, _, body = server.get("/sparql?query=" + urllib.parse.quote("ASK { <a:b> <a:c> <a:d> }"))
    assert status == 200 and json.loads(body)["boolean"] is False


def test_row_cap_is_reported(server: Server) -> None:
    status, headers, body = server.get(
        "/sparql?query=" + urllib.parse.quote("SELECT * WHERE { ?s ?p ?o }")
    )
    assert status == 200
    assert headers.get("X-KGQA-Truncated", "").startswith("rows:")
    assert len(json.loads(body)["results"]["bindings"]) == int(headers["X-KGQA-Row-Limit"])


def test_xml_results_parse(server: Server) -> None:
    status, _, body = server.get(
        "/sparql?query=" + urllib.parse.quote(COUNT),
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert status == 200
    ET.fromstring(body)


def test_editor_page_for_a_browser(server: Server) -> None:
    status, headers, body = server.get("/sparql", headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "PREFIX kgqa:" in body.decode()


def test_a_runaway_query_is_stopped_at_the_time_limit(built: Built) -> None:
    app = create_app(
        {"DATA_DIR": str(built.data_dir), "SPARQL_TIMEOUT_S": 1.0, "SPARQL_WORKERS": 1}
    )
    httpd = create_server(app, host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=httpd.run, daemon=True).start()
    site = Server(url=f"http://127.0.0.1:{httpd.effective_port}")  # type: ignore[attr-defined]
    try:
        runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        began = time.monotonic()
        status, _, body = site.get("/sparql?query=" + urllib.parse.quote(runaway))
        assert status == 503
        assert (
            json.loads(body)["error"] == "the query ran past the time limit of 1 s and was stopped"
        )
        assert time.monotonic() - began < 10
        status, _, body = site.get(
            "/sparql?query=" + urllib.parse.quote(COUNT)
        )  # a fresh worker answers
        assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "2"
    finally:
        httpd.close()
        app.extensions["kgqa"].workers.close()


def test_an_oversized_request_is_refused(server: Server) -> None:
    body = ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 70_000).encode()
    status, _, reply = server.request(
        "POST", "/sparql", body, {"Content-Type": "application/sparql-query"}
    )
    assert status == 413
    assert json.loads(reply)["status"] == 413
