"""The one interface every recommender implements, and the shared ranking machinery.

Models score users over the whole catalogue (``score_rows``); this base class turns scores into top-n lists with
seen items removed, and maps raw MovieLens ids in and out. Ranking uses ``argpartition`` on a dense score block,
which keeps a single-user call well under a millisecond for 1.7k items.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
import scipy.sparse as sp

from aiworks.recs.data import Interactions


@runtime_checkable
class Recommender(Protocol):
    def fit(self, interactions: Interactions) -> "Recommender": ...

    def recommend(
        self, user_ids: np.ndarray | list[int], n: int = 10, filter_seen: bool = True
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def similar_items(self, item_id: int, n: int = 10) -> tuple[np.ndarray, np.ndarray]: ...


def top_n(scores: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and values of the n best entries of each row, best first (-inf entries are never returned)."""
    n = min(n, scores.shape[1])
    part = np.argpartition(-scores, n - 1, axis=1)[:, :n]
    vals = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    idx = np.take_along_axis(part, order, axis=1)
    vals = np.take_along_axis(vals, order, axis=1)
    idx = np.where(np.isfinite(vals), idx, -1)
    return idx, vals


def cosine_topn(vectors: np.ndarray, row: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Nearest rows to ``vectors[row]`` by cosine, excluding the row itself."""
    norms = np.linalg.norm(vectors, axis=1) + 1e-12
    sims = (vectors @ vectors[row]) / (norms * norms[row])
    sims[row] = -np.inf
    idx, vals = top_n(sims[None, :], n)
    return idx[0], vals[0]


class BaseRecommender:
    """Shared fit bookkeeping + ranking; subclasses implement ``_fit`` and ``score_rows``."""

    name = "base"

    def fit(self, interactions: Interactions) -> "BaseRecommender":
        self.train_ = interactions
        self.item_ids_ = interactions.item_ids
        self.user_index_ = interactions.user_index
        self.item_index_ = interactions.item_index
        self.popularity_ = np.asarray(interactions.matrix.sum(axis=0)).ravel().astype(np.float32)
        self._fit(interactions)
        return self

    def _fit(self, interactions: Interactions) -> None:
        raise NotImplementedError

    def score_rows(self, rows: np.ndarray) -> np.ndarray:
        """Dense (len(rows) x n_items) scores; higher is better."""
        raise NotImplementedError

    def item_vectors(self) -> np.ndarray | None:
        """Item representations for similar_items (None: fall back to co-occurrence cosine)."""
        return None

    # -- ranking ---------------------------------------------------------------------------------------
    def recommend_rows(self, rows: np.ndarray, n: int = 10, filter_seen: bool = True) -> tuple[np.ndarray, np.ndarray]:
        scores = np.asarray(self.score_rows(np.asarray(rows)), dtype=np.float32).copy()
        if filter_seen:
            seen = self.train_.matrix[rows]
            scores[seen.nonzero()] = -np.inf
        return top_n(scores, n)

    def recommend(
        self, user_ids: np.ndarray | list[int], n: int = 10, filter_seen: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """Raw item ids and scores for raw user ids (KeyError for a user the model never saw)."""
        rows = np.array([self.user_index_[int(u)] for u in np.atleast_1d(user_ids)], dtype=np.int64)
        idx, vals = self.recommend_rows(rows, n, filter_seen)
        return np.where(idx >= 0, self.item_ids_[np.maximum(idx, 0)], -1), vals

    def similar_items(self, item_id: int, n: int = 10) -> tuple[np.ndarray, np.ndarray]:
        col = self.item_index_[int(item_id)]
        vectors = self.item_vectors()
        if vectors is None:
            vectors = self._cooccurrence_vectors()
        idx, vals = cosine_topn(vectors, col, n)
        return self.item_ids_[idx], vals

    def _cooccurrence_vectors(self) -> np.ndarray:
        # Items described by the users who interacted with them: classic item-item cosine.
        return self.train_.matrix.T.toarray()


def csr(interactions: Interactions) -> sp.csr_matrix:
    return interactions.matrix.astype(np.float32).tocsr()
