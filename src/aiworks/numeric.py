"""Small array helpers shared across jobs (ranks, per-row standardisation).

Kept here, outside any job's package, so the recommender, the assistant's learned ranker and the retrieval
evaluation use one implementation instead of a copy each.
"""

from __future__ import annotations

import numpy as np


def rank_desc(scores: np.ndarray) -> np.ndarray:
    """0-based rank of every entry (0 = best, ties in input order), along the last axis.

    Works on a vector (one ranking) or a matrix (one ranking per row)."""
    scores = np.asarray(scores)
    order = np.argsort(-scores, axis=-1, kind="stable")
    rank = np.empty(order.shape, dtype=np.int64)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(scores.shape[-1]), order.shape), axis=-1)
    return rank


def zscore_rows(scores: np.ndarray, eps: float = 1e-9) -> np.ndarray:
    """Each row standardised to mean 0 and unit standard deviation (``eps`` keeps constant rows finite)."""
    mean = scores.mean(axis=1, keepdims=True)
    std = scores.std(axis=1, keepdims=True) + eps
    return (scores - mean) / std
