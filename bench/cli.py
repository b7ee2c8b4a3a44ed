"""`kgqa bench`: the figures of one benchmark run (a synthetic corpus, or with --bundled the
bundled one), as a table or one JSON object. Argument parsing and the table only."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import click

QUICK_TRIPLES = 20_000


@click.command("bench")
@click.option("--triples", type=click.IntRange(1_000), default=100_000, show_default=True,
              help="Size of the synthetic corpus to build, in triples (about).")  # fmt: skip
@click.option(
    "--quick",
    is_flag=True,
    help=f"About {QUICK_TRIPLES:,} triples, short runs: < 1 min (--bundled: 3 rounds, 2 cold runs).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--work-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Keep the corpus and the build here (default: a temporary directory).")  # fmt: skip
@click.option("--seed", type=int, default=1, show_default=True, help="Synthetic corpus seed.")
@click.option("--load", "load_seconds", type=click.IntRange(0, 600), default=10, show_default=True,
              help="Seconds of wrk load on /api/ask and on /sparql (0: no load test).")  # fmt: skip
@click.option("--no-rdflib", is_flag=True, help="Skip the rdflib comparison.")
@click.option("--no-shacl", is_flag=True,
              help="Build without SHACL (for sizes where validation takes hours); reported.")  # fmt: skip
@click.option("--hostile", is_flag=True,
              help="Last, load the server with query-breakout linked-data paths and whole-graph "
              "downloads; report its memory, the home page's latency and the statuses; the server "
              "is stopped if its memory grows by 4 GB (1 GB with --quick).")  # fmt: skip
@click.option(
    "--peer",
    type=click.Choice(["virtuoso"]),
    default=None,
    help="Also load the same build into a Virtuoso started for the run (sized for the "
    "data) and run the same queries, questions and load on it directly and under kgqa "
    "(KGQA_STORE); rows compared on all; the server stopped and removed at the end.",
)
@click.option("--corpus", type=click.Path(path_type=Path, file_okay=False, exists=True),
              default=None, help="Build a copy of this corpus folder instead of a synthetic one "
              "(--triples is then ignored).")  # fmt: skip
@click.option("--bundled", is_flag=True,
              help="Instead: ask latency on the bundled corpus, warm per question (20 rounds) and "
              "cold start of `kgqa ask` as a new process (median of 5).")  # fmt: skip
@click.option("--questions", "questions_file", default=None,
              type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="With --bundled: a JSON Lines file of questions (a `question` or `q` field); "
              "default: bench/questions.txt.")  # fmt: skip
def bench_command(
    triples: int,
    quick: bool,
    as_json: bool,
    work_dir: Path | None,
    seed: int,
    load_seconds: int,
    no_rdflib: bool,
    no_shacl: bool,
    hostile: bool,
    peer: str | None,
    corpus: Path | None,
    bundled: bool,
    questions_file: Path | None,
) -> None:
    """Build, ask and query a synthetic corpus of about --triples triples; compare with rdflib
    and raw pyoxigraph on the same queries; load the web server with wrk (and, with --hostile,
    with hostile requests); add and remove a 2,000-word document by incremental builds while a
    server runs. With --bundled: ask latency on the bundled corpus."""
    if hostile and bundled:
        raise click.UsageError(
            "--hostile loads the server of the synthetic run: not with --bundled"
        )
    if questions_file and not bundled:
        raise click.UsageError("--questions is for --bundled")
    if bundled and (peer or corpus):
        raise click.UsageError(
            "--bundled measures ask latency only; for the bundled corpus with --peer, "
            "give --corpus <its folder>"
        )
    if bundled:
        bench_bundled(work_dir, questions_file, quick, as_json)
        return
    from bench.run import Options, run

    with tempfile.TemporaryDirectory(prefix="kgqa-bench-") as tmp:
        opts = Options(
            triples=QUICK_TRIPLES if quick else triples,
            work_dir=work_dir or Path(tmp),
            seed=seed,
            shacl=not no_shacl,
            rdflib=not no_rdflib,
            load_seconds=min(load_seconds, 3) if quick else load_seconds,
            ask_rounds=2 if quick else 5,
            query_runs=5 if quick else 20,
            rdflib_runs=2 if quick else 3,
            hostile=hostile,
            hostile_max_growth_mb=1024 if quick else 4096,
            corpus=corpus,
            peer=peer,
        )
        figures = run(opts)
    click.echo(json.dumps(figures, indent=2) if as_json else table(figures))
    failed = figures.get("peer", {}).get("kgqa_virtuoso_error")
    if failed:  # the figures are out; the exit status says a stage could not be measured
        from kg.errors import KgqaError

        raise KgqaError(f"kgqa over the Virtuoso peer was not measured: {failed}")


def bench_bundled(
    work_dir: Path | None, questions_file: Path | None, quick: bool, as_json: bool
) -> None:
    from bench.bundled import BundledOptions, run_bundled, table

    with tempfile.TemporaryDirectory(prefix="kgqa-bench-") as tmp:
        figures = run_bundled(
            BundledOptions(
                work_dir=work_dir or Path(tmp),
                questions=questions_file,
                rounds=3 if quick else 20,
                cold_runs=2 if quick else 5,
            )
        )
    click.echo(json.dumps(figures, indent=2) if as_json else table(figures))


def table(f: dict[str, Any]) -> str:
    lines = [
        f"triples {f['triples']:,}  sources {f['sources']:,}  claims {f['claims']:,}  "
        f"disagreements {f['disagreements']:,} ({f['disagreement_triples']:,} triples, "
        f"{100 * f['disagreement_triples'] / f['triples']:.1f} %)",
        f"build {f['build_s']} s ({f['build_triples_per_s']:,} triples/s without SHACL; "
        f"SHACL {f['validate_s']} s{'' if f['shacl'] else ', skipped'})  "
        f"store {f['store_mb']} MB  build peak RSS {f['peak_rss_mb']:,} MB",
        f"pyoxigraph's own bulk load of the same N-Quads {f['bulk_load_floor_s']} s (then "
        f"optimize {f['bulk_load_optimize_s']} s): the build takes {f['build_over_floor']}x it"
        f"{' (SHACL included: --no-shacl for the build alone)' if f['shacl'] else ''}",
        f"engine start {f['engine_start_s']} s ({f['engine_start_cpu_s']} s CPU) from saved "
        f"start-up data (store open "
        f"{f['engine_start_store_open_s']} s; best of {len(f['engine_start_runs_s'])}: "
        f"{f['engine_start_runs_s']}; store in memory after {f['engine_start_store_in_memory_s']} s), "
        f"{f['engine_start_afresh_s']} s worked out afresh",
        f"ask: p50 {f['ask_p50_ms']} ms, "
        f"p95 {f['ask_p95_ms']} ms, cached p50 {f['ask_cached_p50_ms']} ms; store "
        f"{'in memory' if f['store_in_memory'] else 'on disk'}, server peak RSS "
        f"{f.get('server_peak_rss_mb', '-')} MB",
        "",
        f"{'query (p50 ms)':34} {'oxigraph':>9} {'endpoint':>9} {'x raw':>6} {'rdflib':>10} "
        f"{'rdflib/ep':>9} {'rows':>6}",
    ]
    rdflib = f.get("rdflib_p50_ms", {})
    for name, raw in f["oxigraph_raw_p50_ms"].items():
        endpoint, slow = f["sparql_p50_ms"][name], rdflib.get(name)
        lines.append(
            f"{name:34} {raw:9.2f} "
            + (f"{endpoint:9.2f} {endpoint / max(raw, 1e-3):6.1f} " if endpoint else f"{'timeout':>9} {'-':>6} ")
            + (f"{slow:10.1f} {slow / max(endpoint or raw, 1e-3):9.0f}" if slow else f"{'-':>10} {'-':>9}")
            + f" {f['rows'][name]:6}"
        )  # fmt: skip
    for name, load in f.get("load", {}).items():
        lines.append(
            f"load {name}: {load['rps']} req/s, p50 {load['p50_ms']} ms, p95 {load['p95_ms']} ms, "
            f"errors {load['errors']}, non-2xx {load['non_2xx']} ({load['seconds']} s)"
        )
    if "incremental" in f:
        inc = f["incremental"]
        for step in ("add", "remove"):
            one = inc[step]
            lines.append(
                f"incremental, {step} one {inc['words']:,}-word document: current in "
                f"{one['current_s']} s (build {one['build_s']} s); the running server answers "
                f"from it {one['served_s']} s later (query workers {one['workers_ready_s']} s); "
                f"a fresh engine: store {one['fresh_store_open_s']} s + engine "
                f"{one['fresh_engine_s']} s"
            )
    if "rebuild_one_source_s" in f:
        lines.append(
            f"rebuild after one changed source: {f['rebuild_one_source_s']} s "
            f"(SHACL {f['rebuild_validate_s']} s)"
        )
    if "peer" in f:
        from bench.peer import table_lines as peer_lines

        lines += peer_lines(f["peer"], f.get("load"))
    if "hostile" in f:
        from bench.hostile import table_lines

        lines += table_lines(f["hostile"])
    return "\n".join(lines)


COMMANDS = [bench_command]
