"""Time-local popularity and a score blend of several families.

Why: ML-100K users rate in bursts, and under a *random* per-user split the held-out items were rated in the
same weeks as the training ones. "What was popular around the time this user was active" is therefore a strong
signal that no pure collaborative model sees. The blend z-scores each member's scores per user and adds them
with weights tuned on a validation split carved from training (see recs/tuning.py), never on test.
"""

from __future__ import annotations

import numpy as np

from aiworks.recs.data import Interactions
from aiworks.recs.models.base import BaseRecommender

DAY = 86_400.0


class TimePopularityRecommender(BaseRecommender):
    """Popularity among interactions near the user's own activity days (Gaussian kernel, ``bandwidth`` days)."""

    name = "timepop"

    def __init__(self, bandwidth: float = 7.0, share: bool = True) -> None:
        self.bandwidth = bandwidth
        self.share = share

    def _fit(self, interactions: Interactions) -> None:
        ts = interactions.timestamps.tocoo()
        day = np.floor(ts.data / DAY).astype(np.int64)
        self.day0_ = int(day.min()) if len(day) else 0
        n_days = int(day.max() - self.day0_ + 1) if len(day) else 1
        day -= self.day0_
        item_day = np.zeros((interactions.n_items, n_days), dtype=np.float64)
        np.add.at(item_day, (ts.col, day), 1.0)
        user_day = np.zeros((interactions.n_users, n_days), dtype=np.float64)
        np.add.at(user_day, (ts.row, day), 1.0)
        offsets = np.arange(n_days)
        kernel = np.exp(-0.5 * ((offsets[:, None] - offsets[None, :]) / max(self.bandwidth, 1e-3)) ** 2)
        smoothed = item_day @ kernel  # items x days, activity spread to nearby days
        if self.share:
            # share of that period's activity, so busy days do not simply dominate
            smoothed /= smoothed.sum(axis=0, keepdims=True) + 1e-9
        user_day /= user_day.sum(axis=1, keepdims=True) + 1e-9
        self.user_time_ = user_day.astype(np.float32)
        self.item_time_ = smoothed.astype(np.float32)

    def score_rows(self, rows: np.ndarray) -> np.ndarray:
        return self.user_time_[rows] @ self.item_time_.T


def _zscore(scores: np.ndarray) -> np.ndarray:
    mean = scores.mean(axis=1, keepdims=True)
    std = scores.std(axis=1, keepdims=True) + 1e-9
    return (scores - mean) / std


class BlendRecommender(BaseRecommender):
    """Weighted sum of per-user z-scored member scores. ``members`` maps a family name to its params."""

    name = "blend"

    # EASE + a 3-seed bag of low-rank ALS in equal parts: the shape validation tuning keeps finding on ML-100K.
    DEFAULT_MEMBERS = {"ease": {"l2": 650.0}, "als": {"bag": 3}}
    DEFAULT_WEIGHTS = {"ease": 1.0, "als": 1.0}

    def __init__(self, members: dict[str, dict] | None = None, weights: dict[str, float] | None = None) -> None:
        self.members = members
        self.weights = weights

    def _fit(self, interactions: Interactions) -> None:
        from aiworks.recs.models import make_model

        members = self.members if self.members is not None else self.DEFAULT_MEMBERS
        weights = self.weights if self.weights is not None else self.DEFAULT_WEIGHTS
        self.models_ = {name: make_model(name, **params).fit(interactions) for name, params in members.items()}
        self.weights_ = {name: float(weights.get(name, 0.0)) for name in members}

    def member_scores(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        return {name: _zscore(np.asarray(m.score_rows(rows), dtype=np.float32)) for name, m in self.models_.items()}

    def score_rows(self, rows: np.ndarray) -> np.ndarray:
        parts = self.member_scores(rows)
        return sum(self.weights_[name] * s for name, s in parts.items() if self.weights_[name])

    def item_vectors(self) -> np.ndarray | None:
        # neighbours come from the strongest collaborative member
        best = max(self.weights_, key=lambda k: self.weights_[k] if k != "timepop" else -1)
        return self.models_[best].item_vectors()
