"""``aiworks recs``: evaluate, compare, tune, train (fit + register the served model), recommend."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from aiworks.cli_support import fail as _fail
from aiworks.cli_support import settings_of, tracked_line
from aiworks.progress import progress_bar

DATA = Path("../shared/bench/recsys/ml-100k")
recs_app = typer.Typer(
    help="Movie recommender (MovieLens 100K): several model families on one protocol.", no_args_is_help=True
)

DataOpt = typer.Option(DATA, "--data", help="MovieLens 100K folder (u.data, u.item); never copied")
SeedOpt = typer.Option(42, "--seed", help="Split seed (per-user stratified 75/25)")
KOpt = typer.Option(10, "--k", min=1, help="Cut-off K")
ThrOpt = typer.Option(0.0, "--threshold", help="Ratings >= this count as interactions (0 = all, as MS Recommenders)")
JsonOpt = typer.Option(False, "--json", help="Machine-readable output")


def register(app: typer.Typer) -> None:
    """Add this job's commands (or a sub-Typer) to the root app."""
    app.add_typer(recs_app, name="recs")


def _check_model(name: str) -> None:
    from aiworks.recs.models import MODEL_NAMES

    if name not in MODEL_NAMES:
        _fail(f"unknown model {name!r}; choose one of {', '.join(MODEL_NAMES)}")


def _load(data: Path):
    from aiworks.recs.data import load_movielens

    try:
        return load_movielens(data)
    except (FileNotFoundError, ValueError) as exc:
        _fail(str(exc))


def _fit_eval(settings, ratings, name: str, seed: int, k: int, threshold: float, experiment: str):
    """Evaluate one family on one split with its tuned params; tracked as an MLflow run."""
    from aiworks.lifecycle import tracking
    from aiworks.recs.data import make_split
    from aiworks.recs.evaluate import evaluate
    from aiworks.recs.models import make_model
    from aiworks.recs.tuning import params_for

    params = params_for(settings, name)
    split = make_split(ratings, seed=seed, threshold=threshold)
    with tracking.run(
        settings,
        experiment,
        run_name=f"{name}-seed{seed}",
        params={"model": name, "seed": seed, "k": k, "threshold": threshold, **params},
    ) as run_id:
        result = evaluate(make_model(name, **params), split, k, name=name)
        metrics = {k_: v for k_, v in result.metrics.as_dict().items() if k_ != "k"}
        tracking.log_metrics(metrics | {"fit_seconds": result.fit_seconds, "predict_seconds": result.predict_seconds})
    return result, run_id


def _summary(result, run_id: str) -> dict:
    """The --json record of one evaluated family (fields are only ever added)."""
    return result.summary() | {"hit_rate": result.metrics.hit_rate, "fit_seconds": result.fit_seconds, "run_id": run_id}


@recs_app.command()
def evaluate(
    ctx: typer.Context,
    model: str = typer.Option(
        "ease", "--model", help="pop, itemknn, ease, als, bpr, sasrec, multvae, timepop, blend, rerank"
    ),
    data: Path = DataOpt,
    k: int = KOpt,
    seed: int = SeedOpt,
    threshold: float = ThrOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Fit one family on the training split and score it on the held-out split (full ranking)."""
    _check_model(model)
    ratings = _load(data)
    with progress_bar(f"fitting {model}", as_json) as progress:
        progress(f"fitting and scoring {model}", 0.0)
        result, run_id = _fit_eval(settings_of(ctx), ratings, model, seed, k, threshold, "recs-evaluate")
    if as_json:
        typer.echo(json.dumps(_summary(result, run_id)))
        return
    m = result.metrics
    typer.echo(
        f"{model} seed={seed}: P@{k}={m.precision:.4f} R@{k}={m.recall:.4f} NDCG@{k}={m.ndcg:.4f} "
        f"MAP@{k}={m.map:.4f} HR@{k}={m.hit_rate:.4f} coverage={m.coverage:.3f} users={m.users} "
        f"(fit {result.fit_seconds:.1f}s)"
    )
    typer.echo(tracked_line(run_id))


@recs_app.command()
def compare(
    ctx: typer.Context,
    data: Path = DataOpt,
    k: int = KOpt,
    seed: int = SeedOpt,
    threshold: float = ThrOpt,
    models: str = typer.Option(
        "pop,itemknn,ease,als,bpr,sasrec,multvae,blend,rerank", "--models", help="Comma-separated families"
    ),
    as_json: bool = JsonOpt,
) -> None:
    """Every family on the identical split: one table, one MLflow run each (experiment recs-compare)."""
    from rich.console import Console
    from rich.table import Table

    names = [m.strip() for m in models.split(",") if m.strip()]
    for name in names:
        _check_model(name)
    ratings = _load(data)
    settings = settings_of(ctx)
    results = []
    with progress_bar("fitting", as_json) as progress:
        for i, name in enumerate(names):
            progress(f"fitting {name} ({i + 1}/{len(names)})", i / len(names))
            results.append(_fit_eval(settings, ratings, name, seed, k, threshold, "recs-compare"))
    if as_json:
        typer.echo(json.dumps([_summary(r, run_id) for r, run_id in results]))
        return
    table = Table(title=f"{data.name}: stratified 75/25 seed {seed}, top-{k}, seen removed, full ranking")
    for col in ("model", f"P@{k}", f"R@{k}", f"NDCG@{k}", f"MAP@{k}", f"HR@{k}", "coverage", "fit s"):
        table.add_column(col)
    for r, _ in results:
        m = r.metrics
        table.add_row(
            r.model,
            *(f"{v:.4f}" for v in (m.precision, m.recall, m.ndcg, m.map, m.hit_rate, m.coverage)),
            f"{r.fit_seconds:.1f}",
        )
    Console().print(table)
    for r, run_id in results:
        typer.echo(f"{r.model}: " + tracked_line(run_id))


@recs_app.command()
def tune(
    ctx: typer.Context,
    model: str = typer.Option(..., "--model", help="Family to tune (blend tunes member weights)"),
    trials: int = typer.Option(40, "--trials", min=1),
    data: Path = DataOpt,
    k: int = KOpt,
    seed: int = SeedOpt,
    threshold: float = ThrOpt,
    metric: str = typer.Option("precision", "--metric", help="precision, recall, ndcg or map"),
    as_json: bool = JsonOpt,
) -> None:
    """Optuna search on a validation split carved from the training split only; saves the best params."""
    from aiworks.lifecycle.tuning import tune as run_tuning
    from aiworks.recs import tuning
    from aiworks.recs.data import make_split, validation_split

    _check_model(model)
    if metric not in ("precision", "recall", "ndcg", "map"):
        _fail("--metric must be precision, recall, ndcg or map")
    settings = settings_of(ctx)
    ratings = _load(data)
    split = make_split(ratings, seed=seed, threshold=threshold)
    val = validation_split(ratings, split.train, seed=seed)
    if model == "blend":
        members = tuning.blend_members(settings)
        objective = tuning.blend_objective(members, val, k, metric)
    else:
        objective = tuning.model_objective(model, val, k, metric)
    with progress_bar(f"tuning {model}", as_json) as progress:
        study = run_tuning(
            settings, "recs-tune", objective, trials, seed=seed, study_name=f"{model}-seed{seed}", progress=progress
        )
    run_id = study.user_attrs.get("mlflow_run_id")
    best = study.best_params
    params = tuning.blend_params(members, best) if model == "blend" else {**tuning.DEFAULT_PARAMS[model], **best}
    path = tuning.save_params(settings, model, params)
    if as_json:
        typer.echo(
            json.dumps(
                {"model": model, "metric": metric, "validation": study.best_value, "params": params, "run_id": run_id}
            )
        )
    else:
        typer.echo(f"best validation {metric}@{k} = {study.best_value:.4f} with {params}\nsaved to {path}")
        typer.echo(tracked_line(run_id))


@recs_app.command()
def train(
    ctx: typer.Context,
    model: str = typer.Option("blend", "--model", help="Family to serve"),
    data: Path = DataOpt,
    threshold: float = ThrOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Fit the served model on every interaction and register it (models:/recs/latest)."""
    from aiworks.lifecycle import registry, tracking
    from aiworks.recs.data import to_interactions
    from aiworks.recs.models import make_model
    from aiworks.recs.serving import REGISTERED_NAME, ServedRecommender
    from aiworks.recs.tuning import params_for

    _check_model(model)
    settings = settings_of(ctx)
    ratings = _load(data)
    params = params_for(settings, model)
    interactions = to_interactions(ratings.frame, ratings, threshold)
    with (
        progress_bar(f"fitting {model}", as_json) as progress,
        tracking.run(settings, "recs-train", run_name=f"serve-{model}", params={"model": model, **params}) as run_id,
    ):
        progress(f"fitting {model} on {interactions.matrix.nnz} interactions", 0.0)
        fitted = make_model(model, **params).fit(interactions)
        progress("precomputing served lists", 0.8)
        served = ServedRecommender(fitted, ratings.titles, model, params)
        progress("registering", 0.95)
        version = registry.register(
            settings, REGISTERED_NAME, served, run_id, metadata={"model": model, "params": params}
        )
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "model": model,
                    "interactions": int(interactions.matrix.nnz),
                    "run_id": run_id,
                    "registered": {"name": REGISTERED_NAME, "version": version, "run_id": run_id},
                }
            )
        )
        return
    typer.echo(f"registered {REGISTERED_NAME} version {version} ({model}, {interactions.matrix.nnz} interactions)")
    typer.echo(tracked_line(run_id, REGISTERED_NAME, version))


@recs_app.command()
def recommend(
    ctx: typer.Context,
    user: int = typer.Option(..., "--user", help="MovieLens user id"),
    n: int = typer.Option(10, "--n", min=1, max=200),
    as_json: bool = JsonOpt,
) -> None:
    """Top-n titles for a user from the registered model, with why (their most similar seen items)."""
    from aiworks.recs.serving import UnknownId, load_served

    try:
        served = load_served(settings_of(ctx))
    except LookupError as exc:
        _fail(str(exc))
    try:
        result = served.recommend(user, n)
    except UnknownId as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "user": result.user_id,
                    "source": result.source,
                    "model": served.model_name,
                    "items": [
                        {"item": r.item_id, "title": r.title, "score": r.score, "because": r.because}
                        for r in result.items
                    ],
                }
            )
        )
        return
    typer.echo(f"user {user} ({result.source}, {served.model_name}):")
    for i, r in enumerate(result.items, 1):
        why = f"  because you watched {', '.join(r.because)}" if r.because else ""
        typer.echo(f"{i:2d}. {r.title}  [{r.score:.3f}]{why}")
