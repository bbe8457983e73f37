"""``aiworks spam ...``: train, compare, tune, evaluate (the serving side, predict and monitor: spam/cli_serving.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from aiworks.cli_support import fail as _fail
from aiworks.cli_support import settings_of, tracked_line
from aiworks.progress import progress_bar

spam_app = typer.Typer(help="Spam email detector: the whole ML lifecycle.", no_args_is_help=True)

DATA_HELP = "Corpus: folder/archive of SpamAssassin, Enron-Spam, SMS Spam Collection, or ham/ + spam/ folders"
MODEL_HELP = "Model family: nb, logreg, linsvm, xgboost, mlp, ensemble"
# --inner-folds defaults are evaluate.INNER_FOLDS written out: importing evaluate (sklearn) would slow every CLI
# start-up; tests/spam/test_pipeline.py checks they agree.


def _load(data: Path, quiet: bool):
    from aiworks.spam.data import DataError, load_corpus

    try:
        if not quiet:
            typer.echo(f"loading {data} ...", err=True)
        return load_corpus(data)
    except DataError as exc:
        _fail(str(exc))


def _check_family(model: str) -> None:
    from aiworks.spam.models import FAMILIES

    if model not in FAMILIES:
        _fail(f"unknown model {model!r}; choose one of {', '.join(FAMILIES)}")


def _metrics_table(rows: list[tuple[str, dict]], title: str):
    from rich.table import Table

    cols = ["accuracy", "precision", "recall", "f1", "mcc", "pr_auc", "recall_at_fpr_0.001"]
    table = Table(title=title)
    table.add_column("model")
    for c in cols:
        table.add_column(c.replace("recall_at_fpr_0.001", "R@0.1%FPR"), justify="right")
    table.add_column("CV R@0.1%FPR", justify="right")
    for name, r in rows:
        cv = (r.get("cv") or {}).get("recall_at_fpr_0.001")
        table.add_row(
            name, *[f"{r['test'].get(c, float('nan')):.4f}" for c in cols], "-" if cv is None else f"{cv:.4f}"
        )
    return table


@spam_app.command()
def train(
    ctx: typer.Context,
    data: Path = typer.Option(..., "--data", help=DATA_HELP),
    model: str = typer.Option("logreg", "--model", help=MODEL_HELP),
    folds: int = typer.Option(5, help="Outer CV folds for pooled recall at 0.1% FPR (0 = skip CV)"),
    inner_folds: int = typer.Option(5, help="Inner folds that pick thresholds on training data only"),
    seed: int = typer.Option(0),
    params: str = typer.Option("{}", help="Model hyper-parameters as JSON, e.g. '{\"C\": 10}'"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON"),
) -> None:
    """Train one model family on the saved 80/20 split, cross-validate, track and register it."""
    from aiworks.spam.training import train as do_train

    _check_family(model)
    try:
        hp = json.loads(params)
    except json.JSONDecodeError as exc:
        _fail(f"--params is not JSON: {exc.msg}")
    corpus = _load(data, as_json)
    with progress_bar(f"training {model}", as_json) as progress:
        try:
            result = do_train(settings_of(ctx), corpus, model, hp, seed, folds, inner_folds, progress=progress)
        except TypeError as exc:
            _fail(f"bad hyper-parameter for {model}: {exc}")
        except ValueError as exc:  # e.g. more folds than messages of a class
            _fail(f"cannot train on {data}: {exc}")
    out = result.as_json()
    if as_json:
        typer.echo(json.dumps(out))
        return
    from rich.console import Console

    Console().print(_metrics_table([(model, out)], f"{corpus.name}: {len(corpus)} messages after dedup"))
    typer.echo(tracked_line(result.run_id, "spam", result.version) + "; alias champion")


@spam_app.command()
def compare(
    ctx: typer.Context,
    data: Path = typer.Option(..., "--data", help=DATA_HELP),
    models: str = typer.Option("nb,logreg,linsvm,xgboost,mlp", help="Comma-separated families"),
    folds: int = typer.Option(5),
    inner_folds: int = typer.Option(5),
    seed: int = typer.Option(0),
    select: str = typer.Option(
        "f1",
        help="Register the best by: f1 (test F1) or low_fpr (spam recall at "
        "0.1% ham FPR: pooled CV if run, else test split)",
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """All model families on identical splits: one table, one MLflow run each; the best is registered."""
    from aiworks.spam.training import SELECT_BY, log_result, selection_key
    from aiworks.spam.training import train as do_train

    names = [m.strip() for m in models.split(",") if m.strip()]
    for m in names:
        _check_family(m)
    if select not in SELECT_BY:
        _fail(f"unknown --select {select!r}; choose one of {', '.join(SELECT_BY)}")
    settings = settings_of(ctx)
    corpus = _load(data, as_json)
    results = []
    with progress_bar("comparing", as_json) as progress:
        for n, m in enumerate(names):

            def family_progress(stage: str, fraction: float, n: int = n) -> None:
                progress(f"{stage} ({n + 1}/{len(names)})", (n + fraction) / len(names))

            try:
                results.append(
                    do_train(settings, corpus, m, {}, seed, folds, inner_folds, track=False, progress=family_progress)
                )
            except ValueError as exc:
                _fail(f"cannot train {m} on {data}: {exc}")
    best = max(results, key=lambda r: selection_key(r, select))
    for r in results:
        log_result(settings, r, {}, register=r is best)
    rows = [(r.detector.family, r.as_json()) for r in results]
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "results": [o | {"run_id": r.run_id} for (_, o), r in zip(rows, results)],
                    "best": best.detector.family,
                    "selected_by": select,
                }
            )
        )
        return
    from rich.console import Console

    Console().print(_metrics_table(rows, f"{corpus.name}: {len(corpus)} messages, identical split + folds"))
    for r in results:
        typer.echo(f"{r.detector.family}: " + tracked_line(r.run_id, "spam", r.version))
    typer.echo(f"best by {select}: {best.detector.family} → registered models:/spam/{best.version}")


@spam_app.command()
def tune(
    ctx: typer.Context,
    data: Path = typer.Option(..., "--data", help=DATA_HELP),
    model: str = typer.Option("xgboost", "--model", help=MODEL_HELP),
    trials: int = typer.Option(20, "--trials"),
    seed: int = typer.Option(0),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Optuna search on a validation split carved from the *training* part only; each trial is tracked."""
    from sklearn.model_selection import train_test_split

    from aiworks.lifecycle.tuning import tune as do_tune
    from aiworks.spam.data import load_or_make_split
    from aiworks.spam.evaluate import classification_metrics
    from aiworks.spam.models import build_pipeline, search_space, spam_scores

    _check_family(model)
    settings = settings_of(ctx)
    corpus = _load(data, as_json)
    _, tr, _ = load_or_make_split(settings, corpus, seed)
    fit_idx, val_idx = train_test_split(tr, test_size=0.25, stratify=corpus.labels[tr], random_state=seed)
    E, y = corpus.emails, corpus.labels

    def objective(trial) -> float:
        pipe = build_pipeline(model, **search_space(model, trial)).fit([E[i] for i in fit_idx], y[fit_idx])
        return classification_metrics(y[val_idx], spam_scores(pipe, [E[i] for i in val_idx]))["f1"]

    with progress_bar(f"tuning {model}", as_json) as progress:
        study = do_tune(
            settings,
            "spam-tuning",
            objective,
            trials,
            seed=seed,
            study_name=f"{model}-{corpus.name}",
            progress=progress,
        )
    run_id = study.user_attrs.get("mlflow_run_id")
    out = {
        "model": model,
        "trials": trials,
        "best_params": study.best_params,
        "best_val_f1": study.best_value,
        "run_id": run_id,
    }
    if as_json:
        typer.echo(json.dumps(out))
    else:
        typer.echo(f"best validation F1 {study.best_value:.4f} with {study.best_params}")
        typer.echo(tracked_line(run_id))
        typer.echo(
            f"train it: aiworks spam train --data {data} --model {model} --params '{json.dumps(study.best_params)}'"
        )


@spam_app.command()
def evaluate(
    ctx: typer.Context,
    model: str = typer.Option("models:/spam/latest", "--model", help="Registry URI"),
    data: Path = typer.Option(..., "--data", help=DATA_HELP),
    seed: int = typer.Option(0, help="Use the saved test split of this seed (whole corpus if none)"),
    out: Optional[Path] = typer.Option(None, help="Folder for PNG plots (default HOME/spam/eval)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Metrics + PR/ROC/confusion/calibration plots of a registered model on a corpus' test split."""
    from aiworks.lifecycle import registry
    from aiworks.spam.data import split_path
    from aiworks.spam.evaluate import save_plots
    from aiworks.spam.models import SpamDetector
    from aiworks.spam.training import evaluate_detector

    settings = settings_of(ctx)
    try:
        name, version = registry.resolve(settings, model)
        det = registry.load(settings, f"models:/{name}/{version}")
        if not isinstance(det, SpamDetector):
            _fail(f"models:/{name}/{version} is not a spam detector")
        run_id = registry.run_id_of(settings, name, version)
    except registry.ModelNotFound as exc:
        _fail(f"{exc}; train one with `aiworks spam train`")
    corpus = _load(data, as_json)
    idx = list(range(len(corpus)))
    scope = "whole corpus"
    sp = split_path(settings, corpus.name, seed)
    if sp.exists():
        pos = {i: k for k, i in enumerate(corpus.ids)}
        test_ids = [t for t in json.loads(sp.read_text())["test_ids"] if t in pos]
        if test_ids:
            idx, scope = [pos[t] for t in test_ids], f"saved test split (seed {seed})"
    metrics, scores = evaluate_detector(det, [corpus.emails[i] for i in idx], corpus.labels[idx])
    plots = save_plots(
        corpus.labels[idx],
        scores,
        out or settings.home / "spam" / "eval" / f"{name}-v{version}",
        det.threshold,
        f"{name} v{version} on {corpus.name}",
    )
    result = {
        "model": f"models:/{name}/{version}",
        "family": det.family,
        "data": corpus.name,
        "scope": scope,
        "n": len(idx),
        "test": metrics,
        "plots": [str(p) for p in plots],
        "run_id": run_id,
        "registered": {"name": name, "version": version, "run_id": run_id},
    }
    if as_json:
        typer.echo(json.dumps(result))
        return
    from rich.console import Console

    Console().print(_metrics_table([(f"{det.family} v{version}", result)], f"{corpus.name}, {scope}, n={len(idx)}"))
    typer.echo("plots: " + ", ".join(str(p) for p in plots))
    typer.echo(f"evaluated models:/{name}/{version}, trained in " + tracked_line(run_id))


def register(app: typer.Typer) -> None:
    """Add ``aiworks spam ...`` to the root app."""
    from aiworks.spam.cli_serving import register as serving

    serving(spam_app)
    app.add_typer(spam_app, name="spam")
