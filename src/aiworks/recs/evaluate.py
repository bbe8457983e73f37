"""Fit-and-score under the Microsoft Recommenders protocol (full ranking, seen items removed)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from aiworks.recs.data import InteractionSplit
from aiworks.recs.metrics import RankingMetrics, ranking_metrics
from aiworks.recs.models.base import BaseRecommender


@dataclass(frozen=True)
class RankingEvaluation:
    model: str
    seed: int
    metrics: RankingMetrics
    fit_seconds: float
    predict_seconds: float

    def summary(self) -> dict:
        """The ``--json`` shape of ``aiworks recs evaluate``."""
        m = self.metrics
        return {
            "model": self.model,
            "k": m.k,
            "precision": m.precision,
            "recall": m.recall,
            "ndcg": m.ndcg,
            "map": m.map,
            "coverage": m.coverage,
            "users": m.users,
        }


def score_model(model: BaseRecommender, split: InteractionSplit, k: int = 10, batch: int = 256) -> RankingMetrics:
    """Metrics of an already fitted model on ``split.test`` (users without test items are skipped)."""
    users = np.flatnonzero(np.diff(split.test.matrix.indptr) > 0)
    recommended = np.full((split.test.n_users, k), -1, dtype=np.int64)
    for start in range(0, len(users), batch):
        rows = users[start : start + batch]
        recommended[rows], _ = model.recommend_rows(rows, k, filter_seen=True)
    in_train = int((np.diff(split.train.matrix.tocsc().indptr) > 0).sum())
    return ranking_metrics(recommended, split.test.matrix, k, catalogue_size=in_train)


def evaluate(
    model: BaseRecommender, split: InteractionSplit, k: int = 10, name: str | None = None
) -> RankingEvaluation:
    t0 = time.perf_counter()
    model.fit(split.train)
    t1 = time.perf_counter()
    metrics = score_model(model, split, k)
    t2 = time.perf_counter()
    return RankingEvaluation(name or model.name, split.seed, metrics, t1 - t0, t2 - t1)
