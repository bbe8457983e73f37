"""Closed-form and counting recommenders: most-popular, item-kNN (cosine), EASE."""

from __future__ import annotations

import numpy as np

from aiworks.recs.data import Interactions
from aiworks.recs.models.base import BaseRecommender, csr


class PopularityRecommender(BaseRecommender):
    """Same ranking for everyone: training interaction counts. Also the cold-start fallback."""

    name = "pop"

    def _fit(self, interactions: Interactions) -> None:
        pass

    def score_rows(self, rows: np.ndarray) -> np.ndarray:
        return np.tile(self.popularity_, (len(rows), 1))


class ItemKNNRecommender(BaseRecommender):
    """Item-item cosine with shrinkage, pruned to each item's ``neighbours`` most similar items."""

    name = "itemknn"

    def __init__(self, neighbours: int = 100, shrink: float = 10.0, pop_alpha: float = 0.0) -> None:
        self.neighbours = neighbours
        self.shrink = shrink
        self.pop_alpha = pop_alpha

    def _fit(self, interactions: Interactions) -> None:
        x = csr(interactions)
        co = (x.T @ x).toarray()
        norms = np.sqrt(np.diag(co))
        sim = co / (np.outer(norms, norms) + self.shrink + 1e-9)
        np.fill_diagonal(sim, 0.0)
        if self.neighbours < sim.shape[0]:
            # keep the top neighbours of each item (column-wise: sim[:, j] are j's neighbours as targets)
            cut = np.argpartition(-sim, self.neighbours, axis=0)[self.neighbours :]
            np.put_along_axis(sim, cut, 0.0, axis=0)
        self.similarity_ = sim.astype(np.float32)

    def score_rows(self, rows: np.ndarray) -> np.ndarray:
        scores = self.train_.matrix[rows] @ self.similarity_
        if self.pop_alpha:
            scores = scores * (self.popularity_ + 1.0) ** self.pop_alpha
        return np.asarray(scores)

    def item_vectors(self) -> np.ndarray:
        return self.similarity_


class EASERecommender(BaseRecommender):
    """EASE^R (Steck 2019): B = I - P diagMat(1/diag(P)), P = (X^T X + lambda I)^-1, diag(B) = 0."""

    name = "ease"

    def __init__(self, l2: float = 500.0, min_rating: float = 0.0) -> None:
        self.l2 = l2
        self.min_rating = min_rating

    def _fit(self, interactions: Interactions) -> None:
        x = csr(interactions)
        if self.min_rating and interactions.values is not None:
            # "liked" items only (a preference signal rather than a watched one); the re-ranker uses it as a feature
            x = (interactions.values >= self.min_rating).astype(np.float32).tocsr()
        self.input_ = x
        gram = (x.T @ x).toarray().astype(np.float64)
        gram[np.diag_indices_from(gram)] += self.l2
        p = np.linalg.inv(gram)
        b = p / (-np.diag(p))
        np.fill_diagonal(b, 0.0)
        self.weights_ = b.astype(np.float32)

    def score_rows(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(self.input_[rows] @ self.weights_)

    def item_vectors(self) -> np.ndarray:
        return self.weights_
