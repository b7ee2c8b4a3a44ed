"""Server-rendered pages: home, answer, source. The ask -> answer flow needs no JavaScript."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, abort, current_app, render_template, request

from kg.store import EmbeddedStore, term_text
from kg.vocab import sparql_prefixes
from qa.rank import Candidate
from web.api import engine, question_arg
from web.highlight import segments

bp = Blueprint("pages", __name__)

SOURCE_CLAIMS_QUERY = """
SELECT ?claim ?id ?start ?end ?summary ?kind ?sourceNeeded ?authority WHERE {
  #SOURCE
  ?claim schema:appearance ?source ; kgqa:claimId ?id ; schema:description ?summary ;
         kgqa:sourceNeeded ?sourceNeeded ; a ?class ; kgqa:citation/oa:hasSelector ?p .
  FILTER (?class != kgqa:Claim && STRSTARTS(STR(?class), STR(kgqa:)))
  BIND (STRAFTER(STR(?class), "#") AS ?kind)
  ?p oa:start ?start ; oa:end ?end .
  OPTIONAL { ?claim prov:wasAttributedTo/schema:name ?authority }
} ORDER BY ?start"""
EXAMPLES = (
    "Does running after leg day kill my gains?",
    "Is it okay to run with sore legs?",
    "What can I do instead of running after leg day?",
    "How long does muscle soreness last after leg day?",
    "Do the sources disagree about recovery?",
    "Which claims are marked [source needed]?",
)


def store() -> EmbeddedStore:
    found: EmbeddedStore = current_app.extensions["kgqa.store"]
    return found


@bp.get("/")
def home() -> str:
    eng = engine()
    return render_template(
        "home.html",
        examples=EXAMPLES,
        sources=list(eng.sources.values()),
        claims=len(eng.catalog.facets),
        disagreements=len({r.iri for rows in eng.catalog.disagreements.values() for r in rows}),
    )


@bp.get("/ask")
def answer_page() -> str:
    if not request.args.get("q", "").strip():
        return home()
    answer = engine().ask(question_arg())
    number = {c.claim: i for i, c in enumerate(answer.citations, start=1)}
    by_claim = {c.claim: c for c in answer.citations}
    groups: dict[str, list[tuple[int, Candidate]]] = {}
    for c in answer.citations:  # by topic: the claim's first goal (or its alternative, or its kind)
        topic = _topic(c, answer.labels)
        groups.setdefault(topic, []).append((number[c.claim], c))
    return render_template(
        "answer.html", answer=answer, number=number, by_claim=by_claim, groups=groups
    )


def _topic(c: Candidate, labels: dict[str, str]) -> str:
    if c.goals:
        return labels.get(sorted(c.goals)[0], "other")
    if c.kind == "AlternativeClaim":
        return "alternatives"
    return {"QuantityClaim": "figures", "Recommendation": "advice"}.get(c.kind, "other")


def source_page(slug: str) -> str:
    eng = engine()
    info = next((s for s in eng.sources.values() if s.slug == slug), None)
    if info is None:
        abort(404, description=f"no source {slug!r}")
    text = eng.texts[slug]
    query = sparql_prefixes() + SOURCE_CLAIMS_QUERY.replace(
        "#SOURCE", f"VALUES ?source {{ <{info.iri}> }}"
    )
    result = store().query(query)
    rows = list(result) if isinstance(result, ox.QuerySolutions) else []
    claims = [
        {
            "iri": term_text(r["claim"]),
            "id": term_text(r["id"]),
            "start": int(term_text(r["start"]) or 0),
            "end": int(term_text(r["end"]) or 0),
            "summary": term_text(r["summary"]),
            "kind": term_text(r["kind"]),
            "source_needed": term_text(r["sourceNeeded"]) == "true",
            "authority": term_text(r["authority"]),
        }
        for r in rows
    ]
    current = request.args.get("claim", "")
    spans = [
        (term_text(r["id"]) or "", int(term_text(r["start"]) or 0), int(term_text(r["end"]) or 0))
        for r in rows
    ]
    return render_template(
        "source.html",
        source=info,
        segments=segments(text, spans),
        claims=claims,
        current=current,
        first_of={c["id"]: c["start"] for c in claims},
    )
