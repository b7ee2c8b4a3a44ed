"""`kgqa sparql`, `kgqa validate` and --help, run as a user runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import Graph

from tests.conftest import Built, run_kgqa

COUNT_SOURCES = "SELECT (COUNT(?s) AS ?n) WHERE { ?s a kgqa:Source }"


@pytest.mark.parametrize(
    "command",
    [[], ["build"], ["validate"], ["sparql"], ["stats"], ["synth"], ["ask"], ["eval"], ["serve"]],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = run_kgqa(*command, "--help")
    assert result.returncode == 0
    assert "Usage: kgqa" in result.stdout


def test_sparql_table_is_the_default(built: Built) -> None:
    result = run_kgqa("sparql", COUNT_SOURCES, data_dir=built.data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["n", "-", "2", "(1", "row)"]


def test_sparql_json_csv_tsv(built: Built) -> None:
    as_json = run_kgqa("sparql", "--format", "json", COUNT_SOURCES, data_dir=built.data_dir)
    assert json.loads(as_json.stdout)["results"]["bindings"][0]["n"]["value"] == "2"
    as_csv = run_kgqa("sparql", "--format", "csv", COUNT_SOURCES, data_dir=built.data_dir)
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [["n"], ["2"]]
    as_tsv = run_kgqa("sparql", "--format", "tsv", COUNT_SOURCES, data_dir=built.data_dir)
    assert as_tsv.stdout.splitlines()[0] == "?n"


def test_sparql_construct_as_turtle(built: Built) -> None:
    query = "CONSTRUCT { ?s dcterms:title ?t } WHERE { ?s a kgqa:Source ; dcterms:title ?t }"
    result = run_kgqa("sparql", "--format", "turtle", query, data_dir=built.data_dir)
    assert result.returncode == 0, result.stderr
    assert len(Graph().parse(data=result.stdout, format="turtle")) == 2


def test_sparql_reads_a_file_and_standard_input(built: Built, tmp_path: Path) -> None:
    query_file = tmp_path / "q.rq"
    query_file.write_text(COUNT_SOURCES)
    from_file = run_kgqa(
        "sparql", "--format", "csv", "--file", str(query_file), data_dir=built.data_dir
    )
    from_stdin = run_kgqa(
        "sparql", "--format", "csv", "-", stdin=COUNT_SOURCES, data_dir=built.data_dir
    )
    assert (
        from_file.stdout == from_stdin.stdout == "n\n2\n"
    )  # universal newlines read CSV CRLFs as \n


def test_the_examples_query_runs(built: Built) -> None:
    path = Path(__file__).resolve().parents[2] / "examples" / "disagreements.rq"
    result = run_kgqa("sparql", "--format", "json", "--file", str(path), data_dir=built.data_dir)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["results"]["bindings"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sparql", "SELECT WHERE {"], "kgqa: error: malformed query:"),
        (["sparql", "   "], "kgqa: error: the query is empty"),
        (["sparql", "--format", "turtle", COUNT_SOURCES], "is for CONSTRUCT/DESCRIBE"),
        (["sparql", "--file", "/nonexistent/q.rq"], "cannot read the query"),
        (["sparql", "INSERT DATA { <a:b> <a:c> <a:d> }"], "kgqa: error: malformed query:"),
    ],
)
def test_sparql_errors_are_one_line(built: Built, args: list[str], message: str) -> None:
    result = run_kgqa(*args, data_dir=built.data_dir)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_validate_checks_without_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_kgqa("validate", data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("valid: 2 sources, ")
    assert not (tmp_path / "data").exists()
    assert not (tmp_path / "kgqa-data").exists()
