"""``aiworks eval``: measure retrieval on LegalBench-RAG (``eval retrieval``, here) and train the learned ranker.

This module holds the ``eval`` app, its measuring command and the progress bar every ``eval`` command draws;
the training commands (train-ranker, train-exemplars, tune-fusion) are in cli_train.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from aiworks.cli_support import fail as _fail

if TYPE_CHECKING:
    from rich.progress import TaskID

    from aiworks.evaluation.runner import EvalResult

eval_app = typer.Typer(
    help="Measure the assistant (LegalBench-RAG retrieval) and train its ranker.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add this job's commands (or a sub-Typer) to the root app."""
    from aiworks.evaluation.cli_train import register as training

    training(eval_app)
    app.add_typer(eval_app, name="eval")


def _ks(spec: str) -> list[int]:
    try:
        ks = sorted({int(x) for x in spec.split(",") if x.strip()})
    except ValueError:
        _fail(f"--k must be comma-separated positive integers, got {spec!r}")
    if not ks or ks[0] < 1:
        _fail("--k needs at least one positive integer")
    return ks


class StageBar:
    """One rich progress bar whose task changes with the stage (embedding, each configuration, tuning)."""

    def __init__(self, quiet: bool) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            disable=quiet,
            transient=True,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        return self.progress.__exit__(*exc)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)


def _print_table(results: list[tuple[str, EvalResult]], ks: list[int]) -> None:
    from rich.console import Console
    from rich.table import Table

    from aiworks.evaluation.metrics import MERGE_NOTE

    show = [k for k in ks if k in (1, 8, 32, 64)] or ks
    table = Table(title="LegalBench-RAG retrieval (precision / recall, %)", caption=f"Note: {MERGE_NOTE}.")
    table.add_column("configuration")
    table.add_column("dataset")
    for k in show:
        table.add_column(f"P@{k}", justify="right")
        table.add_column(f"R@{k}", justify="right")
    for name, res in results:
        for dataset, block in list(res.datasets.items()) + [("ALL", res.all)]:
            cells = []
            for k in show:
                cells += [f"{100 * block['precision'][str(k)]:.1f}", f"{100 * block['recall'][str(k)]:.1f}"]
            table.add_row(name, dataset, *cells)
    Console(stderr=True).print(table)


@eval_app.command("retrieval")
def retrieval(
    ctx: typer.Context,
    benchmark: Path = typer.Option(..., "--benchmark", help="LegalBench-RAG folder (corpus/, benchmarks/, mini/)"),
    subset: str = typer.Option("mini", "--subset", help="mini (the paper's protocol) or full (all 714 docs)"),
    k: str = typer.Option("1,2,4,8,16,32,64", "--k", help="Cut-offs, comma-separated"),
    datasets: str | None = typer.Option(None, "--datasets", help="e.g. privacy_qa,maud (default: all)"),
    chunk_words: int | None = typer.Option(None, "--chunk-words", help="Default: the assistant's setting"),
    overlap_words: int | None = typer.Option(None, "--overlap-words", help="Default: the assistant's setting"),
    embedder: str | None = typer.Option(None, "--embedder", help="Embedder spec (default: settings)"),
    fresh: bool = typer.Option(False, "--fresh", help="Re-ingest into an empty workspace (the cache still applies)"),
    track: bool = typer.Option(True, "--track/--no-track", help="Record the run in MLflow"),
    as_json: bool = typer.Option(False, "--json", help="Print the result JSON on stdout"),
    output: Path | None = typer.Option(None, "--output", "-o", help="Also write the JSON here"),
) -> None:
    """Character-level precision@k / recall@k of what the assistant retrieves and cites on LegalBench-RAG.

    The corpus is ingested through the assistant's own ingestion into a workspace under the home
    (``legalbench-<subset>-...``); embeddings are cached by content, so re-runs are fast."""
    from aiworks.cli_support import settings_of
    from aiworks.evaluation.dataset import BenchmarkError, parse_datasets
    from aiworks.evaluation.metrics import MERGE_NOTE
    from aiworks.evaluation.service import (
        ingest_corpus,
        load_benchmark,
        routing_accuracy,
        run,
    )
    from aiworks.evaluation.service import track as track_run

    settings = settings_of(ctx)
    update = {
        key: v for key, v in (("chunk_words", chunk_words), ("chunk_overlap_words", overlap_words)) if v is not None
    }
    settings = settings.model_copy(update=update) if update else settings
    ks = _ks(k)
    if subset not in ("mini", "full"):
        _fail("--subset must be mini or full")
    try:
        names = parse_datasets(datasets)
        queries, files = load_benchmark(benchmark, subset, names)
        with StageBar(quiet=False) as bar:
            corpus = ingest_corpus(settings, benchmark, files, f"legalbench-{subset}", embedder, fresh, bar)
            results = run(corpus, queries, ks, subset, bar)
    except BenchmarkError as exc:
        _fail(str(exc))
    routing = routing_accuracy(corpus, queries)
    _print_table(list(results.items()), ks)
    typer.secho(
        f"documents {len(files)}, chunks {corpus.chunks}, ingest {corpus.seconds:.1f}s "
        f"(embedded {corpus.embedded}, cached {corpus.cached}), "
        f"routed to the gold document {100 * routing['ALL']:.1f}%",
        err=True,
    )
    main = results["cited"]
    payload = main.to_json()
    extra: dict[str, Any] = {
        "note": MERGE_NOTE,
        "routing_exact": routing,
        "documents": len(files),
        "workspace": corpus.assistant.workspace,
        "embedder": corpus.assistant.embedder.name,
        "chunk_words": settings.chunk_words,
        "overlap_words": settings.chunk_overlap_words,
        "embedded": corpus.embedded,
        "cached": corpus.cached,
        "headline": "cited",
        "rankings": {n: r.to_json() for n, r in results.items()},
    }
    if track:
        params = {
            "subset": subset,
            "queries": len(queries),
            "embedder": extra["embedder"],
            "chunk_words": settings.chunk_words,
            "overlap_words": settings.chunk_overlap_words,
        }
        for name, res in results.items():
            extra.setdefault("mlflow_run_ids", {})[name] = track_run(settings, name, res, params)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(payload | {"details": extra}, indent=2))
    if as_json:
        typer.echo(json.dumps(payload, indent=2))
