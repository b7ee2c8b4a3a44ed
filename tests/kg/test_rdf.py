"""The RDF mapping of one claim, compared by isomorphism with a hand-written graph."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic

from kg.anchor import anchor_quote
from kg.claims import ClaimSpec, Quantity, SourceSpec
from kg.ontology import load_ontology
from kg.rdf import AnchoredClaim, Document, source_graph, to_rdflib

LABELS = load_ontology().slug_label
NS = {"kgqa": "https://w3id.org/kgqa/ontology#", "kc": "https://w3id.org/kgqa/concept/"}

TEXT = "Intro.\nSoreness lasts 48 to 72 hours.\n"
QUOTE = "Soreness lasts 48 to 72 hours."

EXPECTED = """
@prefix kgqa: <https://w3id.org/kgqa/ontology#> .
@prefix kc: <https://w3id.org/kgqa/concept/> .
@prefix ka: <https://w3id.org/kgqa/authority/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix src: <https://w3id.org/kgqa/source/> .
@prefix claim: <https://w3id.org/kgqa/claim/> .

src:s1 a kgqa:Source, schema:CreativeWork, prov:Entity ;
    dcterms:title "A title" ; rdfs:label "A title" ; dcterms:language "en" ;
    kgqa:slug "s1" ; kgqa:fileName "s1.txt" ; kgqa:contentHash "abc" ;
    kgqa:textLength 38 ; schema:text "Intro.\\nSoreness lasts 48 to 72 hours.\\n" ;
    schema:url "https://example.org/a"^^xsd:anyURI .

<https://w3id.org/kgqa/claim/s1/doms> a kgqa:Claim, kgqa:QuantityClaim, schema:Claim ;
    kgqa:claimId "doms" ;
    schema:appearance src:s1 ; prov:wasDerivedFrom src:s1 ;
    schema:description "soreness lasts 48 to 72 hours" ; rdfs:label "soreness lasts 48 to 72 hours" ;
    kgqa:hedge kc:certain ; kgqa:sourceNeeded false ;
    kgqa:activity kc:leg-day ; kgqa:goal kc:soreness-relief ;
    kgqa:condition kc:high-intensity ; kgqa:audience kc:goal-hypertrophy ;
    kgqa:caveat kc:high-intensity, kc:goal-hypertrophy ;
    prov:wasAttributedTo ka:american-council-on-exercise ;
    kgqa:quantity <https://w3id.org/kgqa/claim/s1/doms/quantity> ;
    kgqa:citation <https://w3id.org/kgqa/claim/s1/doms/citation> .

<https://w3id.org/kgqa/claim/s1/doms/quantity> a kgqa:Quantity, schema:QuantitativeValue ;
    rdfs:label "48 to 72 hours" ; schema:unitText "hour" ;
    schema:minValue "48"^^xsd:decimal ; schema:maxValue "72"^^xsd:decimal .

<https://w3id.org/kgqa/claim/s1/doms/citation> a oa:SpecificResource ;
    oa:hasSource src:s1 ;
    oa:hasSelector <https://w3id.org/kgqa/claim/s1/doms/citation/quote>,
                   <https://w3id.org/kgqa/claim/s1/doms/citation/position> .

<https://w3id.org/kgqa/claim/s1/doms/citation/quote> a oa:TextQuoteSelector ;
    oa:exact "Soreness lasts 48 to 72 hours." ; oa:prefix "Intro.\\n" ; oa:suffix "\\n" .

<https://w3id.org/kgqa/claim/s1/doms/citation/position> a oa:TextPositionSelector ;
    oa:start "7"^^xsd:nonNegativeInteger ; oa:end "37"^^xsd:nonNegativeInteger .

<https://w3id.org/kgqa/claim/s1/doms/annotation> a oa:Annotation ;
    oa:motivatedBy oa:describing ;
    oa:hasBody <https://w3id.org/kgqa/claim/s1/doms> ;
    oa:hasTarget <https://w3id.org/kgqa/claim/s1/doms/citation> .
"""


def test_quantity_claim_maps_to_annotation_provenance_and_selectors() -> None:
    claim = ClaimSpec(
        id="doms",
        kind="quantity",
        quote=QUOTE,
        summary="soreness lasts 48 to 72 hours",
        hedge="certain",
        line=1,
        activities=("leg-day",),
        goals=("soreness-relief",),
        conditions=("high-intensity",),
        audience=("goal-hypertrophy",),
        quantity=Quantity(text="48 to 72 hours", unit="hour", minimum=48, maximum=72),
        attribution="american-council-on-exercise",
    )
    spec = SourceSpec(
        slug="s1",
        file="s1.txt",
        title="A title",
        claims_path=Path("s1.claims.yaml"),
        claims=(claim,),
        url="https://example.org/a",
    )
    doc = Document(spec=spec, text=TEXT, sha256="abc")
    anchored = AnchoredClaim(spec=claim, source_slug="s1", anchor=anchor_quote(TEXT, QUOTE))
    actual = to_rdflib(source_graph(doc, [anchored], LABELS))
    expected = Graph().parse(data=EXPECTED, format="turtle")
    _, only_actual, only_expected = graph_diff(actual, expected)
    assert isomorphic(actual, expected), (
        f"only in actual:\n{only_actual.serialize(format='nt')}\n"
        f"only in expected:\n{only_expected.serialize(format='nt')}"
    )


def _effect_graph(claim: ClaimSpec) -> Graph:
    spec = SourceSpec(slug="s1", file="s1.txt", title="T", claims_path=Path("x"), claims=(claim,))
    doc = Document(spec=spec, text=TEXT, sha256="abc")
    anchored = AnchoredClaim(claim, "s1", anchor_quote(TEXT, "Intro."))
    return to_rdflib(source_graph(doc, [anchored], LABELS))


def test_effect_claim_asserts_one_labelled_effect_per_activity_and_goal() -> None:
    claim = ClaimSpec(
        id="e",
        kind="effect",
        quote="Intro.",
        summary="s",
        hedge="possible",
        line=1,
        activities=("running", "jogging"),
        goals=("recovery",),
        direction="impairs",
    )
    rows = _effect_graph(claim).query(
        """SELECT ?label WHERE { ?c kgqa:asserts ?e . ?e kgqa:activity ?act ; rdfs:label ?label ;
             kgqa:goal kc:recovery ; kgqa:direction kc:impairs . }""",
        initNs=NS,
    )
    assert sorted(str(r[0]) for r in rows) == [
        "jogging impairs recovery",
        "running impairs recovery",
    ]  # type: ignore[index]


def test_context_activity_is_recorded_but_asserts_no_effect() -> None:
    claim = ClaimSpec(
        id="e",
        kind="effect",
        quote="Intro.",
        summary="s",
        hedge="likely",
        line=1,
        activities=("running",),
        context=("leg-day",),
        goals=("recovery",),
        direction="no-effect",
    )
    graph = _effect_graph(claim)
    effects = graph.query(
        "SELECT ?act ?label WHERE { ?c kgqa:asserts ?e . ?e kgqa:activity ?act ; rdfs:label ?label }",
        initNs=NS,
    )
    assert [(str(a).rsplit("/", 1)[-1], str(label)) for a, label in effects] == [  # type: ignore[misc]
        ("running", "running has no effect on recovery")
    ]
    assert graph.query("ASK { ?c kgqa:context kc:leg-day }", initNs=NS).askAnswer
