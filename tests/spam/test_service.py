"""CLI commands and the HTTP route against a real SQLite MLflow store in tmp_path (tiny synthetic corpus)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from spam_samples import make_message, write_corpus
from typer.testing import CliRunner

from aiworks.api.app import create_app
from aiworks.cli import app
from aiworks.settings import Settings

TEST_KEYS = {"accuracy", "precision", "recall", "f1", "mcc", "pr_auc", "recall_at_fpr_0.001"}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One small training run shared by the tests of this module (MLflow setup dominates the cost)."""
    root = tmp_path_factory.mktemp("spam")
    data = write_corpus(root / "corpus", n=40)
    home = root / "home"
    res = CliRunner().invoke(
        app,
        [
            "--home",
            str(home),
            "spam",
            "train",
            "--data",
            str(data),
            "--model",
            "logreg",
            "--folds",
            "2",
            "--inner-folds",
            "2",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    return home, data, json.loads(res.stdout.strip().splitlines()[-1])


def test_train_json_shape_and_registration(trained):
    _, _, out = trained
    assert out["model"] == "logreg"
    assert set(out["test"]) == TEST_KEYS
    assert all(0 <= v <= 1 for v in out["test"].values())
    assert set(out["cv"]) == {"recall_at_fpr_0.001", "folds"} and out["cv"]["folds"] == 2
    assert out["split"]["n"] == 80 and out["split"]["n_test"] == 16
    assert out["registered"]["version"] == 1
    assert out["registered"]["run_id"]  # the MLflow run it was trained in


def test_train_text_output_names_the_run_and_the_version_progress_on_stderr(trained, tmp_path):
    _, data, _ = trained
    args = ["--data", str(data), "--model", "nb", "--folds", "0", "--inner-folds", "2"]
    r = CliRunner().invoke(app, ["--home", str(tmp_path), "spam", "train", *args])  # own store: v1
    assert r.exit_code == 0, r.output
    last = r.stdout.strip().splitlines()[-1]
    assert "registered models:/spam/1" in last and "mlflow run " in last and "aiworks mlflow" in last
    assert "training nb" not in r.stdout  # the bar lives on stderr


def test_cli_errors_are_messages_not_tracebacks(tmp_path):
    r = CliRunner().invoke(app, ["--home", str(tmp_path), "spam", "train", "--data", str(tmp_path / "missing")])
    assert r.exit_code == 2 and "data path not found" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(app, ["--home", str(tmp_path), "spam", "train", "--data", str(tmp_path), "--model", "gpt"])
    assert r.exit_code == 2 and "unknown model" in r.output
    r = CliRunner().invoke(app, ["--home", str(tmp_path), "spam", "predict"], input="hello")
    assert r.exit_code == 2 and "no spam model registered" in r.output


def test_cli_predict_evaluate_monitor(trained, tmp_path):
    home, data, _ = trained
    runner = CliRunner()
    files = [data / "spam" / "0001.eml", data / "ham" / "0002.eml"]
    r = runner.invoke(app, ["--home", str(home), "spam", "predict", *map(str, files), "--json"])
    assert r.exit_code == 0, r.output
    preds = json.loads(r.stdout)["predictions"]
    assert [p["label"] for p in preds] == ["spam", "ham"]
    r = runner.invoke(
        app, ["--home", str(home), "spam", "evaluate", "--data", str(data), "--out", str(tmp_path), "--json"]
    )
    assert r.exit_code == 0, r.output
    ev = json.loads(r.stdout)
    assert ev["scope"].startswith("saved test split") and ev["n"] == 16
    # evaluates the newest version and names the run that trained it
    assert ev["registered"]["version"] >= 1 and ev["run_id"] == ev["registered"]["run_id"] and ev["run_id"]
    assert {p.split("/")[-1] for p in ev["plots"]} == {
        "pr_curve.png",
        "roc_curve.png",
        "confusion_matrix.png",
        "calibration.png",
    }
    r = runner.invoke(app, ["--home", str(home), "spam", "monitor", "--since", "1h", "--json"])
    assert r.exit_code == 0, r.output
    mon = json.loads(r.stdout)
    assert (
        mon["n_observed"] >= 2 and not mon["enough_data"] and {c["name"] for c in mon["columns"]} >= {"score", "n_urls"}
    )


def test_http_predict_batch_raw_text_limits_and_metrics(trained):
    home, _, _ = trained
    client = TestClient(create_app(Settings(home=home)), base_url="http://127.0.0.1")
    import random

    rng = random.Random(9)
    spam_raw = make_message(1, rng, 7).decode()
    ham_raw = make_message(0, rng, 8).decode()
    r = client.post(
        "/spam/predict",
        json={
            "emails": [
                {"id": "a", "raw": spam_raw},
                {"id": "b", "raw": ham_raw},
                {"text": "free money winner click prize"},
            ]
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model"] == {"name": "spam", "version": 1}
    assert [p["label"] for p in body["predictions"]] == ["spam", "ham", "spam"]
    assert [p["id"] for p in body["predictions"]] == ["a", "b", "2"]
    r = client.post("/spam/predict", content=spam_raw.encode(), headers={"content-type": "message/rfc822"})
    assert r.status_code == 200 and r.json()["predictions"][0]["label"] == "spam"
    # limits and malformed input: clear 4xx, never 500
    assert client.post("/spam/predict", json={"emails": [{"text": "x"}] * 300}).status_code == 413
    assert client.post("/spam/predict", json={"text": "x" * 1_100_000}).status_code == 413
    assert client.post("/spam/predict", json={"emails": [{"raw": "a", "text": "b"}]}).status_code == 422
    assert client.post("/spam/predict", json={"emails": []}).status_code == 422
    assert (
        client.post("/spam/predict", content=b"{nope", headers={"content-type": "application/json"}).status_code == 400
    )
    assert client.post("/spam/predict", content=b"x", headers={"content-type": "image/png"}).status_code == 415
    metrics = client.get("/metrics").text
    assert 'aiworks_spam_predictions_total{label="spam"} 3' in metrics
    assert 'aiworks_spam_predictions_total{label="ham"} 1' in metrics


def test_http_without_model_is_503(tmp_path):
    client = TestClient(create_app(Settings(home=tmp_path)), base_url="http://127.0.0.1")
    r = client.post("/spam/predict", json={"text": "hello"})
    assert r.status_code == 503 and "spam train" in r.json()["detail"]


def test_cli_compare_same_split_for_all_families(tmp_path):
    data = write_corpus(tmp_path / "corpus", n=30)
    r = CliRunner().invoke(
        app,
        [
            "--home",
            str(tmp_path / "home"),
            "spam",
            "compare",
            "--data",
            str(data),
            "--models",
            "nb,logreg",
            "--folds",
            "0",
            "--inner-folds",
            "2",
            "--select",
            "low_fpr",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert [x["model"] for x in out["results"]] == ["nb", "logreg"] and out["selected_by"] == "low_fpr"
    assert out["results"][0]["split"] == out["results"][1]["split"]  # identical split for every family
    assert out["best"] in ("nb", "logreg")


def test_cli_tune_tracks_trials(tmp_path):
    data = write_corpus(tmp_path / "corpus", n=30)
    home = tmp_path / "home"
    r = CliRunner().invoke(
        app, ["--home", str(home), "spam", "tune", "--data", str(data), "--model", "nb", "--trials", "3", "--json"]
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert set(out["best_params"]) == {"alpha"} and 0 <= out["best_val_f1"] <= 1
    from aiworks.lifecycle.tracking import search_runs

    runs = search_runs(Settings(home=home), "spam-tuning")
    assert len(runs) == 4  # the study run + one nested run per trial


def test_cli_too_many_folds_is_a_clear_error(tmp_path):
    data = write_corpus(tmp_path / "corpus", n=3)
    r = CliRunner().invoke(
        app,
        [
            "--home",
            str(tmp_path / "home"),
            "spam",
            "train",
            "--data",
            str(data),
            "--model",
            "nb",
            "--folds",
            "5",
            "--json",
        ],
    )
    assert r.exit_code == 2 and "cannot train" in r.output and "Traceback" not in r.output


def test_big_batch_uses_worker_processes_and_matches_single_process(trained):
    """A large batch goes through the multi-process path; verdicts, defects and the log equal the 1-process path."""
    from aiworks.spam.serving import MIN_CHUNK, SpamService

    home, data, _ = trained
    files = sorted(data.rglob("*.eml"))
    items = [f.read_bytes() for f in files] * (2 * MIN_CHUNK // len(files) + 1)
    items.append(b"Subject: broken\nContent-Type: text/plain; charset=no-such-charset\n\n\xff\xfe cheap pills")
    assert len(items) >= 2 * MIN_CHUNK
    settings = Settings(home=home)
    svc = SpamService(settings)
    multi = svc.predict(items, "auto", n_jobs=2)
    single = svc.predict(items, "auto", n_jobs=1)
    assert [p.id for p in multi] == [str(i) for i in range(len(items))]
    assert [p.label for p in multi] == [p.label for p in single]
    assert [p.defects for p in multi] == [p.defects for p in single] and multi[-1].defects
    assert max(abs(a.score - b.score) for a, b in zip(multi, single)) < 1e-9
    logged = svc.log.read()[-2 * len(items) :]
    assert [r["features"] for r in logged[: len(items)]] == [r["features"] for r in logged[len(items) :]]
