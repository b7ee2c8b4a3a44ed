"""`kgqa review` on a library source: accept, reject, edit and undo change the claims file and,
after the rebuild, the graph; bad sources and bad edits are refused with one line, nothing
written. Proposed claims stay out of answers unless asked for."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from kg.build import build
from kg.resources import bundled_corpus
from kg.store import open_store
from qa.engine import Engine
from tests.conftest import add_coach_source, run_kgqa

KGQA = "https://w3id.org/kgqa/ontology#"
CLAIM = "https://w3id.org/kgqa/claim/coach/"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A data folder with the coach's notes in its library, built."""
    add_coach_source(tmp_path)
    build(bundled_corpus(), tmp_path)
    return tmp_path


def statuses(data_dir: Path) -> dict[str, str]:
    path = data_dir / "library" / "900_coach.claims.yaml"
    claims = yaml.safe_load(path.read_text(encoding="utf-8"))["claims"]
    return {c["id"]: c.get("status", "accepted") for c in claims}


def ask(data_dir: Path, pattern: str) -> bool:
    store = open_store(data_dir).store
    return bool(store.query(f"PREFIX kgqa: <{KGQA}> ASK {{ GRAPH ?g {{ {pattern} }} }}"))


def test_accept_reject_and_undo_change_the_file_and_the_graph(library: Path) -> None:
    assert ask(library, f"<{CLAIM}swim-recovery> kgqa:reviewStatus kgqa:Proposed")
    # accept the first, reject the second, undo that (back to it), reject it again, quit
    result = run_kgqa("review", "coach", data_dir=library, stdin="a\nr\nu\nr\nq\n")
    assert result.returncode == 0, result.stderr
    assert statuses(library) == {
        "swim-recovery": "accepted",
        "swim-soreness": "rejected",
        "no-hard-run": "proposed",
    }
    last = _report(result.stdout)
    assert last.startswith("reviewed coach: 1 accepted, 2 rejected, 1 undone; graph rebuilt")
    assert ask(library, f"<{CLAIM}swim-recovery> a kgqa:Claim")
    assert not ask(library, f"<{CLAIM}swim-recovery> kgqa:reviewStatus ?s")
    assert not ask(library, f"<{CLAIM}swim-soreness> ?p ?o")
    assert ask(library, f"<{CLAIM}no-hard-run> kgqa:reviewStatus kgqa:Proposed")


def test_the_review_shows_the_quote_in_its_sentence_and_the_fields(library: Path) -> None:
    result = run_kgqa("review", "Coach Dana's notes", data_dir=library, stdin="s\nq\n")
    assert result.returncode == 0, result.stderr
    shown = result.stdout
    assert "\u201cSwimming after leg day improves recovery.\u201d" in shown
    for field in ("effect", "swimming", "recovery", "improves", "confidence  0.80"):
        assert field in shown
    assert "[1/3] swim-recovery (proposed)" in shown
    assert _report(shown) == "reviewed coach: 1 skipped"
    assert set(statuses(library).values()) == {"proposed"}


def test_edit_through_the_editor_accepts_the_edited_claim(library: Path) -> None:
    editor = "sed -i -e 's/hedge: certain/hedge: likely/'"
    result = run_kgqa(
        "review", "coach", data_dir=library, stdin="e\nq\n", extra_env={"EDITOR": editor}
    )
    assert result.returncode == 0, result.stderr
    assert "1 edited" in result.stdout
    claim = yaml.safe_load((library / "library" / "900_coach.claims.yaml").read_text())["claims"][0]
    assert (claim["hedge"], claim["status"]) == ("likely", "accepted")
    assert ask(library, f"<{CLAIM}swim-recovery> kgqa:hedge <https://w3id.org/kgqa/concept/likely>")


def test_a_bad_edit_is_refused_in_one_line_and_nothing_is_written(library: Path) -> None:
    path = library / "library" / "900_coach.claims.yaml"
    before = path.read_bytes()
    for editor in (
        "sed -i -e 's/hedge: certain/hedge: sortof/'",
        "sed -i -e 's/Swimming after/Swimming before/'",  # a quote not in the text
        "sed -i -e 's/^id: swim-recovery/id: other/'",
    ):
        result = run_kgqa(
            "review", "coach", data_dir=library, stdin="e\nq\n", extra_env={"EDITOR": editor}
        )
        assert result.returncode == 0, result.stderr
        refused = [line for line in result.stdout.splitlines() if "not saved:" in line]
        assert len(refused) == 1, result.stdout
        assert path.read_bytes() == before
        assert "Traceback" not in result.stdout + result.stderr


def test_an_unknown_source_is_one_line_and_exit_2(library: Path) -> None:
    result = run_kgqa("review", "no-such-source", data_dir=library, stdin="a\n")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "no source 'no-such-source'" in result.stderr and "coach" in result.stderr
    assert "Traceback" not in result.stderr


def test_proposed_claims_stay_out_of_answers_unless_asked_for(library: Path) -> None:
    store = open_store(library)
    question = "Does swimming after leg day help recovery?"
    default = Engine(store).ask(question).to_json()
    assert not [c for c in default["citations"] if c["source"]["slug"] == "coach"]
    assert "kgqa:reviewStatus kgqa:Proposed" in default["sparql"]
    included = Engine(store, include_proposed=True).ask(question).to_json()
    coach = [c for c in included["citations"] if c["source"]["slug"] == "coach"]
    assert coach and all(c["reviewed"] is False for c in coach)
    assert all(c["reviewed"] is True for c in included["citations"] if c not in coach)


def test_ask_text_marks_unreviewed_citations(library: Path) -> None:
    question = "Does swimming after leg day help recovery?"
    result = run_kgqa("ask", "--include-proposed", question, data_dir=library)
    assert result.returncode == 0, result.stderr
    assert "not yet reviewed" in result.stdout
    plain = run_kgqa("ask", question, data_dir=library)
    assert "not yet reviewed" not in plain.stdout


def test_flags_are_loaded_into_the_flags_graph_by_the_build(library: Path) -> None:
    from ingest.flags import add_flag, open_flags, resolve_flag

    flag = add_flag(library, f"{CLAIM}swim-soreness", "hedge", "It says 'may', not 'will'")
    build(bundled_corpus(), library)
    store = open_store(library).store
    rows = list(
        store.query(
            "PREFIX oa: <http://www.w3.org/ns/oa#> "
            "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
            "SELECT ?a ?reason WHERE { GRAPH <https://w3id.org/kgqa/graph/flags> { "
            f"?a a oa:Annotation ; oa:motivatedBy oa:questioning ; oa:hasTarget <{CLAIM}swim-soreness> ; "
            "oa:hasBody ?b . ?b a oa:TextualBody ; rdf:value ?reason . FILTER NOT EXISTS { ?b oa:hasPurpose ?p } } }"
        )
    )
    assert [(r["a"], r["reason"]) for r in rows] == [
        (ox.NamedNode(flag), ox.Literal("It says 'may', not 'will'"))
    ]
    assert statuses(library)["swim-soreness"] == "proposed"  # a flag never changes the claim
    resolve_flag(library, flag, "kept")
    assert open_flags(library) == []


def test_a_flag_shows_up_in_the_review_and_is_resolved_by_the_decision(library: Path) -> None:
    from ingest.flags import add_flag, open_flags, read_flags

    run_kgqa("review", "coach", data_dir=library, stdin="a\na\na\n")
    flag = add_flag(library, f"{CLAIM}no-hard-run", "condition", "Only after a very hard session")
    result = run_kgqa("review", "coach", data_dir=library, stdin="r\nq\n")
    assert "flagged by a reader" in result.stdout
    assert "when it holds is wrong: Only after a very hard session" in result.stdout
    assert statuses(library)["no-hard-run"] == "rejected"
    assert [f.resolution for f in read_flags(library) if f.iri == flag] == ["rejected"]
    result = run_kgqa("review", "coach", data_dir=library, stdin="u\nq\n")
    assert "undone: rejected no-hard-run" in result.stdout
    assert statuses(library)["no-hard-run"] == "accepted"
    assert [f.iri for f in open_flags(library)] == [flag]  # undo reopens the flag


def _report(stdout: str) -> str:
    """The command's own last line (the start-up data line kgqa prints after a build aside)."""
    lines = stdout.strip().splitlines()
    return [line for line in lines if not line.startswith("engine start-up data")][-1]
