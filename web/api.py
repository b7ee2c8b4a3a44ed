"""The JSON API: /api/ask (the contract of DESIGN.md) and the sources."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, Response, abort, current_app, jsonify, request

from kg.disagreements import among_sources, to_json
from kg.errors import InputError
from kg.vocab import CLAIM, CONCEPT
from qa.engine import Engine
from web.backend import backend

bp = Blueprint("api", __name__, url_prefix="/api")


def engine() -> Engine:
    return backend().engine


def question_arg() -> str:
    values = request.args.getlist("q")
    if len(values) != 1:
        raise InputError("give exactly one question as ?q=")
    limit = current_app.config["MAX_QUESTION_CHARS"]
    if len(values[0]) > limit:
        raise InputError(f"the question is {len(values[0])} characters long; the limit is {limit}")
    return values[0]


MAX_SOURCES = 12  # sources one request may name


def sources_arg(known: Iterable[str]) -> list[str]:
    """The source slugs a request names (`?sources=a,b`, or `sources` repeated as a form sends
    it), each once, in the order given; InputError for an unknown one or too many."""
    names = set(known)
    asked = (p.strip() for v in request.args.getlist("sources") for p in v.split(","))
    wanted = list(dict.fromkeys(p for p in asked if p))
    unknown = [w for w in wanted if w not in names]
    if unknown:
        raise InputError(f"no source {unknown[0]!r}; the sources are: {', '.join(sorted(names))}")
    if len(wanted) > MAX_SOURCES:
        raise InputError(f"name at most {MAX_SOURCES} sources ({len(wanted)} given)")
    return wanted


@bp.get("/ask")
def ask() -> Response:
    return jsonify(engine().ask(question_arg()).to_json())


@bp.get("/sources")
def sources() -> Response:
    """Every source, however many, in the corpus's order, with what it contributes: its claims,
    the questions it answers differently from another source, and those it answers two ways."""
    eng = engine()
    counts = eng.catalog.per_source
    return jsonify(
        [
            {
                "id": s.iri,
                "slug": s.slug,
                "title": s.title,
                "short_title": s.short_title,
                "url": s.url,
                "publisher": s.publisher,
                "claims": counts[s.slug].claims if s.slug in counts else 0,
                "disagreements": counts[s.slug].across if s.slug in counts else 0,
                "differs_from_itself": counts[s.slug].within if s.slug in counts else 0,
            }
            for s in sorted(eng.sources.values(), key=lambda s: s.slug)
        ]
    )


@bp.after_request
def cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _claim_json(iri: str) -> dict[str, object]:
    f = engine().catalog.facets[iri]
    return {
        "claim": iri,
        "source": f.slug,
        "kind": f.kind,
        "quote": f.quote,
        "start": f.start,
        "end": f.end,
        "summary": f.summary,
        "hedge": f.hedge,
        "direction": f.direction,
        "stance": f.stance,
        "activities": sorted(f.activities),
        "goals": sorted(f.goals),
        "caveats": sorted(f.caveats),
        "attributed_to": f.authority,
        "source_needed": f.source_needed,
        "reviewed": f.reviewed,  # False for a proposed claim (listed only with --include-proposed)
    }


@bp.get("/claims")
def claims() -> Response:
    """Claims, filtered by ?source=<slug> or ?sources=<slug>,<slug>,... and ?concept=<slug> (the
    concept or anything narrower)."""
    eng = engine()
    chosen = set(sources_arg(eng.catalog.per_source))
    source = request.args.get("source")
    concept = request.args.get("concept")
    wanted: set[str] | None = None
    if concept is not None:
        iri = CONCEPT[concept]
        if iri not in eng.ontology.concepts:
            raise InputError(f"unknown concept {concept!r}")
        wanted = {str(i) for i in eng.ontology.expand(iri)}
    found = [
        _claim_json(claim)
        for claim, f in sorted(eng.catalog.facets.items(), key=lambda kv: (kv[1].slug, kv[1].start))
        if (source is None or f.slug == source)
        and (not chosen or f.slug in chosen)
        and (wanted is None or wanted & (f.activities | f.goals | f.caveats))
    ]
    return jsonify(found)


@bp.get("/claims/<slug>/<claim_id>")
def claim(slug: str, claim_id: str) -> Response:
    iri = str(CLAIM[f"{slug}/{claim_id}"])
    if iri not in engine().catalog.facets:
        abort(404, description=f"no claim {slug}/{claim_id}")
    return jsonify(_claim_json(iri))


@bp.get("/entities/<slug>")
def entity(slug: str) -> Response:
    concept = engine().ontology.concepts.get(CONCEPT[slug])
    if concept is None:
        abort(404, description=f"no concept {slug!r}")
    return jsonify(
        {
            "id": str(concept.iri),
            "kind": concept.kind,
            "label": concept.pref_label,
            "alt_labels": list(concept.alt_labels),
            "definition": concept.definition,
            "broader": [str(b) for b in concept.broader],
            "narrower": sorted(str(n) for n in engine().ontology.descendants(concept.iri)),
        }
    )


@bp.get("/disagreements")
def disagreements() -> Response:
    """Every disagreement node, as `kgqa disagreements --json` prints them; with
    ?sources=<slug>,<slug>,... those the named sources take part in, kept to their claims (as
    /compare shows them)."""
    eng = engine()
    rows = eng.catalog.disagreement_list
    chosen = sources_arg(eng.catalog.per_source)
    if chosen:
        slug_of = {iri: f.slug for iri, f in eng.catalog.facets.items()}
        rows = among_sources(rows, slug_of, set(chosen))
    return jsonify([to_json(row, eng.catalog.passages, eng.labels) for row in rows])
