"""The learned order's training measure (evaluation/sentence_model.py ``p1``) on hand-made rows."""

from __future__ import annotations

import numpy as np

from aiworks.evaluation.sentence_model import p1
from aiworks.evaluation.sentence_train import Row


def _row(labels, own, source="contractnli") -> Row:
    n = len(labels)
    z = np.zeros(n)
    return Row(source, "d", True, np.array(labels, float), z, np.array(own, float), z, {"eligible": n})


def test_the_model_score_moves_the_first_sentence_only_when_weighted_enough():
    rows = [_row([0.0, 1.0], [0.6, 0.5]), _row([1.0, 0.0], [0.6, 0.5], "maud")]
    xs = [np.array([0.0, 3.0]), np.array([0.0, 3.0])]  # prefers the second sentence in both
    assert p1(rows, None, 0.0) == {"contractnli": 0.0, "maud": 1.0}  # today's order
    assert p1(rows, xs, 0.01) == {"contractnli": 0.0, "maud": 1.0}  # +-0.01 cannot overturn 0.1 x DENSE_SHARE
    assert p1(rows, xs, 0.3) == {"contractnli": 1.0, "maud": 0.0}


def test_more_eligible_candidates_than_scored_ones_are_cut_to_the_scored():
    rows = [_row([0.0, 0.0, 1.0], [0.6, 0.5, 0.9])]  # the best by today's order is the third
    assert p1(rows, None, 0.0) == {"contractnli": 1.0}
    assert p1(rows, [np.array([0.0, 1.0])], 0.3) == {"contractnli": 0.0}  # only the first two were scored
