"""Data: the dumps of the current build, a VoID description, and the documented example queries."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file

from kg.dumps import DUMPS, dump_path
from kg.examples import examples as examples
from kg.store import EmbeddedStore, term_text
from kg.vocab import BASE, KGQA, PREFIXES
from web.api import engine
from web.backend import backend
from web.pages import store

bp = Blueprint("data", __name__)


def void_turtle(base_url: str, triples: int, graphs: list[str], disagreements: int) -> str:
    """A VoID description of the dataset, pointing at this server's endpoint and dumps; its
    class partition for kgqa:Disagreement counts the disagreements every page counts."""
    lines = [
        "@prefix void: <http://rdfs.org/ns/void#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        f"<{BASE}dataset> a void:Dataset ;",
        '    dcterms:title "kgqa: claims of documents about running after leg day" ;',
        f"    void:triples {triples} ;",
        f"    void:sparqlEndpoint <{base_url}sparql> ;",
        f'    void:uriSpace "{BASE}" ;',
        *(f"    void:dataDump <{base_url}data/{name}> ;" for name in DUMPS),
        *(f"    void:vocabulary <{ns}> ;" for ns in sorted(set(PREFIXES.values()))),
        *(f"    void:subset <{g}> ;" for g in graphs),
        f"    void:classPartition [ void:class <{KGQA.Disagreement}> ; "
        f"void:entities {disagreements} ] ;",
        "    void:feature <http://www.w3.org/ns/formats/Turtle> .",
    ]
    return "\n".join(lines) + "\n"


@bp.get("/data")
def data_page() -> str:
    return render_template("data.html", dumps=DUMPS, examples=examples())


@bp.get("/data/<name>")
def dump(name: str) -> Response:
    if name not in DUMPS:
        abort(404, description=f"no dump {name!r}")
    found = store()
    if not isinstance(found, EmbeddedStore):
        abort(404, description="dumps are kept for the embedded store only; query the endpoint")
    path = dump_path(found.build_dir, found.store, name)
    return send_file(path, mimetype=DUMPS[name][1], as_attachment=False, download_name=name)


VOID_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
VOID_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
VOID_ROWS = 10_000  # named graphs listed at most


@bp.get("/void.ttl")
def void() -> Response:
    """The VoID description; its two queries run in the query workers (capped and timed)."""
    workers = backend().workers
    seconds = float(current_app.config["SPARQL_TIMEOUT_S"])
    counts, _ = workers.select(VOID_COUNT, 1, seconds)
    named, _ = workers.select(VOID_GRAPHS, VOID_ROWS, seconds)
    triples = int(term_text(counts[0]["n"]) or 0) if counts else 0
    graphs = sorted(term_text(row["g"]) or "" for row in named)
    disagreements = len(engine().catalog.disagreement_list)
    return Response(
        void_turtle(request.host_url, triples, graphs, disagreements), mimetype="text/turtle"
    )
