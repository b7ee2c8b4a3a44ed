"""SHACL validation of each graph the build writes, against shapes.ttl with the ontology alongside."""

from __future__ import annotations

from dataclasses import dataclass

from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kg.errors import BuildError
from kg.ontology import Ontology
from kg.resources import shapes_path

MAX_REPORTED = 3


@dataclass(frozen=True)
class Validator:
    """Validates graphs with the project's shapes; raises BuildError listing the first violations."""

    shapes: Graph
    ontology: Graph

    @classmethod
    def from_files(cls, ontology: Ontology) -> Validator:
        shapes = Graph()
        shapes.parse(shapes_path(), format="turtle")
        return cls(shapes=shapes, ontology=ontology.graph)

    def check(self, data: Graph, what: str) -> None:
        combined = data + self.ontology  # concept classes live in the ontology
        conforms, report, _ = validate(
            combined,
            shacl_graph=self.shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
        if conforms:
            return
        problems = [_describe(report, r) for r in report.subjects(RDF.type, SH.ValidationResult)]
        shown = "; ".join(sorted(problems)[:MAX_REPORTED])
        more = f" (and {len(problems) - MAX_REPORTED} more)" if len(problems) > MAX_REPORTED else ""
        raise BuildError(
            f"{what}: SHACL validation failed with {len(problems)} violation(s): {shown}{more}"
        )


def _describe(report: Graph, result: Node) -> str:
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    message = report.value(result, SH.resultMessage)
    parts = [str(focus) if isinstance(focus, URIRef | Literal) else "a node"]
    if isinstance(path, URIRef):
        parts.append(str(path))
    return " ".join(parts) + f": {message}"
