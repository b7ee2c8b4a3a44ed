"""SHACL validation of each graph the build writes, against shapes.ttl with the ontology alongside.

The validator is pyrudof (rudof's SHACL engine, in Rust): about ten times pyshacl's speed, with
the same verdicts on the project's shapes (tests/kg/test_shacl.py checks both on clean graphs and
on a copy with each kind of fault). Data is read in its strict mode: a triple it cannot read is an
error, not a warning. Warnings (sh:Warning, sh:Info) do not fail a build; violations do.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import BuildError
from kg.ontology import Ontology
from kg.resources import ontology_path, shapes_path

MAX_REPORTED = 3
MAPPING_CODE = ("claims.py", "anchor.py", "rdf.py", "shacl.py")
VIOLATION = "Violation"  # the severity that fails a build (pyrudof's name for sh:Violation)


@dataclass(frozen=True)
class Validator:
    """Validates graphs with the project's shapes; raises BuildError listing the first violations."""

    shapes: str  # shapes.ttl
    ontology: str  # the ontology as N-Triples: concept classes live there

    @classmethod
    def from_files(cls, ontology: Ontology) -> Validator:
        shapes = shapes_path().read_text(encoding="utf-8")
        return cls(shapes=shapes, ontology=ontology.graph.serialize(format="nt"))

    def violations(self, triples: list[ox.Triple]) -> list[tuple[str, str | None, str]]:
        """(focus node, path, message) of each violation, sorted; [] when the graph conforms."""
        import pyrudof  # here: only builds need it

        session = _session(self.shapes, self.ontology)
        data = "".join(f"{t} .\n" for t in triples)
        session.begin_staging()  # the graph joins the ontology for this check only
        try:
            if data:  # an empty graph is refused as input: the ontology alone is then validated
                session.read_data(
                    data,
                    format=pyrudof.RDFFormat.NTriples,
                    reader_mode=pyrudof.ReaderMode.Strict,
                    merge=True,
                )
            report = session.validate_shacl()
        except (pyrudof.DataError, pyrudof.InputError) as exc:
            raise BuildError(f"cannot read the graph to validate: {_one_line(str(exc))}") from exc
        finally:
            session.rollback_staging()
        if report.conforms:
            return []
        return sorted(
            (str(v.focus_node), _text(v.path), _text(v.message) or "")
            for v in report.violations
            if str(v.severity) == VIOLATION
        )

    def check(self, triples: list[ox.Triple], what: str) -> None:
        problems = [_describe(*found) for found in self.violations(triples)]
        if not problems:
            return
        shown = "; ".join(problems[:MAX_REPORTED])
        more = f" (and {len(problems) - MAX_REPORTED} more)" if len(problems) > MAX_REPORTED else ""
        raise BuildError(
            f"{what}: SHACL validation failed with {len(problems)} violation(s): {shown}{more}"
        )


def STRICT() -> Any:
    import pyrudof

    return pyrudof.ReaderMode.Strict


_SESSIONS = threading.local()  # a session is used by one thread at a time


def _session(shapes: str, ontology: str) -> Any:
    """A pyrudof session with the shapes read and the ontology loaded as data, made once per
    thread: each check stages its graph over the ontology and rolls it back."""
    import pyrudof

    key = (shapes, ontology)  # the Validator's own strings: their hashes are cached
    found = getattr(_SESSIONS, "by_key", None)
    if found is None:
        found = _SESSIONS.by_key = {}
    if key in found:
        return found[key]
    session = pyrudof.Rudof(pyrudof.RudofConfig())
    session.read_shacl(
        shapes, format=pyrudof.ShaclFormat.Turtle, reader_mode=pyrudof.ReaderMode.Strict
    )
    session.read_data(
        ontology, format=pyrudof.RDFFormat.NTriples, reader_mode=pyrudof.ReaderMode.Strict
    )
    found.clear()  # other shapes or ontology: one session a thread
    found[key] = session
    return session


def _text(value: Any) -> str | None:
    """A report field as plain text: pyrudof quotes messages as literals."""
    if value is None:
        return None
    text = str(value)
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _describe(focus: str, path: str | None, message: str) -> str:
    return " ".join(part for part in (focus, path) if part) + f": {message}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


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
