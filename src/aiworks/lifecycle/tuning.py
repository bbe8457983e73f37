"""Hyper-parameter search with Optuna, every trial tracked as a nested MLflow run.

Jobs pass an objective that trains on a training split and scores on a validation split carved from
training only; this module never sees test data, which keeps tuning honest by construction.
"""

from __future__ import annotations

from typing import Callable, Literal

from aiworks.lifecycle import tracking
from aiworks.progress import Progress
from aiworks.settings import Settings


def tune(
    settings: Settings,
    experiment: str,
    objective: Callable,
    n_trials: int,
    direction: Literal["maximize", "minimize"] = "maximize",
    seed: int = 0,
    study_name: str | None = None,
    progress: Progress | None = None,
):
    """Run ``n_trials`` of ``objective(trial) -> float``; returns the optuna Study (best_params, best_value).

    The parent MLflow run's id is ``study.user_attrs["mlflow_run_id"]`` (trials are its nested runs)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = settings.optuna_storage  # shared database: processes given one study_name share its trials
    study = optuna.create_study(
        direction=direction,
        sampler=optuna.samplers.TPESampler(seed=seed),
        study_name=study_name,
        storage=storage,
        load_if_exists=storage is not None,
    )

    def tracked(trial):
        with tracking.run(settings, experiment, run_name=f"trial-{trial.number}"):
            value = objective(trial)
            import mlflow

            mlflow.log_params({k: str(v) for k, v in trial.params.items()})
            tracking.log_metrics({"objective": value})
        if progress:
            progress(f"trial {trial.number + 1}/{n_trials}", (trial.number + 1) / n_trials)
        return value

    with tracking.run(
        settings, experiment, run_name=study_name or "tuning", params={"n_trials": n_trials, "seed": seed}
    ) as run_id:
        study.set_user_attr("mlflow_run_id", run_id)
        study.optimize(tracked, n_trials=n_trials)
        tracking.log_metrics({"best_objective": study.best_value})
        import mlflow

        mlflow.log_params({f"best_{k}": str(v) for k, v in study.best_params.items()})
    return study
