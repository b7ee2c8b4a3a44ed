"""Reviewing a library source's claims file: accept, reject or edit proposed claims, undo.

Every change is checked as a build would check it (the whole file read by kg.claims, the changed
claim's quote anchored in the text) before it replaces the file atomically; the decisions are
kept beside the file (`<name>.review.jsonl`) so they can be undone, newest first. Rejected claims
stay in the file (left out of the graph). After changes, `rebuild` makes the graph current.
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from ingest.flags import reopen_flag, resolve_flag
from kg.build import BuildReport, build
from kg.claims import read_claims_file
from kg.config import corpus_dir, library_dir
from kg.errors import CorpusError, InputError
from kg.files import locked, temporary_beside, write_atomically
from kg.ontology import Ontology
from kg.rdf import Document
from kg.sources import anchor_claims, read_document
from kg.vocab import CLAIM

# how a decision on a claim answers the flags on it
RESOLUTION = {"accept": "kept", "keep": "kept", "edit": "changed", "reject": "rejected"}
Claim = dict[str, Any]  # one claim mapping, exactly as the claims file holds it


@dataclass(frozen=True)
class LibrarySource:
    """A source added to the library, as the review lists it."""

    slug: str
    title: str
    path: Path  # its claims file
    proposed: int  # claims not yet reviewed

    def claim_iri(self, claim_id: str) -> str:
        return str(CLAIM[f"{self.slug}/{claim_id}"])


def _load(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CorpusError(f"{path.name}: cannot read the claims file: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise CorpusError(f"{path.name}: expected a mapping with `source` and `claims`")
    return data


def _dump(data: dict[str, Any]) -> bytes:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100_000)
    return text.encode("utf-8")


def library_sources(data_dir: Path) -> list[LibrarySource]:
    """The library's sources in name order, with how many claims await review."""
    found = []
    for path in sorted(library_dir(data_dir).glob("*.claims.yaml")):
        data = _load(path)
        source = data.get("source") or {}
        proposed = sum(
            1 for c in data["claims"] if isinstance(c, dict) and c.get("status") == "proposed"
        )
        found.append(
            LibrarySource(str(source.get("slug", "")), str(source.get("title", "")), path, proposed)
        )
    return found


def find_source(data_dir: Path, name: str) -> LibrarySource:
    """The library source a name means (its slug, or its title, any case); InputError otherwise."""
    sources = library_sources(data_dir)
    wanted = name.strip().casefold()
    for source in sources:
        if wanted in (source.slug.casefold(), source.title.strip().casefold()):
            return source
    known = (
        ", ".join(f"{s.slug} ({s.title})" for s in sources) or "none yet: add one with kgqa ingest"
    )
    raise InputError(f"no source {name!r} in the library {library_dir(data_dir)}; sources: {known}")


class Review:
    """Decisions on one claims file. Each method checks, writes and records one change."""

    def __init__(self, data_dir: Path, source: LibrarySource, ontology: Ontology) -> None:
        self.data_dir = data_dir
        self.source = source
        self.path = source.path
        self.ontology = ontology
        self.history_path = self.path.with_name(
            self.path.name.removesuffix(".claims.yaml") + ".review.jsonl"
        )

    def source_file(self) -> str:
        """The name of the source's verbatim text, beside its claims file."""
        source = _load(self.path).get("source")
        name = source.get("file") if isinstance(source, dict) else None
        if not isinstance(name, str) or Path(name).name != name:
            raise InputError(f"{self.path.name}: the source names no text file")
        return name

    def claims(self) -> list[Claim]:
        return [c for c in _load(self.path)["claims"] if isinstance(c, dict)]

    def claim(self, claim_id: str) -> Claim:
        for claim in self.claims():
            if claim.get("id") == claim_id:
                return claim
        raise InputError(f"no claim {claim_id!r} in source {self.source.slug}")

    def proposed(self) -> list[Claim]:
        return [c for c in self.claims() if c.get("status") == "proposed"]

    def accept(self, claim_id: str, flags: tuple[str, ...] = ()) -> Claim:
        return self._set_status(claim_id, "accepted", "accept", flags)

    def reject(self, claim_id: str, flags: tuple[str, ...] = ()) -> Claim:
        return self._set_status(claim_id, "rejected", "reject", flags)

    def keep(self, claim_id: str, flags: tuple[str, ...]) -> Claim:
        """Flags answered by keeping the claim as it is (recorded, so it can be undone)."""
        return self._change(claim_id, lambda before: before, "keep", flags)

    def edit(self, claim_id: str, text: str, flags: tuple[str, ...] = ()) -> Claim:
        """Replace a claim by the mapping in text (YAML, as `kgqa review` opens it in an editor)."""
        try:
            edited = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InputError(f"the edited claim is not valid YAML: {exc}") from exc
        if not isinstance(edited, dict):
            raise InputError("the edited claim must be a mapping of fields, as in the claims file")
        return self.replace_claim(claim_id, edited, flags)

    def update(self, claim_id: str, fields: dict[str, Any], flags: tuple[str, ...] = ()) -> Claim:
        """Change some of a claim's fields (the review page's form); a None value removes one."""
        merged = {**self.claim(claim_id), **fields}
        return self.replace_claim(
            claim_id, {k: v for k, v in merged.items() if v is not None}, flags
        )

    def replace_claim(
        self, claim_id: str, edited: dict[str, Any], flags: tuple[str, ...] = ()
    ) -> Claim:
        """Put a new mapping in the claim's place. An edited proposal counts as reviewed, so its
        status becomes accepted unless the mapping says rejected; the id cannot change."""
        if edited.get("id", claim_id) != claim_id:
            raise InputError(f"the claim's id cannot change (it stays {claim_id!r})")
        edited = {**edited, "id": claim_id}
        if edited.get("status") in (None, "proposed"):
            edited["status"] = "accepted"
        return self._change(claim_id, lambda _: edited, "edit", flags)

    def _set_status(self, claim_id: str, status: str, action: str, flags: tuple[str, ...]) -> Claim:
        return self._change(claim_id, lambda before: {**before, "status": status}, action, flags)

    def _change(self, claim_id: str, change: Any, action: str, flags: tuple[str, ...]) -> Claim:
        with locked(self.path):
            data = _load(self.path)
            index = self._index(data, claim_id)
            before = copy.deepcopy(data["claims"][index])
            after = change(copy.deepcopy(before))
            data["claims"][index] = after
            self._write_checked(data, claim_id)
            self._record(
                {
                    "action": action,
                    "claim": claim_id,
                    "before": before,
                    "after": after,
                    "flags": list(flags),
                }
            )
            for flag in flags:  # the flags on it are answered by the decision
                resolve_flag(self.data_dir, flag, RESOLUTION[action])
        return dict(after)

    def undo(self) -> dict[str, Any] | None:
        """Take back the latest decision still on record; the entry undone, or None if none is.
        Refused when the claim has changed since (edited by hand)."""
        with locked(self.path):
            history = self.history()
            if not history:
                return None
            last = history[-1]
            data = _load(self.path)
            index = self._index(data, last["claim"])
            if data["claims"][index] != last["after"]:
                raise InputError(
                    f"cannot undo the last decision on {last['claim']!r}: the claim changed since"
                )
            data["claims"][index] = last["before"]
            self._write_checked(data, last["claim"])
            self._write_history(history[:-1])
            for flag in last.get("flags", []):
                reopen_flag(self.data_dir, flag)
        return dict(last)

    def _index(self, data: dict[str, Any], claim_id: str) -> int:
        for index, claim in enumerate(data["claims"]):
            if isinstance(claim, dict) and claim.get("id") == claim_id:
                return index
        raise InputError(f"no claim {claim_id!r} in source {self.source.slug}")

    def _write_checked(self, data: dict[str, Any], claim_id: str) -> None:
        """Check the new file as a build would, then replace the old one with it."""
        body = _dump(data)
        trial = temporary_beside(self.path)
        try:
            trial.write_bytes(body)
            spec = read_claims_file(trial, self.ontology)
            claim = next(c for c in spec.claims if c.id == claim_id)
            if claim.status != "rejected":
                doc = read_document(spec)  # only the claim that changed is anchored
                anchor_claims(Document(replace(spec, claims=(claim,)), doc.text, doc.sha256))
        except CorpusError as exc:
            raise InputError(str(exc).replace(trial.name, self.path.name)) from exc
        finally:
            trial.unlink(missing_ok=True)
        write_atomically(self.path, body)

    def history(self) -> list[dict[str, Any]]:
        """The decisions on record, oldest first."""
        if not self.history_path.is_file():
            return []
        lines = self.history_path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def _record(self, entry: dict[str, Any]) -> None:
        entry = {**entry, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        self._write_history([*self.history(), entry])

    def _write_history(self, entries: list[dict[str, Any]]) -> None:
        text = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries)
        write_atomically(self.history_path, text.encode("utf-8"))


def rebuild(data_dir: Path) -> BuildReport:
    """Make the graph current after review decisions: the one place a review builds (an
    incremental build can take its place here)."""
    return build(corpus_dir(), data_dir)
