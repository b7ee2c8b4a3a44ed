"""Namespaces: ours and the W3C / community vocabularies the graph uses.

Terms are declared, so a misspelt one fails at import instead of in a query.
"""

import re

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, XSD, DefinedNamespace

BASE = "https://w3id.org/kgqa/"


class KGQA(DefinedNamespace):
    """The kgqa ontology (classes and properties)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    Source: URIRef
    Claim: URIRef
    EffectClaim: URIRef
    Recommendation: URIRef
    AlternativeClaim: URIRef
    QuantityClaim: URIRef
    FactClaim: URIRef
    Effect: URIRef
    Activity: URIRef
    Goal: URIRef
    Caveat: URIRef
    Hedge: URIRef
    Direction: URIRef
    Stance: URIRef
    Authority: URIRef
    Quantity: URIRef
    Disagreement: URIRef
    Side: URIRef
    DisagreementType: URIRef
    Intent: URIRef

    activity: URIRef
    goal: URIRef
    direction: URIRef
    stance: URIRef
    asserts: URIRef
    insteadOf: URIRef
    hedge: URIRef
    caveat: URIRef
    condition: URIRef
    reason: URIRef
    audience: URIRef
    purpose: URIRef
    context: URIRef
    opposes: URIRef
    quantity: URIRef
    sourceNeeded: URIRef
    reviewStatus: URIRef
    Proposed: URIRef
    confidence: URIRef
    originalFile: URIRef
    originalHash: URIRef
    claimId: URIRef
    citation: URIRef
    contentHash: URIRef
    slug: URIRef
    fileName: URIRef
    textLength: URIRef
    side: URIRef
    position: URIRef
    strongestHedge: URIRef
    claim: URIRef
    heldBy: URIRef
    disagreementType: URIRef
    reconcilingCondition: URIRef
    withinSource: URIRef
    source: URIRef
    weakerThan: URIRef
    leansTo: URIRef
    impliesCondition: URIRef
    contextPhrase: URIRef
    rank: URIRef
    topic: URIRef
    buildId: URIRef
    unionGraph: URIRef
    partOf: URIRef
    contributesTo: URIRef
    # question cues, in qa/data/hints.ttl (not in the graph)
    hintLabel: URIRef
    inverseHintLabel: URIRef
    changeHintLabel: URIRef
    conditionHintLabel: URIRef


class OA(DefinedNamespace):
    """W3C Web Annotation vocabulary (the terms kgqa uses)."""

    _NS = Namespace("http://www.w3.org/ns/oa#")
    _fail = True

    Annotation: URIRef
    SpecificResource: URIRef
    TextQuoteSelector: URIRef
    TextPositionSelector: URIRef
    hasBody: URIRef
    hasTarget: URIRef
    hasSource: URIRef
    hasSelector: URIRef
    exact: URIRef
    prefix: URIRef
    suffix: URIRef
    start: URIRef
    end: URIRef
    motivatedBy: URIRef
    describing: URIRef
    questioning: URIRef
    replying: URIRef
    tagging: URIRef
    TextualBody: URIRef
    hasPurpose: URIRef


CONCEPT = Namespace(BASE + "concept/")
AUTHORITY = Namespace(BASE + "authority/")
SOURCE = Namespace(BASE + "source/")
CLAIM = Namespace(BASE + "claim/")
EFFECT = Namespace(BASE + "effect/")
DISAGREEMENT = Namespace(BASE + "disagreement/")
GRAPH = Namespace(BASE + "graph/")

ONTOLOGY_GRAPH = GRAPH["ontology"]
INFERRED_GRAPH = GRAPH["inferred"]
# Readers' flags on claims (W3C Web Annotations, oa:questioning) and their resolutions: kept in
# the data folder across builds (kg.config.flags_path), loaded into this graph by each build.
FLAGS_GRAPH = GRAPH["flags"]
FLAG = Namespace(BASE + "flag/")
# On a remote endpoint: the build id and the list of the build's graphs (kg.remote).
META_GRAPH = GRAPH["meta"]
# On a remote endpoint: every triple of the build's graphs in one graph, its union default graph.
UNION_GRAPH = GRAPH["union"]


def source_graph(slug: str) -> URIRef:
    """The named graph that holds one source's claims."""
    return GRAPH[f"source/{slug}"]


PREFIXES: dict[str, str] = {
    "kgqa": str(KGQA._NS),
    "kc": str(CONCEPT),
    "ka": str(AUTHORITY),
    "src": str(SOURCE),
    "claim": str(CLAIM),
    "oa": str(OA._NS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "schema": str(SDO),
    "skos": str(SKOS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "sh": str(SH),
}


def compact_iri(iri: str) -> str:
    """The IRI as a prefixed name (kc:running) when a project prefix covers it, else unchanged."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


PREFIX_DECLARATION = re.compile(r"PREFIX\s+([\w-]*):", re.IGNORECASE)


def with_prefixes(query: str, only_used: bool = False) -> str:
    """The query with PREFIX lines for the project prefixes it does not declare itself; with
    only_used, just for those it uses (so that an editor's linter accepts it)."""
    declared = {m.lower() for m in PREFIX_DECLARATION.findall(query)}
    missing = [
        p
        for p in PREFIXES
        if p not in declared and (not only_used or re.search(rf"(?<![\w<]){p}:", query))
    ]
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing) + query


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace above, for queries and the editor."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
