"""A score blend of several families.

The blend z-scores each member's scores per user and adds them with weights tuned on a validation split carved
from training (see recs/tuning.py), never on test.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aiworks.recs.data import Interactions
from aiworks.recs.models.members import make_member
from aiworks.numeric import zscore_rows
from aiworks.recs.models.base import BaseRecommender


class BlendRecommender(BaseRecommender):
    """Weighted sum of per-user z-scored member scores. ``members`` maps a family name to its params."""

    name = "blend"

    # EASE + a 3-seed bag of low-rank ALS in equal parts: the shape validation tuning keeps finding on ML-100K.
    DEFAULT_MEMBERS: dict[str, dict[str, Any]] = {"ease": {"l2": 650.0}, "als": {"bag": 3}}
    DEFAULT_WEIGHTS: dict[str, float] = {"ease": 1.0, "als": 1.0}

    def __init__(self, members: dict[str, dict] | None = None, weights: dict[str, float] | None = None) -> None:
        self.members = members
        self.weights = weights

    def _fit(self, interactions: Interactions) -> None:
        members = self.members if self.members is not None else self.DEFAULT_MEMBERS
        weights = self.weights if self.weights is not None else self.DEFAULT_WEIGHTS
        self.models_ = {name: make_member(name, **params).fit(interactions) for name, params in members.items()}
        self.weights_ = {name: float(weights.get(name, 0.0)) for name in members}

    def member_scores(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        return {name: zscore_rows(np.asarray(m.score_rows(rows), dtype=np.float32)) for name, m in self.models_.items()}

    def score_rows(self, rows: np.ndarray) -> np.ndarray:
        total: np.ndarray | None = None
        for name, scores in self.member_scores(rows).items():
            if self.weights_[name]:
                term = self.weights_[name] * scores
                total = term if total is None else total + term
        if total is None:
            raise ValueError("a blend needs at least one member with a non-zero weight")
        return total

    def item_vectors(self) -> np.ndarray | None:
        # neighbours come from the strongest collaborative member
        best = max(self.weights_, key=lambda k: self.weights_[k] if k != "timepop" else -1)
        return self.models_[best].item_vectors()
