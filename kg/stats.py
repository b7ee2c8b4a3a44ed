"""Counts over the store, by SPARQL, so they describe what is really in it."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kg.store import Store

COUNTS_QUERY = """
SELECT
  (COUNT(DISTINCT ?source) AS ?sources)
  (COUNT(DISTINCT ?claim) AS ?claims)
WHERE {
  ?source a kgqa:Source .
  OPTIONAL { ?claim a kgqa:Claim ; schema:appearance ?source . }
}
"""
TRIPLES_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
DISAGREEMENTS_QUERY = """
SELECT
  (COUNT(DISTINCT ?d) AS ?all)
  (COUNT(DISTINCT ?within) AS ?within_source)
WHERE {
  ?d a kgqa:Disagreement .
  OPTIONAL { ?d kgqa:withinSource true . BIND(?d AS ?within) }
}
"""
PER_TYPE_QUERY = """
SELECT ?type (COUNT(DISTINCT ?d) AS ?n) WHERE {
  ?d a kgqa:Disagreement ; kgqa:disagreementType ?t .
  BIND (STRAFTER(STR(?t), STR(kc:)) AS ?type)
} GROUP BY ?type ORDER BY ?type
"""
PER_SOURCE_QUERY = """
SELECT ?slug ?title (COUNT(?claim) AS ?claims) WHERE {
  ?source a kgqa:Source ; kgqa:slug ?slug ; dcterms:title ?title .
  OPTIONAL { ?claim a kgqa:Claim ; schema:appearance ?source . }
} GROUP BY ?slug ?title ORDER BY ?slug
"""
PER_KIND_QUERY = """
SELECT ?kind (COUNT(?claim) AS ?claims) WHERE {
  ?claim a kgqa:Claim , ?class .
  FILTER (?class != kgqa:Claim && STRSTARTS(STR(?class), STR(kgqa:)))
  BIND (STRAFTER(STR(?class), "#") AS ?kind)
} GROUP BY ?kind ORDER BY ?kind
"""


def _int(term: object) -> int:
    return int(term.value) if isinstance(term, ox.Literal) else 0


def collect_stats(store: Store) -> dict[str, Any]:
    """sources, claims, triples (quads in all graphs), disagreements and breakdowns."""
    counts = store.select(COUNTS_QUERY)[0]
    disagreements = store.select(DISAGREEMENTS_QUERY)[0]
    return {
        "sources": _int(counts["sources"]),
        "claims": _int(counts["claims"]),
        "triples": _int(store.select(TRIPLES_QUERY)[0]["n"]),
        "disagreements": _int(disagreements["all"]),
        "disagreements_within_source": _int(disagreements["within_source"]),
        "disagreements_per_type": {
            str(r["type"].value): _int(r["n"]) for r in store.select(PER_TYPE_QUERY)
        },
        "claims_per_source": {
            str(r["slug"].value): _int(r["claims"]) for r in store.select(PER_SOURCE_QUERY)
        },
        "claims_per_kind": {
            str(r["kind"].value): _int(r["claims"]) for r in store.select(PER_KIND_QUERY)
        },
        "build_id": store.build_id,
    }
