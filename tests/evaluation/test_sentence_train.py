"""The citation-order fit (evaluation/sentence_train.py) on hand-made rows: what it measures and what it picks."""

from __future__ import annotations

import numpy as np

from aiworks.evaluation.sentence_train import Row, best_params, cross_validate, fixed, measure


def _row(source: str, group: str, labels, lexical, own, near=None, answered=True) -> Row:
    z = np.zeros(len(labels))
    return Row(
        source,
        group,
        answered,
        np.array(labels, float),
        np.array(lexical, float),
        np.array(own, float),
        z if near is None else np.array(near, float),
    )


def test_it_picks_the_weights_that_put_the_gold_sentence_first_and_keeps_contract_top2():
    # LegalBench: the gold sentence (label 1) is second in score order; only its own similarity says so
    rows = [_row("contractnli", f"d{i}", [0, 1], [0.5, 0.5], [0.2, 0.6]) for i in range(6)]
    rows += [_row("maud", f"m{i}", [0, 1], [0.5, 0.5], [0.3, 0.5]) for i in range(4)]
    # contracts: the gold row wins on words; a dense-only order would push it out of the top 2
    rows += [_row("contracts", f"c{i}", [1, 0, 0], [0.9, 0.1, 0.1], [0.1, 0.6, 0.6]) for i in range(4)]
    today = measure(rows, fixed(None))
    assert today["contractnli"]["p1_all"] == 0.0 and today["contracts"]["top2_answered"] == 1.0
    p = best_params(rows)
    fitted = measure(rows, fixed(p))
    assert fitted["legalbench_macro_p1_all"] == 1.0 and fitted["contracts"]["top2_answered"] == 1.0
    assert 0.0 < p[0] < 1.0  # neither words nor dense alone
    cv = cross_validate(rows)
    assert len(cv["chosen_per_fold"]) == 5 and cv["held_out"]["legalbench_macro_p1_all"] == 1.0


def test_answered_and_all_questions_are_reported_apart():
    rows = [
        _row("contractnli", "a", [1, 0], [0.6, 0.5], [0.5, 0.5]),
        _row("contractnli", "b", [0, 1], [0.6, 0.5], [0.5, 0.5], answered=False),
    ]
    m = measure(rows, fixed(None))["contractnli"]
    assert (m["n"], m["answered"], m["p1_all"], m["p1_answered"]) == (2, 1, 0.5, 1.0)
