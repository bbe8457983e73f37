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


def test_a_row_can_keep_the_wider_pool_with_texts_labels_and_the_eligible_prefix(tmp_path):
    """``top``: the best candidates by ``score`` travel with the row (what a learned order trains on); the
    eligible ones are its first ``eligible`` and carry the same labels and signals as the row itself."""
    from aiworks.evaluation.sentence_train import _row
    from aiworks.rag.assistant import Assistant
    from aiworks.rag.samples import write_sample_contracts
    from aiworks.settings import Settings

    a = Assistant(Settings(home=tmp_path / "home", embedder="hash", llm="extractive"), "ws")
    a.ingest(write_sample_contracts(tmp_path / "docs"))
    question = "What is the notice period for termination?"
    r = a.search(question)

    def label(c) -> float:
        return float("notice" in c.text.lower())

    plain = _row(a.answerer, question, r.hits, r.query_vector, label, "contracts", "g")
    wide = _row(a.answerer, question, r.hits, r.query_vector, label, "contracts", "g", top=6)
    assert plain is not None and wide is not None and plain.extra == {}
    e = wide.extra
    n = e["eligible"]
    assert n == len(wide.labels) and 1 <= n <= len(e["texts"]) <= 6
    assert e["question"] == question and len(e["contexts"]) == len(e["labels"]) == len(e["own"]) == len(e["texts"])
    assert e["scores"] == sorted(e["scores"], reverse=True)  # ``score`` order
    np.testing.assert_allclose(e["labels"][:n], wide.labels)
    np.testing.assert_allclose(e["lexical"][:n], wide.lexical)
    np.testing.assert_allclose(e["own"][:n], wide.own, atol=1e-5)
    assert any(e["labels"]) and any("notice" in t.lower() for t in e["texts"])
