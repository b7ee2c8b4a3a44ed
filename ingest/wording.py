"""Plain-English summaries and ids of proposed claims, from their fields (no text generation)."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import Any

import yaml


@cache
def _wording() -> dict[str, Any]:
    """ingest/data/wording.yaml: the words summaries are made of."""
    text = files("ingest").joinpath("data", "wording.yaml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def _names(slugs: list[str]) -> str:
    words = [s.replace("-", " ") for s in slugs]
    if not words:
        return ""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def summary(claim: dict[str, Any]) -> str:
    """A one-line paraphrase: "running after leg day may help recovery"."""
    words = _wording()
    subject = _names(claim.get("activities") or []) or words["subject_alone"]
    if claim.get("context"):
        subject += f" after {_names(claim['context'])}"
    goals = _names(claim.get("goals") or [])
    modal = words["modals"][claim.get("hedge", "certain")]
    kind = claim["kind"]
    if kind == "effect":
        verb = words["effects"][claim["direction"]]["after_modal" if modal else "plain"]
        return " ".join(w for w in (subject, modal, verb, goals) if w)
    if kind == "recommendation":
        return f"{subject} {words['stances'][claim['stance']]}"
    if kind == "alternative":
        instead = claim["instead_of"].replace("-", " ")
        return str(words["alternative"]).format(subject=subject, instead=instead)
    if kind == "quantity":
        return str(words["quantity"]).format(figure=claim["quantity"]["text"], subject=subject)
    topics = _names([*(claim.get("activities") or []), *(claim.get("goals") or [])])
    return str(words["fact"]).format(topics=topics)


def claim_id(claim: dict[str, Any], taken: set[str]) -> str:
    """An id from the claim's kind and first activity or goal, unique among `taken`."""
    about = (claim.get("activities") or claim.get("goals") or ["claim"])[0]
    stem = re.sub(r"[^a-z0-9-]+", "-", f"{claim['kind']}-{about}").strip("-")
    number = 1
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"
