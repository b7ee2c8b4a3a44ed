"""Review status in the build: sources added to the data folder's library, proposed claims
marked and kept out of the disagreements, rejected ones left out of the graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import yaml

from kg.build import build
from kg.config import library_dir
from kg.resources import bundled_corpus
from kg.store import open_store

KGQA = "https://w3id.org/kgqa/ontology#"


def _added_copy(data_dir: Path, statuses: dict[str, str]) -> None:
    """A copy of the second bundled source, as source "900" in the library, with claim statuses."""
    corpus = bundled_corpus()
    claims_path = sorted(corpus.glob("001_*.claims.yaml"))[0]
    data = yaml.safe_load(claims_path.read_text(encoding="utf-8"))
    data["source"]["slug"] = "900"
    data["source"]["file"] = "900_copy.txt"
    data["source"].pop("aliases", None)
    data["source"]["published"] = "2024-05-01"
    for claim in data["claims"]:
        if claim["id"] in statuses:
            claim["status"] = statuses[claim["id"]]
    library = library_dir(data_dir)
    library.mkdir(parents=True)
    shutil.copyfile(corpus / sorted(corpus.glob("001_*.txt"))[0].name, library / "900_copy.txt")
    (library / "900_copy.claims.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")


def test_library_sources_are_built_with_their_review_status(tmp_path: Path) -> None:
    _added_copy(
        tmp_path,
        {"intro-absolutely-beneficial": "proposed", "concl-extra-treat": "rejected"},
    )
    report = build(bundled_corpus(), tmp_path, shacl=False)
    assert report.sources == 3
    store = open_store(tmp_path).store  # type: ignore[attr-defined]
    base = "https://w3id.org/kgqa/claim/900/"

    def ask(query: str) -> bool:
        return bool(store.query(f"PREFIX kgqa: <{KGQA}> ASK {{ GRAPH ?g {{ {query} }} }}"))

    assert ask(f"<{base}intro-absolutely-beneficial> kgqa:reviewStatus kgqa:Proposed")
    assert not ask(f"<{base}ben-rapid-recovery> kgqa:reviewStatus ?s")
    assert not ask(f"<{base}concl-extra-treat> ?p ?o")
    assert ask(f"<{base}ben-rapid-recovery> a kgqa:Claim")
    sides = {
        str(row[0].value)
        for row in store.query(
            f"PREFIX kgqa: <{KGQA}> SELECT ?c WHERE {{ GRAPH ?g {{ ?s kgqa:claim ?c }} }}"
        )
        if isinstance(row[0], ox.NamedNode)
    }
    assert f"{base}ben-rapid-recovery" in sides
    assert f"{base}intro-absolutely-beneficial" not in sides
