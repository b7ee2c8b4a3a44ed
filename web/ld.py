"""Linked data: every IRI of the graph resolves here, as HTML for a browser or RDF by negotiation.

An IRI <https://w3id.org/kgqa/PATH> is served at /PATH: concepts, claims, sources, authorities,
effects, disagreements, named graphs and the ontology. RDF clients get the triples about it (as
subject, and as object) in Turtle, N-Triples, JSON-LD or RDF/XML; browsers get a page that names
its properties and, for a concept, every claim about it grouped by source.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
from flask import Blueprint, Response, abort, render_template, request

from kg.store import term_text
from kg.vocab import BASE, PREFIXES
from web.api import engine
from web.pages import source_page, store

bp = Blueprint("ld", __name__)

RDF_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
DESCRIBE = """CONSTRUCT { ?iri ?p ?o . ?s ?q ?iri } WHERE {
  VALUES ?iri { #IRI }
  { ?iri ?p ?o } UNION { ?s ?q ?iri }
}"""
WHOLE_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH #GRAPH { ?s ?p ?o } }"
GRAPH_OF = {BASE + "ontology": BASE + "graph/ontology"}
PROPERTIES = "SELECT ?p ?o WHERE { VALUES ?iri { #IRI } ?iri ?p ?o } ORDER BY ?p ?o"
CONCEPT_CLAIMS = """
SELECT DISTINCT ?claim ?slug ?summary ?quote ?role WHERE {
  VALUES ?concept { #IRI }
  ?c skos:broaderTransitive* ?concept .
  { ?claim kgqa:activity ?c . BIND("activity" AS ?role) } UNION { ?claim kgqa:goal ?c . BIND("goal" AS ?role) }
  UNION { ?claim kgqa:caveat ?c . BIND("caveat" AS ?role) } UNION { ?claim kgqa:insteadOf ?c . BIND("alternative to" AS ?role) }
  ?claim schema:appearance/kgqa:slug ?slug ; schema:description ?summary ;
         kgqa:citation/oa:hasSelector/oa:exact ?quote .
} ORDER BY ?slug ?claim"""
FORMATS = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json"}
KINDS = ("concept", "claim", "source", "authority", "effect", "disagreement", "graph", "ontology")


def compact(value: str) -> str:
    for prefix, ns in PREFIXES.items():
        if value.startswith(ns) and value != ns:
            return f"{prefix}:{value[len(ns) :]}"
    return value


def local_path(iri: str) -> str | None:
    """Where an IRI of the graph is served on this site, or None for an outside IRI."""
    if not iri.startswith(BASE):
        return None
    return "/" + iri[len(BASE) :].replace("#", "%23")


def _rdf(iri: str, mime: str) -> Response:
    """The triples about iri; for the ontology and a named graph, the whole graph."""
    graph = GRAPH_OF.get(iri, iri if iri.startswith(BASE + "graph/") else None)
    query = (
        WHOLE_GRAPH.replace("#GRAPH", f"<{graph}>")
        if graph
        else DESCRIBE.replace("#IRI", f"<{iri}>")
    )
    result = store().query(query)
    triples = list(result) if isinstance(result, ox.QueryTriples) else []
    if not triples:
        abort(404, description=f"nothing is known about <{iri}>")
    data = ox.serialize(triples, format=RDF_TYPES[mime], prefixes=PREFIXES) or b""
    return Response(data, mimetype=mime)


@bp.get("/<any(" + ", ".join(KINDS) + "):kind>/<path:rest>")
@bp.get("/<any(ontology):kind>")
def resource(kind: str, rest: str = "") -> Response | str:
    iri = BASE + kind + ("/" + rest if rest else "")
    mime = FORMATS.get(request.args.get("format", "")) or request.accept_mimetypes.best_match(
        ["text/html", *RDF_TYPES]
    )
    if mime in RDF_TYPES:
        return _rdf(iri, mime)
    if kind == "source" and "/" not in rest:
        return source_page(rest)
    properties = [
        (
            compact(term_text(r["p"]) or ""),
            term_text(r["o"]) or "",
            local_path(term_text(r["o"]) or ""),
        )
        for r in store().select(PROPERTIES.replace("#IRI", f"<{iri}>"))
    ]
    if not properties:
        abort(404, description=f"nothing is known about <{iri}>")
    claims: dict[str, list[dict[str, str]]] = defaultdict(list)
    if kind == "concept":
        for r in store().select(CONCEPT_CLAIMS.replace("#IRI", f"<{iri}>")):
            claims[term_text(r["slug"]) or ""].append(
                {
                    "iri": term_text(r["claim"]) or "",
                    "path": local_path(term_text(r["claim"]) or "") or "",
                    "summary": term_text(r["summary"]) or "",
                    "quote": term_text(r["quote"]) or "",
                    "role": term_text(r["role"]) or "",
                }
            )
    titles = {s.slug: s.title for s in engine().sources.values()}
    return render_template(
        "resource.html",
        iri=iri,
        kind=kind,
        properties=properties,
        claims=dict(claims),
        titles=titles,
    )
