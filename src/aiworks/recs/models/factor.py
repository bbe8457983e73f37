"""Matrix-factorisation recommenders from the ``implicit`` library (CPU): ALS and BPR."""

from __future__ import annotations

import warnings

import numpy as np

from aiworks.recs.data import Interactions
from aiworks.recs.models.base import BaseRecommender, csr


class _ImplicitFactorModel(BaseRecommender):
    bag = 1
    seed: int  # set by each family's __init__

    def _make(self, seed: int):  # pragma: no cover - overridden
        raise NotImplementedError

    def _fit(self, interactions: Interactions) -> None:
        from threadpoolctl import threadpool_limits

        users, items = [], []
        # implicit runs its own threads; a multithreaded BLAS underneath only oversubscribes the cores.
        with threadpool_limits(1, "blas"), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*OpenBLAS is configured.*")
            for b in range(self.bag):
                model = self._make(self.seed + b)
                model.fit(csr(interactions), show_progress=False)
                users.append(np.asarray(model.user_factors, dtype=np.float32))
                items.append(np.asarray(model.item_factors, dtype=np.float32))
        # A bag of differently-seeded models averages their scores: concatenated factors / bag do exactly that.
        self.user_factors_ = np.hstack(users) / self.bag
        self.item_factors_ = np.hstack(items)

    def score_rows(self, rows: np.ndarray) -> np.ndarray:
        return self.user_factors_[rows] @ self.item_factors_.T

    def item_vectors(self) -> np.ndarray:
        return self.item_factors_


class ALSRecommender(_ImplicitFactorModel):
    """Implicit ALS (Hu, Koren, Volinsky 2008); confidence = 1 + alpha * interaction; optional seed bagging."""

    name = "als"

    def __init__(
        self,
        factors: int = 12,
        regularization: float = 0.045,
        alpha: float = 4.57,
        iterations: int = 10,
        seed: int = 0,
        bag: int = 1,
    ) -> None:
        self.factors = factors
        self.bag = bag
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.seed = seed

    def _make(self, seed: int):
        from implicit.cpu.als import AlternatingLeastSquares

        return AlternatingLeastSquares(
            factors=self.factors,
            regularization=self.regularization,
            alpha=self.alpha,
            iterations=self.iterations,
            random_state=seed,
        )


class BPRRecommender(_ImplicitFactorModel):
    """Bayesian Personalised Ranking (Rendle 2009) with implicit's SGD (uniform negative sampling)."""

    name = "bpr"

    def __init__(
        self,
        factors: int = 64,
        learning_rate: float = 0.05,
        regularization: float = 0.01,
        iterations: int = 100,
        seed: int = 0,
    ) -> None:
        self.factors = factors
        self.learning_rate = learning_rate
        self.regularization = regularization
        self.iterations = iterations
        self.seed = seed

    def _make(self, seed: int):
        from implicit.cpu.bpr import BayesianPersonalizedRanking

        return BayesianPersonalizedRanking(
            factors=self.factors,
            learning_rate=self.learning_rate,
            regularization=self.regularization,
            iterations=self.iterations,
            random_state=seed,
        )
