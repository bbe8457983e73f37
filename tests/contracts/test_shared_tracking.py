"""With AIWORKS_DATABASE_URL, Optuna studies and MLflow runs live in the shared PostgreSQL: two tuning
processes given one study name add to the same study, and every trial's run is in the database."""

from __future__ import annotations

import uuid

import pytest

from aiworks.lifecycle import tuning
from aiworks.settings import Settings


@pytest.mark.slow
def test_two_tuners_share_one_study_and_track_runs_in_postgres(pg_url, tmp_path):
    import mlflow
    import optuna

    name = "study-" + uuid.uuid4().hex[:8]
    for seed in (0, 1):  # two processes (or machines) would each run this with their own handle
        settings = Settings(home=tmp_path / f"home{seed}", database_url=pg_url)
        tuning.tune(
            settings,
            "shared-tuning",
            lambda t: (t.suggest_float("x", -1, 1) - 0.3) ** 2,
            n_trials=3,
            seed=seed,
            study_name=name,
            direction="minimize",
        )
    assert settings.tracking_uri.startswith("postgresql+psycopg://")
    study = optuna.load_study(study_name=name, storage=settings.optuna_storage)
    assert len(study.trials) == 6 and study.best_value < 1.7
    client = mlflow.MlflowClient(tracking_uri=settings.tracking_uri)
    experiment = client.get_experiment_by_name("shared-tuning")
    runs = client.search_runs([experiment.experiment_id], filter_string=f"tags.mlflow.runName = '{name}'")
    assert len(runs) == 2  # the parent run of each tuner, both in the shared store
    assert not (tmp_path / "home0" / "mlflow.db").exists()
