"""Plain-English summaries and ids of proposed claims, from their fields (no text generation)."""

from __future__ import annotations

import re
from typing import Any

VERBS = {
    "improves": "helps",
    "impairs": "works against",
    "no-effect": "does not harm",
    "depends": "has an effect that depends on conditions on",
}
STANCES = {
    "recommended": "is advised",
    "discouraged": "is advised against",
    "conditional": "is advised only under conditions",
    "optional": "is fine but not needed",
}
MODALS = {"possible": "may", "likely": "can", "certain": ""}


def _names(slugs: list[str]) -> str:
    words = [s.replace("-", " ") for s in slugs]
    if not words:
        return ""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def summary(claim: dict[str, Any]) -> str:
    """A one-line paraphrase: "running after leg day may help recovery"."""
    subject = _names(claim.get("activities") or []) or "this"
    if claim.get("context"):
        subject += f" after {_names(claim['context'])}"
    goals = _names(claim.get("goals") or [])
    modal = MODALS[claim.get("hedge", "certain")]
    kind = claim["kind"]
    if kind == "effect":
        verb = VERBS[claim["direction"]]
        return " ".join(w for w in (subject, modal, verb, goals) if w)
    if kind == "recommendation":
        return f"{subject} {STANCES[claim['stance']]}"
    if kind == "alternative":
        return f"{subject} can stand in for {claim['instead_of'].replace('-', ' ')}"
    if kind == "quantity":
        return f"{claim['quantity']['text']} ({subject})"
    return f"a statement about {_names([*(claim.get('activities') or []), *(claim.get('goals') or [])])}"


def claim_id(claim: dict[str, Any], taken: set[str]) -> str:
    """An id from the claim's kind and first activity or goal, unique among `taken`."""
    about = (claim.get("activities") or claim.get("goals") or ["claim"])[0]
    stem = re.sub(r"[^a-z0-9-]+", "-", f"{claim['kind']}-{about}").strip("-")
    number = 1
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"
