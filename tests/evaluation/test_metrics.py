"""The character-level metric on hand-made spans whose answers can be worked out by hand."""

import pytest

from aiworks.evaluation.dataset import Query, Span
from aiworks.evaluation.metrics import at_ks, merge_spans, precision_recall

A, B = "maud/a.txt", "maud/b.txt"


def test_partial_overlap():
    pr = precision_recall([Span(A, 50, 150)], [Span(A, 100, 300)])
    assert pr.precision == pytest.approx(50 / 100)
    assert pr.recall == pytest.approx(50 / 200)


def test_disjoint_spans_score_zero():
    pr = precision_recall([Span(A, 0, 99)], [Span(A, 100, 300)])
    assert (pr.precision, pr.recall) == (0.0, 0.0)


def test_same_offsets_in_a_different_file_do_not_count():
    pr = precision_recall([Span(B, 100, 300)], [Span(A, 100, 300)])
    assert (pr.precision, pr.recall) == (0.0, 0.0)


def test_overlapping_retrieved_spans_are_merged_before_counting():
    # Two chunks overlapping by 50 chars, both inside the gold span: 150 distinct chars, all gold.
    retrieved = [Span(A, 100, 200), Span(A, 150, 250)]
    pr = precision_recall(retrieved, [Span(A, 100, 300)])
    assert pr.precision == pytest.approx(1.0)
    assert pr.recall == pytest.approx(150 / 200)  # upstream's unmerged sum would give 200/200
    # Retrieving the same span twice can never push recall above 1.
    assert precision_recall([Span(A, 0, 10)] * 5, [Span(A, 0, 10)]).recall == pytest.approx(1.0)


def test_multiple_gold_spans_and_files():
    gold = [Span(A, 0, 100), Span(A, 200, 300)]
    retrieved = [Span(A, 50, 250), Span(B, 0, 1000)]
    pr = precision_recall(retrieved, gold)
    assert pr.precision == pytest.approx(100 / 1200)
    assert pr.recall == pytest.approx(100 / 200)


def test_at_ks_cuts_the_ranking():
    gold = [Span(A, 0, 100)]
    ranked = [Span(A, 0, 50), Span(A, 500, 550), Span(A, 50, 100)]
    res = at_ks(ranked, gold, [1, 2, 3, 8])
    assert res[1].precision == pytest.approx(1.0) and res[1].recall == pytest.approx(0.5)
    assert res[2].precision == pytest.approx(0.5) and res[2].recall == pytest.approx(0.5)
    assert res[3].recall == pytest.approx(1.0) and res[8] == res[3]


def test_merge_joins_touching_and_nested_intervals():
    merged = merge_spans([Span(A, 10, 20), Span(A, 20, 30), Span(A, 12, 15), Span(A, 40, 41), Span(B, 5, 5)])
    assert merged == {A: [(10, 30), (40, 41)]}


def test_query_parts():
    q = Query(
        "maud", 'Consider the Acquisition Agreement between "X"; What is the Type of Consideration', (Span(A, 0, 1),)
    )
    assert q.description == 'the Acquisition Agreement between "X"'
    assert q.question == "What is the Type of Consideration"
    assert q.file == A
