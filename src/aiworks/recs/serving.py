"""The served recommender: a fitted model plus catalogue, titles, cold-start fallback and explanations.

This object is what ``aiworks recs train`` registers and what the CLI ``recommend`` command and the HTTP routes load
(from the registry, cached). Users known to the catalogue but without history get the popularity ranking;
ids outside the catalogue raise :class:`UnknownId` (HTTP 404).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from aiworks.recs.data import Interactions
from aiworks.recs.models.base import BaseRecommender, top_n

REGISTERED_NAME = "recs"


class UnknownId(KeyError):
    """A user or item id that is not in the catalogue."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0])


@dataclass(frozen=True)
class Recommendation:
    item_id: int
    title: str
    score: float
    because: list[str] = field(default_factory=list)  # titles of seen items most similar to this one


@dataclass(frozen=True)
class UserRecommendations:
    user_id: int
    source: str  # "model" or "popularity" (cold start)
    items: list[Recommendation]


class ServedRecommender:
    """Precomputes each user's top ``cache_n`` list and the item-item similarity at build time, so a request is
    a lookup (microseconds) rather than a scoring pass; larger ``n`` falls back to live scoring."""

    def __init__(
        self, model: BaseRecommender, titles: dict[int, str], model_name: str, params: dict, cache_n: int = 100
    ) -> None:
        self.model = model
        self.titles = titles
        self.model_name = model_name
        self.params = params
        train: Interactions = model.train_
        self.history_ = np.diff(train.matrix.indptr)
        vectors = model.item_vectors()
        if vectors is None:
            vectors = model._cooccurrence_vectors()
        norms = np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
        unit = (vectors / norms).astype(np.float32)
        self.item_similarity_ = unit @ unit.T
        pop = model.popularity_.astype(np.float32)
        self.popular_rows_, self.popular_scores_ = top_n(pop[None, :], min(200, len(pop)))
        self.cache_n = min(cache_n, train.n_items)
        self.top_rows_ = np.full((train.n_users, self.cache_n), -1, dtype=np.int32)
        self.top_scores_ = np.zeros((train.n_users, self.cache_n), dtype=np.float32)
        warm = np.flatnonzero(self.history_ > 0)
        for start in range(0, len(warm), 256):
            rows = warm[start : start + 256]
            self.top_rows_[rows], self.top_scores_[rows] = model.recommend_rows(rows, self.cache_n)

    def _title(self, item_id: int) -> str:
        return self.titles.get(int(item_id), f"item {int(item_id)}")

    def _user_row(self, user_id: int) -> int:
        row = self.model.user_index_.get(int(user_id))
        if row is None:
            raise UnknownId(f"unknown user id {user_id}")
        return row

    def _item_col(self, item_id: int) -> int:
        col = self.model.item_index_.get(int(item_id))
        if col is None:
            raise UnknownId(f"unknown item id {item_id}")
        return col

    def recommend(self, user_id: int, n: int = 10, explain: bool = True) -> UserRecommendations:
        row = self._user_row(user_id)
        if self.history_[row] == 0:
            cols, scores = self.popular_rows_[0, :n], self.popular_scores_[0, :n]
            items = [
                Recommendation(int(self.model.item_ids_[c]), self._title(self.model.item_ids_[c]), float(s))
                for c, s in zip(cols, scores)
            ]
            return UserRecommendations(int(user_id), "popularity", items)
        if n <= self.cache_n:
            cols, scores = self.top_rows_[row, :n], self.top_scores_[row, :n]
        else:
            cols, scores = (a[0] for a in self.model.recommend_rows(np.array([row]), n))
        cols, scores = cols[cols >= 0], scores[cols >= 0]
        seen = self.model.train_.items_of(row)
        out = []
        for c, s in zip(cols, scores):
            because = self._because(c, seen) if explain else []
            out.append(
                Recommendation(int(self.model.item_ids_[c]), self._title(self.model.item_ids_[c]), float(s), because)
            )
        return UserRecommendations(int(user_id), "model", out)

    def _because(self, col: int, seen: np.ndarray, top: int = 3) -> list[str]:
        sims = self.item_similarity_[col, seen]
        best = seen[np.argsort(-sims, kind="stable")[:top]]
        return [self._title(self.model.item_ids_[b]) for b in best]

    def similar(self, item_id: int, n: int = 10) -> list[Recommendation]:
        col = self._item_col(item_id)
        if self.model.popularity_[col] == 0:
            # never interacted with: nothing to compare, fall back to what is popular
            popular = [c for c in self.popular_rows_[0] if c != col][:n]
            return [
                Recommendation(
                    int(self.model.item_ids_[c]), self._title(self.model.item_ids_[c]), float(self.model.popularity_[c])
                )
                for c in popular
            ]
        sims = self.item_similarity_[col].copy()
        sims[col] = -np.inf
        cols, scores = top_n(sims[None, :], n)
        return [
            Recommendation(int(self.model.item_ids_[c]), self._title(self.model.item_ids_[c]), float(s))
            for c, s in zip(cols[0], scores[0])
        ]

    def title(self, item_id: int) -> str:
        self._item_col(item_id)
        return self._title(item_id)


def load_served(settings, uri: str = f"models:/{REGISTERED_NAME}/latest") -> ServedRecommender:
    """The registered served model (cached by the registry per version); LookupError when none is registered."""
    from aiworks.lifecycle import registry

    try:
        served = registry.load(settings, uri)
    except registry.ModelNotFound as exc:
        raise LookupError(f"no recommender registered ({exc}); run `aiworks recs train` first") from exc
    if not isinstance(served, ServedRecommender):
        raise LookupError(f"{uri} is not a served recommender")
    return served
