"""The cue words of claim proposals (ingest/data/cues.tsv) as values and as matcher labels.

Vocabulary lives in ontology.ttl (concept labels) and in cues.tsv (the words around them: effect,
hedge, advice, negation, units); this module only reads them. See cues.tsv for every role.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from kg.errors import CorpusError
from kg.matching import Label
from kg.ontology import Ontology
from kg.vocab import CONCEPT

CUE_ROLES = frozenset(
    {
        "concept", "inverse", "direction", "change", "negation", "flip", "hedge", "stance",
        "imperative", "alternative", "replaced", "context", "caveat-role", "clause", "anaphor",
        "list-opener", "source-needed", "approx", "bound", "unit", "reported", "condition",
        "connective", "joint",
    }
)  # fmt: skip
# roles a text names directly (the rest are read from the tokens around a mention)
MATCHED_ROLES = CUE_ROLES - {"flip", "concept", "inverse"}
CUE_KIND = "cue"  # the Label kind of a cue; its key is "<role>:<value>"


@dataclass(frozen=True)
class Cue:
    role: str
    value: str
    phrase: str


@dataclass(frozen=True)
class Cues:
    """Every row of cues.tsv."""

    rows: tuple[Cue, ...]

    def of(self, role: str) -> list[Cue]:
        return [c for c in self.rows if c.role == role]

    def phrases(self, role: str) -> frozenset[str]:
        return frozenset(c.phrase for c in self.of(role))

    @property
    def flips(self) -> dict[str, str]:
        """A negated direction -> what it means ("not hinder": no effect)."""
        return {c.value: c.phrase for c in self.of("flip")}

    def labels(self, ontology: Ontology) -> Iterator[Label]:
        """Matcher labels: concept and inverse cues as their concept's kind, the others as cues."""
        for cue in self.rows:
            if cue.role in ("concept", "inverse"):
                concept = ontology.concepts.get(CONCEPT[cue.value])
                if concept is None:
                    raise CorpusError(f"ingest/data/cues.tsv: unknown concept `{cue.value}`")
                sense = "label" if cue.role == "concept" else "inverse"
                yield Label(str(concept.iri), concept.kind, cue.phrase, sense)
            elif cue.role in MATCHED_ROLES:
                yield Label(f"{cue.role}:{cue.value}", CUE_KIND, cue.phrase)


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    """The cues shipped with the package; a malformed row is a CorpusError naming its line."""
    text = files("ingest").joinpath("data", "cues.tsv").read_text(encoding="utf-8")
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in CUE_ROLES or not parts[2].strip():
            raise CorpusError(f"ingest/data/cues.tsv:{number}: expected role, value, phrase")
        rows.append(Cue(parts[0], parts[1], parts[2].strip().lower()))
    return Cues(tuple(rows))
