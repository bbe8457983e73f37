"""Contract-drafting word relations (rag/related.py, built by evaluation/related_terms.py) and how the abstention's
key-term check reads them (rag/abstain.py ``present``, rag/answer.py ``absent``)."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from aiworks.evaluation.abstention import share
from aiworks.evaluation.related_terms import pairs, tokens
from aiworks.providers.embedders import HashEmbedder
from aiworks.rag.abstain import ABSTENTION, Abstention
from aiworks.rag.answer import ExtractiveAnswerer
from aiworks.rag.evidence import stem
from aiworks.rag.related import relatedness, table
from aiworks.rag.types import Chunk, Hit


def test_the_shipped_table_relates_contract_paraphrases_and_not_unrelated_words():
    assert len(table()) > 1000
    assert relatedness(stem("late"), {stem("overdue"), stem("tenant")}) >= 0.75
    assert relatedness(stem("penalty"), {stem("fine")}) >= 0.75
    assert relatedness(stem("late"), {stem("tenant"), stem("signage")}) == 0.0
    assert relatedness("notaword", {stem("overdue")}) == 0.0


def test_a_missing_table_leaves_the_check_to_minilm(tmp_path):
    assert table(tmp_path / "absent.tsv.gz") == {}
    path = tmp_path / "t.tsv.gz"
    path.write_bytes(gzip.compress(b"# header\nlate\toverdu\t0.8\n"))
    assert table(path) == {"late": {"overdu": 0.8}, "overdu": {"late": 0.8}}


def test_a_term_counts_as_present_when_closely_worded_or_related():
    rule = Abstention(0.43, 0.25, 0.6, related=0.75)
    assert rule.present(0.61, 0.0) and rule.present(0.3, 0.8) and not rule.present(0.59, 0.74)
    assert not Abstention(0.43, 0.25, 0.6).present(0.59, 0.99)  # relatedness off unless calibrated
    # the shipped MiniLM rule reads relatedness; the hash family (tests, offline) does not
    assert ABSTENTION["minilm"].related <= 1.0 and ABSTENTION["hash"].related > 1.0
    row = {"keys": 4, "missing": [["late", 0.51, 0.8], ["rate", 0.55, 0.0]]}
    assert share(row, rule) == 0.25 and share(row, Abstention(0.43, 0.25, 0.6)) == 0.5
    assert share({"keys": 2, "missing": [["late", 0.51]]}, rule) == 0.5  # rows recorded before relatedness


def test_absent_reports_each_missing_terms_relatedness():
    text = "Overdue amounts bear interest at one percent per month."
    hits = [Hit(Chunk("saas.pdf", 0, 0, len(text), 1, text, "9. Payment"), "saas.pdf", 0.03)]
    answerer = ExtractiveAnswerer(HashEmbedder())
    cands = answerer.candidates("What interest applies to late payments?", hits)
    _, missing = answerer.absent("What interest applies to late payments?", hits, set(), cands)
    by_term = {t: rel for t, _, rel in missing}
    assert by_term["late"] >= 0.75


def test_pairs_keep_only_those_above_the_floor():
    v = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
    found = pairs(["a", "b", "c"], v, 0.7)
    assert found == [("a", "b", 0.8)]
    assert tokens("Overdue amounts, 30 days") == ["overdu", "amount", "day"]


@pytest.mark.slow
def test_a_related_contract_word_answers_on_the_real_embedder(tmp_path):
    from aiworks.providers.embedders import load_embedder
    from aiworks.settings import Settings

    text = "Overdue amounts bear interest at one and a half percent (1.5%) per month until paid."
    hits = [Hit(Chunk("saas.pdf", 0, 0, len(text), 1, text, "9. Payment"), "saas.pdf", 0.03)]
    answerer = ExtractiveAnswerer(load_embedder(Settings(home=tmp_path)))
    d = answerer.diagnose("What interest is charged on late amounts?", hits)
    late = [m for m in d["missing"] if m[0] == "late"]
    assert late and late[0][1] < answerer.rule.word_sim  # MiniLM alone finds no close word for "late" ...
    assert answerer.rule.present(late[0][1], late[0][2])  # ... "overdue" is its contract-drafting relative
    assert d["missing_share"] == 0.0
