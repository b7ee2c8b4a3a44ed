"""Linked data: every IRI of the graph resolves here, as HTML for a browser or RDF by negotiation.

An IRI <https://w3id.org/kgqa/PATH> is served at /PATH: concepts, claims, sources, authorities,
effects, disagreements, named graphs and the ontology. RDF clients get the triples about it (as
subject, and as object) in Turtle, N-Triples, JSON-LD or RDF/XML; browsers get a page that names
its properties and, for a concept, every claim about it grouped by source (claims no one has
reviewed only when the server includes them, marked "not yet reviewed").
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, request, send_file

from kg.dumps import graph_dump_path
from kg.serialize import GRAPH_TYPES
from kg.store import EmbeddedStore, term_text
from kg.vocab import BASE, compact_iri
from kg.workers import QueryJob, QueryWorkers
from qa.query import REVIEWED
from web.api import engine
from web.backend import backend
from web.flags import flag_form
from web.pages import source_page, store

bp = Blueprint("ld", __name__)

# ?iri is bound by the query workers to an IRI parsed from the URL: no request text in a query.
DESCRIBE = """CONSTRUCT { ?iri ?p ?o . ?s ?q ?iri } WHERE { { ?iri ?p ?o } UNION { ?s ?q ?iri } }"""
WHOLE_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?iri { ?s ?p ?o } }"
GRAPH_OF = {BASE + "ontology": BASE + "graph/ontology"}
PROPERTIES = "SELECT ?iri ?p ?o WHERE { ?iri ?p ?o } ORDER BY ?p ?o"
_CONCEPT_CLAIMS = """
SELECT DISTINCT ?iri ?claim ?slug ?summary ?quote ?role WHERE {
  ?c skos:broaderTransitive* ?iri .
  { ?claim kgqa:activity ?c . BIND("activity" AS ?role) } UNION { ?claim kgqa:goal ?c . BIND("goal" AS ?role) }
  UNION { ?claim kgqa:caveat ?c . BIND("caveat" AS ?role) } UNION { ?claim kgqa:insteadOf ?c . BIND("alternative to" AS ?role) }
  ?claim schema:appearance/kgqa:slug ?slug ; schema:description ?summary ;
         kgqa:citation/oa:hasSelector/oa:exact ?quote .
  #REVIEWED
} ORDER BY ?slug ?claim"""
# a concept's page lists claims no one reviewed only when the server includes them (marked)
CONCEPT_CLAIMS = _CONCEPT_CLAIMS.replace("#REVIEWED", REVIEWED)
CONCEPT_CLAIMS_WITH_PROPOSED = _CONCEPT_CLAIMS.replace("#REVIEWED", "")
FORMATS = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json"}
KINDS = ("concept", "claim", "source", "authority", "effect", "disagreement", "graph", "ontology")
PAGE_ROWS = 2_000  # rows a page lists at most (a concept with more claims says so)


def local_path(iri: str) -> str | None:
    """Where an IRI of the graph is served on this site, or None for an outside IRI."""
    if not iri.startswith(BASE):
        return None
    return "/" + iri[len(BASE) :].replace("#", "%23")


def _iri(kind: str, rest: str) -> str:
    """The graph's IRI for a path of this site; 404 when the path makes no IRI."""
    try:
        return ox.NamedNode(BASE + kind + ("/" + rest if rest else "")).value
    except ValueError:
        abort(404, description="no such resource: the path is not a valid IRI")


def _workers() -> QueryWorkers:
    return backend().workers


def _limits() -> tuple[int, float]:
    return int(current_app.config["SPARQL_ROW_LIMIT"]), float(
        current_app.config["SPARQL_TIMEOUT_S"]
    )


def _rdf(iri: str, mime: str) -> Response:
    """The triples about iri; for the ontology and a named graph, the whole graph, sent from a
    dump file on disk (the embedded store) or capped like any query (an external store)."""
    graph = GRAPH_OF.get(iri, iri if iri.startswith(BASE + "graph/") else None)
    found = store()
    syntax = GRAPH_TYPES[mime].rdf
    if graph and isinstance(found, EmbeddedStore) and syntax is not None:
        path = graph_dump_path(found.build_dir, found.store, graph, syntax)
        if path is None:
            abort(404, description=f"nothing is known about <{iri}>")
        return send_file(path, mimetype=mime)
    limit, seconds = _limits()
    job = QueryJob(
        WHOLE_GRAPH if graph else DESCRIBE,
        "application/sparql-results+json",
        mime,
        limit,
        seconds,
        bindings=(("iri", graph or iri),),
    )
    body, used, cut = _workers().run(job)
    if not body.strip() or not any(ox.parse(body, format=syntax)):
        abort(404, description=f"nothing is known about <{iri}>")
    response = Response(body, mimetype=used)
    if cut:
        response.headers["X-KGQA-Truncated"] = cut
    return response


def _rows(query: str, iri: str) -> tuple[list[ox.QuerySolution], bool]:
    """The rows of a page's query about iri, run by a query worker (capped, timed), and whether
    they were cut."""
    _, seconds = _limits()
    rows, cut = _workers().select(query, PAGE_ROWS, seconds, {"iri": iri})
    return rows, cut is not None


@bp.get("/<any(" + ", ".join(KINDS) + "):kind>/<path:rest>")
@bp.get("/<any(ontology):kind>")
def resource(kind: str, rest: str = "") -> Response | str:
    iri = _iri(kind, rest)
    mime = FORMATS.get(request.args.get("format", "")) or request.accept_mimetypes.best_match(
        ["text/html", *GRAPH_TYPES]
    )
    if mime in GRAPH_TYPES:
        return _rdf(iri, mime)
    if kind == "source" and "/" not in rest:
        return source_page(rest)
    found, cut = _rows(PROPERTIES, iri)
    properties = [
        (
            compact_iri(term_text(r["p"]) or ""),
            term_text(r["o"]) or "",
            local_path(term_text(r["o"]) or ""),
        )
        for r in found
    ]
    if not properties:
        abort(404, description=f"nothing is known about <{iri}>")
    claims: dict[str, list[dict[str, str | bool]]] = defaultdict(list)
    if kind == "concept":
        include = bool(current_app.config["INCLUDE_PROPOSED"])
        rows, claims_cut = _rows(CONCEPT_CLAIMS_WITH_PROPOSED if include else CONCEPT_CLAIMS, iri)
        cut = cut or claims_cut
        proposed = engine().catalog.proposed
        for r in rows:
            claim = term_text(r["claim"]) or ""
            claims[term_text(r["slug"]) or ""].append(
                {
                    "iri": claim,
                    "path": local_path(claim) or "",
                    "reviewed": claim not in proposed,
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
        cut=PAGE_ROWS if cut else None,
        flag=flag_form(iri) if kind == "claim" and rest.count("/") == 1 else None,
    )
