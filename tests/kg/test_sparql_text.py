"""What is told of a SPARQL text before it is parsed: keywords count in the query's code only."""

from __future__ import annotations

import pytest

from kg.sparql_text import calls_service, names_dataset, reads_named_graphs


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
        "select * where { graph <http://example.org/g> { ?s ?p ?o } }",
        "ASK {\n  ?s ?p ?o .\n  Graph ?g { ?s a ?t }\n}",
        'SELECT * WHERE { ?s ?p "x" . GRAPH ?g { ?s ?p ?o } }',
    ],
)
def test_a_graph_pattern_reads_named_graphs(query: str) -> None:
    assert reads_named_graphs(query)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o }",
        'SELECT * WHERE { ?s ?p "GRAPH ?g { }" }',
        "SELECT * WHERE { ?s <http://example.org/GRAPH> ?o }",
        "SELECT * WHERE { ?s ?p ?o } # GRAPH ?g",
        "SELECT * WHERE { ?s ?p '''a\nGRAPH ?g\n''' }",
    ],
)
def test_graph_in_a_string_an_iri_or_a_comment_reads_none(query: str) -> None:
    assert not reads_named_graphs(query)


def test_service_and_from_count_in_code_only() -> None:
    assert calls_service("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")
    assert not calls_service('SELECT * WHERE { ?s ?p "SERVICE" }')
    assert names_dataset("SELECT * FROM <http://x/g> WHERE { ?s ?p ?o }")
    assert not names_dataset("SELECT * WHERE { ?s ?p ?o } # FROM <http://x/g>")
