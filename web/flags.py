"""Readers' flags: a claim's page carries a short form to say a claim is wrong (its stance, hedge
or condition) and why; the flag is stored by ingest.flags as a W3C Web Annotation and never
changes the claim. CSRF-checked, rate-limited per address, the reason length-limited."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, request

from ingest.flags import ASPECTS, MAX_REASON_CHARS, add_flag
from kg.vocab import BASE
from web.api import engine
from web.security import RateLimit, check_csrf, csrf_token

bp = Blueprint("flags", __name__)

FLAGS_PER_MINUTE = 5


def flag_form(claim: str) -> dict[str, object]:
    """What a claim's page needs to show the flag form."""
    catalog = engine().catalog
    return {
        "claim": claim,
        "aspects": ASPECTS,
        "csrf": csrf_token(),
        "max": MAX_REASON_CHARS,
        "flagged": request.args.get("flagged") == "1",
        "unreviewed": claim in catalog.proposed,
    }


def _limit() -> RateLimit:
    found: RateLimit = current_app.extensions.setdefault(
        "kgqa_flag_limit", RateLimit(FLAGS_PER_MINUTE, 60.0)
    )
    return found


@bp.post("/flag")
def flag() -> Response:
    check_csrf()
    claim = request.form.get("claim", "")
    catalog = engine().catalog
    if claim not in catalog.facets and claim not in catalog.proposed:
        abort(404, description="no such claim")
    if not _limit().allow(request.remote_addr or ""):
        abort(429, description="too many flags from this address: try again in a minute")
    add_flag(
        current_app.extensions["kgqa_data_dir"],
        claim,
        request.form.get("aspect", ""),
        request.form.get("reason", ""),
    )
    page = "/" + claim.removeprefix(BASE)  # the claim's page on this site (a catalogue IRI)
    return redirect(f"{page}?flagged=1#flag", code=303)  # type: ignore[return-value]
