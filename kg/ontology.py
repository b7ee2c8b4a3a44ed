"""The vocabulary as Python values: concepts by kind, their labels, hierarchy, parts and ranks.

Read once from ontology.ttl; everything that matches words to concepts starts here. skos:broader
is "a kind of"; kgqa:partOf and kgqa:contributesTo are kept apart from it, so the hierarchy
(ancestors, descendants, related) never follows a part or a mechanism.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SDO, SKOS, XSD
from rdflib.term import Node

from kg.errors import CorpusError
from kg.resources import ontology_path
from kg.vocab import AUTHORITY, CONCEPT, KGQA, ONTOLOGY_GRAPH

if TYPE_CHECKING:
    from kg.store import Store

CONCEPT_CLASSES: dict[str, URIRef] = {
    "activity": KGQA.Activity,
    "goal": KGQA.Goal,
    "caveat": KGQA.Caveat,
    "hedge": KGQA.Hedge,
    "direction": KGQA.Direction,
    "stance": KGQA.Stance,
    "intent": KGQA.Intent,
    "disagreement-type": KGQA.DisagreementType,
}


@dataclass(frozen=True)
class Concept:
    """One SKOS concept of the ontology."""

    iri: URIRef
    kind: str
    pref_label: str
    alt_labels: tuple[str, ...]
    definition: str
    broader: tuple[URIRef, ...]
    part_of: tuple[URIRef, ...] = ()
    contributes_to: tuple[URIRef, ...] = ()
    rank: int | None = None  # a hedge's place on the ordered scale (kgqa:rank), higher is firmer

    @property
    def slug(self) -> str:
        return str(self.iri).removeprefix(str(CONCEPT))


@dataclass(frozen=True)
class Authority:
    """An organisation or publication a source credits."""

    iri: URIRef
    name: str
    alt_labels: tuple[str, ...]

    @property
    def slug(self) -> str:
        return str(self.iri).removeprefix(str(AUTHORITY))


@dataclass(frozen=True)
class Ontology:
    """Concepts and authorities of ontology.ttl, and the graph they came from."""

    graph: Graph
    concepts: dict[URIRef, Concept]
    authorities: dict[URIRef, Authority]

    def concept(self, kind: str, slug: str) -> Concept | None:
        """The concept of this kind with this slug, or None."""
        found = self.concepts.get(CONCEPT[slug])
        return found if found is not None and found.kind == kind else None

    def of_kind(self, kind: str) -> list[Concept]:
        return [c for c in self.concepts.values() if c.kind == kind]

    def ancestors(self, iri: URIRef) -> frozenset[URIRef]:
        """Every concept reachable by skos:broader from iri (iri excluded)."""
        return self._ancestor_map.get(iri, frozenset())

    def descendants(self, iri: URIRef) -> frozenset[URIRef]:
        """Every concept whose broader chain reaches iri (iri excluded)."""
        return self._descendant_map.get(iri, frozenset())

    def parts(self, iri: URIRef) -> frozenset[URIRef]:
        """The concepts that are part of iri (kgqa:partOf, transitively), and their narrower ones."""
        return self._part_map.get(iri, frozenset())

    def expand(self, iri: URIRef) -> frozenset[URIRef]:
        """A concept, everything narrower, its parts, and its broader concepts short of a scheme's top.

        What a question about the concept should reach: "cardio" reaches running and jogging;
        "running" reaches a claim about moderate cardio, but not one about all exercise; "weight
        loss" reaches calorie burn, a part of it. A mechanism (kgqa:contributesTo) is not followed:
        a claim that running improves blood flow does not say that it helps recovery.
        """
        found = {iri, *self.descendants(iri)}
        for part in self.parts(iri):
            found |= {part, *self.descendants(part)}
        concept = self.concepts.get(iri)
        for parent in concept.broader if concept else ():
            known = self.concepts.get(parent)
            if known is not None and known.broader:
                found.add(parent)
        return frozenset(found)

    def is_top(self, iri: URIRef) -> bool:
        """True for a concept with nothing broader: the root of a hierarchy."""
        concept = self.concepts.get(iri)
        return concept is None or not concept.broader

    def related(self, a: URIRef, b: URIRef) -> bool:
        """True when a and b are the same concept, or one is broader than the other and not a root,
        or both are goals that share a broader goal other than a root.

        A root ("exercise", "overall fitness") is broader than everything of its kind, so two claims
        do not speak of the same thing merely because both reach it. Two goals under one narrower
        goal are facets of one outcome (muscle growth and muscle retention are both muscle mass);
        two activities under one are not (running and walking are both cardio, but a claim about one
        says nothing of the other).
        """
        if a == b:
            return True
        if (a in self.ancestors(b) and not self.is_top(a)) or (
            b in self.ancestors(a) and not self.is_top(b)
        ):
            return True
        kinds = {c.kind for c in (self.concepts.get(a), self.concepts.get(b)) if c is not None}
        shared = self.ancestors(a) & self.ancestors(b)
        return kinds == {"goal"} and any(not self.is_top(c) for c in shared)

    def hedge_rank(self, iri: URIRef | str) -> int:
        """A hedge's rank (certain 3 > likely 2 > possible 1), read from kgqa:rank; 0 if unknown."""
        return self._ranks.get(str(iri), 0)

    @cached_property
    def _ranks(self) -> dict[str, int]:
        """Every ranked concept's rank by IRI string (ranking asks once per candidate claim)."""
        return {str(i): c.rank for i, c in self.concepts.items() if c.rank is not None}

    def strongest_hedge(self, iris: Iterable[URIRef | str]) -> URIRef | None:
        """Of several hedges, the firmest by rank; None for none."""
        found = self.firmest_hedge(str(i).removeprefix(str(CONCEPT)) for i in iris)
        return None if found is None else CONCEPT[found]

    def firmest_hedge(self, slugs: Iterable[str]) -> str | None:
        """`strongest_hedge` on slugs, with no IRI made: the inference asks it per side."""
        ranks = self._hedge_ranks
        return min(slugs, key=lambda s: (-ranks.get(s, 0), s), default=None)

    @cached_property
    def _hedge_ranks(self) -> dict[str, int]:
        return {c.slug: c.rank or 0 for c in self.of_kind("hedge")}

    @cached_property
    def pref_labels(self) -> dict[str, str]:
        """Every concept's prefLabel, by IRI string."""
        return {str(iri): c.pref_label for iri, c in self.concepts.items()}

    def label(self, iri: URIRef) -> str:
        concept = self.concepts.get(iri)
        if concept is not None:
            return concept.pref_label
        authority = self.authorities.get(iri)
        return authority.name if authority is not None else str(iri)

    def slug_label(self, slug: str) -> str:
        """The prefLabel of the concept kc:<slug> (the slug itself when there is none)."""
        concept = self.concepts.get(CONCEPT[slug])
        return concept.pref_label if concept is not None else slug

    def opposed(self, iri: URIRef) -> frozenset[URIRef]:
        """The caveats that kgqa:opposes declares opposite to iri, read in both directions."""
        return self._opposed_map.get(iri, frozenset())

    @cached_property
    def _opposed_map(self) -> dict[URIRef, frozenset[URIRef]]:
        result: dict[URIRef, set[URIRef]] = {}
        for a, b in self.graph.subject_objects(KGQA.opposes):
            if isinstance(a, URIRef) and isinstance(b, URIRef) and a != b:
                result.setdefault(a, set()).add(b)
                result.setdefault(b, set()).add(a)
        return {k: frozenset(v) for k, v in result.items()}

    def expanded_iris(self, iri: str) -> frozenset[str]:
        """`expand` of a concept given and returned as IRI strings; computed once per concept."""
        return self._expanded_iris.get(iri) or frozenset({iri})

    @cached_property
    def _expanded_iris(self) -> dict[str, frozenset[str]]:
        return {str(iri): frozenset(map(str, self.expand(iri))) for iri in self.concepts}

    @cached_property
    def _part_map(self) -> dict[URIRef, frozenset[URIRef]]:
        direct: dict[URIRef, set[URIRef]] = {}
        for concept in self.concepts.values():
            for whole in concept.part_of:
                direct.setdefault(whole, set()).add(concept.iri)
        result: dict[URIRef, frozenset[URIRef]] = {}
        for whole in direct:
            seen: set[URIRef] = set()
            stack = list(direct[whole])
            while stack:
                part = stack.pop()
                if part not in seen:
                    seen.add(part)
                    stack.extend(direct.get(part, ()))
            result[whole] = frozenset(seen)
        return result

    @cached_property
    def _descendant_map(self) -> dict[URIRef, frozenset[URIRef]]:
        result: dict[URIRef, set[URIRef]] = {}
        for iri in self.concepts:
            for ancestor in self.ancestors(iri):
                result.setdefault(ancestor, set()).add(iri)
        return {k: frozenset(v) for k, v in result.items()}

    @cached_property
    def _ancestor_map(self) -> dict[URIRef, frozenset[URIRef]]:
        result: dict[URIRef, frozenset[URIRef]] = {}
        for iri in self.concepts:
            seen: set[URIRef] = set()
            stack = list(self.concepts[iri].broader)
            while stack:
                parent = stack.pop()
                if parent not in seen:
                    seen.add(parent)
                    known = self.concepts.get(parent)
                    stack.extend(known.broader if known else ())
            result[iri] = frozenset(seen)
        return result


def _text(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    return sorted(str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal))


def _iris(graph: Graph, subject: Node, predicate: URIRef) -> tuple[URIRef, ...]:
    return tuple(sorted(o for o in graph.objects(subject, predicate) if isinstance(o, URIRef)))


def _rank(graph: Graph, subject: URIRef) -> int | None:
    ranks = [o.toPython() for o in graph.objects(subject, KGQA.rank) if isinstance(o, Literal)]
    return next((r for r in ranks if isinstance(r, int)), None)


def parse_turtle(path: Path, what: str) -> Graph:
    """A Turtle file as an rdflib graph; a parse error is a CorpusError naming the file.

    Parsed by Oxigraph (a tenth of the time rdflib's own parser takes: this runs at every engine
    start), its terms made rdflib's as rdflib's parser makes them (a plain literal has no
    datatype), its prefixes bound; in rdflib's SimpleMemory store, which, holding no contexts,
    adds a triple in half the time of the default one."""
    graph = Graph(store="SimpleMemory")
    try:
        parser = ox.parse(
            path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()
        )
        for triple in parser:
            graph.add((_node(triple.subject), _node(triple.predicate), _node(triple.object)))
    except (OSError, SyntaxError) as exc:
        raise CorpusError(f"{path}: cannot parse {what}: {exc}") from exc
    for prefix, namespace in parser.prefixes.items():
        graph.bind(prefix, namespace, replace=True)
    return graph


PLAIN = (str(XSD.string), str(RDF.langString))


def _node(term: object) -> Node:
    """An Oxigraph term as rdflib's parser would have made it."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=None if datatype in PLAIN else URIRef(datatype))
    raise CorpusError(f"unexpected term: {term}")


def concept_files(folder: Path) -> list[Path]:
    """The proposed concepts of added sources (`NNN_<hash>.concepts.ttl`, written by `kgqa ingest`
    beside their claims, marked kgqa:reviewStatus kgqa:Proposed), in name order; none when the
    folder is missing."""
    return sorted(folder.glob("*.concepts.ttl")) if folder.is_dir() else []


def load_ontology(path: Path | None = None, extra: Iterable[Path] = ()) -> Ontology:
    """Parse ontology.ttl, and any extra concept files (`concept_files`), into one Ontology; a
    parse error is a CorpusError naming the file."""
    path = path or ontology_path()
    graph = parse_turtle(path, "the ontology")
    for more in extra:
        graph += parse_turtle(more, "proposed concepts")
    return ontology_from_graph(graph)


def ontology_from_graph(graph: Graph) -> Ontology:
    """The Ontology of a graph that holds ontology.ttl (and perhaps proposed concepts)."""
    concepts: dict[URIRef, Concept] = {}
    for kind, cls in CONCEPT_CLASSES.items():
        for iri in graph.subjects(RDF.type, cls):
            if not isinstance(iri, URIRef):
                continue
            prefs = _text(graph, iri, SKOS.prefLabel)
            concepts[iri] = Concept(
                iri=iri,
                kind=kind,
                pref_label=prefs[0] if prefs else str(iri).rsplit("/", 1)[-1],
                alt_labels=tuple(_text(graph, iri, SKOS.altLabel)),
                definition=" ".join(_text(graph, iri, SKOS.definition)),
                broader=_iris(graph, iri, SKOS.broader),
                part_of=_iris(graph, iri, KGQA.partOf),
                contributes_to=_iris(graph, iri, KGQA.contributesTo),
                rank=_rank(graph, iri),
            )
    authorities = {
        iri: Authority(
            iri=iri,
            name=(_text(graph, iri, SDO.name) or _text(graph, iri, RDFS.label) or [str(iri)])[0],
            alt_labels=tuple(_text(graph, iri, SKOS.altLabel)),
        )
        for iri in graph.subjects(RDF.type, KGQA.Authority)
        if isinstance(iri, URIRef)
    }
    return Ontology(graph=graph, concepts=concepts, authorities=authorities)


PROPOSED_CONCEPTS_QUERY = f"""
SELECT ?s ?p ?o WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?s <{KGQA.reviewStatus}> <{KGQA.Proposed}> ; ?p ?o }}
}}"""


# An RDF term as plain data: ("iri", value, None, None) or ("literal", value, language, datatype)
Term = tuple[str, str, str | None, str | None]


def proposed_concept_triples(store: Store) -> list[tuple[Term, Term, Term]]:
    """The triples of the concepts a store's build holds that sources proposed (`kgqa ingest`)."""
    return [
        (_plain(row["s"]), _plain(row["p"]), _plain(row["o"]))
        for row in store.select(PROPOSED_CONCEPTS_QUERY)
    ]


def store_ontology(proposed: Iterable[tuple[Term, Term, Term]]) -> Ontology:
    """ontology.ttl with these proposed concepts' triples (`proposed_concept_triples`)."""
    graph = parse_turtle(ontology_path(), "the ontology")
    for triple in proposed:
        graph.add((_rdflib(triple[0]), _rdflib(triple[1]), _rdflib(triple[2])))
    return ontology_from_graph(graph)


def _plain(term: object) -> Term:
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value, None, None)
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.language, term.datatype.value)
    raise CorpusError(f"unexpected term in a proposed concept: {term}")


def _rdflib(term: Term) -> Node:
    kind, value, language, datatype = term
    if kind == "iri":
        return URIRef(value)
    if language:
        return Literal(value, lang=language)
    return Literal(value, datatype=URIRef(datatype) if datatype else None)
