"""Stage-1 candidates and per (user, candidate) features for the learned re-ranker.

Candidates are the union of each base model's top-``depth`` unseen items. Features are chosen to survive the
re-ranker's scale shift: it is trained on base models fitted to ~75 % of the training interactions and applied to
models fitted on all of them, so scores enter per-user normalised (z-score over the user's unseen items, ratio to
the user's best score) and as ranks, and counts enter relative to their average. Timestamps are deliberately
not used (time-window signals exploit the offline random split; see BENCHMARKS.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aiworks.numeric import rank_desc
from aiworks.recs.data import Interactions
from aiworks.recs.models.base import BaseRecommender


@dataclass
class CandidateFeatures:
    rows: np.ndarray  # position of the user in the requested rows
    items: np.ndarray  # item column of the candidate
    x: np.ndarray  # (n_candidates, n_features) float32
    names: list[str]


def _safe_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.where(b > 0, a / np.where(b > 0, b, 1.0), 0.0)


@dataclass
class _Stats:
    """Item and user statistics of one training part (everything the features need besides model scores)."""

    item_rel_pop: np.ndarray
    item_pop_pct: np.ndarray
    item_mean_rating: np.ndarray
    user_rel_count: np.ndarray
    user_mean_rating: np.ndarray
    user_std_rating: np.ndarray
    item_cosine: np.ndarray  # item x item co-occurrence cosine (dense)


def training_stats(train: Interactions) -> _Stats:
    m = train.matrix.tocsr().astype(np.float32)
    pop = np.asarray(m.sum(axis=0)).ravel()
    count = np.diff(m.indptr).astype(np.float64)
    values = train.values if train.values is not None else m
    rsum_i = np.asarray(values.sum(axis=0)).ravel()
    rsum_u = np.asarray(values.sum(axis=1)).ravel()
    sq_u = np.asarray(values.multiply(values).sum(axis=1)).ravel()
    g = rsum_i.sum() / max(pop.sum(), 1.0)
    # shrink towards the global mean so items rated twice do not look excellent
    item_mean = (rsum_i + 10.0 * g) / (pop + 10.0)
    user_mean = _safe_div(rsum_u, count)
    user_std = np.sqrt(np.maximum(_safe_div(sq_u, count) - user_mean**2, 0.0))
    co = (m.T @ m).toarray()
    norms = np.sqrt(np.diag(co)) + 1e-9
    cosine = co / np.outer(norms, norms)
    np.fill_diagonal(cosine, 0.0)
    active = count > 0
    return _Stats(
        item_rel_pop=np.log((pop + 1.0) / (pop.mean() + 1.0)),
        item_pop_pct=(np.argsort(np.argsort(pop, kind="stable"), kind="stable") / max(len(pop) - 1, 1)),
        item_mean_rating=item_mean - g,
        user_rel_count=np.log((count + 1.0) / (count[active].mean() + 1.0 if active.any() else 1.0)),
        user_mean_rating=np.where(active, user_mean - g, 0.0),
        user_std_rating=user_std,
        item_cosine=cosine.astype(np.float32),
    )


def _side_features(train: Interactions, rows: np.ndarray, r: np.ndarray, i: np.ndarray, seen: np.ndarray) -> dict:
    side = train.side
    if side is None:
        return {}
    genres = side.item_genres.astype(np.float32)
    profile = seen.astype(np.float32) @ genres  # users x genres
    share = profile / (profile.sum(axis=1, keepdims=True) + 1e-9)
    overall = genres.sum(axis=0) / max(float(genres.sum()), 1.0)
    g_i = genres[i]
    cos = (share[r] * g_i).sum(1) / (np.linalg.norm(share[r], axis=1) * np.linalg.norm(g_i, axis=1) + 1e-9)
    lift = _safe_div((share[r] / (overall + 1e-9) * g_i).sum(1), g_i.sum(1))
    year = np.nan_to_num(side.item_year, nan=np.nanmedian(side.item_year))
    n_seen = seen.sum(axis=1) + 1e-9
    user_year = (seen @ year) / n_seen
    user_year_sd = np.sqrt(np.maximum((seen @ year**2) / n_seen - user_year**2, 0.0)) + 1.0
    # the item's audience: mean age and share of women among its training raters (x the user's own)
    m = train.matrix.tocsc().astype(np.float64)
    age = np.nan_to_num(side.user_age, nan=np.nanmean(side.user_age))
    female = np.nan_to_num(side.user_female, nan=0.5)
    raters = np.asarray(m.sum(axis=0)).ravel() + 1e-9
    aud_age = (m.T @ age) / raters
    aud_female = (m.T @ female) / raters
    u_age, u_female = age[rows][r], female[rows][r]
    same_gender = np.where(u_female > 0.5, aud_female[i], 1.0 - aud_female[i])
    return {
        "genre_cos": cos,
        "genre_lift": lift,
        "year": year[i] - np.median(year),
        "year_vs_user": (year[i] - user_year[r]) / user_year_sd[r],
        "user_age": u_age,
        "user_female": u_female,
        "user_occupation": side.user_occupation[rows][r].astype(np.float64),
        "audience_age_gap": aud_age[i] - u_age,
        "audience_same_gender": same_gender,
    }


def candidate_features(
    models: dict[str, BaseRecommender],
    train: Interactions,
    rows: np.ndarray,
    depth: int | dict[str, int],
    stats: _Stats | None = None,
) -> CandidateFeatures:
    """Candidates (union of every model's top-``depth`` unseen items) and their features for users ``rows``.

    ``depth`` may map a model name to its own depth; 0 makes that model a feature-only member (it scores the
    candidates but proposes none, and stays out of the ``sum_z``/``votes`` fusion of the candidate generators).
    """
    stats = stats or training_stats(train)
    seen = train.matrix[rows].toarray() > 0
    candidate = np.zeros_like(seen)
    per_model = {}
    for name, model in models.items():
        s = np.asarray(model.score_rows(rows), dtype=np.float64)
        masked = np.where(seen, -np.inf, s)
        rank = rank_desc(masked)
        own = depth.get(name, 0) if isinstance(depth, dict) else depth
        candidate |= rank < own
        unseen = np.where(seen, np.nan, s)
        mean, std = np.nanmean(unseen, axis=1, keepdims=True), np.nanstd(unseen, axis=1, keepdims=True) + 1e-9
        top = np.max(masked, axis=1, keepdims=True)
        per_model[name] = (own > 0, rank, (s - mean) / std, (top - s) / std)
    candidate &= ~seen
    r, i = np.nonzero(candidate)
    feats: dict[str, np.ndarray] = {}
    for name, (_, rank, z, gap) in per_model.items():
        feats[f"{name}_z"] = z[r, i]
        feats[f"{name}_gap"] = gap[r, i]
        feats[f"{name}_logrank"] = np.log1p(rank[r, i])
    # the plain blend (sum of z-scores) as one feature, so shallow trees start from it
    feats["sum_z"] = sum((z[r, i] for gen, _, z, _ in per_model.values() if gen), np.zeros(len(r)))
    feats["votes"] = sum(
        ((rank[r, i] < 10).astype(np.float64) for gen, rank, _, _ in per_model.values() if gen), np.zeros(len(r))
    )
    feats["item_rel_pop"] = stats.item_rel_pop[i]
    feats["item_pop_pct"] = stats.item_pop_pct[i]
    feats["item_mean_rating"] = stats.item_mean_rating[i]
    users = np.asarray(rows)
    feats["user_rel_count"] = stats.user_rel_count[users][r]
    feats["user_mean_rating"] = stats.user_mean_rating[users][r]
    feats["user_std_rating"] = stats.user_std_rating[users][r]
    # mainstreamness: how the item's popularity compares with what this user usually watches
    user_pop = (seen @ stats.item_rel_pop) / (seen.sum(axis=1) + 1e-9)
    feats["pop_vs_user"] = stats.item_rel_pop[i] - user_pop[r]
    # "similar to what you saw": strongest and top-5 mean co-occurrence cosine to the user's seen items
    max_sim = np.zeros(len(r))
    top5 = np.zeros(len(r))
    starts = np.searchsorted(r, np.arange(len(users) + 1))
    for u in range(len(users)):
        lo, hi = starts[u], starts[u + 1]
        if hi == lo or not seen[u].any():
            continue
        sims = stats.item_cosine[np.flatnonzero(seen[u])][:, i[lo:hi]]
        max_sim[lo:hi] = sims.max(axis=0)
        kth = min(5, sims.shape[0])
        top5[lo:hi] = np.partition(sims, sims.shape[0] - kth, axis=0)[-kth:].mean(axis=0)
    feats["max_sim_seen"] = max_sim
    feats["top5_sim_seen"] = top5
    feats.update(_side_features(train, users, r, i, seen))
    names = list(feats)
    x = np.column_stack([feats[n] for n in names]).astype(np.float32)
    return CandidateFeatures(r, i, x, names)
