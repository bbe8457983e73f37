"""Tracking, registry and tuning against a real MLflow SQLite store in a temp home."""

import pytest

from aiworks.lifecycle import registry, tracking, tuning
from aiworks.settings import Settings


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    # One store for the module: creating MLflow's SQLite schema costs seconds; each test uses its own names.
    return Settings(home=tmp_path_factory.mktemp("lifecycle") / "home")


class Doubler:
    def __init__(self, factor):
        self.factor = factor

    def predict(self, x):
        return [v * self.factor for v in x]


def test_run_logs_params_and_metrics(settings):
    with tracking.run(settings, "exp-metrics", run_name="r1", params={"alpha": 0.5}) as run_id:
        tracking.log_metrics({"f1": 0.9, "nan_is_dropped": float("nan")})
    runs = tracking.search_runs(settings, "exp-metrics")
    assert list(runs["run_id"]) == [run_id]
    assert runs.loc[0, "params.alpha"] == "0.5"
    assert runs.loc[0, "metrics.f1"] == pytest.approx(0.9)
    assert "metrics.nan_is_dropped" not in runs.columns
    # Artifacts live under AIWORKS_HOME, not in the current directory.
    assert (settings.home / "mlflow.db").exists()


def test_register_and_load_by_version_alias_and_latest(settings):
    for factor in (2, 3):
        with tracking.run(settings, "exp") as run_id:
            version = registry.register(
                settings,
                "doubler",
                Doubler(factor),
                run_id,
                aliases=("latest", f"f{factor}"),
                metadata={"factor": factor},
            )
    assert version == 2
    assert registry.load(settings, "models:/doubler/latest").predict([1]) == [3]
    assert registry.load(settings, "models:/doubler/1").predict([1]) == [2]
    assert registry.load(settings, "models:/doubler@f2").predict([1]) == [2]
    assert registry.load(settings, "doubler").factor == 3
    assert registry.metadata(settings, "doubler")["factor"] == 3


@pytest.mark.parametrize("uri", ["models:/nothing/latest", "models:/other@missing", "bad uri with spaces/x/y"])
def test_missing_models_raise_clear_error(settings, uri):
    with tracking.run(settings, "exp") as run_id:
        registry.register(settings, "other", Doubler(1), run_id)
    with pytest.raises(registry.ModelNotFound):
        registry.load(settings, uri)


def test_tune_finds_the_optimum_and_tracks_trials(settings):
    seen = []
    study = tuning.tune(
        settings,
        "tune-exp",
        lambda t: -((t.suggest_float("x", -5, 5) - 1.5) ** 2),
        n_trials=25,
        seed=1,
        progress=lambda stage, fraction: seen.append((stage, fraction)),
    )
    assert abs(study.best_params["x"] - 1.5) < 0.5
    # the shared Progress(stage, fraction) contract: one report per trial, ending at 1.0
    assert [s for s, _ in seen] == [f"trial {i}/25" for i in range(1, 26)]
    assert [f for _, f in seen] == [i / 25 for i in range(1, 26)]
    runs = tracking.search_runs(settings, "tune-exp", max_results=100)
    assert len(runs) == 26  # parent + one nested run per trial
    # the study names its parent run (what the CLIs print)
    parent = runs[runs.run_id == study.user_attrs["mlflow_run_id"]]
    assert len(parent) == 1 and parent.iloc[0]["metrics.best_objective"] == study.best_value
