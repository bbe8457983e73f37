"""The helpers every job shares: ranks, per-row z-scores, the Progress contract."""

import numpy as np

from aiworks.numeric import rank_desc, zscore_rows
from aiworks.progress import counter, progress_bar


def test_rank_desc_best_first_ties_in_input_order():
    assert rank_desc(np.array([0.2, 0.9, 0.2, -1.0])).tolist() == [1, 0, 2, 3]
    m = np.array([[3.0, 1.0, 2.0], [0.0, 0.0, 5.0]])
    assert rank_desc(m).tolist() == [[0, 2, 1], [1, 2, 0]]  # one ranking per row
    masked = np.array([[1.0, -np.inf, 0.5]])  # seen items masked with -inf go last
    assert rank_desc(masked).tolist() == [[0, 2, 1]]


def test_zscore_rows_standardises_each_row_and_keeps_constant_rows_finite():
    z = zscore_rows(np.array([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]]))
    assert np.allclose(z[0].mean(), 0.0) and np.isclose(z[0].std(), 1.0, atol=1e-6)
    assert np.all(z[1] == 0.0)


def test_counter_reports_fractions_of_equal_steps():
    seen = []
    tick = counter(lambda stage, fraction: seen.append((stage, fraction)), 4, "fitting")
    for _ in range(5):  # one step too many never reports past 1.0
        tick()
    assert seen == [("fitting", 0.25), ("fitting", 0.5), ("fitting", 0.75), ("fitting", 1.0), ("fitting", 1.0)]
    counter(None, 3, "quiet")()  # no callback: nothing to report, no error


def test_progress_bar_draws_on_stderr_only(capsys):
    with progress_bar("work") as report:
        report("half", 0.5)
        report("done", 1.0)
    with progress_bar("quiet", quiet=True) as report:
        report("ignored", 1.0)
    assert capsys.readouterr().out == ""
