"""Hyper-parameter search spaces and validation objectives for every family.

Every objective fits on the *fit* part of a validation split carved from the training interactions
(``data.validation_split``) and scores on its held-out part; the test part of the outer split is never touched.
Best parameters are saved under ``<home>/recs/params/<model>.json`` and used by evaluate/compare/train.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import numpy as np

from aiworks.recs.data import InteractionSplit
from aiworks.recs.evaluate import score_model
from aiworks.recs.models import make_model
from aiworks.recs.models.base import top_n
from aiworks.numeric import zscore_rows
from aiworks.recs.metrics import ranking_metrics
from aiworks.settings import Settings

# Defaults = the values `aiworks recs tune` found on validation splits of ML-100K (see BENCHMARKS.md).
DEFAULT_PARAMS: dict[str, dict[str, Any]] = {
    "pop": {},
    "itemknn": {"neighbours": 148, "shrink": 80.0},
    "ease": {"l2": 740.0},
    "als": {"factors": 12, "regularization": 0.045, "alpha": 4.57, "iterations": 10},
    "bpr": {"factors": 57, "learning_rate": 0.0018, "regularization": 0.0002, "iterations": 215},
    # one torch thread: on a shared, oversubscribed CPU a second thread mostly spin-waits
    "sasrec": {"epochs": 30, "lr": 3e-3, "dropout": 0.2, "batch_size": 32, "threads": 1},
    # the paper's shape (one 200-d layer, input dropout 0.5, KL annealed to 0.2), checked on seed 42's validation
    "multvae": {"hidden": 200, "epochs": 100, "dropout": 0.5, "beta": 0.2},
    "timepop": {"bandwidth": 31.6},
    "blend": {},
    # two-stage: ranker trained inside fit() on 4 carved 85/15 splits of the training part (see models/rerank.py)
    "rerank": {"carvings": 4, "ratio": 0.85},
}
BLEND_MEMBERS = ("ease", "als", "itemknn", "timepop", "pop")
# In the blend, ALS is a bag of 3 seeds (averaging removes much of its seed-to-seed noise on validation).
BLEND_OVERRIDES: dict[str, dict[str, Any]] = {"als": {"bag": 3}}


def _space(name: str, trial) -> dict[str, Any]:
    if name == "itemknn":
        return {
            "neighbours": trial.suggest_int("neighbours", 10, 800, log=True),
            "shrink": trial.suggest_float("shrink", 0.0, 200.0),
        }
    if name == "ease":
        return {"l2": trial.suggest_float("l2", 30.0, 5000.0, log=True)}
    if name == "als":
        return {
            "factors": trial.suggest_int("factors", 8, 256, log=True),
            "regularization": trial.suggest_float("regularization", 1e-3, 10.0, log=True),
            "alpha": trial.suggest_float("alpha", 0.1, 50.0, log=True),
            "iterations": trial.suggest_int("iterations", 5, 30),
        }
    if name == "bpr":
        return {
            "factors": trial.suggest_int("factors", 8, 256, log=True),
            "learning_rate": trial.suggest_float("learning_rate", 1e-3, 0.2, log=True),
            "regularization": trial.suggest_float("regularization", 1e-5, 0.1, log=True),
            "iterations": trial.suggest_int("iterations", 20, 400, log=True),
        }
    if name == "sasrec":
        return {
            "dim": trial.suggest_categorical("dim", [32, 64]),
            "dropout": trial.suggest_float("dropout", 0.0, 0.5),
            "lr": trial.suggest_float("lr", 5e-4, 1e-2, log=True),
            "epochs": trial.suggest_int("epochs", 10, 40),
        }
    if name == "multvae":
        return {
            "hidden": trial.suggest_categorical("hidden", [100, 200, 400]),
            "dropout": trial.suggest_float("dropout", 0.2, 0.7),
            "beta": trial.suggest_float("beta", 0.05, 1.0, log=True),
            "epochs": trial.suggest_int("epochs", 50, 200, log=True),
        }
    if name == "timepop":
        return {"bandwidth": trial.suggest_float("bandwidth", 0.5, 60.0, log=True)}
    if name == "rerank":
        return {
            "depth": trial.suggest_int("depth", 20, 100, log=True),
            "ratio": trial.suggest_float("ratio", 0.7, 0.9),
            "max_depth": trial.suggest_int("max_depth", 2, 6),
            "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.1, log=True),
        }
    if name == "pop":
        return {}
    raise ValueError(f"no search space for {name!r}")


def params_file(settings: Settings, name: str) -> Path:
    return settings.home / "recs" / "params" / f"{name}.json"


def params_for(settings: Settings, name: str) -> dict[str, Any]:
    """Saved tuned parameters if `recs tune` has run, else the shipped defaults."""
    path = params_file(settings, name)
    if path.exists():
        return json.loads(path.read_text())
    # (an untuned blend is BlendRecommender's own default: EASE lambda 650 + 3-seed ALS bag, 1:1 -- the
    # "blend-default" row of BENCHMARKS.md)
    return dict(DEFAULT_PARAMS[name])


def blend_members(settings: Settings | None = None) -> dict[str, dict[str, Any]]:
    base = (lambda m: params_for(settings, m)) if settings else (lambda m: dict(DEFAULT_PARAMS[m]))
    return {m: {**base(m), **BLEND_OVERRIDES.get(m, {})} for m in BLEND_MEMBERS}


def save_params(settings: Settings, name: str, params: dict[str, Any]) -> Path:
    path = params_file(settings, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(params, indent=2))
    return path


def model_objective(name: str, val: InteractionSplit, k: int = 10, metric: str = "precision") -> Callable:
    def objective(trial) -> float:
        model = make_model(name, **_space(name, trial)).fit(val.train)
        return getattr(score_model(model, val, k), metric)

    return objective


def blend_objective(
    members: dict[str, dict], val: InteractionSplit, k: int = 10, metric: str = "precision"
) -> Callable:
    """Weights only: members are fitted once and their z-scored validation scores cached, so trials are cheap."""
    users = np.flatnonzero(np.diff(val.test.matrix.indptr) > 0)
    cached = {
        name: zscore_rows(np.asarray(make_model(name, **params).fit(val.train).score_rows(users), dtype=np.float32))
        for name, params in members.items()
    }
    seen = val.train.matrix[users].toarray() > 0
    first = next(iter(members))

    def objective(trial) -> float:
        total = np.zeros_like(next(iter(cached.values())))
        for name, scores in cached.items():
            # the first member anchors the scale; the others are relative weights
            w = 1.0 if name == first else trial.suggest_float(f"w_{name}", -0.3, 1.0)
            total += w * scores
        total[seen] = -np.inf
        recommended = np.full((val.test.n_users, k), -1)
        recommended[users], _ = top_n(total, k)
        return getattr(ranking_metrics(recommended, val.test.matrix, k), metric)

    return objective


def blend_params(members: dict[str, dict], best: dict[str, float]) -> dict[str, Any]:
    first = next(iter(members))
    weights = {name: (1.0 if name == first else float(best.get(f"w_{name}", 0.0))) for name in members}
    return {"members": members, "weights": weights}
