"""The follow-up question set loads on every seed: each turn stands for a real question of the contract set,
its wording is filled from the seed's facts, and training seeds ask other words than the reported seed."""

from __future__ import annotations

from aiworks.evaluation.contracts import REPORTED_SEED, extra_questions, generate
from aiworks.evaluation.contracts.followups import load_conversations


def test_every_turn_stands_for_a_question_of_the_set_on_each_seed(tmp_path):
    asked = {}
    for seed in (REPORTED_SEED, 1, 2):
        contract_set = generate(tmp_path / str(seed), seed)
        base = {q.id: q for q in contract_set.questions}
        cases = load_conversations(contract_set.facts, seed)
        assert len(cases) >= 10 and sum(t.followup for c in cases for t in c.turns) >= 20
        for case in cases:
            assert not case.turns[0].followup and len(case.turns) >= 2
            for turn in case.turns:
                q = turn.question
                assert "{" not in q.question and q.gold == base[q.extra["as"]].gold and q.document
        asked[seed] = [t.question.question for c in cases for t in c.turns if t.followup]
        flat = extra_questions("followups", contract_set.facts, seed)  # the registered shape
        assert [q.question for q in flat if q.extra["followup"]] == asked[seed]
    assert asked[1] != asked[REPORTED_SEED] and asked[2] != asked[1]
