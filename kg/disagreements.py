"""Disagreement nodes as the graph has them: what every page, the API, the answers and
`kgqa disagreements` list, read in one place so they all agree.

A build saves them beside its store (`builds/<id>/disagreements.json`, the rows the store's
queries give, in their order), so a server swapping in a new build reads them in a tenth of the
time the queries take at a million triples; a build without the file (or with a damaged one) is
read through the queries.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.positions import dissolves, slug
from kg.store import EmbeddedStore, Store
from kg.store import term_text as _value
from kg.vocab import CONCEPT, SOURCE

if TYPE_CHECKING:  # the inference is the build's: readers need not import it
    from kg.infer import Disagreement
    from kg.ontology import Ontology

ROWS_FILE = "disagreements.json"
ROWS_FORMAT = 1  # raise when a row's fields change
log = logging.getLogger(__name__)

# Two queries, not one: the nodes, then their sides' claims (an OPTIONAL between the two joins
# made Oxigraph's plan take minutes at a million triples; these take about a second each).
DISAGREEMENTS_QUERY = """
SELECT ?d ?topic ?type ?within ?source ?activity ?goal WHERE {
  ?d a kgqa:Disagreement ; kgqa:topic ?topic ; kgqa:disagreementType ?type ;
     kgqa:withinSource ?within ; kgqa:activity ?activity .
  OPTIONAL { ?d kgqa:goal ?goal }
  OPTIONAL { ?d kgqa:source ?source }
}"""
SIDES_QUERY = """
SELECT ?d ?position ?hedge ?claim WHERE {
  ?d a kgqa:Disagreement ; kgqa:side ?side .
  ?side kgqa:position ?position ; kgqa:strongestHedge ?hedge ; kgqa:claim ?claim .
}"""
RECONCILING_QUERY = """
SELECT ?d ?caveat WHERE { ?d a kgqa:Disagreement ; kgqa:reconcilingCondition ?caveat }"""


@dataclass(frozen=True)
class SideRow:
    """One position on a disputed question, its firmest hedge and its claims."""

    position: str
    hedge: str
    claims: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class DisagreementRow:
    """One disputed question, across the sources or within one (`source`), as the graph has it."""

    iri: str
    topic: str
    type: str  # the slug of a kc: disagreement type
    within_source: bool
    source: str | None
    activity: str
    goal: str | None
    sides: tuple[SideRow, ...]
    caveats: tuple[str, ...]  # the reconciling conditions and audiences

    @property
    def claims(self) -> tuple[str, ...]:
        return tuple(c for side in self.sides for c in side.claims)

    @cached_property
    def side_of(self) -> dict[str, int]:
        """Which side (an index into `sides`) each claim is on."""
        return {c: i for i, side in enumerate(self.sides) for c in side.claims}

    @property
    def dissolves(self) -> bool:
        return dissolves(self.type)


def load_disagreements(store: Store) -> list[DisagreementRow]:
    """Every disagreement node of the graph, in a stable order (direct conflicts first): as the
    build saved them when it did, else from the store."""
    if isinstance(store, EmbeddedStore):
        saved = saved_rows(store.build_dir)
        if saved is not None:
            return saved
    return query_disagreements(store)


def query_disagreements(store: Store) -> list[DisagreementRow]:
    """Every disagreement node of the graph, from the store (see load_disagreements)."""
    sides: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    heads = {_value(row["d"]) or "": row for row in store.select(DISAGREEMENTS_QUERY)}
    hedges: dict[tuple[str, str], str] = {}
    for row in store.select(SIDES_QUERY):
        iri, pos = _value(row["d"]) or "", _value(row["position"]) or ""
        sides[iri][pos].append(_value(row["claim"]) or "")
        hedges[(iri, pos)] = _value(row["hedge"]) or ""
    reconciling: dict[str, set[str]] = defaultdict(set)
    for row in store.select(RECONCILING_QUERY):
        reconciling[_value(row["d"]) or ""].add(_value(row["caveat"]) or "")
    found = [
        DisagreementRow(
            iri=iri,
            topic=_value(head["topic"]) or "",
            type=slug(_value(head["type"]) or ""),
            within_source=_value(head["within"]) == "true",
            source=_value(head["source"]),
            activity=_value(head["activity"]) or "",
            goal=_value(head["goal"]),
            sides=tuple(
                SideRow(pos, hedges[(iri, pos)], tuple(sorted(set(claims))))
                for pos, claims in sorted(sides[iri].items())
            ),
            caveats=tuple(sorted(reconciling[iri])),
        )
        for iri, head in heads.items()
    ]
    return in_order(found)


def in_order(rows: Iterable[DisagreementRow]) -> list[DisagreementRow]:
    return sorted(rows, key=lambda d: (d.within_source, d.dissolves, d.topic, d.iri))


def rows_of(ontology: Ontology, disagreements: Iterable[Disagreement]) -> list[DisagreementRow]:
    """Inferred disagreements as the rows the store's queries give for them."""

    def concept(name: str) -> str:
        return f"{CONCEPT}{name}"

    return in_order(
        DisagreementRow(
            iri=str(d.iri),
            topic=d.topic(ontology),
            type=d.type,
            within_source=d.within_source,
            source=None if d.source is None else str(SOURCE[d.source]),
            activity=concept(d.activity),
            goal=None if d.goal is None else concept(d.goal),
            sides=tuple(
                sorted(
                    (
                        SideRow(
                            concept(side.position),
                            concept(side.hedge),
                            tuple(sorted({str(c.iri) for c in side.claims})),
                        )
                        for side in d.sides
                    ),
                    key=lambda side: side.position,
                )
            ),
            caveats=tuple(sorted({concept(c) for c in d.reconciling})),
        )
        for d in disagreements
    )


def save_rows(build_dir: Path, rows: list[DisagreementRow]) -> None:
    """The rows into a build being written (read back by load_disagreements)."""
    plain = [
        [r.iri, r.topic, r.type, r.within_source, r.source, r.activity, r.goal,
         [[s.position, s.hedge, s.claims] for s in r.sides], r.caveats]
        for r in rows
    ]  # fmt: skip
    text = json.dumps({"format": ROWS_FORMAT, "rows": plain}, ensure_ascii=False)
    (build_dir / ROWS_FILE).write_text(text, encoding="utf-8")


def saved_rows(build_dir: Path) -> list[DisagreementRow] | None:
    """The rows a build saved; None when it saved none (or they cannot be read: logged)."""
    path = build_dir / ROWS_FILE
    try:
        saved = json.loads(path.read_bytes())
        if saved["format"] != ROWS_FORMAT:
            return None
        return [
            DisagreementRow(iri, topic, kind, bool(within), source, activity, goal,
                            tuple(SideRow(p, h, tuple(c)) for p, h, c in sides), tuple(caveats))
            for iri, topic, kind, within, source, activity, goal, sides, caveats in saved["rows"]
        ]  # fmt: skip
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError) as exc:
        log.warning("kgqa: reading disagreements from the store: %s is damaged (%s)", path, exc)
        return None


def among_sources(
    rows: list[DisagreementRow], slug_of: dict[str, str], chosen: set[str]
) -> list[DisagreementRow]:
    """The disagreements as the `chosen` sources (slugs) take part in them, each side kept to
    their claims (`slug_of`: each claim's source slug): across the sources, those where two of
    them take different sides; within one, a chosen one's. Any number of sources."""
    found = []
    for row in rows:
        sides = tuple(
            SideRow(side.position, side.hedge, kept)
            for side in row.sides
            if (kept := tuple(c for c in side.claims if slug_of.get(c) in chosen))
        )
        holders = {slug_of[c] for side in sides for c in side.claims}
        if len(sides) >= 2 and (len(holders) >= 2 or row.within_source):
            found.append(row if sides == row.sides else replace(row, sides=sides))
    return found


QUOTES_QUERY = """
SELECT ?claim ?slug ?kind ?quote ?start ?end WHERE {
  { SELECT DISTINCT ?claim WHERE { ?side a kgqa:Side ; kgqa:claim ?claim } }
  ?claim a ?class ; schema:appearance/kgqa:slug ?slug ; kgqa:citation/oa:hasSelector ?qs, ?ps .
  VALUES ?class { kgqa:EffectClaim kgqa:Recommendation kgqa:AlternativeClaim kgqa:FactClaim
                  kgqa:QuantityClaim }
  BIND (STRAFTER(STR(?class), "#") AS ?kind)
  ?qs oa:exact ?quote . ?ps oa:start ?start ; oa:end ?end .
}"""
# A side lists its verdicts (advice, alternatives) before the effects that argue for them.
VERDICT_KINDS = ("Recommendation", "AlternativeClaim")


@dataclass(frozen=True)
class Passage:
    """Where a claim on a side is stated: its source and verbatim quote."""

    source: str
    kind: str
    quote: str
    start: int
    end: int


def load_passages(store: Store) -> dict[str, Passage]:
    """The passage of every claim on a side of a disagreement, by claim IRI."""
    return {
        _value(r["claim"]) or "": Passage(
            _value(r["slug"]) or "",
            _value(r["kind"]) or "",
            _value(r["quote"]) or "",
            int(_value(r["start"]) or 0),
            int(_value(r["end"]) or 0),
        )
        for r in store.select(QUOTES_QUERY)
    }


def to_json(
    row: DisagreementRow, passages: dict[str, Passage], label: dict[str, str]
) -> dict[str, Any]:
    """One disagreement as `kgqa disagreements --json` and `/api/disagreements` give it."""

    def name(iri: str | None) -> str | None:
        return None if iri is None else label.get(iri, iri.rsplit("/", 1)[-1])

    def order(claim: str) -> tuple[bool, str, int]:
        found = passages.get(claim)
        if found is None:
            return (True, "", 0)
        return (found.kind not in VERDICT_KINDS, found.source, found.start)

    return {
        "id": row.iri,
        "topic": row.topic,
        "type": row.type,
        "type_label": name(str(CONCEPT[row.type])),
        "within_source": row.within_source,
        "source": row.source.rsplit("/", 1)[-1] if row.source else None,
        "activity": row.activity,
        "goal": row.goal,
        "reconciling": [name(c) for c in row.caveats],
        "claims": list(row.claims),
        "sides": [
            {
                "position": name(side.position),
                "hedge": name(side.hedge),
                "sources": sorted({passages[c].source for c in side.claims if c in passages}),
                "claims": [
                    {"claim": c, **passages[c].__dict__} if c in passages else {"claim": c}
                    for c in sorted(side.claims, key=order)
                ],
            }
            for side in row.sides
        ],
    }


def render_text(items: list[dict[str, Any]], per_side: int = 4, width: int = 100) -> str:
    """The disagreements as a reader's list: a heading per question, then each side with its
    first passages (verdicts first; `--json` has them all) and what tells the sides apart."""
    lines: list[str] = []
    for item in items:
        scope = f"within {item['source']}" if item["within_source"] else "across the sources"
        lines.append(f"{item['topic']}: {item['type_label']}, {scope}")
        for side in item["sides"]:
            claims = side["claims"]
            lines.append(f"  {side['position']} (firmest: {side['hedge']}), {len(claims)} passages")
            for claim in claims[:per_side]:
                quote = " ".join(claim.get("quote", claim["claim"]).split())
                text = f"    {claim.get('source', '?')}: \u201c{quote}\u201d"
                lines.append(text if len(text) <= width else text[: width - 2] + "\u2026\u201d")
            if len(claims) > per_side:
                lines.append(f"    ... and {len(claims) - per_side} more")
        if item["reconciling"]:
            lines.append(f"  told apart by: {', '.join(item['reconciling'])}")
        lines.append("")
    lines.append(f"{len(items)} disagreements")
    return "\n".join(lines)
