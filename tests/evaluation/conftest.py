"""A tiny LegalBench-RAG-shaped benchmark written to a temp folder (same layout and JSON schema).

Each document hides the answers to four recurring questions among filler paragraphs and *decoy* paragraphs
that repeat the questions' words without answering them, so lexical matching alone ranks decoys first while
the answers look alike across documents: exactly what a learned ranker with exemplars should pick up.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

QUESTIONS = {
    "What is the Type of Consideration": "Each share shall be converted into the right to receive {n} dollars "
    "in cash, without interest, payable at closing by the paying agent.",
    "What is the Definition of Knowledge": "Knowledge means the actual awareness, after reasonable inquiry of "
    "direct reports, of the officers listed on schedule {n}.",
    "Is there a Termination Fee": "The company shall pay the buyer {n} million dollars within two business "
    "days if this agreement ends under section {m}.",
    "Which Law governs": "This agreement and all disputes arising from it are subject to the statutes and courts "
    "of the State of {state}.",
}
DECOY = (
    "For the avoidance of doubt, the {w} of this agreement, including any question of type, definition, "
    "consideration, knowledge, termination, fee, law or governs, is addressed in the schedules."
)
FILLER = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et "
    "dolore magna aliqua enim minim veniam quis nostrud exercitation ullamco laboris nisi aliquip"
).split()
PARTIES = [
    "Acme",
    "Borealis",
    "Cobalt",
    "Dynamo",
    "Ember",
    "Fjord",
    "Granite",
    "Helix",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Onyx",
    "Pylon",
    "Quartz",
    "Raven",
    "Sable",
    "Tundra",
]
STATES = ["Delaware", "Nevada", "Texas", "Ohio"]


def _document(rng: random.Random, a: str, b: str) -> tuple[str, dict[str, tuple[int, int]]]:
    paragraphs: list[tuple[str | None, str]] = [(None, f"AGREEMENT AND PLAN OF MERGER between {a} and {b}.")]
    body: list[tuple[str | None, str]] = []
    for _ in range(14):
        body.append((None, " ".join(rng.choice(FILLER) for _ in range(rng.randint(25, 40))).capitalize() + "."))
    for w in ("scope", "purpose", "structure", "meaning"):
        body.append((None, DECOY.format(w=w)))
    for q, template in QUESTIONS.items():
        body.append((q, template.format(n=rng.randint(2, 90), m=rng.randint(5, 9), state=rng.choice(STATES))))
    rng.shuffle(body)
    text, spans = "", {}
    for q, p in paragraphs + body:
        if text:
            text += "\n\n"
        if q:
            spans[q] = (len(text), len(text) + len(p))
        text += p
    return text, spans


def write_benchmark(root: Path, docs_per_dataset: int = 8, mini_docs: int = 2, seed: int = 0) -> Path:
    rng = random.Random(seed)
    names = iter(rng.sample([(a, b) for a in PARTIES for b in PARTIES if a != b], 3 * docs_per_dataset))
    for dataset in ("contractnli", "maud", "privacy_qa"):
        (root / "corpus" / dataset).mkdir(parents=True, exist_ok=True)
        full, mini = [], []
        for i in range(docs_per_dataset):
            a, b = next(names)
            file = f"{dataset}/{a}_{b}.txt"
            text, spans = _document(rng, a, b)
            (root / "corpus" / file).write_text(text, encoding="utf-8")
            for q, (s, e) in spans.items():
                test = {
                    "query": f"Consider the Agreement between {a} and {b}; {q}",
                    "snippets": [{"file_path": file, "span": [s, e], "answer": text[s:e]}],
                }
                full.append(test)
                if i < mini_docs:
                    mini.append(test)
        for folder, tests in (("benchmarks", full), ("mini", mini)):
            (root / folder).mkdir(exist_ok=True)
            (root / folder / f"{dataset}.json").write_text(json.dumps({"tests": tests}))
    return root


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    return write_benchmark(tmp_path_factory.mktemp("bench"))
