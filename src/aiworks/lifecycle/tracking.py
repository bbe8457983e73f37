"""Experiment tracking on MLflow, configured from Settings (never from import-time globals).

Every engine job (spam, recs, the legal ranker) logs through these few calls so that runs from all of them
land in one store: a SQLite file under AIWORKS_HOME by default, or a tracking server when configured.
"""

from __future__ import annotations

import logging
import math
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from aiworks.settings import Settings

_configured: str | None = None


def _mlflow(settings: Settings):
    """Import MLflow lazily and point it at the settings' store (cheap when already pointed there)."""
    global _configured
    import mlflow

    uri = settings.tracking_uri
    if _configured != uri:
        settings.home.mkdir(parents=True, exist_ok=True)
        # Alembic's migration chatter on first use of a SQLite store is noise for CLI users.
        logging.getLogger("alembic").setLevel(logging.WARNING)
        mlflow.set_tracking_uri(uri)
        mlflow.set_registry_uri(uri)
        _configured = uri
    return mlflow


def _experiment_id(mlflow, settings: Settings, name: str) -> str:
    found = mlflow.get_experiment_by_name(name)
    if found is not None:
        return found.experiment_id
    # Artifacts go next to the store (not ./mlruns in whatever directory the user happens to be in).
    location: str | None = (settings.artifacts_dir / name).resolve().as_uri()
    if settings.mlflow_tracking_uri and not settings.mlflow_tracking_uri.startswith(("sqlite:", "file:")):
        location = None  # a tracking server decides where artifacts go
    return mlflow.create_experiment(name, artifact_location=location)


@contextmanager
def run(
    settings: Settings,
    experiment: str,
    run_name: str | None = None,
    params: dict | None = None,
    tags: dict | None = None,
) -> Iterator[str]:
    """Open an MLflow run (nested if one is already active) and yield its run id."""
    mlflow = _mlflow(settings)
    exp_id = _experiment_id(mlflow, settings, experiment)
    nested = mlflow.active_run() is not None
    with mlflow.start_run(experiment_id=exp_id, run_name=run_name, nested=nested, tags=tags) as active:
        if params:
            # MLflow params are strings of bounded length; flatten values we cannot log verbatim.
            mlflow.log_params({k: str(v)[:500] for k, v in params.items()})
        yield active.info.run_id


def log_metrics(metrics: dict[str, float], step: int | None = None) -> None:
    import mlflow

    clean = {k: float(v) for k, v in metrics.items() if v is not None and math.isfinite(float(v))}
    if clean:
        mlflow.log_metrics(clean, step=step)


def log_artifact(path: Path, artifact_path: str | None = None) -> None:
    import mlflow

    mlflow.log_artifact(str(path), artifact_path=artifact_path)


def search_runs(settings: Settings, experiment: str, max_results: int = 100):
    """Runs of an experiment as a pandas DataFrame (newest first); empty if the experiment does not exist."""
    mlflow = _mlflow(settings)
    found = mlflow.get_experiment_by_name(experiment)
    if found is None:
        import pandas as pd

        return pd.DataFrame()
    return mlflow.search_runs([found.experiment_id], max_results=max_results, order_by=["start_time DESC"])
