"""The `kg` subcommands: build, validate, sparql, stats. Argument parsing only."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
import pyoxigraph as ox

from kg.backend import check_url, open_configured_store
from kg.config import corpus_dir, data_dir, store_url
from kg.errors import InputError
from kg.serialize import CLI_NAMES, by_name, render_table, serialize
from kg.stats import collect_stats

corpus_option = click.option(
    "--corpus",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Corpus folder with *.claims.yaml and documents [env KGQA_CORPUS; default: the bundled corpus].",
)
data_dir_option = click.option(
    "--data-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where builds are stored [env KGQA_DATA_DIR; default: ./kgqa-data].",
)


@click.command("build")
@corpus_option
@data_dir_option
@click.option(
    "--dumps", is_flag=True, help="Write the dumps now (otherwise on first download from /data)."
)
@click.option("--full", is_flag=True, help="Rebuild every source, even when only some changed.")
def build_command(corpus: Path | None, data_dir: Path | None, dumps: bool, full: bool) -> None:
    """Build the claim graph: anchor quotes, map to RDF, validate, infer, write the store.

    When only some sources changed since the current build, only they and the disagreements
    they take part in are rebuilt. The new store replaces the current one only when the whole
    build succeeds.
    """
    from kg.build import build  # imported here: only builds need it (rdflib, the validator)

    url = store_url()
    report = build(
        corpus or corpus_dir(),
        data_dir or data_dir_default(),
        dumps=dumps,
        push_to=check_url(url) if url else None,
        full=full,
    )
    click.echo(
        f"built {report.sources} sources, {report.claims} claims, {report.triples} triples, "
        f"{report.disagreements} disagreements in {report.seconds:.2f} s -> {report.build_dir}"
    )
    click.echo(how_built(report.incremental, report.full_reason))


def how_built(incremental: dict[str, Any] | None, full_reason: str | None) -> str:
    """One line on what the build rebuilt: the changed sources, or why everything."""
    if not incremental:
        return f"full build: {full_reason}"
    changed = ", ".join(incremental["changed"]) or "none"
    removed = ", ".join(incremental["removed"]) or "none"
    return f"incremental from {incremental['base']}: rebuilt {changed}; removed {removed}"


def data_dir_default() -> Path:
    return data_dir()


@click.command("validate")
@corpus_option
def validate_command(corpus: Path | None) -> None:
    """Check the corpus as a build would (YAML, concepts, quotes, SHACL) without writing a store."""
    from kg.build import validate
    from kg.config import library_dir

    checked = validate(corpus or corpus_dir(), added=(library_dir(data_dir()),))
    click.echo(
        f"valid: {len(checked.sources)} sources, {checked.claim_count} claims, "
        f"{len(checked.disagreements)} disagreements"
    )


def _read_query(query: str | None, query_file: Path | None) -> str:
    if query_file is not None and query is not None:
        raise InputError("give the query as an argument or with --file, not both")
    if query_file is not None:
        try:
            text = query_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{query_file}: cannot read the query: {exc}") from exc
    elif query is None or query == "-":
        if query is None and sys.stdin.isatty():
            raise InputError("no query: give one as an argument, with --file, or on standard input")
        text = sys.stdin.read()
    else:
        text = query
    if not text.strip():
        raise InputError("the query is empty")
    return text


@click.command("sparql")
@click.argument("query", required=False)
@click.option(
    "--file",
    "-f",
    "query_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Read the query from a file.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(CLI_NAMES),
    default="table",
    show_default=True,
    help="Output format.",
)
@data_dir_option
def sparql_command(
    query: str | None, query_file: Path | None, fmt: str, data_dir: Path | None
) -> None:
    """Run a read-only SPARQL query against the current build.

    QUERY is the query text, or `-` (or nothing) to read it from standard input. The project's
    prefixes (kgqa:, kc:, oa:, schema:, skos:, ...) are predeclared; the default graph is the union
    of all graphs.
    """
    text = _read_query(query, query_file)
    store = open_configured_store(data_dir or data_dir_default())
    result = store.query(text)
    if fmt == "table":
        click.echo(render_table(result).rstrip("\n"))
        return
    graphs = isinstance(result, ox.QueryTriples)
    chosen = by_name(fmt, for_graphs=graphs)
    body, _, _ = serialize(result, chosen, chosen)
    click.echo(body.decode("utf-8").rstrip("\n"))


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@data_dir_option
def stats_command(as_json: bool, data_dir: Path | None) -> None:
    """Counts of the current build: sources, claims, triples, disagreements."""
    stats = collect_stats(open_configured_store(data_dir or data_dir_default()))
    if as_json:
        click.echo(json.dumps(stats, sort_keys=True))
        return
    for key in ("sources", "claims", "triples", "disagreements", "disagreements_within_source"):
        click.echo(f"{key:28} {stats[key]}")
    for kind, n in stats["disagreements_per_type"].items():
        click.echo(f"{'disagreements: ' + kind:28} {n}")
    for slug, n in stats["claims_per_source"].items():
        click.echo(f"{'claims in ' + slug:28} {n}")


@click.command("disagreements")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per disagreement.")
@click.option(
    "--labels",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Instead, score the inference on hand-labelled passage pairs (YAML) from the corpus.",
)
@corpus_option
@data_dir_option
def disagreements_command(
    as_json: bool, labels: Path | None, corpus: Path | None, data_dir: Path | None
) -> None:
    """The disputed questions of the current build: type, sides, sources, reconciling conditions."""
    from kg.disagreements import load_disagreements, load_passages, render_text, to_json
    from kg.ontology import load_ontology

    ontology = load_ontology()
    if labels is not None:
        from kg.pair_labels import evaluate

        scores = evaluate(corpus or corpus_dir(), ontology, labels)
        click.echo(json.dumps(scores.summary()) if as_json else scores.report())
        return
    store = open_configured_store(data_dir or data_dir_default())
    passages = load_passages(store)
    items = [to_json(row, passages, ontology.pref_labels) for row in load_disagreements(store)]
    if as_json:
        for item in items:
            click.echo(json.dumps(item, ensure_ascii=False, sort_keys=True))
        return
    click.echo(render_text(items))


@click.command("synth")
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--sources",
    default=10,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Documents to write.",
)
@click.option(
    "--claims",
    "claims_per_source",
    default=50,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Claims per document.",
)
@click.option(
    "--seed", default=0, show_default=True, type=int, help="The same seed writes the same corpus."
)
def synth_command(out: Path, sources: int, claims_per_source: int, seed: int) -> None:
    """Write a synthetic corpus shaped like the real one into OUT (for benchmarks); build it with
    `kgqa build --corpus OUT`."""
    from kg.ontology import load_ontology
    from kg.synth import SynthSpec, write_corpus

    written = write_corpus(load_ontology(), SynthSpec(sources, claims_per_source, seed), out)
    click.echo(f"wrote {len(written)} sources with {claims_per_source} claims each to {out}")


COMMANDS = [
    build_command,
    validate_command,
    sparql_command,
    stats_command,
    disagreements_command,
    synth_command,
]
