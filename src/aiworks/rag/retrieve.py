"""Hybrid retrieval: BM25 (store full-text index) + dense (cosine) lists merged by reciprocal rank fusion.

RRF needs no score calibration between the two lists, which have incomparable scales (BM25 vs cosine).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from aiworks.providers.embedders import Embedder
from aiworks.rag.stores.base import VectorStore
from aiworks.rag.types import Hit

RRF_K = 60  # the constant from Cormack et al. (2009); damps the influence of the very top ranks


def rrf(lists: list[list[Hit]], k: int, rrf_k: int = RRF_K) -> list[Hit]:
    scores: dict[tuple[str, int], float] = {}
    first: dict[tuple[str, int], Hit] = {}
    for hits in lists:
        for rank, hit in enumerate(hits):
            key = (hit.chunk.document_id, hit.chunk.index)
            scores[key] = scores.get(key, 0.0) + 1.0 / (rrf_k + rank + 1)
            first.setdefault(key, hit)
    order = sorted(scores, key=lambda key: (-scores[key], key))
    return [Hit(chunk=first[key].chunk, document_name=first[key].document_name, score=scores[key])
            for key in order[:k]]


@dataclass
class Retrieval:
    hits: list[Hit]
    query_vector: np.ndarray
    timings_ms: dict[str, float] = field(default_factory=dict)


class HybridRetriever:
    def __init__(self, store: VectorStore, embedder: Embedder, candidates: int = 30) -> None:
        self.store = store
        self.embedder = embedder
        self.candidates = candidates  # per list, before fusion

    def search(self, query: str, k: int, document_ids: list[str] | None = None) -> Retrieval:
        # Sequential on purpose: running BM25 in a thread while the query is embedded made both ~2-3x slower
        # on the saturated 2-core box (p50 32 → 56 ms at 100k chunks; see BENCHMARKS.md).
        t0 = time.perf_counter()
        qvec = self.embedder.embed([query])[0]
        t1 = time.perf_counter()
        n = max(self.candidates, k)
        dense = self.store.vector_search(qvec, n, document_ids)
        t2 = time.perf_counter()
        lexical = self.store.text_search(query, n, document_ids)
        t3 = time.perf_counter()
        hits = rrf([dense, lexical], k)
        timings = {"embed": (t1 - t0) * 1e3, "dense": (t2 - t1) * 1e3, "bm25": (t3 - t2) * 1e3,
                   "fuse": (time.perf_counter() - t3) * 1e3}
        return Retrieval(hits=hits, query_vector=qvec, timings_ms=timings)

    def retrieve(self, query: str, k: int, document_ids: list[str] | None = None) -> list[Hit]:
        return self.search(query, k, document_ids).hits
