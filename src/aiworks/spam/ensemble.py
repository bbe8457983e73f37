"""Score-averaging ensemble over one shared feature matrix.

At a 0.1% ham FPR only the extreme tail of the ranking matters, and each family errs on *different* hard ham
(a spammy newsletter term fools naive Bayes, not the MLP's non-linear combination). Averaging the members'
standardised log-odds lets a ham that only one member finds spam-like fall back into the pack.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone


def _logit(model, X) -> np.ndarray:
    """A member's log-odds; its own decision_function where it has one, because probabilities of confident
    members (logreg with large C) round to exactly 1.0 and lose the order of the extreme tail."""
    if hasattr(model, "decision_function"):
        return np.asarray(model.decision_function(X), dtype=np.float64)
    p = np.clip(np.asarray(model.predict_proba(X)[:, 1], dtype=np.float64), 1e-15, 1 - 1e-15)
    return np.log(p) - np.log1p(-p)


class LogitAverageClassifier(BaseEstimator, ClassifierMixin):
    """Fit every (name, estimator) member on the same X; score = sigmoid(weighted mean of scaled member logits).

    Each member's logit is divided by its spread on the training data, so a member with huge log-odds (logreg
    with large C) cannot dominate the average; weights default to equal.
    """

    def __init__(self, members: list[tuple[str, object]], weights: list[float] | None = None):
        self.members = members
        self.weights = weights

    def fit(self, X, y) -> "LogitAverageClassifier":
        self.classes_ = np.array([0, 1])
        self.fitted_ = [(n, clone(m).fit(X, y)) for n, m in self.members]
        # Spread on training data is optimistic but identical in kind for every member: a fair common scale.
        self.scales_ = np.array([max(float(np.std(_logit(m, X))), 1e-6) for _, m in self.fitted_])
        w = np.ones(len(self.members)) if self.weights is None else np.asarray(self.weights, dtype=float)
        self.weights_ = w / w.sum()
        return self

    def member_logits(self, X) -> np.ndarray:
        return np.column_stack([_logit(m, X) for _, m in self.fitted_]) / self.scales_

    def decision_function(self, X) -> np.ndarray:
        return self.member_logits(X) @ self.weights_

    def predict_proba(self, X) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-np.clip(self.decision_function(X), -50, 50)))
        return np.column_stack([1 - p, p])

    def predict(self, X) -> np.ndarray:
        return (self.decision_function(X) > 0).astype(int)
