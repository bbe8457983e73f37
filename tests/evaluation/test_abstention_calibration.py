"""The abstention calibration (evaluation/abstention.py) on synthetic rows: a related word answers a question
only through the calibrated ``related`` bar, the margin never drops under ``MIN_MARGIN``, and no training
unanswerable question is answered."""

from __future__ import annotations

import pytest

from aiworks.evaluation.abstention import MIN_MARGIN, calibrate
from aiworks.rag.abstain import Abstention


def _row(i: int, best: float, missing: list, answerable: bool) -> dict:
    return {
        "best": best,
        "keys": 4,
        "missing": missing,
        "names": [],
        "has_evidence": True,
        "source": "contracts",
        "dataset": "contracts",
        "question": f"q{i}",
        "answerable": answerable,
        "right_if_answered": answerable,
    }


@pytest.mark.slow  # the full grid: 1,200 small logistic fits
def test_calibration_reads_relatedness_and_keeps_the_margin_floor():
    rows = []
    for i in range(10):
        rows.append(_row(i, 0.45 + 0.01 * i, [["x", 0.3, 0.1]], False))  # unanswerable: a term with no relative
        rows.append(_row(100 + i, 0.7 + 0.01 * i, [], True))  # answerable, every term present
        rows.append(_row(200 + i, 0.5 + 0.005 * i, [["late", 0.4, 0.95]], True))  # only a relative in the text
    base = Abstention(0.43, 0.25, 0.6, 0.62, 1.01, 0.0)
    result = calibrate(rows, base)
    rule = Abstention(**result["rule"])
    assert result["margin"] >= MIN_MARGIN
    assert rule.related <= 0.95  # the related term counts as present: those questions answer
    assert result["fitted_on_all"]["confident_unanswerable"] == 0
    assert result["fitted_on_all"]["right"] == len(rows)
    assert result["rule_in_code"]["right"] < len(rows)  # without relatedness they abstain
