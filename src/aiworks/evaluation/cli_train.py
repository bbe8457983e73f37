"""``aiworks eval train-ranker``, ``train-exemplars`` and ``tune-fusion``: the commands that learn from LegalBench's
training split (document-disjoint from mini) and register or print what they learned.

Why a module of its own: they train and tune (MLflow registrations, <home>/ranker.json), while ``eval retrieval``
in cli.py only measures; each command here is a thin wrapper over evaluation/tune.py or exemplars.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from aiworks.cli_support import fail as _fail
from aiworks.evaluation.cli import StageBar


def _train(job: Callable[[StageBar], Any]) -> Any:
    """Run ``job`` under a progress bar; a bad benchmark folder or option ends the command with its message."""
    from aiworks.evaluation.dataset import BenchmarkError

    try:
        with StageBar(quiet=False) as bar:
            return job(bar)
    except (BenchmarkError, ValueError) as exc:
        _fail(str(exc))


def _print(registered: str, version: Any, settings: Any, **fields: Any) -> None:
    """What was registered, with the chunking it was trained on (the assistant refuses another)."""
    head = {"registered": registered, "version": version, "chunk_words": settings.chunk_words}
    head["overlap_words"] = settings.chunk_overlap_words
    typer.echo(json.dumps(head | fields, indent=2))


def register(eval_app: typer.Typer) -> None:
    """Add the training commands to ``aiworks eval`` (after ``retrieval``, in this order)."""
    eval_app.command("train-ranker")(train_ranker_cmd)
    eval_app.command("train-exemplars")(train_exemplars_cmd)
    eval_app.command("tune-fusion")(tune_fusion_cmd)


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
    from aiworks.evaluation.tune import train_ranker

    settings = settings_of(ctx)
    if trials < 1:
        _fail("--trials must be at least 1")
    docs = {"maud": maud_docs, "contractnli": contractnli_docs}
    report = _train(
        lambda bar: train_ranker(
            settings, benchmark, ("contractnli", "maud"), docs, trials, embedder, seed=seed, progress=bar
        )
    )
    _print(
        "legal-ranker",
        report.version,
        settings,
        valid_objective=report.valid_score,
        best_params=report.best_params,
        train_queries=report.train_queries,
        train_documents=report.sampled,
    )


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
    from aiworks.evaluation.exemplars import MODEL_NAME, train_exemplars

    settings = settings_of(ctx)
    docs = {"maud": maud_docs, "contractnli": contractnli_docs}
    report = _train(lambda bar: train_exemplars(settings, benchmark, docs, embedder, seed, progress=bar))
    _print(
        MODEL_NAME,
        report.version,
        settings,
        weight=report.weight,
        blend=report.blend,
        min_match=report.min_match,
        objective=report.objective,
        cited_objective=report.cited_objective,
        train_queries=report.train_queries,
        tune_queries=report.tune_queries,
        tune_documents=report.tune_documents,
    )


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
    from aiworks.evaluation.tune import tune_fusion

    settings = settings_of(ctx)
    docs = {"maud": maud_docs, "contractnli": contractnli_docs}
    report = _train(lambda bar: tune_fusion(settings, benchmark, trials, docs, embedder, seed, bar))
    typer.echo(json.dumps(report, indent=2))
