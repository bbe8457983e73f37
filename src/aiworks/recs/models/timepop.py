"""Time-local popularity.

Why: ML-100K users rate in bursts, and under a *random* per-user split the held-out items were rated in the
same weeks as the training ones. "What was popular around the time this user was active" is therefore a strong
signal that no pure collaborative model sees (and one that a time-ordered split would not reward).
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
