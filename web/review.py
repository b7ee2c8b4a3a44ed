"""The review page: claims proposed for library sources, and readers' flags, with accept, reject,
edit (summary, how sure, effect or advice, goals, conditions: choices from the ontology's labels)
and undo. Off unless the server runs with `kgqa serve --review`, and then only for this
machine; every change is a POST with the session's CSRF token, checked and written by
ingest.review, and the graph rebuilt (the server picks the new build up)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)

from ingest.flags import ASPECTS, Flag, open_flags
from ingest.review import Claim, Review, find_source, library_sources, rebuild
from kg.errors import InputError
from kg.ontology import Ontology
from web.api import engine
from web.security import check_csrf, csrf_token, require_loopback

bp = Blueprint("review", __name__, url_prefix="/review")

DONE = {  # what the page says after a decision (never text from the request)
    "accept": "Accepted: the claim is now part of the answers.",
    "keep": "Kept as it is; the flags on it are closed.",
    "reject": "Rejected: the claim stays in the file but out of the graph.",
    "edit": "Saved your changes; the claim is now part of the answers.",
    "undo": "Undone: the last decision was taken back.",
    "nothing": "There was nothing to undo.",
}
SUMMARY_CHARS = 300


def data_dir() -> Path:
    found: Path = current_app.extensions["kgqa_data_dir"]
    return found


@bp.before_request
def guard() -> None:
    if not current_app.config.get("REVIEW"):
        abort(404, description="no such page")
    require_loopback()
    if request.method == "POST":
        check_csrf()


def _choices(ontology: Ontology, kind: str) -> list[tuple[str, str]]:
    return sorted((c.slug, c.pref_label) for c in ontology.of_kind(kind))


def _label(ontology: Ontology, kind: str, value: object) -> str:
    concept = ontology.concept(kind, str(value)) if value else None
    return concept.pref_label if concept else ""


def _claim_view(claim: Claim, flags: list[Flag], ontology: Ontology) -> dict[str, Any]:
    caveats = claim.get("caveats") if isinstance(claim.get("caveats"), dict) else {}
    return {
        "id": claim.get("id"),
        "quote": claim.get("quote", ""),
        "summary": claim.get("summary", ""),
        "kind": claim.get("kind", ""),
        "proposed": claim.get("status") == "proposed",
        "hedge": claim.get("hedge"),
        "direction": claim.get("direction"),
        "stance": claim.get("stance"),
        "hedge_label": _label(ontology, "hedge", claim.get("hedge")),
        "position": _label(ontology, "direction", claim.get("direction"))
        or _label(ontology, "stance", claim.get("stance")),
        "about": ", ".join(
            _label(ontology, kind, s)
            for kind, key in (("activity", "activities"), ("goal", "goals"))
            for s in claim.get(key) or []
        ),
        "conditions": ", ".join(
            _label(ontology, "caveat", s) for s in (caveats or {}).get("condition", [])
        ),
        "goals": list(claim.get("goals") or []),
        "condition": list((caveats or {}).get("condition", [])),
        "confidence": claim.get("confidence"),
        "flags": [(ASPECTS.get(f.aspect, f.aspect), f.reason) for f in flags],
    }


@bp.get("")
def review_page() -> str:
    ontology = engine().ontology
    flags = open_flags(data_dir())
    sources = []
    for source in library_sources(data_dir()):
        review = Review(data_dir(), source, ontology)
        claims = []
        for claim in review.claims():
            on_it = [f for f in flags if f.claim == source.claim_iri(str(claim.get("id")))]
            if claim.get("status") == "proposed" or (on_it and claim.get("status") != "rejected"):
                claims.append(_claim_view(claim, on_it, ontology))
        if claims or review.history():
            sources.append({"slug": source.slug, "title": source.title, "claims": claims})
    return render_template(
        "review.html",
        sources=sources,
        done=DONE.get(request.args.get("done", "")),
        csrf=csrf_token(),
        hedges=_choices(ontology, "hedge"),
        directions=_choices(ontology, "direction"),
        stances=_choices(ontology, "stance"),
        goals=_choices(ontology, "goal"),
        conditions=_choices(ontology, "caveat"),
        summary_chars=SUMMARY_CHARS,
    )


# the form's choices: field -> (ontology kind, what the page calls it)
CHOICES = {
    "hedge": ("hedge", "how sure it is"),
    "direction": ("direction", "an effect"),
    "stance": ("stance", "the advice"),
    "goals": ("goal", "goals"),
    "condition": ("caveat", "conditions"),
}


def _choice(form: Any, key: str, ontology: Ontology) -> str | None:
    """One choice of the form (None when not given), checked against the ontology."""
    value = form.get(key)
    kind, what = CHOICES[key]
    if value and ontology.concept(kind, value) is None:
        raise InputError(f"choose {what} from the list")
    return value or None


def _choices_made(form: Any, key: str, ontology: Ontology) -> list[str] | None:
    """The values chosen in a list of the form, each once; None when the form had no such list
    (a list shown sends an empty value before its options, so choosing none still says so)."""
    if key not in form:
        return None
    values = list(dict.fromkeys(str(v) for v in form.getlist(key) if v))
    kind, what = CHOICES[key]
    if any(ontology.concept(kind, v) is None for v in values):
        raise InputError(f"choose {what} from the list")
    return values


def _edited_fields(form: Any, claim: Claim, ontology: Ontology) -> dict[str, Any]:
    """The fields the edit form changes: summary, hedge, effect or advice, goals and conditions
    (a None value removes a field). The build's own checks run when ingest.review writes them."""
    summary = " ".join(str(form.get("summary", "")).split())
    if not summary or len(summary) > SUMMARY_CHARS:
        raise InputError(f"the summary must be 1 to {SUMMARY_CHARS} characters")
    fields: dict[str, Any] = {
        "summary": summary,
        "hedge": _choice(form, "hedge", ontology) or claim.get("hedge"),
    }
    for key in ("direction", "stance"):
        value = _choice(form, key, ontology)
        if key in claim and value:
            fields[key] = value
    goals = _choices_made(form, "goals", ontology)
    if goals is not None:
        fields["goals"] = goals or None
    conditions = _choices_made(form, "condition", ontology)
    if conditions is not None:
        caveats = dict(claim.get("caveats") or {}) if isinstance(claim.get("caveats"), dict) else {}
        caveats.pop("condition", None)
        if conditions:
            caveats["condition"] = conditions
        fields["caveats"] = caveats or None
    return fields


@bp.post("/<slug>/claims/<claim_id>")
def decide(slug: str, claim_id: str) -> Response:
    source = find_source(data_dir(), slug)
    review = Review(data_dir(), source, engine().ontology)
    claim = review.claim(claim_id)
    flags = tuple(f.iri for f in open_flags(data_dir(), {source.claim_iri(claim_id)}))
    action = request.form.get("action", "")
    if action == "accept":
        if claim.get("status") == "proposed":
            review.accept(claim_id, flags)
        else:
            review.keep(claim_id, flags)
            action = "keep"
    elif action == "reject":
        review.reject(claim_id, flags)
    elif action == "edit":
        review.update(claim_id, _edited_fields(request.form, claim, review.ontology), flags)
    else:
        raise InputError("choose accept, reject or edit")
    rebuild(data_dir())
    return redirect(url_for(".review_page", done=action), code=303)  # type: ignore[return-value]


@bp.post("/<slug>/undo")
def undo(slug: str) -> Response:
    source = find_source(data_dir(), slug)
    undone = Review(data_dir(), source, engine().ontology).undo()
    if undone is not None:
        rebuild(data_dir())
    done = "undo" if undone is not None else "nothing"
    return redirect(url_for(".review_page", done=done), code=303)  # type: ignore[return-value]
