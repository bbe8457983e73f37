"""``aiworks eval``: measure retrieval on LegalBench-RAG and train the learned ranker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

eval_app = typer.Typer(help="Measure the assistant (LegalBench-RAG retrieval) and train its ranker.",
                       no_args_is_help=True)

CONFIGS = ("auto", "dense", "bm25", "hybrid", "routed", "ranker", "bm25-routed", "bm25-ranker", "adaptive", "table")
NAMES = {"dense": "dense only", "bm25": "BM25 only", "hybrid": "hybrid", "routed": "hybrid + routing",
         "ranker": "hybrid + routing + learned ranker", "bm25-routed": "BM25 + routing",
         "bm25-ranker": "BM25 + routing + learned ranker", "adaptive": "adaptive: routing + (learned ranker or hybrid)"}


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
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=Console(stderr=True), disable=quiet, transient=True)
        self.tasks: dict[str, int] = {}

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        return self.progress.__exit__(*exc)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)


def _print_table(results: list[tuple[str, object]], ks: list[int]) -> None:
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
    datasets: Optional[str] = typer.Option(None, "--datasets", help="e.g. privacy_qa,maud (default: all)"),
    config: str = typer.Option("auto", "--config", help="auto (= adaptive when a ranker is "
                               "registered, else routed), dense, bm25, hybrid, routed, ranker, bm25-routed, "
                               "bm25-ranker, adaptive, or table"),
    chunk_words: Optional[int] = typer.Option(None, "--chunk-words", help="Default: the ranker's, else 80"),
    overlap_words: Optional[int] = typer.Option(None, "--overlap-words"),
    embedder: Optional[str] = typer.Option(None, "--embedder", help="Embedder spec (default: settings)"),
    as_json: bool = typer.Option(False, "--json", help="Print the result JSON on stdout"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Also write the JSON here"),
) -> None:
    """Character-level precision@k / recall@k of the assistant's retrieval on LegalBench-RAG."""
    from aiworks.cli_support import settings_of
    from aiworks.evaluation.dataset import BenchmarkError, parse_datasets
    from aiworks.evaluation.metrics import MERGE_NOTE
    from aiworks.evaluation.pipeline import PipelineConfig, standard_configs
    from aiworks.evaluation.service import build, load_benchmark, routing_accuracy, run_config
    from aiworks.rag.ltr import load_registered

    settings = settings_of(ctx)
    ks = _ks(k)
    if config not in CONFIGS:
        _fail(f"--config must be one of {', '.join(CONFIGS)}")
    if subset not in ("mini", "full"):
        _fail("--subset must be mini or full")
    try:
        names = parse_datasets(datasets)
        queries, files = load_benchmark(benchmark, subset, names)
    except BenchmarkError as exc:
        _fail(str(exc))
    ranker = load_registered(settings) if config in ("auto", "ranker", "bm25-ranker", "adaptive", "table") else None
    if config in ("ranker", "bm25-ranker", "adaptive") and ranker is None:
        _fail("no learned ranker registered yet: run `aiworks eval train-ranker --benchmark ...` first")
    tuned = dict(getattr(ranker, "pipeline_", {})) if ranker is not None else {}
    cw = chunk_words or tuned.pop("chunk_words", 80)
    ow = overlap_words if overlap_words is not None else tuned.pop("overlap_words", 0)
    tuned.pop("chunk_words", None), tuned.pop("overlap_words", None), tuned.pop("embedder", None)
    if ranker is not None and (cw, ow) != (ranker.pipeline_["chunk_words"], ranker.pipeline_["overlap_words"]):
        typer.secho("warning: chunking differs from the ranker's training chunking", fg="yellow", err=True)
    rows = standard_configs(ranker is not None, **tuned)
    by_name = {c.name: c for c in rows}
    auto = by_name.get(NAMES["adaptive"], rows[-1])
    pick = rows if config == "table" else [auto] if config == "auto" else [by_name[NAMES[config]]]
    # Whole-index dense search needs every chunk embedded up front; routed configurations embed lazily.
    dense = any(c.mode in ("dense", "hybrid") and not c.route_top for c in pick)
    results = []
    with _Bar(quiet=False) as bar:
        built = build(settings, benchmark, files, cw, ow, embedder, dense=dense, progress=bar)
        for cfg in pick:
            results.append((cfg.name, run_config(settings, built, cfg, queries, ks, subset, ranker=ranker,
                                                 progress=bar)))
    routing = routing_accuracy(built.router, queries)
    _print_table(results, ks)
    typer.secho(f"documents {len(files)}, chunks {built.index.chunks_.__len__()}, index {built.seconds:.1f}s, "
                f"routing top-1 accuracy {100 * routing['ALL']:.1f}%", err=True)
    main = results[-1][1]
    payload = main.to_json()
    if output:
        extra = {"note": MERGE_NOTE, "routing_top1": routing, "documents": len(files), "chunk_words": cw,
                 "overlap_words": ow, "configurations": {n: r.to_json() | {"config": r.extra["config"]}
                                                          for n, r in results}}
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(payload | {"details": extra}, indent=2))
    if as_json:
        typer.echo(json.dumps(payload, indent=2))


@eval_app.command("train-ranker")
def train_ranker_cmd(
    ctx: typer.Context,
    benchmark: Path = typer.Option(..., "--benchmark", help="LegalBench-RAG folder"),
    trials: int = typer.Option(12, "--trials", help="Optuna trials on the training split"),
    maud_docs: int = typer.Option(10, "--maud-docs", help="MAUD training documents to index (embedding budget)"),
    contractnli_docs: int = typer.Option(77, "--contractnli-docs", help="ContractNLI training documents to index"),
    chunk_words: int = typer.Option(80, "--chunk-words"),
    overlap_words: int = typer.Option(0, "--overlap-words"),
    embedder: Optional[str] = typer.Option(None, "--embedder"),
    seed: int = typer.Option(0, "--seed"),
) -> None:
    """Train + tune the learned ranker on document-disjoint training queries; register it as legal-ranker."""
    from aiworks.cli_support import settings_of
    from aiworks.evaluation.dataset import BenchmarkError
    from aiworks.evaluation.tune import train_ranker

    settings = settings_of(ctx)
    if trials < 1:
        _fail("--trials must be at least 1")
    try:
        with _Bar(quiet=False) as bar:
            report = train_ranker(settings, benchmark, ("contractnli", "maud"), chunk_words, overlap_words,
                                  {"maud": maud_docs, "contractnli": contractnli_docs}, trials, embedder, seed=seed,
                                  progress=bar)
    except (BenchmarkError, ValueError) as exc:
        _fail(str(exc))
    typer.echo(json.dumps({"registered": "legal-ranker", "version": report.version,
                           "valid_objective": report.valid_score, "best_params": report.best_params,
                           "train_queries": report.train_queries, "train_documents": report.sampled}, indent=2))
