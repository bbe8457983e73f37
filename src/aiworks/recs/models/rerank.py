"""Two-stage recommender: collaborative candidates, then a learning-to-rank GBDT (XGBoost) re-ranks them.

Training is honest by construction: ``fit`` carves a per-user 75/25 split out of the interactions it is given
(``carvings`` times, different seeds), fits the stage-1 models on the 75 % part, builds candidates + features and
labels a candidate positive when it is in the carved-off 25 %. The ranker is early-stopped on a user-disjoint
share of those users. The stage-1 models are then refitted on *all* the interactions; serving and evaluation score
their candidates with the trained ranker. The outer test part is never seen by any of this.
"""

from __future__ import annotations

import numpy as np

from aiworks.recs.data import Interactions, carve
from aiworks.recs.models.base import BaseRecommender
from aiworks.recs.models.features import candidate_features, training_stats
from aiworks.recs.models.members import make_member

# Items outside a user's candidates keep the stage-1 order, far below every candidate.
_BELOW = -1e4


class RerankRecommender(BaseRecommender):
    """Candidates from ``members`` (top-``depth`` of each), re-ranked by an XGBoost ``XGBRanker``."""

    name = "rerank"

    DEFAULT_MEMBERS = {
        "ease": {"l2": 650.0},
        "als": {"factors": 12, "regularization": 0.045, "alpha": 4.57, "iterations": 10, "bag": 3},
        "itemknn": {"neighbours": 148, "shrink": 80.0},
    }

    def __init__(
        self,
        members: dict[str, dict] | None = None,
        depth: int = 50,
        carvings: int = 1,
        ratio: float = 0.75,
        ranker: str = "xgb",
        objective: str = "rank:pairwise",
        pair_method: str = "mean",
        pairs: int = 4,
        n_estimators: int = 800,
        learning_rate: float = 0.03,
        max_depth: int = 3,
        min_child_weight: float = 1.0,
        reg_lambda: float = 10.0,
        subsample: float = 0.7,
        colsample_bytree: float = 0.7,
        max_bin: int = 64,
        early_stopping: int = 50,  # smoothing window (rounds) of the early-stopping curve
        C: float = 1.0,
        holdout: float = 0.2,
        refit: bool = True,
        side: bool = True,
        threads: int = 2,
        seed: int = 0,
    ) -> None:
        self.members = members
        self.depth = depth
        self.carvings = carvings
        self.ratio = ratio
        self.ranker = ranker
        self.objective = objective
        self.pair_method = pair_method
        self.pairs = pairs
        self.reg_lambda = reg_lambda
        self.max_bin = max_bin
        self.C = C
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.min_child_weight = min_child_weight
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.early_stopping = early_stopping
        self.holdout = holdout
        self.refit = refit
        self.side = side
        self.threads = threads
        self.seed = seed

    # -- stage 1 -------------------------------------------------------------------------------------------
    def _fit_members(self, interactions: Interactions) -> dict[str, BaseRecommender]:
        # a member's params may name its family ("family": "ease"), so one family can appear twice, and its own
        # candidate "depth" (0: a feature-only member)
        return {
            name: make_member(
                params.get("family", name), **{k: v for k, v in params.items() if k not in ("family", "depth")}
            ).fit(interactions)
            for name, params in self._members().items()
        }

    def _members(self) -> dict[str, dict]:
        return self.members if self.members is not None else self.DEFAULT_MEMBERS

    def _depths(self) -> dict[str, int]:
        return {name: int(params.get("depth", self.depth)) for name, params in self._members().items()}

    def _features(self, models, train: Interactions, rows: np.ndarray, stats=None):
        if not self.side and train.side is not None:
            train = Interactions(train.matrix, train.timestamps, train.user_ids, train.item_ids, train.values, None)
        return candidate_features(models, train, rows, self._depths(), stats)

    def _ranker(self, n_estimators: int):
        from xgboost import XGBRanker

        return XGBRanker(
            objective=self.objective,
            n_estimators=n_estimators,
            learning_rate=self.learning_rate,
            max_depth=self.max_depth,
            min_child_weight=self.min_child_weight,
            subsample=self.subsample,
            colsample_bytree=self.colsample_bytree,
            reg_lambda=self.reg_lambda,
            max_bin=self.max_bin,
            lambdarank_pair_method=self.pair_method,
            lambdarank_num_pair_per_sample=self.pairs,
            tree_method="hist",
            eval_metric="ndcg@10",
            n_jobs=self.threads,
            random_state=self.seed,
        )

    # -- stage 2 training ------------------------------------------------------------------------------------
    def training_data(self, interactions: Interactions) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
        """Features, labels and query ids (carving * n_users + user row) from ``carvings`` carved splits."""
        xs: list[np.ndarray] = []
        ys: list[np.ndarray] = []
        qids: list[np.ndarray] = []
        names: list[str] = []
        for c in range(self.carvings):
            fit_part, held = carve(interactions, self.ratio, self.seed + 7919 * (c + 1))
            rows = np.flatnonzero((np.diff(held.matrix.indptr) > 0) & (np.diff(fit_part.matrix.indptr) > 0))
            feats = self._features(self._fit_members(fit_part), fit_part, rows)
            label = held.matrix.toarray()[rows[feats.rows], feats.items] > 0
            xs.append(feats.x)
            ys.append(label.astype(np.float32))
            qids.append(c * interactions.n_users + rows[feats.rows])
            names = feats.names
        x, y, qid = np.vstack(xs), np.concatenate(ys), np.concatenate(qids)
        # users whose candidates hold no positive carry no ranking signal
        has_pos = np.isin(qid, np.unique(qid[y > 0]))
        return x[has_pos], y[has_pos], qid[has_pos], names

    def _fit(self, interactions: Interactions) -> None:
        self.best_iteration_ = 0
        x, y, qid, self.feature_names_ = self.training_data(interactions)
        self.positive_rate_ = float(y.mean()) if len(y) else 0.0
        # with no labels at all (too little data to carve from) there is no ranker: score_rows' stage-1 fallback
        self.ranker_ = self._train_ranker(x, y, qid, interactions.n_users) if (y > 0).any() else None
        self.models_ = self._fit_members(interactions)
        self.stats_ = training_stats(interactions)

    def _train_ranker(self, x: np.ndarray, y: np.ndarray, qid: np.ndarray, n_users: int):
        users = np.unique(qid % n_users)
        rng = np.random.default_rng(self.seed)
        held_users: np.ndarray = (
            rng.choice(users, size=max(1, int(round(self.holdout * len(users)))), replace=False)
            if self.holdout
            else np.array([], dtype=users.dtype)
        )
        va = np.isin(qid % n_users, held_users)  # user-disjoint early-stopping set
        if self.ranker == "logistic":
            # a linear scorer: the low-variance alternative to the GBDT on this small, noisy label set
            from sklearn.linear_model import LogisticRegression
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import StandardScaler

            return make_pipeline(StandardScaler(), LogisticRegression(C=self.C, max_iter=3000)).fit(x, y)
        if va.any() and (~va).any():
            ranker = self._ranker(self.n_estimators)
            ranker.fit(x[~va], y[~va], qid=qid[~va], eval_set=[(x[va], y[va])], eval_qid=[qid[va]], verbose=False)
            # Early stopping on a *smoothed* curve: NDCG@10 of a few hundred users jumps from round to round, and
            # the raw first maximum often sits at a handful of trees.
            curve = np.asarray(ranker.evals_result()["validation_0"]["ndcg@10"])
            window = max(1, min(self.early_stopping, len(curve)))
            smooth = np.convolve(curve, np.ones(window) / window, mode="valid")
            self.best_iteration_ = int(np.argmax(smooth)) + window // 2 + 1
            self.validation_ndcg_ = float(smooth.max())
            self.validation_curve_ = curve
            # refit: the same number of rounds on all users (the early-stopping users are training data too)
            keep = np.ones(len(y), dtype=bool) if self.refit else ~va
        else:
            self.best_iteration_, keep = self.n_estimators, np.ones(len(y), dtype=bool)
        return self._ranker(self.best_iteration_).fit(x[keep], y[keep], qid=qid[keep], verbose=False)

    # -- scoring -------------------------------------------------------------------------------------------
    def score_rows(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows)
        feats = self._features(self.models_, self.train_, rows, self.stats_)
        first = next(iter(self.models_.values()))
        base = np.asarray(first.score_rows(rows), dtype=np.float64)
        # non-candidates: stage-1 order squeezed into a band far below every re-ranked candidate
        span = base.max(axis=1, keepdims=True) - base.min(axis=1, keepdims=True) + 1e-9
        out = _BELOW + (base - base.min(axis=1, keepdims=True)) / span
        if len(feats.rows) and self.ranker_ is not None:
            out[feats.rows, feats.items] = self._predict(self.ranker_, feats.x)
        return out

    def _predict(self, ranker, x: np.ndarray) -> np.ndarray:
        return ranker.decision_function(x) if self.ranker == "logistic" else ranker.predict(x)

    def item_vectors(self) -> np.ndarray | None:
        return next(iter(self.models_.values())).item_vectors()

    def feature_importance(self) -> dict[str, float]:
        if self.ranker_ is None:  # no labels to train on: stage-1 order, nothing learned
            return {}
        if self.ranker == "logistic":
            coef = self.ranker_[-1].coef_[0]
            return dict(sorted(zip(self.feature_names_, map(float, coef)), key=lambda kv: -abs(kv[1])))
        gain = self.ranker_.get_booster().get_score(importance_type="gain")
        return {self.feature_names_[int(k[1:])]: v for k, v in sorted(gain.items(), key=lambda kv: -kv[1])}
