"""Map one source's anchored claims to RDF: Web Annotation citations, PROV, schema.org, SKOS."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SDO, XSD

from kg.anchor import Anchor
from kg.claims import ClaimSpec, Quantity, SourceSpec
from kg.vocab import AUTHORITY, CLAIM, CONCEPT, EFFECT, KGQA, OA, SOURCE

CLAIM_CLASSES: dict[str, URIRef] = {
    "effect": KGQA.EffectClaim,
    "recommendation": KGQA.Recommendation,
    "alternative": KGQA.AlternativeClaim,
    "quantity": KGQA.QuantityClaim,
    "fact": KGQA.FactClaim,
}


@dataclass(frozen=True)
class Document:
    """A source's verbatim text, its hash and its checked claims."""

    spec: SourceSpec
    text: str
    sha256: str

    @property
    def iri(self) -> URIRef:
        return source_iri(self.spec.slug)


@dataclass(frozen=True)
class AnchoredClaim:
    """A claim whose quote has been found in its document."""

    spec: ClaimSpec
    source_slug: str
    anchor: Anchor

    @property
    def iri(self) -> URIRef:
        return claim_iri(self.source_slug, self.spec.id)


def source_iri(slug: str) -> URIRef:
    return SOURCE[slug]


def claim_iri(slug: str, claim_id: str) -> URIRef:
    return CLAIM[f"{slug}/{claim_id}"]


def effect_iri(activity: str, direction: str, goal: str) -> URIRef:
    """One node per (activity, direction, goal), shared by every claim that asserts it."""
    return EFFECT[f"{activity}/{direction}/{goal}"]


def _add_source(graph: Graph, doc: Document) -> None:
    spec, node = doc.spec, doc.iri
    graph.add((node, RDF.type, KGQA.Source))
    graph.add((node, RDF.type, SDO.CreativeWork))
    graph.add((node, RDF.type, PROV.Entity))
    graph.add((node, DCTERMS.title, Literal(spec.title)))
    graph.add((node, RDFS.label, Literal(spec.title)))
    graph.add((node, DCTERMS.language, Literal(spec.language)))
    graph.add((node, KGQA.slug, Literal(spec.slug)))
    graph.add((node, KGQA.fileName, Literal(spec.file)))
    graph.add((node, KGQA.contentHash, Literal(doc.sha256)))
    graph.add((node, KGQA.textLength, Literal(len(doc.text), datatype=XSD.integer)))
    graph.add((node, SDO.text, Literal(doc.text)))
    if spec.url:
        graph.add((node, SDO.url, Literal(spec.url, datatype=XSD.anyURI)))
    if spec.publisher:
        graph.add((node, DCTERMS.publisher, Literal(spec.publisher)))
    if spec.short_title:
        graph.add((node, SDO.headline, Literal(spec.short_title)))
    for alias in spec.aliases:
        graph.add((node, SDO.alternateName, Literal(alias)))


def _add_quantity(graph: Graph, node: URIRef, quantity: Quantity) -> None:
    graph.add((node, RDF.type, KGQA.Quantity))
    graph.add((node, RDF.type, SDO.QuantitativeValue))
    graph.add((node, RDFS.label, Literal(quantity.text)))
    graph.add((node, SDO.unitText, Literal(quantity.unit)))
    for predicate, number in (
        (SDO.value, quantity.value),
        (SDO.minValue, quantity.minimum),
        (SDO.maxValue, quantity.maximum),
    ):
        if number is not None:
            graph.add((node, predicate, Literal(Decimal(str(number)))))


def _add_citation(graph: Graph, claim: AnchoredClaim, source: URIRef) -> None:
    """The claim's passage as an oa:SpecificResource with a quote and a position selector."""
    node, anchor = claim.iri, claim.anchor
    target = URIRef(f"{node}/citation")
    quote_sel, position_sel = URIRef(f"{target}/quote"), URIRef(f"{target}/position")
    annotation = URIRef(f"{node}/annotation")
    graph.add((node, KGQA.citation, target))
    graph.add((target, RDF.type, OA.SpecificResource))
    graph.add((target, OA.hasSource, source))
    graph.add((target, OA.hasSelector, quote_sel))
    graph.add((target, OA.hasSelector, position_sel))
    graph.add((quote_sel, RDF.type, OA.TextQuoteSelector))
    graph.add((quote_sel, OA.exact, Literal(claim.spec.quote)))
    graph.add((quote_sel, OA.prefix, Literal(anchor.prefix)))
    graph.add((quote_sel, OA.suffix, Literal(anchor.suffix)))
    graph.add((position_sel, RDF.type, OA.TextPositionSelector))
    graph.add((position_sel, OA.start, Literal(anchor.start, datatype=XSD.nonNegativeInteger)))
    graph.add((position_sel, OA.end, Literal(anchor.end, datatype=XSD.nonNegativeInteger)))
    graph.add((annotation, RDF.type, OA.Annotation))
    graph.add((annotation, OA.motivatedBy, OA.describing))
    graph.add((annotation, OA.hasBody, node))
    graph.add((annotation, OA.hasTarget, target))


def _add_effects(graph: Graph, claim: AnchoredClaim) -> None:
    spec = claim.spec
    if spec.direction is None:
        return
    for activity in spec.activities:
        for goal in spec.goals:
            effect = effect_iri(activity, spec.direction, goal)
            graph.add((claim.iri, KGQA.asserts, effect))
            graph.add((effect, RDF.type, KGQA.Effect))
            graph.add((effect, KGQA.activity, CONCEPT[activity]))
            graph.add((effect, KGQA.goal, CONCEPT[goal]))
            graph.add((effect, KGQA.direction, CONCEPT[spec.direction]))


def _add_claim(graph: Graph, claim: AnchoredClaim, source: URIRef) -> None:
    spec, node = claim.spec, claim.iri
    graph.add((node, RDF.type, KGQA.Claim))
    graph.add((node, RDF.type, CLAIM_CLASSES[spec.kind]))
    graph.add((node, RDF.type, SDO.Claim))
    graph.add((node, KGQA.claimId, Literal(spec.id)))
    graph.add((node, SDO.appearance, source))
    graph.add((node, PROV.wasDerivedFrom, source))
    graph.add((node, SDO.description, Literal(spec.summary)))
    graph.add((node, RDFS.label, Literal(spec.summary)))
    graph.add((node, KGQA.hedge, CONCEPT[spec.hedge]))
    graph.add((node, KGQA.sourceNeeded, Literal(spec.source_needed)))
    for predicate, slugs in (
        (KGQA.activity, spec.activities),
        (KGQA.goal, spec.goals),
        (KGQA.caveat, spec.caveats),
    ):
        for slug in slugs:
            graph.add((node, predicate, CONCEPT[slug]))
    for predicate, value in (
        (KGQA.direction, spec.direction),
        (KGQA.stance, spec.stance),
        (KGQA.insteadOf, spec.instead_of),
    ):
        if value is not None:
            graph.add((node, predicate, CONCEPT[value]))
    if spec.attribution is not None:
        graph.add((node, PROV.wasAttributedTo, AUTHORITY[spec.attribution]))
    if spec.quantity is not None:
        quantity = URIRef(f"{node}/quantity")
        graph.add((node, KGQA.quantity, quantity))
        _add_quantity(graph, quantity, spec.quantity)
    _add_effects(graph, claim)
    _add_citation(graph, claim, source)


def source_graph(doc: Document, claims: list[AnchoredClaim]) -> Graph:
    """Every triple one source contributes: its description, its claims and their citations."""
    graph = Graph()
    _add_source(graph, doc)
    for claim in claims:
        _add_claim(graph, claim, doc.iri)
    return graph
