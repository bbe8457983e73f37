"""Top-K ranking metrics, defined exactly as Microsoft Recommenders' ``python_evaluation`` defines them.

All functions take ``recommended`` (n_users x k item indices, best first; -1 pads short lists) and ``relevant``
(a CSR users x items matrix of held-out positives). Users with no held-out item are skipped, matching MS
Recommenders, which only averages over users present in both truth and prediction.

* precision@k = hits in top-k / k (always k, even if the user has fewer than k relevant items)
* recall@k    = hits in top-k / number of relevant items
* ndcg@k      = binary-gain DCG (1 / log2(rank + 1)) over the ideal DCG of min(k, |relevant|) hits
* map@k       = MS Recommenders' ``map_at_k`` as used in its benchmark table: the sum of precision@rank at
                each hit in the top-k, divided by the number of relevant items (**not** min(k, |relevant|)),
                i.e. Spark MLlib's definition. It is therefore smaller than the "min(k, n)" variant.
* hit rate@k  = share of users with at least one hit
* coverage    = distinct items recommended to the evaluated users / catalogue items that appear in training
                (MS ``catalog_coverage``)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class RankingMetrics:
    k: int
    precision: float
    recall: float
    ndcg: float
    map: float
    hit_rate: float
    coverage: float
    users: int

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def hit_matrix(recommended: np.ndarray, relevant: sp.csr_matrix) -> np.ndarray:
    """Boolean n_users x k matrix: is recommended[u, r] a held-out positive of user u."""
    hits = np.zeros(recommended.shape, dtype=bool)
    for u in range(recommended.shape[0]):
        row = relevant.indices[relevant.indptr[u] : relevant.indptr[u + 1]]
        if row.size:
            hits[u] = np.isin(recommended[u], row)
    return hits


def ranking_metrics(
    recommended: np.ndarray, relevant: sp.csr_matrix, k: int, catalogue_size: int | None = None
) -> RankingMetrics:
    recommended = np.asarray(recommended)[:, :k]
    n_relevant = np.diff(relevant.indptr)
    users = n_relevant > 0
    hits = hit_matrix(recommended, relevant)[users]
    n_rel = n_relevant[users].astype(float)
    n_users = int(users.sum())
    if n_users == 0:
        return RankingMetrics(k, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0)

    n_hits = hits.sum(axis=1)
    ranks = np.arange(1, k + 1, dtype=float)
    discounts = 1.0 / np.log2(ranks + 1.0)
    dcg = (hits * discounts).sum(axis=1)
    ideal = np.cumsum(discounts)[np.minimum(n_rel, k).astype(int) - 1]
    precision_at_hit = np.cumsum(hits, axis=1) / ranks
    average_precision = (precision_at_hit * hits).sum(axis=1) / n_rel

    shown_lists = recommended[users]
    shown = np.unique(shown_lists[shown_lists >= 0])
    catalogue = catalogue_size if catalogue_size else relevant.shape[1]
    return RankingMetrics(
        k=k,
        precision=float((n_hits / k).mean()),
        recall=float((n_hits / n_rel).mean()),
        ndcg=float((dcg / ideal).mean()),
        map=float(average_precision.mean()),
        hit_rate=float((n_hits > 0).mean()),
        coverage=float(len(shown) / max(catalogue, 1)),
        users=n_users,
    )
