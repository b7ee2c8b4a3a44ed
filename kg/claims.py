"""Claims files: YAML written by people, read with line numbers and checked against the ontology."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from kg.errors import CorpusError
from kg.ontology import Ontology
from kg.vocab import AUTHORITY

KINDS = ("effect", "recommendation", "alternative", "quantity", "fact")
UNITS = ("hour", "minute", "calorie", "liter", "liter-per-day")
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
SLUG_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}(T[0-9:.+Z-]*)?\Z")
_LINE = "__line__"

CLAIM_FIELDS = {
    "id", "kind", "quote", "occurrence", "summary", "activities", "context", "goals", "direction",
    "stance", "instead_of", "hedge", "caveats", "quantity", "attribution", "source_needed",
    "status", "confidence",
}  # fmt: skip
# a claim's review status: people's claims are accepted; `kgqa ingest` proposes, `kgqa review`
# accepts or rejects. Proposed claims stay out of answers and inference unless asked for;
# rejected ones stay in the file (undo, and so a re-proposal is not offered again) but not the graph.
STATUSES = ("accepted", "proposed", "rejected")
# a caveat's role in a claim: the YAML key and the ClaimSpec field it fills
CAVEAT_ROLES = {
    "condition": "conditions",
    "reason": "reasons",
    "audience": "audience",
    "purpose": "purposes",
}
SOURCE_FIELDS = {
    "slug", "file", "title", "short_title", "aliases", "url", "publisher", "language",
    "published", "original", "original_sha256", "media_type",
}  # fmt: skip


@dataclass(frozen=True)
class Quantity:
    """A figure as the document writes it, with its numeric bounds."""

    text: str
    unit: str
    value: float | None = None
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class ClaimSpec:
    """One claim as a claims file states it, before its quote is anchored."""

    id: str
    kind: str
    quote: str
    summary: str
    hedge: str
    line: int
    activities: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    direction: str | None = None
    stance: str | None = None
    instead_of: str | None = None
    quantity: Quantity | None = None
    attribution: str | None = None
    source_needed: bool = False
    occurrence: int | None = None
    status: str = "accepted"
    confidence: float | None = None  # how sure the proposer was (0-1); None for people's claims

    @property
    def proposed(self) -> bool:
        return self.status == "proposed"

    @property
    def caveats(self) -> tuple[str, ...]:
        """Every caveat whatever its role: conditions, reasons, audience, purposes, once each."""
        return tuple(
            dict.fromkeys((*self.conditions, *self.reasons, *self.audience, *self.purposes))
        )


@dataclass(frozen=True)
class SourceSpec:
    """A source's metadata and claims, read from one claims file."""

    slug: str
    file: str
    title: str
    claims_path: Path
    claims: tuple[ClaimSpec, ...]
    url: str | None = None
    publisher: str | None = None
    language: str = "en"
    short_title: str | None = None
    aliases: tuple[str, ...] = ()
    published: str | None = None  # the date it was published (ISO 8601), when known
    original: str | None = None  # the file as received (HTML, PDF, ...), beside the text
    original_sha256: str | None = None
    media_type: str | None = None  # of the original

    @property
    def document_path(self) -> Path:
        return self.claims_path.parent / self.file


class _LineLoader(yaml.CSafeLoader):  # libyaml's parser: about 5x faster
    """A safe loader that records each mapping's line and refuses duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        mapping = super().construct_mapping(node, deep=deep)
        mapping[_LINE] = node.start_mark.line + 1
        return mapping


class _ClaimReader:
    """Turns one claim mapping into a ClaimSpec, or raises a CorpusError naming file and line."""

    def __init__(self, path: Path, ontology: Ontology) -> None:
        self.path = path
        self.ontology = ontology

    def fail(self, line: int, claim_id: str | None, message: str) -> CorpusError:
        where = f"{self.path.name}:{line}"
        return CorpusError(
            f"{where}: claim `{claim_id}`: {message}" if claim_id else f"{where}: {message}"
        )

    def text(
        self, raw: dict[str, Any], key: str, claim_id: str | None, required: bool = True
    ) -> str | None:
        value = raw.get(key)
        if value is None:
            if required:
                raise self.fail(raw[_LINE], claim_id, f"missing `{key}`")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(raw[_LINE], claim_id, f"`{key}` must be a non-empty string")
        return value

    def choice(
        self, raw: dict[str, Any], key: str, claim_id: str, kind: str, required: bool
    ) -> str | None:
        value = self.text(raw, key, claim_id, required)
        if value is not None and self.ontology.concept(kind, value) is None:
            options = ", ".join(sorted(c.slug for c in self.ontology.of_kind(kind)))
            raise self.fail(raw[_LINE], claim_id, f"unknown {kind} `{value}` (one of: {options})")
        return value

    def concepts(
        self, raw: dict[str, Any], key: str, claim_id: str, kind: str, line: int | None = None
    ) -> tuple[str, ...]:
        line = raw[_LINE] if line is None else line
        value = raw.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(line, claim_id, f"`{key}` must be a list of concept slugs")
        for slug in value:
            if self.ontology.concept(kind, slug) is None:
                raise self.fail(
                    line, claim_id, f"unknown {kind} `{slug}` in `{key}` (not in ontology.ttl)"
                )
        return tuple(value)

    def caveats(self, raw: dict[str, Any], claim_id: str) -> dict[str, tuple[str, ...]]:
        """`caveats:` as a mapping from role to caveat slugs, keyed by ClaimSpec field."""
        value = raw.get("caveats")
        if value is None:
            return {}
        roles = ", ".join(CAVEAT_ROLES)
        if not isinstance(value, dict):
            raise self.fail(
                raw[_LINE],
                claim_id,
                f"`caveats` must map a role ({roles}) to a list, e.g. {{condition: [sore-legs]}}",
            )
        unknown = set(value) - set(CAVEAT_ROLES) - {_LINE}
        if unknown:
            bad = ", ".join(sorted(map(str, unknown)))
            raise self.fail(
                value[_LINE], claim_id, f"unknown caveat role(s) {bad} (one of: {roles})"
            )
        return {
            field: self.concepts(value, role, claim_id, "caveat", line=value[_LINE])
            for role, field in CAVEAT_ROLES.items()
            if role in value
        }

    def quantity(self, raw: dict[str, Any], claim_id: str) -> Quantity | None:
        value = raw.get("quantity")
        if value is None:
            return None
        line = raw[_LINE]
        if not isinstance(value, dict) or not isinstance(value.get("text"), str):
            raise self.fail(line, claim_id, "`quantity` must be a mapping with `text` and `unit`")
        if value.get("unit") not in UNITS:
            raise self.fail(line, claim_id, f"quantity unit must be one of {', '.join(UNITS)}")
        numbers = {k: value.get(k) for k in ("value", "min", "max")}
        for key, number in numbers.items():
            if number is not None and (
                isinstance(number, bool) or not isinstance(number, int | float)
            ):
                raise self.fail(line, claim_id, f"quantity `{key}` must be a number")
        if all(n is None for n in numbers.values()):
            raise self.fail(line, claim_id, "quantity needs `value` or `min`/`max`")
        return Quantity(
            value["text"], value["unit"], numbers["value"], numbers["min"], numbers["max"]
        )

    def read(self, raw: Any) -> ClaimSpec:
        if not isinstance(raw, dict):
            raise CorpusError(f"{self.path.name}: every entry of `claims` must be a mapping")
        line = raw[_LINE]
        claim_id = raw.get("id")
        if not isinstance(claim_id, str) or not ID_PATTERN.match(claim_id):
            raise self.fail(line, None, f"claim id {claim_id!r} must match [a-z0-9][a-z0-9-]*")
        unknown = set(raw) - CLAIM_FIELDS - {_LINE}
        if unknown:
            raise self.fail(
                line, claim_id, f"unknown field(s): {', '.join(sorted(map(str, unknown)))}"
            )
        kind = self.text(raw, "kind", claim_id)
        if kind not in KINDS:
            raise self.fail(line, claim_id, f"kind must be one of {', '.join(KINDS)}")
        spec = ClaimSpec(
            id=claim_id,
            kind=kind,
            quote=self.text(raw, "quote", claim_id) or "",
            summary=self.text(raw, "summary", claim_id) or "",
            hedge=self.choice(raw, "hedge", claim_id, "hedge", required=True) or "",
            line=line,
            activities=self.concepts(raw, "activities", claim_id, "activity"),
            goals=self.concepts(raw, "goals", claim_id, "goal"),
            context=self.concepts(raw, "context", claim_id, "activity"),
            **self.caveats(raw, claim_id),
            direction=self.choice(
                raw, "direction", claim_id, "direction", kind in ("effect", "alternative")
            ),
            stance=self.choice(raw, "stance", claim_id, "stance", kind == "recommendation"),
            instead_of=self.choice(raw, "instead_of", claim_id, "activity", kind == "alternative"),
            quantity=self.quantity(raw, claim_id),
            attribution=self.attribution(raw, claim_id),
            source_needed=self.flag(raw, "source_needed", claim_id),
            occurrence=self.occurrence(raw, claim_id),
            status=self.status(raw, claim_id),
            confidence=self.confidence(raw, claim_id),
        )
        self.check_kind(spec)
        return spec

    def check_kind(self, spec: ClaimSpec) -> None:
        needs_activity = spec.kind in ("effect", "recommendation", "alternative")
        if needs_activity and not spec.activities:
            raise self.fail(spec.line, spec.id, f"a {spec.kind} claim needs at least one activity")
        if spec.kind == "effect" and not spec.goals:
            raise self.fail(spec.line, spec.id, "an effect claim needs at least one goal")
        if spec.kind == "quantity" and spec.quantity is None:
            raise self.fail(spec.line, spec.id, "a quantity claim needs `quantity`")
        both = sorted(set(spec.activities) & set(spec.context))
        if both:
            raise self.fail(
                spec.line, spec.id, f"`{both[0]}` is in both `activities` and `context`"
            )

    def attribution(self, raw: dict[str, Any], claim_id: str) -> str | None:
        value = self.text(raw, "attribution", claim_id, required=False)
        if value is not None and AUTHORITY[value] not in self.ontology.authorities:
            raise self.fail(
                raw[_LINE], claim_id, f"unknown authority `{value}` (not in ontology.ttl)"
            )
        return value

    def flag(self, raw: dict[str, Any], key: str, claim_id: str) -> bool:
        value = raw.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(raw[_LINE], claim_id, f"`{key}` must be true or false")
        return value

    def status(self, raw: dict[str, Any], claim_id: str) -> str:
        value = raw.get("status", "accepted")
        if value not in STATUSES:
            raise self.fail(raw[_LINE], claim_id, f"`status` must be one of {', '.join(STATUSES)}")
        return str(value)

    def confidence(self, raw: dict[str, Any], claim_id: str) -> float | None:
        value = raw.get("confidence")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise self.fail(raw[_LINE], claim_id, "`confidence` must be a number from 0 to 1")
        return float(value)

    def occurrence(self, raw: dict[str, Any], claim_id: str) -> int | None:
        value = raw.get("occurrence")
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise self.fail(raw[_LINE], claim_id, "`occurrence` must be a whole number from 1")
        return value


def _with_lines(value: Any, line: int) -> Any:
    """A mapping (and the mappings in it) marked with a line, as the YAML loader marks them."""
    if isinstance(value, dict):
        return {**{k: _with_lines(v, line) for k, v in value.items()}, _LINE: line}
    return value


def read_claim(
    raw: dict[str, Any], ontology: Ontology, where: str = "proposal", line: int = 0
) -> ClaimSpec:
    """Check one claim mapping exactly as a claims file's claim is checked (a CorpusError names
    `where`, the line and the claim); for claims made by a program rather than read from a file."""
    return _ClaimReader(Path(where), ontology).read(_with_lines(raw, line))


def _load_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path.name}: not UTF-8 (byte {exc.start})") from exc
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        return yaml.load(text, Loader=_LineLoader)  # a CSafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise CorpusError(
            f"{path.name}{line}: malformed YAML: {exc.problem or exc.context}"
        ) from exc
    except yaml.YAMLError as exc:
        raise CorpusError(f"{path.name}: malformed YAML: {exc}") from exc


def read_claims_file(path: Path, ontology: Ontology) -> SourceSpec:
    """Read and check one claims file; every problem is a CorpusError naming file, line and claim."""
    data = _load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("source"), dict):
        raise CorpusError(f"{path.name}: expected a mapping with `source` and `claims`")
    source = data["source"]
    reader = _ClaimReader(path, ontology)
    unknown = set(source) - SOURCE_FIELDS - {_LINE}
    if unknown:
        raise reader.fail(
            source[_LINE], None, f"unknown source field(s): {', '.join(sorted(map(str, unknown)))}"
        )
    slug = source.get("slug")
    if not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
        raise reader.fail(source[_LINE], None, "source `slug` must be letters, digits, `-` or `_`")
    file_name = reader.text(source, "file", None) or ""
    if Path(file_name).name != file_name:
        raise reader.fail(
            source[_LINE], None, "source `file` must be a file name beside the claims file"
        )
    raw_claims = data.get("claims")
    if not isinstance(raw_claims, list) or not raw_claims:
        raise CorpusError(f"{path.name}: `claims` must be a non-empty list")
    claims = tuple(reader.read(raw) for raw in raw_claims)
    first_line: dict[str, int] = {}
    for claim in claims:
        if claim.id in first_line:
            raise reader.fail(
                claim.line, claim.id, f"duplicate claim id (first at line {first_line[claim.id]})"
            )
        first_line[claim.id] = claim.line
    return SourceSpec(
        slug=slug,
        file=file_name,
        title=reader.text(source, "title", None) or "",
        claims_path=path,
        claims=claims,
        url=reader.text(source, "url", None, required=False),
        publisher=reader.text(source, "publisher", None, required=False),
        language=reader.text(source, "language", None, required=False) or "en",
        short_title=reader.text(source, "short_title", None, required=False),
        aliases=_aliases(reader, source),
        published=_published(reader, source),
        original=_file_name(reader, source, "original"),
        original_sha256=reader.text(source, "original_sha256", None, required=False),
        media_type=reader.text(source, "media_type", None, required=False),
    )


def _published(reader: _ClaimReader, source: dict[str, Any]) -> str | None:
    value = source.get("published")
    if isinstance(value, date):  # YAML reads an unquoted 2024-05-01 as a date
        return value.isoformat()
    text = reader.text(source, "published", None, required=False)
    if text is not None and not DATE_PATTERN.match(text):
        raise reader.fail(source[_LINE], None, "source `published` must be a date (YYYY-MM-DD)")
    return text


def _file_name(reader: _ClaimReader, source: dict[str, Any], key: str) -> str | None:
    name = reader.text(source, key, None, required=False)
    if name is not None and Path(name).name != name:
        raise reader.fail(source[_LINE], None, f"source `{key}` must be a file name beside it")
    return name


def _aliases(reader: _ClaimReader, source: dict[str, Any]) -> tuple[str, ...]:
    value = source.get("aliases", [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise reader.fail(source[_LINE], None, "source `aliases` must be a list of names")
    return tuple(value)


def find_claims_files(corpus: Path, *added: Path) -> list[Path]:
    """The claims files of a corpus folder, in name order, then those of the folders of added
    sources (`kgqa ingest`'s library; may be missing or empty)."""
    if not corpus.is_dir():
        raise CorpusError(f"{corpus}: no such corpus folder")
    files = sorted(corpus.glob("*.claims.yaml"))
    if not files:
        raise CorpusError(f"{corpus}: no *.claims.yaml files")
    for folder in added:
        if folder.is_dir():
            files += sorted(folder.glob("*.claims.yaml"))
    return files
