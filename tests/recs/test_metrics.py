import math

import numpy as np
import pytest
import scipy.sparse as sp

from aiworks.recs.metrics import ranking_metrics


def _relevant(rows: list[list[int]], n_items: int) -> sp.csr_matrix:
    r = [u for u, items in enumerate(rows) for _ in items]
    c = [i for items in rows for i in items]
    return sp.csr_matrix((np.ones(len(c)), (r, c)), shape=(len(rows), n_items))


def test_metrics_match_hand_computed_values():
    # user 0: recs 1,2,3 vs relevant {1,3,5}: hits at ranks 1 and 3
    # user 1: recs 4,5,6 vs relevant {7}: no hit
    # user 2: no held-out items -> skipped entirely (MS Recommenders averages over users in the truth)
    recommended = np.array([[1, 2, 3], [4, 5, 6], [0, 1, 2]])
    relevant = _relevant([[1, 3, 5], [7], []], n_items=10)
    m = ranking_metrics(recommended, relevant, k=3)

    dcg0 = 1 + 1 / math.log2(4)
    idcg0 = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert m.users == 2
    assert m.precision == pytest.approx((2 / 3 + 0) / 2)
    assert m.recall == pytest.approx((2 / 3 + 0) / 2)
    assert m.ndcg == pytest.approx((dcg0 / idcg0) / 2)
    assert m.map == pytest.approx(((1 / 1 + 2 / 3) / 3) / 2)
    assert m.hit_rate == pytest.approx(0.5)
    # users 0 and 1 were shown items 1..6 (user 2 is not evaluated): 6 of 10 catalogue items
    assert m.coverage == pytest.approx(6 / 10)


def test_precision_divides_by_k_and_map_by_all_relevant_items():
    # one relevant item found at rank 1 of 4: P = 1/4 (MS Recommenders always divides by k)
    m = ranking_metrics(np.array([[2, 0, 1, 3]]), _relevant([[2]], 5), k=4)
    assert m.precision == pytest.approx(0.25)
    assert m.recall == pytest.approx(1.0)
    assert m.ndcg == pytest.approx(1.0)
    # 5 relevant items, both top-2 are hits: AP = (1/1 + 2/2) / 5, not / min(k, 5)
    m = ranking_metrics(np.array([[0, 1]]), _relevant([[0, 1, 2, 3, 4]], 6), k=2)
    assert m.map == pytest.approx(2 / 5)
    assert m.ndcg == pytest.approx(1.0)  # ideal DCG uses min(k, |relevant|) hits


def test_padding_and_cutoff():
    # -1 pads a short list and never counts as a hit or as a covered item; only the first k columns count
    m = ranking_metrics(np.array([[3, -1, 0]]), _relevant([[0]], 4), k=2)
    assert m.precision == 0.0 and m.hit_rate == 0.0
    assert m.coverage == pytest.approx(1 / 4)
