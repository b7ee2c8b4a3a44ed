"""Every IRI of the graph resolves on the server: HTML for browsers, RDF by content negotiation."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import Graph, URIRef

from tests.conftest import Server

BASE = "https://w3id.org/kgqa/"


@pytest.mark.parametrize(
    "path",
    [
        "concept/running",
        "claim/001/faq-wont-lose-muscle",
        "source/000",
        "authority/american-council-on-exercise",
        "effect/running/improves/recovery",
    ],
)
def test_iri_resolves_to_turtle_about_it(server: Server, path: str) -> None:
    status, headers, body = server.get("/" + path, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=body.decode(), format="turtle")
    assert (URIRef(BASE + path), None, None) in graph


def test_iri_resolves_to_json_ld(server: Server) -> None:
    status, headers, body = server.get(
        "/claim/001/faq-wont-lose-muscle", headers={"Accept": "application/ld+json"}
    )
    assert status == 200 and headers["Content-Type"].startswith("application/ld+json")
    assert len(Graph().parse(data=body.decode(), format="json-ld")) > 5
    json.loads(body)


def test_a_disagreement_iri_resolves(server: Server) -> None:
    status, _, body = server.get(
        "/sparql?query=SELECT%20%3Fd%20WHERE%20%7B%20%3Fd%20a%20kgqa%3ADisagreement%20%7D%20LIMIT%201"
    )
    iri = json.loads(body)["results"]["bindings"][0]["d"]["value"]
    status, _, body = server.get("/" + iri[len(BASE) :], headers={"Accept": "text/html"})
    assert status == 200 and "kgqa:side" in body.decode()
    side = re.search(r'href="/(disagreement/[0-9a-f]+/[a-z-]+)"', body.decode())
    assert side, "a side of the disagreement links to its own page"
    status, _, body = server.get("/" + side.group(1), headers={"Accept": "text/html"})
    assert status == 200 and "kgqa:position" in body.decode() and "kgqa:claim" in body.decode()


def test_ontology_iri_serves_the_ontology(server: Server) -> None:
    status, _, body = server.get("/ontology", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=body.decode(), format="turtle")
    assert status == 200 and len(graph) > 1000


def test_concept_page_lists_claims_by_source(server: Server) -> None:
    status, _, body = server.get("/concept/cold-plunge", headers={"Accept": "text/html"})
    page = body.decode()
    assert status == 200
    assert "Should I Run After Leg Day? Exploring the Pros and Cons" in page
    assert "ice bath or a cold shower" in page
    assert 'href="/concept/recovery-technique"' in page  # its broader concept, linked


def test_unknown_iri_is_404(server: Server) -> None:
    status, _, body = server.get("/concept/parkour", headers={"Accept": "text/turtle"})
    assert status == 404
    assert (
        json.loads(body)["error"]
        == "nothing is known about <https://w3id.org/kgqa/concept/parkour>"
    )
