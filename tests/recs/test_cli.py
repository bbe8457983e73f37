"""The ``aiworks recs`` commands end to end on a MovieLens-shaped synthetic folder (real MLflow store in tmp)."""

import json

from typer.testing import CliRunner

from aiworks.cli import app

from .conftest import COLD_USER, missing_item

runner = CliRunner()


def _invoke(tmp_path, *args):
    return runner.invoke(app, ["--home", str(tmp_path / "home"), "recs", *args])


def test_evaluate_json_shape(tmp_path, movielens_dir):
    r = _invoke(
        tmp_path, "evaluate", "--data", str(movielens_dir), "--model", "ease", "--k", "5", "--json", "--seed", "1"
    )
    assert r.exit_code == 0, r.output
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 1  # stdout is the JSON alone: no bar, no chatter
    out = json.loads(lines[0])
    assert list(out)[:8] == ["model", "k", "precision", "recall", "ndcg", "map", "coverage", "users"]
    assert out["model"] == "ease" and out["k"] == 5 and out["users"] == 20
    assert 0.0 <= out["precision"] <= out["hit_rate"] <= 1.0  # a user with a hit counts once in hit rate
    assert out["fit_seconds"] >= 0.0
    # the run it names is the one in the project's MLflow store, with the same numbers
    from aiworks.lifecycle import tracking
    from aiworks.settings import Settings

    runs = tracking.search_runs(Settings(home=tmp_path / "home"), "recs-evaluate")
    run = runs[runs.run_id == out["run_id"]].iloc[0]
    assert run["metrics.precision"] == out["precision"] and run["metrics.hit_rate"] == out["hit_rate"]


def test_evaluate_text_result_line_and_run_line_progress_on_stderr(tmp_path, movielens_dir):
    r = _invoke(tmp_path, "evaluate", "--data", str(movielens_dir), "--model", "pop", "--k", "5", "--seed", "1")
    assert r.exit_code == 0, r.output
    result, tracked = r.stdout.strip().splitlines()
    assert result.startswith("pop seed=1: P@5=") and "HR@5=" in result
    assert tracked.startswith("mlflow run ") and "aiworks mlflow" in tracked
    assert "fitting" not in r.stdout  # the progress bar never shares stdout with the results


def test_tune_saves_params_that_train_and_recommend_use(tmp_path, movielens_dir):
    r = _invoke(tmp_path, "tune", "--data", str(movielens_dir), "--model", "ease", "--trials", "3", "--json")
    assert r.exit_code == 0, r.output
    tuned = json.loads(r.stdout.strip().splitlines()[-1])
    assert set(tuned["params"]) == {"l2"}
    assert (tmp_path / "home" / "recs" / "params" / "ease.json").exists()

    r = _invoke(tmp_path, "recommend", "--user", "3")
    assert r.exit_code == 2 and "recs train" in r.output

    r = _invoke(tmp_path, "train", "--data", str(movielens_dir), "--model", "ease")
    assert r.exit_code == 0, r.output
    r = _invoke(tmp_path, "recommend", "--user", "3", "--n", "2", "--json")
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout.strip().splitlines()[-1])
    assert body["source"] == "model" and body["items"][0]["item"] == missing_item(3)
    r = _invoke(tmp_path, "recommend", "--user", str(COLD_USER), "--json")
    assert json.loads(r.stdout.strip().splitlines()[-1])["source"] == "popularity"
    r = _invoke(tmp_path, "recommend", "--user", "777")
    assert r.exit_code == 2 and "unknown user id 777" in r.output


def test_bad_input_is_a_clear_error(tmp_path, movielens_dir):
    r = _invoke(tmp_path, "evaluate", "--data", str(tmp_path / "missing"), "--json")
    assert r.exit_code == 2 and "u.data" in r.output and "Traceback" not in r.output
    r = _invoke(tmp_path, "evaluate", "--data", str(movielens_dir), "--model", "nope")
    assert r.exit_code == 2 and "unknown model" in r.output


def test_compare_runs_every_requested_family_on_one_split(tmp_path, movielens_dir):
    r = _invoke(tmp_path, "compare", "--data", str(movielens_dir), "--models", "pop,ease,blend", "--k", "3", "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout.strip().splitlines()[-1])
    assert [row["model"] for row in rows] == ["pop", "ease", "blend"]
    by = {row["model"]: row for row in rows}
    # on the checkerboard the collaborative models find each user's held-out items; popularity cannot
    assert by["ease"]["precision"] > by["pop"]["precision"]
    assert all(row["users"] == 20 for row in rows)
