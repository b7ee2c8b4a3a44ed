"""Readers' flags on claims: W3C Web Annotations (motivation oa:questioning) with the reason as a
textual body, kept in the data folder's flags file (N-Quads, the flags graph) across builds.

A flag never changes a claim. A reviewer resolves it (the claim kept, changed or rejected) with a
reply annotation (oa:replying) targeting the flag; a flag without a reply is open.
"""

from __future__ import annotations

import re
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.config import flags_path
from kg.errors import InputError
from kg.files import locked, write_atomically
from kg.flags import read_flag_quads
from kg.vocab import CLAIM, FLAG, FLAGS_GRAPH, OA

# what a reader may say is wrong with a claim, and how the form and `kgqa review` name it
ASPECTS = {
    "stance": "what it says or advises",
    "hedge": "how sure it is",
    "condition": "when it holds",
}
RESOLUTIONS = ("kept", "changed", "rejected")
MAX_REASON_CHARS = 300
MAX_FLAGS_BYTES = 5_000_000  # the flags file refuses more: a flood of flags cannot fill the disk
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Flag:
    """One reader's flag on a claim."""

    iri: str
    claim: str  # the claim's IRI
    aspect: str  # a key of ASPECTS
    reason: str
    created: str  # ISO 8601, UTC
    resolution: str | None = None  # one of RESOLUTIONS once a reviewer decided


def _node(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _text(value: str) -> ox.Literal:
    return ox.Literal(value)


def _now() -> ox.Literal:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return ox.Literal(stamp, datatype=_node(XSD.dateTime))


def _annotation(
    motivation: object, target: str, bodies: list[tuple[str, str | None]]
) -> tuple[str, list[ox.Triple]]:
    """An oa:Annotation with one oa:TextualBody per (text, purpose); its IRI and triples."""
    iri = _node(FLAG[uuid.uuid4().hex])
    triples = [
        ox.Triple(iri, _node(RDF.type), _node(OA.Annotation)),
        ox.Triple(iri, _node(OA.motivatedBy), _node(motivation)),
        ox.Triple(iri, _node(OA.hasTarget), _node(target)),
        ox.Triple(iri, _node(DCTERMS.created), _now()),
    ]
    for n, (value, purpose) in enumerate(bodies, start=1):
        body = _node(f"{iri.value}#body{n}")
        triples += [
            ox.Triple(iri, _node(OA.hasBody), body),
            ox.Triple(body, _node(RDF.type), _node(OA.TextualBody)),
            ox.Triple(body, _node(RDF.value), _text(value)),
            ox.Triple(body, _node(DCTERMS["format"]), _text("text/plain")),
        ]
        if purpose:
            triples.append(ox.Triple(body, _node(OA.hasPurpose), _node(purpose)))
    return iri.value, triples


def clean_reason(reason: str) -> str:
    """The reason as given, checked: InputError when empty or too long."""
    text = CONTROL.sub(" ", reason if isinstance(reason, str) else "").strip()
    if not text:
        raise InputError("say in a few words what is wrong with the claim")
    if len(text) > MAX_REASON_CHARS:
        raise InputError(
            f"the reason is {len(text)} characters long; the limit is {MAX_REASON_CHARS}"
        )
    return text


def _append(data_dir: Path, triples: list[ox.Triple]) -> None:
    """Add triples to the flags graph: the file rewritten whole under its lock, then renamed."""
    path = flags_path(data_dir)
    graph = _node(FLAGS_GRAPH)
    added = _nquads([ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples])
    with locked(path):
        old = path.read_bytes() if path.is_file() else b""
        if len(old) + len(added) > MAX_FLAGS_BYTES:
            raise InputError("no more flags can be stored until the open ones are reviewed")
        write_atomically(path, old + added)


def add_flag(data_dir: Path, claim: str, aspect: str, reason: str) -> str:
    """Record a reader's flag on a claim; its IRI. InputError for a bad claim, aspect or reason."""
    if aspect not in ASPECTS:
        raise InputError(f"say what is wrong: one of {', '.join(ASPECTS)}")
    try:
        target = ox.NamedNode(claim).value
    except ValueError as exc:
        raise InputError("no such claim") from exc
    if not target.startswith(str(CLAIM)):
        raise InputError("no such claim")
    text = clean_reason(reason)
    iri, triples = _annotation(OA.questioning, target, [(text, None), (aspect, OA.tagging)])
    _append(data_dir, triples)
    return iri


def resolve_flag(data_dir: Path, flag: str, resolution: str) -> None:
    """Close a flag with the reviewer's decision (a reply annotation targeting it)."""
    if resolution not in RESOLUTIONS:
        raise InputError(f"a flag is resolved as one of {', '.join(RESOLUTIONS)}")
    _, triples = _annotation(OA.replying, flag, [(resolution, None)])
    _append(data_dir, triples)


def reopen_flag(data_dir: Path, flag: str) -> None:
    """Undo a resolution: remove the replies to a flag (and their bodies)."""
    path = flags_path(data_dir)
    with locked(path):
        quads = read_flag_quads(data_dir)
        target = _node(flag)
        replies = {
            _annotation_of(q.subject)
            for q in quads
            if q.predicate == _node(OA.hasTarget) and q.object == target
        }
        kept = [q for q in quads if _annotation_of(q.subject) not in replies]
        write_atomically(path, _nquads(kept))


def _nquads(quads: list[ox.Quad]) -> bytes:
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def _annotation_of(subject: object) -> str:
    value = subject.value if isinstance(subject, ox.NamedNode) else ""
    return value.split("#", 1)[0]


def read_flags(data_dir: Path) -> list[Flag]:
    """Every flag in the flags file, oldest first, with its resolution when it has one."""
    about: dict[str, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
    for q in read_flag_quads(data_dir):
        if isinstance(q.subject, ox.NamedNode):
            about[q.subject.value][q.predicate.value].append(q.object)

    def one(node: str, predicate: object) -> str:
        values = about.get(node, {}).get(str(predicate), [])
        return str(getattr(values[0], "value", "")) if values else ""

    def bodies(node: str) -> dict[str, str]:
        found = {}
        for body in about.get(node, {}).get(str(OA.hasBody), []):
            key = one(str(getattr(body, "value", "")), OA.hasPurpose) or "reason"
            found[key] = one(str(getattr(body, "value", "")), RDF.value)
        return found

    replies: dict[str, str] = {}
    flags = []
    for node in list(about):
        motivation = one(node, OA.motivatedBy)
        if motivation == str(OA.replying):
            replies[one(node, OA.hasTarget)] = bodies(node).get("reason", "")
        elif motivation == str(OA.questioning):
            said = bodies(node)
            flags.append(
                Flag(
                    node,
                    one(node, OA.hasTarget),
                    said.get(str(OA.tagging), ""),
                    said.get("reason", ""),
                    one(node, DCTERMS.created),
                )
            )
    flags.sort(key=lambda f: f.created)
    return [Flag(f.iri, f.claim, f.aspect, f.reason, f.created, replies.get(f.iri)) for f in flags]


def open_flags(data_dir: Path, claims: set[str] | None = None) -> list[Flag]:
    """Flags no reviewer has resolved yet, on the given claims (IRIs) or on any."""
    return [
        f
        for f in read_flags(data_dir)
        if f.resolution is None and (claims is None or f.claim in claims)
    ]
