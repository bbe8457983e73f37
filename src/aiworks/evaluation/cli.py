"""``aiworks eval``: measure retrieval on LegalBench-RAG and train the learned ranker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.progress import TaskID

    from aiworks.evaluation.runner import EvalResult

eval_app = typer.Typer(
    help="Measure the assistant (LegalBench-RAG retrieval) and train its ranker.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add this job's commands (or a sub-Typer) to the root app."""
    app.add_typer(eval_app, name="eval")


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg="red", err=True)
    raise typer.Exit(2)


def _ks(spec: str) -> list[int]:
    try:
        ks = sorted({int(x) for x in spec.split(",") if x.strip()})
    except ValueError:
        _fail(f"--k must be comma-separated positive integers, got {spec!r}")
    if not ks or ks[0] < 1:
        _fail("--k needs at least one positive integer")
    return ks


class _Bar:
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
        with _Bar(quiet=False) as bar:
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


@eval_app.command("train-ranker")
def train_ranker_cmd(
    ctx: typer.Context,
    benchmark: Path = typer.Option(..., "--benchmark", help="LegalBench-RAG folder"),
    trials: int = typer.Option(6, "--trials", help="Optuna trials on the training split"),
    maud_docs: int = typer.Option(6, "--maud-docs", help="MAUD training documents to ingest (embedding budget)"),
    contractnli_docs: int = typer.Option(77, "--contractnli-docs", help="ContractNLI training documents to ingest"),
    embedder: str | None = typer.Option(None, "--embedder"),
    seed: int = typer.Option(0, "--seed"),
) -> None:
    """Train + tune the learned ranker on the product path's candidates (document-disjoint training queries,
    the assistant's chunking); register it as legal-ranker and remember it in <home>/ranker.json."""
    from aiworks.cli_support import settings_of
    from aiworks.evaluation.dataset import BenchmarkError
    from aiworks.evaluation.tune import train_ranker

    settings = settings_of(ctx)
    if trials < 1:
        _fail("--trials must be at least 1")
    try:
        with _Bar(quiet=False) as bar:
            report = train_ranker(
                settings,
                benchmark,
                ("contractnli", "maud"),
                {"maud": maud_docs, "contractnli": contractnli_docs},
                trials,
                embedder,
                seed=seed,
                progress=bar,
            )
    except (BenchmarkError, ValueError) as exc:
        _fail(str(exc))
    typer.echo(
        json.dumps(
            {
                "registered": "legal-ranker",
                "version": report.version,
                "chunk_words": settings.chunk_words,
                "overlap_words": settings.chunk_overlap_words,
                "valid_objective": report.valid_score,
                "best_params": report.best_params,
                "train_queries": report.train_queries,
                "train_documents": report.sampled,
            },
            indent=2,
        )
    )


@eval_app.command("train-exemplars")
def train_exemplars_cmd(
    ctx: typer.Context,
    benchmark: Path = typer.Option(..., "--benchmark", help="LegalBench-RAG folder"),
    maud_docs: int = typer.Option(8, "--maud-docs", help="MAUD training documents to ingest for tuning"),
    contractnli_docs: int = typer.Option(40, "--contractnli-docs", help="ContractNLI training documents to ingest"),
    embedder: str | None = typer.Option(None, "--embedder"),
    seed: int = typer.Option(0, "--seed"),
) -> None:
    """Build the exemplar expander from document-disjoint training questions and their gold passages, tune
    its fusion weight on a sample of training documents, register it as legal-exemplars (MLflow) and remember
    it in <home>/ranker.json: from then on the assistant searches a third list for questions it recognises."""
    from aiworks.cli_support import settings_of
    from aiworks.evaluation.dataset import BenchmarkError
    from aiworks.evaluation.exemplars import MODEL_NAME, train_exemplars

    settings = settings_of(ctx)
    try:
        with _Bar(quiet=False) as bar:
            report = train_exemplars(
                settings, benchmark, {"maud": maud_docs, "contractnli": contractnli_docs}, embedder, seed, progress=bar
            )
    except (BenchmarkError, ValueError) as exc:
        _fail(str(exc))
    typer.echo(
        json.dumps(
            {
                "registered": MODEL_NAME,
                "version": report.version,
                "chunk_words": settings.chunk_words,
                "overlap_words": settings.chunk_overlap_words,
                "weight": report.weight,
                "blend": report.blend,
                "min_match": report.min_match,
                "objective": report.objective,
                "cited_objective": report.cited_objective,
                "train_queries": report.train_queries,
                "tune_queries": report.tune_queries,
                "tune_documents": report.tune_documents,
            },
            indent=2,
        )
    )


@eval_app.command("tune-fusion")
def tune_fusion_cmd(
    ctx: typer.Context,
    benchmark: Path = typer.Option(..., "--benchmark", help="LegalBench-RAG folder"),
    trials: int = typer.Option(12, "--trials", help="Optuna trials on the training split"),
    maud_docs: int = typer.Option(6, "--maud-docs"),
    contractnli_docs: int = typer.Option(77, "--contractnli-docs"),
    embedder: str | None = typer.Option(None, "--embedder"),
    seed: int = typer.Option(0, "--seed"),
) -> None:
    """Tune the retriever's fusion (dense share, candidates, RRF k) on document-disjoint training queries only;
    prints the default's and the best objective (macro (P@1 + R@32) / 2)."""
    from aiworks.cli_support import settings_of
    from aiworks.evaluation.dataset import BenchmarkError
    from aiworks.evaluation.tune import tune_fusion

    settings = settings_of(ctx)
    try:
        with _Bar(quiet=False) as bar:
            report = tune_fusion(
                settings, benchmark, trials, {"maud": maud_docs, "contractnli": contractnli_docs}, embedder, seed, bar
            )
    except (BenchmarkError, ValueError) as exc:
        _fail(str(exc))
    typer.echo(json.dumps(report, indent=2))
