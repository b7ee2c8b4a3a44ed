"""What ranking and summaries need to know of every claim, read from the store once per engine.

The per-question query then only selects claims and their passages (fast on any engine); the
facets (kind, hedge, direction, concepts, authority) and the disagreements come from here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import pyoxigraph as ox

from kg.disagreements import VERDICT_KINDS, DisagreementRow, Passage, load_disagreements
from kg.store import Store
from kg.store import term_text as _value

FACETS_QUERY = """
SELECT ?claim ?kind ?source ?slug ?title ?summary ?hedge ?direction ?stance ?insteadOf ?sourceNeeded
       ?attributedTo ?authority ?quote ?start ?end ?status
WHERE {
  ?claim a ?kindClass ; schema:appearance ?source ; schema:description ?summary ;
         kgqa:hedge ?hedge ; kgqa:sourceNeeded ?sourceNeeded ; kgqa:citation ?cit .
  ?cit oa:hasSelector ?qs . ?qs oa:exact ?quote .
  ?cit oa:hasSelector ?ps . ?ps oa:start ?start ; oa:end ?end .
  FILTER (?kindClass != kgqa:Claim && STRSTARTS(STR(?kindClass), STR(kgqa:)))
  BIND (STRAFTER(STR(?kindClass), "#") AS ?kind)
  ?source kgqa:slug ?slug ; dcterms:title ?title .
  OPTIONAL { ?claim kgqa:direction ?direction }
  OPTIONAL { ?claim kgqa:stance ?stance }
  OPTIONAL { ?claim kgqa:insteadOf ?insteadOf }
  OPTIONAL { ?claim kgqa:reviewStatus ?status }
  OPTIONAL { ?claim prov:wasAttributedTo ?attributedTo
             OPTIONAL { ?attributedTo schema:name ?authority } }
}"""
CONCEPTS_QUERY = """
SELECT ?claim ?p ?concept WHERE {
  VALUES ?p { kgqa:activity kgqa:goal kgqa:caveat kgqa:condition kgqa:audience }
  ?claim a kgqa:Claim ; ?p ?concept .
}"""
SOURCE_CONCEPTS_QUERY = """
SELECT ?claim ?p ?concept ?source WHERE {
  ?claim schema:appearance ?source ; ?p ?concept .
  FILTER (?p IN (kgqa:activity, kgqa:goal, kgqa:caveat, kgqa:condition, kgqa:audience))
}"""  # with ?source bound; written so that the engine starts from it (7 ms at 1M, not 1.6 s)


class Facets(NamedTuple):
    """One claim's facets (a named tuple: tens of thousands are made at each start)."""

    kind: str
    slug: str
    title: str
    summary: str
    hedge: str
    direction: str | None
    stance: str | None
    instead_of: str | None
    source_needed: bool
    authority: str | None
    activities: frozenset[str]
    goals: frozenset[str]
    caveats: frozenset[str]  # every caveat, whatever its role
    limits: frozenset[str]  # the caveats that limit when it holds: conditions and audiences
    quote: str = ""
    start: int = 0
    end: int = 0
    source: str = ""
    attributed_to: str | None = None
    reviewed: bool = True  # False for a claim proposed by `kgqa ingest` that no one reviewed


@dataclass(frozen=True)
class SourceCounts:
    """What one source contributes: its claims, the disputed questions on which it takes a side
    against another source, and those it answers two ways itself."""

    claims: int
    across: int
    within: int


def read_catalog(
    store: Store, include_proposed: bool = False
) -> tuple[dict[str, Facets], frozenset[str], list[DisagreementRow]]:
    """The facets of every claim (by IRI, in the store's order), the IRIs of the claims proposed
    by `kgqa ingest` and not yet reviewed (whose facets are left out unless include_proposed),
    and every disagreement."""
    facets, proposed = read_facets(store, include_proposed)
    return facets, proposed, load_disagreements(store)


def read_facets(
    store: Store, include_proposed: bool = False, source: str | None = None
) -> tuple[dict[str, Facets], frozenset[str]]:
    """The facets and the proposed claims of `read_catalog`, of every source or of one (its
    IRI)."""
    bindings = {"source": ox.NamedNode(source)} if source else None
    concepts: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in store.select(SOURCE_CONCEPTS_QUERY if source else CONCEPTS_QUERY, bindings):
        name = (_value(row["p"]) or "").rsplit("#", 1)[-1]
        concepts[(_value(row["claim"]) or "", name)].add(_value(row["concept"]) or "")
    facets: dict[str, Facets] = {}
    proposed: set[str] = set()
    for row in store.select(FACETS_QUERY, bindings):
        claim = _value(row["claim"]) or ""
        if row["status"] is not None:
            proposed.add(claim)
            if not include_proposed:
                continue
        facets[claim] = Facets(
            kind=_value(row["kind"]) or "",
            slug=_value(row["slug"]) or "",
            title=_value(row["title"]) or "",
            summary=_value(row["summary"]) or "",
            hedge=_value(row["hedge"]) or "",
            direction=_value(row["direction"]),
            stance=_value(row["stance"]),
            instead_of=_value(row["insteadOf"]),
            source_needed=_value(row["sourceNeeded"]) == "true",
            authority=_value(row["authority"]),
            activities=frozenset(concepts[(claim, "activity")]),
            goals=frozenset(concepts[(claim, "goal")]),
            caveats=frozenset(concepts[(claim, "caveat")]),
            limits=frozenset(concepts[(claim, "condition")] | concepts[(claim, "audience")]),
            quote=_value(row["quote"]) or "",
            start=int(_value(row["start"]) or 0),
            end=int(_value(row["end"]) or 0),
            source=_value(row["source"]) or "",
            attributed_to=_value(row["attributedTo"]),
            reviewed=row["status"] is None,
        )
    return facets, frozenset(proposed)


class Catalog:
    """Facets of every claim and every disagreement, by claim IRI.

    Claims proposed by `kgqa ingest` and not yet reviewed are left out (so out of every answer,
    list and count) unless include_proposed; `proposed` names them either way."""

    def __init__(
        self,
        facets: dict[str, Facets],
        proposed: frozenset[str],
        disagreements: list[DisagreementRow],
    ) -> None:
        """From what `read_catalog` found (or a saved copy of it: qa.startup)."""
        self.facets = facets
        self.proposed = proposed
        self.disagreement_list = disagreements
        self._rows = {found.iri: found for found in self.disagreement_list}
        self.disagreements: dict[str, list[DisagreementRow]] = defaultdict(list)
        for found in self.disagreement_list:
            for claim in found.claims:
                self.disagreements[claim].append(found)
        # On what the sources disagree: the claims of a disagreement across them (and, for a
        # source, within it), and of one on whether to do something at all, the advice itself
        # (not every benefit and harm).
        self.disputed = frozenset(
            claim
            for found in self.disagreement_list
            if not found.within_source
            for claim in self._disputed(found)
        )
        within: dict[str, set[str]] = defaultdict(set)  # where a source differs from itself
        for found in self.disagreement_list:
            if found.within_source and found.source:
                within[found.source].update(self._disputed(found))
        self.disputed_within = {source: frozenset(c) for source, c in within.items()}

    @cached_property
    def passages(self) -> dict[str, Passage]:
        """The passages of kg.disagreements, from the facets already read."""
        return {
            claim: Passage(f.slug, f.kind, f.quote, f.start, f.end)
            for claim, f in self.facets.items()
        }

    @cached_property
    def per_source(self) -> dict[str, SourceCounts]:
        """SourceCounts by source slug, for every source with a claim (any number of them)."""
        claims: Counter[str] = Counter(f.slug for f in self.facets.values())
        across: Counter[str] = Counter()
        within: Counter[str] = Counter()
        for row in self.disagreement_list:
            held = {self.facets[c].slug for c in row.claims if c in self.facets}
            for slug in held:
                (within if row.within_source else across)[slug] += 1
        return {s: SourceCounts(n, across[s], within[s]) for s, n in sorted(claims.items())}

    def _disputed(self, found: DisagreementRow) -> list[str]:
        return [
            claim
            for claim in found.claims
            if found.goal is not None or self.facets[claim].kind in VERDICT_KINDS
        ]

    def row(self, iri: str) -> DisagreementRow | None:
        """The disagreement of that IRI."""
        return self._rows.get(iri)

    def among(self, claims: set[str]) -> list[DisagreementRow]:
        """Disagreements with claims of the set on at least two of their sides."""
        sides: dict[str, set[int]] = defaultdict(set)
        rows: dict[str, DisagreementRow] = {}
        for claim in claims:
            for row in self.disagreements.get(claim, ()):
                sides[row.iri].add(row.side_of[claim])
                rows[row.iri] = row
        return [rows[iri] for iri, found in sides.items() if len(found) >= 2]
