"""The claim index selects exactly the claims each template's SPARQL query selects."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox

from bench.run import questions
from kg.build import build
from kg.ontology import load_ontology
from kg.store import open_store
from kg.synth import SynthSpec, write_corpus
from qa.engine import Engine
from qa.intents import intent, templates
from qa.interpret import Interpretation

SOURCES = ("https://w3id.org/kgqa/source/000", "https://w3id.org/kgqa/source/001")


def sparql_claims(engine: Engine, it: Interpretation, template: str) -> frozenset[str]:
    rows = engine.store.query(engine.builder.build(it, template))
    assert isinstance(rows, ox.QuerySolutions)
    return frozenset(str(row["claim"].value) for row in rows)  # type: ignore[union-attr]


def interpretations(engine: Engine, count: int, seed: int) -> list[Interpretation]:
    """The benchmark's questions as understood, and random combinations of concepts."""
    found = [engine.interpret(q) for q in questions()]
    concepts = engine.ontology.concepts.values()
    pick = {
        k: [str(c.iri) for c in concepts if c.kind == k] for k in ("activity", "goal", "caveat")
    }
    authorities = [str(a) for a in engine.ontology.authorities]
    rng = random.Random(seed)
    for _ in range(count):
        found.append(
            Interpretation(
                question="",
                intent="effect",
                activities=tuple(rng.sample(pick["activity"], rng.randint(0, 2))),
                goals=tuple(rng.sample(pick["goal"], rng.randint(0, 2))),
                caveats=tuple(rng.sample(pick["caveat"], rng.randint(0, 1))),
                context_activities=tuple(rng.sample(pick["activity"], rng.randint(0, 1))),
                sources=tuple(rng.sample(SOURCES, rng.randint(0, 1))),
                authorities=tuple(rng.sample(authorities, rng.randint(0, 1))),
            )
        )
    return found


def check(engine: Engine, count: int, seed: int) -> int:
    compared = 0
    for it in interpretations(engine, count, seed):
        for template in templates():
            expected = sparql_claims(engine, it, template)
            assert intent(template).claims(engine.index, it) == expected, (template, it)
            compared += bool(expected)
    return compared


def test_same_claims_as_sparql_on_the_real_corpus(engine: Engine) -> None:
    assert check(engine, count=120, seed=1) > 300  # most comparisons select something


def test_same_claims_as_sparql_on_a_synthetic_corpus(tmp_path: Path) -> None:
    spec = SynthSpec(sources=4, claims_per_source=80, seed=5)
    write_corpus(load_ontology(), spec, tmp_path / "corpus")
    build(tmp_path / "corpus", tmp_path / "data", shacl=False)
    assert check(Engine(open_store(tmp_path / "data")), count=60, seed=5) > 100
