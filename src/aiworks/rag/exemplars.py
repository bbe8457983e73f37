"""Exemplar expansion: a third retrieval list from what answered the same question in *other* documents.

Legal questions recur across contracts ("Where is the No-Shop Clause", "Does the document indicate that the
Agreement does not grant the Receiving Party any rights to the Confidential Information?"), and the words of
the answer are often not the words of the question (the no-shop clause is headed "No Solicitation"). Trained
by the engine on document-disjoint training questions (``evaluation/exemplars.py``), the model keeps, per
distinct training question, its embedding and the mean embedding of its gold passages (the *prototype*).

At ask time the question part (the document-naming part removed, as routing does) is embedded anyway; when
it is a near-duplicate of a training question (cosine >= ``min_match``) the prototype is searched as a third
dense list and fused by RRF with the dense and BM25 lists, and the answerer scores sentences against the
question vector moved towards the prototype (``blend``: sentences like the ones that answered it elsewhere
score higher). A question unlike every training question (a
user's own, PrivacyQA's) gets no third list: the model stays out of its way instead of guessing.

The model is bound to the vector space it was built in (embedder name) and to the chunking its fusion weight
was tuned on; the assistant refuses it on a mismatch (``rag/rank.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from aiworks.rag.types import Hit


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 0, n, 1.0)


@dataclass(frozen=True)
class Example:
    question: str  # the question part ("Where is the No-Shop Clause")
    document: str  # which training document answered it (left out when scoring that document's questions)
    vector: np.ndarray  # unit embedding of its gold passage(s)


class ExemplarExpander:
    """Implements the assistant's ``Ranker`` protocol as a pass-through and adds ``expand`` (the third list)."""

    candidate_pool = 0  # reorders nothing after retrieval
    pipeline_: dict  # embedder, chunking, min_match, weight: set by training

    def __init__(self, min_match: float = 0.9, weight: float = 0.5, blend: float = 0.0) -> None:
        self.min_match = min_match  # cosine to the nearest training question needed to expand at all
        self.weight = weight  # the exemplar list's share in the fusion (dense and BM25 keep 0.5 each)
        self.blend = blend  # how far the answerer's query vector moves towards the prototype (0 = not at all)

    def fit(self, question_vectors: dict[str, np.ndarray], examples: Sequence[Example]) -> "ExemplarExpander":
        """``question_vectors``: unit embedding of each distinct training question part."""
        self.questions_ = sorted(question_vectors)
        index = {q: i for i, q in enumerate(self.questions_)}
        self.question_vecs_ = _unit(np.stack([question_vectors[q] for q in self.questions_]).astype(np.float32))
        self.example_q_ = np.array([index[e.question] for e in examples], dtype=np.int64)
        self.example_doc_ = np.array([e.document for e in examples])
        self.example_vecs_ = _unit(np.stack([e.vector for e in examples]).astype(np.float32))
        return self

    def match(self, qvec: np.ndarray) -> tuple[int, float]:
        sims = self.question_vecs_ @ np.asarray(qvec, dtype=np.float32)
        best = int(np.argmax(sims))
        return best, float(sims[best])

    def expand(self, qvec: np.ndarray, exclude_document: str | None = None) -> np.ndarray | None:
        """The prototype to search with, or None when no training question is close enough."""
        best, sim = self.match(qvec)
        if sim < self.min_match:
            return None
        keep = self.example_q_ == best
        if exclude_document is not None:  # training-time scoring: never a document's own gold passages
            keep &= self.example_doc_ != exclude_document
        if not keep.any():
            return None
        return _unit(self.example_vecs_[keep].mean(axis=0))

    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        return list(hits)
