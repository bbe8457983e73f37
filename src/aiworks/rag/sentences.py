"""Which retrieved sentences the extractive answerer cites, and in what order (rag/answer.py ``cite``).

``Candidate.score`` decides WHETHER to answer and which sentences may be cited (those within a margin of the best:
abstention and its calibration read only ``score``). Their ORDER is ``rank_score``, computed here for those few
sentences only:
- the dense part embeds each sentence on its own (with its heading / column headers in front) instead of reading
  the vector pooled from its chunk's token outputs at ingest: the pooled vector carries the whole chunk's topic,
  so the sentences of one passage look alike; on its own the sentence that says the thing stands out;
- the lexical part is ``Candidate.lexical`` plus the question terms a sentence only matches by a near form of
  the root ("solicit" / "solicitation", "disclos" / "disclosur"), which the exact root match misses.
The two weights are fitted on LegalBench TRAINING questions and generated contract training sets (seeds 1-3)
by evaluation/sentence_train.py (``make train-sentences``, benchmarks/results/sentence_scorer.json), never on
mini or the reported contract set. When a learned order is registered (rag/sentence_model.py, a cross-encoder
that speaks only for questions like its training ones), its adjustment is added to ``rank_score``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

import numpy as np

from aiworks.rag.evidence import context_roots, question_roots, roots

if TYPE_CHECKING:
    from aiworks.providers.embedders import Embedder
    from aiworks.rag.answer import Candidate

DENSE_SHARE = 0.5  # rank_score = DENSE_SHARE * own-sentence similarity + (1 - DENSE_SHARE) * lexical + ...
NEAR_WEIGHT = 0.2  # ... + NEAR_WEIGHT * idf-weighted share of question terms matched only by a near root
MIN_ROOT = 4  # near roots share at least this many leading characters


class LearnedOrder(Protocol):
    """A trained adjustment of ``rank_score`` per candidate (rag/sentence_model.py)."""

    def adjust(self, question: str, passages: list[str]) -> np.ndarray: ...


def near(a: str, b: str) -> bool:
    """One root, but for its last character, begins the other ("disclos" / "disclosur"); both of 4+ chars."""
    if len(a) < MIN_ROOT or len(b) < MIN_ROOT:
        return False
    return b.startswith(a[: max(MIN_ROOT, len(a) - 1)]) or a.startswith(b[: max(MIN_ROOT, len(b) - 1)])


def near_matches(question: str, cands: list[Candidate], naming: Iterable[str] = ()) -> np.ndarray:
    """Per candidate: the idf-weighted share of the question's terms its text matches only by a near root
    (terms it or its heading match exactly are ``Candidate.lexical``'s; idf over these candidates)."""
    own = [roots(c.text) for c in cands]
    ctx = [context_roots(c.context) for c in cands]
    terms = list(question_roots(question, naming))
    n = len(cands)
    only = {t: [t not in a and t not in b and any(near(t, w) for w in a) for a, b in zip(own, ctx)] for t in terms}
    df = {t: sum((t in a or t in b or o) for a, b, o in zip(own, ctx, only[t])) for t in terms}
    weights = {t: math.log((n + 1) / (0.5 + df[t])) + 1.0 for t in terms if df[t]}
    total = sum(weights.values()) or 1.0
    return np.array([sum(w for t, w in weights.items() if only[t][i]) / total for i in range(n)])


def alone(context: str, text: str) -> str:
    """A sentence as it is read on its own: its context (heading / column headers) in front."""
    return (context + "\n" + text).strip()


def passages(cands: list[Candidate]) -> list[str]:
    return [alone(c.context, c.text) for c in cands]


def own_similarity(embedder: Embedder, cands: list[Candidate], qvec: np.ndarray) -> np.ndarray:
    """Cosine of each sentence embedded on its own (context in front) with the question vector."""
    texts = passages(cands)
    return np.asarray(embedder.embed(texts), dtype=np.float32) @ np.asarray(qvec, dtype=np.float32)


def rank(
    question: str,
    cands: list[Candidate],
    embedder: Embedder,
    qvec: np.ndarray | None = None,
    naming: Iterable[str] = (),
    dense_share: float = DENSE_SHARE,
    near_weight: float = NEAR_WEIGHT,
    learned: LearnedOrder | None = None,
) -> list[Candidate]:
    """``cands`` with ``rank_score`` set, best first (ties keep the ``score`` order); ``learned``: a registered
    model's adjustment is added (rag/sentence_model.py)."""
    if not cands:
        return []
    if qvec is None:
        qvec = embedder.embed([question])[0]
    dense = own_similarity(embedder, cands, qvec)
    extra = near_matches(question, cands, naming)
    add = learned.adjust(question, passages(cands)) if learned is not None else np.zeros(len(cands))
    for c, d, x, y in zip(cands, dense, extra, add):
        c.rank_score = float(dense_share * d + (1 - dense_share) * c.lexical + near_weight * x + y)
    return sorted(cands, key=lambda c: -c.rank_score)


def eligible(cands: list[Candidate], threshold: float, margin: float) -> list[Candidate]:
    """The sentences that may be cited (``cands`` in ``score`` order): at or above the answerer's threshold and
    within ``margin`` of the best ``score``."""
    floor = max(threshold, cands[0].score - margin) if cands else 0.0
    return [c for c in cands if c.score >= floor]


def choose(
    question: str,
    cands: list[Candidate],
    threshold: float,
    margin: float,
    k: int,
    embedder: Embedder,
    qvec: np.ndarray | None = None,
    naming: Iterable[str] = (),
    learned: LearnedOrder | None = None,
) -> list[Candidate]:
    """The ``eligible`` sentences, best ``rank_score`` first, at most ``k``; one such sentence is cited without
    embedding anything."""
    allowed = eligible(cands, threshold, margin)
    if len(allowed) <= 1:
        return allowed[:k]
    return rank(question, allowed, embedder, qvec, naming, learned=learned)[:k]
