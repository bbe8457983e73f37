"""Training data for the learned ranker: (query, candidate) feature rows labelled by gold overlap.

Only document-disjoint training queries are used (full-benchmark queries whose documents are not in mini);
exemplar features for a training query leave its own document out, so they look exactly like they will on an
unseen document.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from aiworks.evaluation.dataset import Query
from aiworks.evaluation.metrics import merge_spans
from aiworks.rag.ltr import Exemplar, ExemplarMemory, features, question_part
from aiworks.rag.types import Hit


def exemplars_of(queries: Sequence[Query], read: Callable[[str], str]) -> list[Exemplar]:
    out = []
    texts: dict[str, str] = {}
    for q in queries:
        text = texts.setdefault(q.file, read(q.file))
        passage = " ".join(text[s.start : s.end] for s in q.gold)
        out.append(Exemplar(question_part(q.text), q.file, passage))
    return out


def label(hit: Hit, gold: dict[str, list[tuple[int, int]]], grades: int = 4) -> int:
    """Graded relevance = share of the chunk's characters that are gold, in 0..grades (precision, so the
    ranker learns to put tight, on-target passages first: that is what P@1 measures)."""
    ivs = gold.get(hit.chunk.document_id, [])
    a, b = hit.chunk.start, hit.chunk.end
    covered = sum(max(0, min(b, e) - max(a, s)) for s, e in ivs)
    return int(round(grades * covered / max(b - a, 1)))


@dataclass
class RankData:
    X: np.ndarray
    y: np.ndarray
    groups: list[int]
    queries: list[Query]


def build_rank_data(
    search: Callable[[str, int], list[Hit]],
    queries: Sequence[Query],
    memory: ExemplarMemory,
    candidates: int,
    progress: Callable[[int], None] | None = None,
) -> RankData:
    Xs, ys, groups, kept = [], [], [], []
    for i, q in enumerate(queries):
        hits = search(q.text, candidates)
        if hits:
            gold = merge_spans(q.gold)
            Xs.append(features(memory, q.text, hits, exclude_document=q.file))
            ys.append(np.array([label(h, gold) for h in hits]))
            groups.append(len(hits))
            kept.append(q)
        if progress:
            progress(i + 1)
    return RankData(np.vstack(Xs), np.concatenate(ys), groups, kept)


def split_by_document(queries: Sequence[Query], valid_share: float = 0.25, seed: int = 0):
    """Train/validation split of training queries with disjoint documents (for tuning)."""
    rng = np.random.default_rng(seed)
    docs = sorted({q.file for q in queries})
    rng.shuffle(docs)
    valid = set(docs[: max(1, int(len(docs) * valid_share))])
    return [q for q in queries if q.file not in valid], [q for q in queries if q.file in valid]
