"""Compare: the sources a reader picks (any number; by default the few with the most claims),
side by side: the disputed questions with the reason they differ in plain words; each
activity-and-goal pair with every chosen source's stance (a row per pair, a column per source);
and, with two chosen, source against source. Every "disagree" here is a disagreement node of the
graph (kg.disagreements), the same list the home page counts and the answers show, kept to the
chosen sources' claims. Claims no one has reviewed are in the catalogue only with
--include-proposed, and then marked "not yet reviewed" wherever they show."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, request

from kg.disagreements import DisagreementRow, Passage, among_sources, to_json
from kg.positions import Rules, slug
from qa.catalog import Facets
from qa.wording import Wording, wording
from web.api import engine, sources_arg

bp = Blueprint("compare", __name__)

MAX_ROWS, MAX_COLUMNS = 14, 12
SHOWN_FIRST = 4  # sources shown when none are chosen: those with the most claims
SYMBOL = {"improves": "↑", "impairs": "↓", "no-effect": "=", "depends": "~"}


@dataclass(frozen=True)
class Cell:
    stances: dict[str, tuple[str, ...]]  # source slug -> directions, e.g. ("improves", "impairs")
    contested: bool = False  # its claims sit on two sides of a disagreement across sources
    # (source slug, direction) said only by claims no one reviewed (with --include-proposed)
    unreviewed: frozenset[tuple[str, str]] = frozenset()


def effect_claims(facets: dict[str, Facets]) -> dict[tuple[str, str], list[tuple[str, Facets]]]:
    """Effect claims by (activity slug, goal slug)."""
    cells: dict[tuple[str, str], list[tuple[str, Facets]]] = defaultdict(list)
    for iri, f in facets.items():
        if f.kind != "EffectClaim" or not f.direction:
            continue
        for activity in f.activities:
            for goal in f.goals:
                cells[(slug(activity), slug(goal))].append((iri, f))
    return cells


def _disputed_cells(
    facets: dict[str, Facets], disagreements: list[DisagreementRow], rules: Rules
) -> dict[tuple[str, str], set[str]]:
    """Each (activity, goal) cell whose claims sit on a side of a disagreement across sources
    on that goal: the positions of those sides."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for d in disagreements:
        if d.within_source or d.goal is None:  # whether to do it at all: no cell of its own
            continue
        for side in d.sides:
            for claim in side.claims:
                f = facets.get(claim)
                for activity in f.activities if f else ():
                    for goal in f.goals if f else ():
                        if rules.goal_question(slug(goal)) == slug(d.goal):
                            found[(slug(activity), slug(goal))].add(side.position)
    return found


def matrix(
    facets: dict[str, Facets], disagreements: list[DisagreementRow], rules: Rules
) -> tuple[list[str], list[str], dict[tuple[str, str], Cell]]:
    """The most discussed activities and goals, and each cell's stances per source."""
    cells = effect_claims(facets)
    rows = [a for a, _ in Counter(a for a, _ in cells for _ in cells[(a, _)]).most_common(MAX_ROWS)]
    columns = [
        g for g, _ in Counter(g for _, g in cells for _ in cells[(_, g)]).most_common(MAX_COLUMNS)
    ]
    disputed = _disputed_cells(facets, disagreements, rules)
    table = {}
    for key, items in cells.items():
        stances: dict[str, set[str]] = defaultdict(set)
        reviewed: set[tuple[str, str]] = set()
        for _, f in items:
            stances[f.slug].add(slug(f.direction or ""))
            if f.reviewed:
                reviewed.add((f.slug, slug(f.direction or "")))
        table[key] = Cell(
            {slug: tuple(sorted(ds)) for slug, ds in sorted(stances.items())},
            contested=len(disputed.get(key, ())) >= 2,
            unreviewed=frozenset((s, d) for s, ds in stances.items() for d in ds) - reviewed,
        )
    return rows, columns, table


def pairs(
    rows: list[str], columns: list[str], table: dict[tuple[str, str], Cell]
) -> list[tuple[str, str]]:
    """The (activity, goal) pairs of the matrix, one table row each: by activity, then goal,
    both in the order of how much the sources discuss them."""
    return [(a, g) for a in rows for g in columns if (a, g) in table]


def source_against_source(
    facets: dict[str, Facets],
    disagreements: list[DisagreementRow],
    rules: Rules,
    a: str,
    b: str,
    names: dict[str, str] | None = None,
) -> dict[str, list[tuple[str, str]]]:
    """(activity, goal) pairs where two sources agree, or only one speaks; a pair with claims
    in a disagreement across sources is listed with that disagreement, not here. The sources
    are named by `names` (their short titles) in the headings."""
    name = names or {}
    only_a, only_b = f"only {name.get(a, a)}", f"only {name.get(b, b)}"
    found: dict[str, list[tuple[str, str]]] = {
        "agree": [],
        "one qualifies the other": [],
        only_a: [],
        only_b: [],
    }
    disputed = _disputed_cells(facets, disagreements, rules)
    for key, cell in sorted(matrix(facets, disagreements, rules)[2].items()):
        if key in disputed:
            continue
        da, db = set(cell.stances.get(a, ())), set(cell.stances.get(b, ()))
        if da and db:
            found["agree" if da == db else "one qualifies the other"].append(key)
        elif da:
            found[only_a].append(key)
        elif db:
            found[only_b].append(key)
    return found


def plain_disagreement(
    row: DisagreementRow, passages: dict[str, Passage], labels: dict[str, str], words: Wording
) -> dict[str, Any]:
    """One disagreement for a reader: its JSON form (kg.disagreements.to_json) plus, in plain
    words (qa/data/wording.yaml), why the sides differ, what each side says and how firmly, and
    the conditions that may reconcile them."""
    found = to_json(row, passages, labels)
    found["reason"] = words.reasons.get(row.type, found["type_label"])
    goal = labels.get(row.goal or "", "")
    for plain, side in zip(found["sides"], row.sides, strict=True):
        position = slug(side.position)
        says = words.says(position, slug(side.hedge), goal) if words.position(position) else ""
        plain["says"] = says or plain["position"]
    found["conditions"] = [words.condition(slug(c), labels.get(c, slug(c))) for c in row.caveats]
    return found


@bp.get("/compare")
def compare() -> str:
    eng = engine()
    sources = sorted(eng.sources.values(), key=lambda s: s.slug)
    claims = Counter(f.slug for f in eng.catalog.facets.values())
    counts = {s.slug: claims.get(s.slug, 0) for s in sources}
    first = sorted(sorted(counts, key=lambda s: (-counts[s], s))[:SHOWN_FIRST])
    slugs = sorted(sources_arg(counts)) or first
    facets = {iri: f for iri, f in eng.catalog.facets.items() if f.slug in slugs}
    slug_of = {iri: f.slug for iri, f in eng.catalog.facets.items()}
    disagreements = among_sources(eng.catalog.disagreement_list, slug_of, set(slugs))
    rules = eng.rules
    rows, columns, table = matrix(facets, disagreements, rules)
    labels = {slug(k): v for k, v in eng.labels.items()}
    titles = {s.slug: s.short_title for s in sources}
    activity, goal = request.args.get("activity", ""), request.args.get("goal", "")
    selected: dict[str, list[tuple[str, Facets]]] = {}
    if activity and goal:
        for iri, f in effect_claims(facets).get((activity, goal), []):
            selected.setdefault(f.slug, []).append((iri, f))
    versus = (
        source_against_source(facets, disagreements, rules, slugs[0], slugs[1], titles)
        if len(slugs) == 2
        else {}
    )
    words = wording()
    return render_template(
        "compare.html",
        pairs=pairs(rows, columns, table),
        table=table,
        words=words,
        labels=labels,
        sources=sources,
        counts=counts,
        slugs=slugs,
        chosen=",".join(slugs) if slugs != first else None,  # links keep a reader's choice
        titles=titles,
        symbol=SYMBOL,
        activity=activity,
        goal=goal,
        selected=selected,
        versus=versus,
        disputed=[
            plain_disagreement(row, eng.catalog.passages, eng.labels, words)
            for row in disagreements
        ],
    )
