"""Server-rendered pages: home, answer, source (and the icon). The ask -> answer flow needs no
JavaScript."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_from_directory,
)

from kg.positions import slug
from kg.store import Store
from qa.wording import wording
from web.api import engine, question_arg
from web.backend import backend
from web.highlight import segments

bp = Blueprint("pages", __name__)

EXAMPLES = (
    "Does running after leg day kill my gains?",
    "Is it okay to run with sore legs?",
    "What can I do instead of running after leg day?",
    "How long does muscle soreness last after leg day?",
    "Do the sources disagree about recovery?",
    "Which claims are marked [source needed]?",
)


def store() -> Store:
    return backend().store


@bp.get("/")
def home() -> str:
    eng = engine()
    return render_template(
        "home.html",
        examples=EXAMPLES,
        sources=sorted(eng.sources.values(), key=lambda s: s.slug),
        counts=eng.catalog.per_source,
        claims=len(eng.catalog.facets),
        disagreements=eng.catalog.disagreement_list,
    )


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The site's icon where browsers look for it without a <link rel=icon>."""
    static = current_app.static_folder or "static"
    return send_from_directory(static, "favicon.ico", mimetype="image/vnd.microsoft.icon")


@bp.get("/ask")
def answer_page() -> str:
    if not request.args.get("q", "").strip():
        return home()
    answer = engine().ask(question_arg())
    number = {c.claim: i for i, c in enumerate(answer.citations, start=1)}
    by_claim = {c.claim: c for c in answer.citations}
    groups = [  # every citation is on one side (qa.select), shown in the sides' order
        (side.label, side.position, [(number[i], by_claim[i]) for i in side.claims])
        for side in answer.sides
    ]
    return render_template(
        "answer.html",
        answer=answer,
        number=number,
        by_claim=by_claim,
        groups=groups,
        words=wording(),
        concept_slug=slug,
    )


def source_page(slug: str) -> str:
    eng = engine()
    info = next((s for s in eng.sources.values() if s.slug == slug), None)
    if info is None:
        abort(404, description=f"no source {slug!r}")
    found = sorted(  # from the engine's catalogue, read once per process
        ((iri, f) for iri, f in eng.catalog.facets.items() if f.slug == slug),
        key=lambda item: (item[1].start, item[1].end),
    )
    claims = [
        {
            "iri": iri,
            "id": iri.rsplit("/", 1)[1],
            "start": f.start,
            "summary": f.summary,
            "kind": f.kind,
            "source_needed": f.source_needed,
            "authority": f.authority,
            "reviewed": f.reviewed,  # False only when the server includes proposed claims
        }
        for iri, f in found
    ]
    spans = [(iri.rsplit("/", 1)[1], f.start, f.end) for iri, f in found]
    limit = int(current_app.config["MAX_QUESTION_CHARS"])
    return render_template(
        "source.html",
        source=info,
        segments=segments(eng.texts[slug], spans),
        claims=claims,
        current=request.args.get("claim", ""),
        question=request.args.get("q", "").strip()[:limit],
        url=_web_address(info.url),
        publisher=info.publisher,
    )


def _web_address(url: str | None) -> str | None:
    """A link to the original only for a web address (no javascript: or data: link)."""
    return url if url and url.startswith(("https://", "http://")) else None
