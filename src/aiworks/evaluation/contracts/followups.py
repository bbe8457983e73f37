"""Follow-up questions in conversations, over the generated contract set (``followups.yaml``).

A conversation is a list of turns asked in order in one thread. Each turn reuses a question of ``questions.yaml``
(its ``as``) for the document and gold text, so a follow-up is scored exactly like the fact question it stands
for; only the wording is conversational ("And the NDA?", "What law governs it?"). Like ``load_questions``, the
reported seed asks each turn's first phrasing and training seeds cycle through the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiworks.evaluation.contracts import REPORTED_SEED, Question, load_questions

FOLLOWUPS_FILE = Path(__file__).with_name("followups.yaml")


@dataclass
class ConversationTurn:
    question: Question  # the turn as asked (text), with the document and gold of the question it stands for
    followup: bool  # a later turn that depends on the thread (False: the first turn, or a complete new question)


@dataclass
class ConversationCase:
    id: str
    turns: list[ConversationTurn]


def _phrasing(phrasings: list[str], seed: int) -> str:
    if seed == REPORTED_SEED or len(phrasings) == 1:
        return phrasings[0]
    return phrasings[1 + (seed - 1) % (len(phrasings) - 1)]


def load_conversations(facts: dict, seed: int = REPORTED_SEED, path: Path = FOLLOWUPS_FILE) -> list[ConversationCase]:
    import yaml

    by_id = {q.id: q for q in load_questions(facts, seed=seed)}
    out = []
    for item in yaml.safe_load(path.read_text(encoding="utf-8")):
        turns = []
        for n, turn in enumerate(item["turns"]):
            base = by_id[turn["as"]]
            followup = bool(n) and turn.get("followup", True)
            question = Question(
                id=f"{item['id']}/{n + 1}:{base.id}",
                kind="followup" if n else "fact",
                category="followup" if followup else "first" if not n else "new",
                question=_phrasing(turn["ask"], seed).format(**facts),
                document=base.document,
                gold=list(base.gold),
                extra={"conversation": item["id"], "turn": n + 1, "followup": followup, "as": base.id},
            )
            turns.append(ConversationTurn(question, followup))
        out.append(ConversationCase(item["id"], turns))
    return out


def questions(facts: dict, seed: int = REPORTED_SEED) -> list[Question]:
    """Every turn as a ``Question``, conversation after conversation, turns in order (``extra`` holds the
    conversation id, the turn number and whether it is a follow-up): the shape other question sets share."""
    return [t.question for case in load_conversations(facts, seed) for t in case.turns]
