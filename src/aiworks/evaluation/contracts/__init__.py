"""The project's own contract QA set: generated documents + questions with gold spans.

``generate(dest, seed)`` writes the documents and returns a ``ContractSet`` whose questions (from
``questions.yaml``, placeholders filled from the seed's facts) carry the exact text a right answer must cite.
Seed 0 is the reported set; any other seed is a training set (different parties, values and wording) for
calibration. New question kinds (comparisons, follow-ups, summaries) are new ``kind`` values in the YAML;
fields this module does not know are kept in ``Question.extra``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aiworks.evaluation.contracts import lease, msa, nda, saas
from aiworks.evaluation.contracts.facts import make_facts
from aiworks.evaluation.contracts.render import Spec, write

QUESTIONS_FILE = Path(__file__).with_name("questions.yaml")
REPORTED_SEED = 0
BUILDERS = (saas.saas, msa.msa, nda.nda, lease.lease, lease.amendment)


@dataclass
class Question:
    id: str
    kind: str  # "fact" | "unanswerable" (later: "comparison", "followup", "summary", ...)
    category: str  # for the per-category breakdown: table, clause, definition, long, docx, scanned, columns, ...
    question: str
    document: str | None = None  # file the answer lives in (None for unanswerable)
    gold: list[str] = field(default_factory=list)  # every string must appear inside one top-2 citation
    extra: dict = field(default_factory=dict)

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"


@dataclass
class ContractSet:
    seed: int
    files: list[Path]
    questions: list[Question]
    facts: dict


# Question sets of other kinds live in their own modules (each ``questions(facts, seed) -> list[Question]``) and
# are scored by their own benchmarks, so bench_qa's set stays as it is: name → module.
QUESTION_SETS = {
    "kinds": "aiworks.evaluation.contracts.kinds_set",  # comparisons, per-document, summaries
    "followups": "aiworks.evaluation.contracts.followups",  # follow-ups in conversations (bench_followups.py)
}


def extra_questions(name: str, facts: dict, seed: int = REPORTED_SEED) -> list[Question]:
    import importlib

    return importlib.import_module(QUESTION_SETS[name]).questions(facts, seed)


def specs(seed: int) -> list[Spec]:
    facts = make_facts(seed)
    return [build(facts) for build in BUILDERS]


def load_questions(facts: dict, path: Path = QUESTIONS_FILE, seed: int = REPORTED_SEED) -> list[Question]:
    """Questions with placeholders filled. A question may list several phrasings: the reported seed asks the
    first, training seeds cycle through the others, so calibration never sees the reported wording only."""
    import yaml

    known = {"id", "kind", "category", "question", "document", "gold"}
    out = []
    for item in yaml.safe_load(path.read_text(encoding="utf-8")):
        phrasings = item["question"] if isinstance(item["question"], list) else [item["question"]]
        text = (
            phrasings[0]
            if seed == REPORTED_SEED or len(phrasings) == 1
            else phrasings[1 + (seed - 1) % (len(phrasings) - 1)]
        )
        gold = item.get("gold", [])
        gold = [gold] if isinstance(gold, str) else gold
        out.append(
            Question(
                id=item["id"],
                kind=item.get("kind", "fact"),
                category=item.get("category", "clause"),
                question=text.format(**facts),
                document=item.get("document"),
                gold=[g.format(**facts) for g in gold],
                extra={k: v for k, v in item.items() if k not in known},
            )
        )
    return out


def generate(dest: Path, seed: int = REPORTED_SEED) -> ContractSet:
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    facts = make_facts(seed)
    files = [write(build(facts), dest, seed) for build in BUILDERS]
    return ContractSet(seed, files, load_questions(facts, seed=seed), facts)
