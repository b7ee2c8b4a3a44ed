"""Map one source's anchored claims to RDF: Web Annotation citations, PROV, schema.org, SKOS.

The mapping writes pyoxigraph triples directly (no rdflib graph in between): a build maps about a
million triples in a few seconds this way. `to_rdflib` gives an rdflib graph for SHACL and tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, cached_property

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SDO, XSD

from kg.anchor import Anchor
from kg.claims import ClaimSpec, Quantity, SourceSpec
from kg.vocab import AUTHORITY, CLAIM, CONCEPT, EFFECT, KGQA, OA, SOURCE


def node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


@cache
def concept(slug: str) -> ox.NamedNode:
    return ox.NamedNode(f"{CONCEPT}{slug}")


def text(value: str) -> ox.Literal:
    return ox.Literal(value)


def typed(value: object, datatype: ox.NamedNode) -> ox.Literal:
    return ox.Literal(str(value), datatype=datatype)


def boolean(value: bool) -> ox.Literal:
    return ox.Literal(str(value).lower(), datatype=XSD_BOOLEAN)


A = node(RDF.type)
LABEL = node(RDFS.label)
XSD_INTEGER, XSD_NON_NEGATIVE = node(XSD.integer), node(XSD.nonNegativeInteger)
XSD_BOOLEAN, XSD_ANY_URI, XSD_DECIMAL = node(XSD.boolean), node(XSD.anyURI), node(XSD.decimal)
CLAIM_CLASSES: dict[str, ox.NamedNode] = {
    "effect": node(KGQA.EffectClaim),
    "recommendation": node(KGQA.Recommendation),
    "alternative": node(KGQA.AlternativeClaim),
    "quantity": node(KGQA.QuantityClaim),
    "fact": node(KGQA.FactClaim),
}


class Triples:
    """A set of triples in insertion order (a shared effect node is described once)."""

    def __init__(self) -> None:
        self._items: dict[ox.Triple, None] = {}

    def add(
        self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal
    ) -> None:
        self._items[ox.Triple(subject, predicate, obj)] = None

    def to_list(self) -> list[ox.Triple]:
        return list(self._items)


def to_rdflib(triples: Iterable[ox.Triple]) -> Graph:
    """The triples as an rdflib graph (for comparisons, and for pyshacl in the tests)."""
    data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=data or b"", format="nt")


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

    @cached_property
    def iri(self) -> URIRef:
        return claim_iri(self.source_slug, self.spec.id)


def source_iri(slug: str) -> URIRef:
    return SOURCE[slug]


def claim_iri(slug: str, claim_id: str) -> URIRef:
    return CLAIM[f"{slug}/{claim_id}"]


def effect_iri(activity: str, direction: str, goal: str) -> URIRef:
    """One node per (activity, direction, goal), shared by every claim that asserts it."""
    return EFFECT[f"{activity}/{direction}/{goal}"]


class _Terms:
    """The vocabulary's IRIs as pyoxigraph nodes, made once: `T.kgqa_slug` is kgqa:slug."""

    def __init__(self) -> None:
        spaces = {"kgqa": KGQA, "oa": OA, "rdf": RDF, "rdfs": RDFS, "sdo": SDO, "prov": PROV}
        spaces["dcterms"] = DCTERMS
        self._spaces = spaces

    def __getattr__(self, name: str) -> ox.NamedNode:
        prefix, local = name.split("_", 1)
        value = node(getattr(self._spaces[prefix], local))
        setattr(self, name, value)
        return value


T = _Terms()


def _add_source(out: Triples, doc: Document) -> None:
    spec, subject = doc.spec, node(doc.iri)
    for cls in (T.kgqa_Source, T.sdo_CreativeWork, T.prov_Entity):
        out.add(subject, A, cls)
    out.add(subject, T.dcterms_title, text(spec.title))
    out.add(subject, LABEL, text(spec.title))
    out.add(subject, T.dcterms_language, text(spec.language))
    out.add(subject, T.kgqa_slug, text(spec.slug))
    out.add(subject, T.kgqa_fileName, text(spec.file))
    out.add(subject, T.kgqa_contentHash, text(doc.sha256))
    out.add(subject, T.kgqa_textLength, typed(len(doc.text), XSD_INTEGER))
    out.add(subject, T.sdo_text, text(doc.text))
    if spec.url:
        out.add(subject, T.sdo_url, typed(spec.url, XSD_ANY_URI))
    if spec.publisher:
        out.add(subject, T.dcterms_publisher, text(spec.publisher))
    if spec.short_title:
        out.add(subject, T.sdo_headline, text(spec.short_title))
    for alias in spec.aliases:
        out.add(subject, T.sdo_alternateName, text(alias))
    if spec.published:
        out.add(subject, T.dcterms_issued, text(spec.published))
    if spec.original:
        out.add(subject, T.kgqa_originalFile, text(spec.original))
    if spec.original_sha256:
        out.add(subject, T.kgqa_originalHash, text(spec.original_sha256))
    if spec.media_type:
        out.add(subject, T.dcterms_format, text(spec.media_type))


def _decimal(number: float) -> ox.Literal:
    return typed(Literal(Decimal(str(number))), XSD_DECIMAL)  # rdflib's canonical lexical form


def _add_quantity(out: Triples, subject: ox.NamedNode, quantity: Quantity) -> None:
    out.add(subject, A, T.kgqa_Quantity)
    out.add(subject, A, T.sdo_QuantitativeValue)
    out.add(subject, LABEL, text(quantity.text))
    out.add(subject, T.sdo_unitText, text(quantity.unit))
    for predicate, number in (
        (T.sdo_value, quantity.value),
        (T.sdo_minValue, quantity.minimum),
        (T.sdo_maxValue, quantity.maximum),
    ):
        if number is not None:
            out.add(subject, predicate, _decimal(number))


def _add_citation(out: Triples, claim: AnchoredClaim, subject: str, source: ox.NamedNode) -> None:
    """The claim's passage as an oa:SpecificResource with a quote and a position selector."""
    anchor = claim.anchor
    target = ox.NamedNode(f"{subject}/citation")
    quote_sel = ox.NamedNode(f"{subject}/citation/quote")
    position_sel = ox.NamedNode(f"{subject}/citation/position")
    annotation = ox.NamedNode(f"{subject}/annotation")
    claim_node = ox.NamedNode(subject)
    out.add(claim_node, T.kgqa_citation, target)
    out.add(target, A, T.oa_SpecificResource)
    out.add(target, T.oa_hasSource, source)
    out.add(target, T.oa_hasSelector, quote_sel)
    out.add(target, T.oa_hasSelector, position_sel)
    out.add(quote_sel, A, T.oa_TextQuoteSelector)
    out.add(quote_sel, T.oa_exact, text(claim.spec.quote))
    out.add(quote_sel, T.oa_prefix, text(anchor.prefix))
    out.add(quote_sel, T.oa_suffix, text(anchor.suffix))
    out.add(position_sel, A, T.oa_TextPositionSelector)
    out.add(position_sel, T.oa_start, typed(anchor.start, XSD_NON_NEGATIVE))
    out.add(position_sel, T.oa_end, typed(anchor.end, XSD_NON_NEGATIVE))
    out.add(annotation, A, T.oa_Annotation)
    out.add(annotation, T.oa_motivatedBy, T.oa_describing)
    out.add(annotation, T.oa_hasBody, claim_node)
    out.add(annotation, T.oa_hasTarget, target)


Labels = Callable[[str], str]
"""A concept's slug to its skos:prefLabel."""

# how an effect's label reads for the directions whose label is not a verb
EFFECT_PHRASES = {"no-effect": "{a} has no effect on {g}", "depends": "{a}'s effect on {g} depends"}


def effect_label(activity: str, direction: str, goal: str, labels: Labels) -> str:
    """An effect as a phrase: "running improves recovery"."""
    a, g = labels(activity), labels(goal)
    pattern = EFFECT_PHRASES.get(direction)
    return pattern.format(a=a, g=g) if pattern else f"{a} {labels(direction)} {g}"


def _add_effects(out: Triples, claim: AnchoredClaim, subject: ox.NamedNode, labels: Labels) -> None:
    """One effect per activity and goal the claim names (never its context activities)."""
    spec = claim.spec
    if spec.direction is None:
        return
    for activity in spec.activities:
        for goal in spec.goals:
            effect = node(effect_iri(activity, spec.direction, goal))
            out.add(subject, T.kgqa_asserts, effect)
            out.add(effect, A, T.kgqa_Effect)
            out.add(effect, LABEL, text(effect_label(activity, spec.direction, goal, labels)))
            out.add(effect, T.kgqa_activity, concept(activity))
            out.add(effect, T.kgqa_goal, concept(goal))
            out.add(effect, T.kgqa_direction, concept(spec.direction))


def _add_claim(out: Triples, claim: AnchoredClaim, source: ox.NamedNode, labels: Labels) -> None:
    spec, iri = claim.spec, str(claim.iri)
    subject = ox.NamedNode(iri)
    out.add(subject, A, T.kgqa_Claim)
    out.add(subject, A, CLAIM_CLASSES[spec.kind])
    out.add(subject, A, T.sdo_Claim)
    out.add(subject, T.kgqa_claimId, text(spec.id))
    out.add(subject, T.sdo_appearance, source)
    out.add(subject, T.prov_wasDerivedFrom, source)
    out.add(subject, T.sdo_description, text(spec.summary))
    out.add(subject, LABEL, text(spec.summary))
    out.add(subject, T.kgqa_hedge, concept(spec.hedge))
    out.add(subject, T.kgqa_sourceNeeded, boolean(spec.source_needed))
    if spec.proposed:
        out.add(subject, T.kgqa_reviewStatus, T.kgqa_Proposed)
    if spec.confidence is not None:
        out.add(subject, T.kgqa_confidence, _decimal(spec.confidence))
    for predicate, slugs in (
        (T.kgqa_activity, spec.activities),
        (T.kgqa_context, spec.context),
        (T.kgqa_goal, spec.goals),
        (T.kgqa_condition, spec.conditions),
        (T.kgqa_reason, spec.reasons),
        (T.kgqa_audience, spec.audience),
        (T.kgqa_purpose, spec.purposes),
        (T.kgqa_caveat, spec.caveats),  # the super-property, materialised
    ):
        for slug in slugs:
            out.add(subject, predicate, concept(slug))
    for predicate, value in (
        (T.kgqa_direction, spec.direction),
        (T.kgqa_stance, spec.stance),
        (T.kgqa_insteadOf, spec.instead_of),
    ):
        if value is not None:
            out.add(subject, predicate, concept(value))
    if spec.attribution is not None:
        out.add(subject, T.prov_wasAttributedTo, node(AUTHORITY[spec.attribution]))
    if spec.quantity is not None:
        quantity = ox.NamedNode(f"{iri}/quantity")
        out.add(subject, T.kgqa_quantity, quantity)
        _add_quantity(out, quantity, spec.quantity)
    _add_effects(out, claim, subject, labels)
    _add_citation(out, claim, iri, source)


def source_graph(doc: Document, claims: list[AnchoredClaim], labels: Labels) -> list[ox.Triple]:
    """Every triple one source contributes: its description, its claims and their citations.

    `labels` names the concepts in the effects' labels (`Ontology.slug_label`).
    """
    out = Triples()
    _add_source(out, doc)
    source = node(doc.iri)
    for claim in claims:
        _add_claim(out, claim, source, labels)
    return out.to_list()
