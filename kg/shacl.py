"""SHACL validation of each graph the build writes, against shapes.ttl with the ontology alongside."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kg.errors import BuildError
from kg.ontology import Ontology
from kg.rdf import to_rdflib
from kg.resources import ontology_path, shapes_path

MAX_REPORTED = 3
MAPPING_CODE = ("claims.py", "anchor.py", "rdf.py", "shacl.py")


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

    def check(self, triples: list[ox.Triple], what: str) -> None:
        from pyshacl import validate  # here: a fifth of a second to import, and only builds need it

        combined = to_rdflib(triples) + self.ontology  # concept classes live in the ontology
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


@dataclass(frozen=True)
class ValidationCache:
    """Remembers source graphs that passed validation, by a hash of everything they are built
    from (claims file, document, ontology, shapes, mapping code), so a rebuild validates only the
    sources that changed."""

    folder: Path
    salt: str

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> ValidationCache:
        digest = hashlib.sha256()
        for path in (
            ontology_path(),
            shapes_path(),
            *(Path(__file__).parent / n for n in MAPPING_CODE),
        ):
            digest.update(path.read_bytes())
        return cls(folder=data_dir / "validated", salt=digest.hexdigest())

    def key(self, claims_file: bytes, document_sha256: str) -> str:
        return hashlib.sha256(
            self.salt.encode() + claims_file + document_sha256.encode()
        ).hexdigest()

    def passed(self, key: str) -> bool:
        return (self.folder / key).is_file()

    def mark(self, key: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / key).touch()


def check_inferred(
    validator: Validator, cache: ValidationCache | None, inferred: list[ox.Triple]
) -> None:
    """Validate inferred triples, unless the same triples passed before."""
    key = cache.key(_content_hash(inferred).encode(), "inferred") if cache else ""
    if not (cache and cache.passed(key)):
        validator.check(inferred, "inferred disagreements")
        if cache:
            cache.mark(key)


def _content_hash(triples: list[ox.Triple]) -> str:
    """A hash of a set of triples that does not depend on their order."""
    digest = hashlib.sha256()
    for line in sorted(map(str, triples)):
        digest.update(line.encode())
    return digest.hexdigest()
