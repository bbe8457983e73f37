"""Hybrid retrieval: BM25 (store full-text index) + dense (cosine) lists merged by reciprocal rank fusion.

RRF needs no score calibration between the two lists, which have incomparable scales (BM25 vs cosine).
Routing (``rag/routing.py``) or the user's document filter hands over the documents to search: one is a
filter; several are each searched on their own and their lists interleaved, so a large document cannot
crowd a small one out of the top-k when the question names both.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from aiworks.providers.embedders import Embedder
from aiworks.rag.stores.base import VectorStore, search_lists
from aiworks.rag.types import Hit

RRF_K = 60  # the constant from Cormack et al. (2009); damps the influence of the very top ranks


def rrf(lists: list[list[Hit]], k: int, rrf_k: int = RRF_K, weights: list[float] | None = None) -> list[Hit]:
    scores: dict[tuple[str, int], float] = {}
    first: dict[tuple[str, int], Hit] = {}
    for li, hits in enumerate(lists):
        w = 1.0 if weights is None else 2.0 * weights[li]  # equal weights (0.5, 0.5) == plain RRF
        for rank, hit in enumerate(hits):
            key = (hit.chunk.document_id, hit.chunk.index)
            scores[key] = scores.get(key, 0.0) + w / (rrf_k + rank + 1)
            first.setdefault(key, hit)
    order = sorted(scores, key=lambda key: (-scores[key], key))
    return [Hit(chunk=first[key].chunk, document_name=first[key].document_name, score=scores[key]) for key in order[:k]]


@dataclass
class Retrieval:
    hits: list[Hit]
    query_vector: np.ndarray
    timings_ms: dict[str, float] = field(default_factory=dict)
    routed: list[str] = field(default_factory=list)  # documents the search was restricted to ([] = all)
    # what the passages were searched with: the question less the part that names its document(s)
    # ("Consider the NDA between X and Y; <question>" → "<question>"); "" = the question itself
    question: str = ""
    # what the answerer scores sentences against: the query vector moved towards the expander's vector when
    # one was searched (None = ``query_vector``)
    answer_vector: np.ndarray | None = None


def interleave(lists: list[list[Hit]], k: int) -> list[Hit]:
    """Round-robin over per-document lists (rank 1 of each, then rank 2 of each, ...)."""
    out: list[Hit] = []
    for rank in range(max((len(x) for x in lists), default=0)):
        out += [x[rank] for x in lists if rank < len(x)]
    return out[:k]


@runtime_checkable
class Expander(Protocol):
    """A learned third list (``rag/exemplars.py``): a vector to search with for this query, or None."""

    weight: float  # its share in the fusion, beside the dense and BM25 lists
    blend: float  # how far the answerer's query vector moves towards that vector (0 = not at all)

    def expand(self, qvec: np.ndarray) -> np.ndarray | None: ...


class HybridRetriever:
    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        candidates: int = 30,
        dense_weight: float = 0.5,
        rrf_k: int = RRF_K,
        expander: Expander | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.candidates = candidates  # per list, before fusion
        self.dense_weight = dense_weight  # share of the dense list in the fusion (BM25 gets the rest)
        self.rrf_k = rrf_k
        self.expander = expander  # None: plain dense + BM25

    def search(self, query: str, k: int, document_ids: list[str] | None = None, each: bool = False) -> Retrieval:
        """Top ``k`` fused hits, optionally only in ``document_ids``; ``each``: search every listed document
        on its own and interleave the lists."""
        # The query is embedded first, on purpose: running BM25 in a thread while it is embedded made both ~2-3x slower
        # on the saturated 2-core box (p50 32 → 56 ms at 100k chunks; see BENCHMARKS.md).
        t0 = time.perf_counter()
        qvec = self.embedder.embed([query])[0]
        t1 = time.perf_counter()
        timings = {"embed": (t1 - t0) * 1e3, "dense": 0.0, "bm25": 0.0}
        extra = self.expander.expand(qvec) if self.expander is not None else None
        groups = [[d] for d in document_ids] if each and document_ids and len(document_ids) > 1 else [document_ids]
        lists = [self._fused(query, qvec, k, ids, timings, extra) for ids in groups]
        hits = lists[0] if len(lists) == 1 else interleave(lists, k)
        retrieval = Retrieval(hits=hits, query_vector=qvec, timings_ms=timings)
        blend = float(getattr(self.expander, "blend", 0.0))
        if extra is not None and blend > 0:
            moved = qvec + blend * extra
            retrieval.answer_vector = (moved / max(float(np.linalg.norm(moved)), 1e-12)).astype(np.float32)
        return retrieval

    def _fused(
        self,
        query: str,
        qvec: np.ndarray,
        k: int,
        document_ids: list[str] | None,
        timings: dict[str, float],
        extra: np.ndarray | None = None,
    ) -> list[Hit]:
        n = max(self.candidates, k)
        dense, lexical, dense_ms, bm25_ms = search_lists(self.store, qvec, query, n, document_ids)
        timings["dense"] += dense_ms
        timings["bm25"] += bm25_ms
        lists, weights = [dense, lexical], [self.dense_weight, 1.0 - self.dense_weight]
        if extra is not None and self.expander is not None:
            t3 = time.perf_counter()
            lists.append(self.store.vector_search(extra, n, document_ids))
            weights.append(self.expander.weight)
            timings["exemplar"] = timings.get("exemplar", 0.0) + (time.perf_counter() - t3) * 1e3
        return rrf(lists, k, self.rrf_k, weights)

    def retrieve(self, query: str, k: int, document_ids: list[str] | None = None) -> list[Hit]:
        return self.search(query, k, document_ids).hits
