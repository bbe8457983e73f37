"""Retrieval configurations evaluated on LegalBench-RAG: dense, BM25, hybrid, + routing, + learned ranker.

The in-document hybrid mirrors the assistant's retriever (reciprocal-rank fusion of a dense and a BM25 list);
routing narrows the search to the document(s) the question names before ranking passages inside them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np

from aiworks.evaluation.index import CorpusIndex, EmbeddingCache
from aiworks.rag.route import DocumentRouter, document_part
from aiworks.rag.types import Hit

# "adaptive": questions the learned ranker knows (a similar training question exists) get routed BM25
# candidates reordered by the ranker; novel questions get routed hybrid, embedding the routed document on demand.
Mode = Literal["dense", "bm25", "hybrid", "adaptive"]


@dataclass(frozen=True)
class PipelineConfig:
    name: str
    mode: Mode = "hybrid"
    route_top: int = 0  # 0: search the whole index; n: only the n best-routed documents
    ranker: bool = False  # rerank the first ``candidates`` hits with the learned ranker
    rrf_k: int = 60
    dense_weight: float = 0.5  # weight of the dense list in the fusion (BM25 gets the rest)
    candidates: int = 100

    def params(self) -> dict:
        return asdict(self)


def standard_configs(ranker: bool, **tuned) -> list[PipelineConfig]:
    """The table's rows, in order; ``tuned`` overrides fusion knobs (from the training-split tuning)."""
    rows = [
        PipelineConfig("dense only", mode="dense", **tuned),
        PipelineConfig("BM25 only", mode="bm25", **tuned),
        PipelineConfig("hybrid", mode="hybrid", **tuned),
        PipelineConfig("BM25 + routing", mode="bm25", route_top=1, **tuned),
        PipelineConfig("hybrid + routing", mode="hybrid", route_top=1, **tuned),
    ]
    if ranker:
        rows.append(PipelineConfig("adaptive: routing + (learned ranker or hybrid)", mode="adaptive", route_top=1,
                                   ranker=True, **tuned))
        rows.append(PipelineConfig("BM25 + routing + learned ranker", mode="bm25", route_top=1, ranker=True,
                                   **tuned))
        rows.append(PipelineConfig("hybrid + routing + learned ranker", mode="hybrid", route_top=1, ranker=True,
                                   **tuned))
    return rows


def _ranks(scores: np.ndarray) -> np.ndarray:
    """0-based rank of every entry (0 = best)."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.int64)
    ranks[order] = np.arange(len(scores))
    return ranks


class Searcher:
    """Runs one PipelineConfig over a CorpusIndex; ``search`` returns ranked Hits (top ``k``)."""

    def __init__(self, index: CorpusIndex, router: DocumentRouter | None, embedder, config: PipelineConfig,
                 ranker=None, cache: EmbeddingCache | None = None) -> None:
        if config.mode in ("dense", "hybrid") and not config.route_top and index.vectors_ is None:
            raise ValueError("dense/hybrid search over the whole index needs an embedded index")
        if config.route_top and router is None:
            raise ValueError("routing needs a router")
        if config.ranker and ranker is None:
            raise ValueError("config asks for the learned ranker but none is loaded")
        self.index, self.router, self.embedder = index, router, embedder
        self.config, self.ranker, self.cache = config, ranker, cache

    def query_vector(self, text: str) -> np.ndarray:
        # Never cached: embedding the question is part of the latency a user sees.
        return self.embedder.embed([text])[0]

    def scores(self, query: str, mode: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, fused scores) of the candidate chunks for ``query``."""
        cfg, idx = self.config, self.index
        mode = mode or cfg.mode
        if cfg.route_top:
            docs = [r.document_id for r in self.router.route(query, cfg.route_top)]
            rows = idx.rows_of(docs)
            text = query.partition(";")[2].strip() if document_part(query) != query else query
        else:
            rows, text = np.arange(len(idx.chunks_)), query
        if len(rows) == 0:
            return rows, np.zeros(0, dtype=np.float32)
        if mode == "bm25":
            return rows, idx.bm25_.score(text, rows)
        if idx.vectors_ is None or not idx.embedded_[rows].all():
            idx.embed(self.embedder, self.cache, rows=rows)  # routed documents are embedded on first use
        dense = idx.vectors_[rows] @ self.query_vector(text)
        if mode == "dense":
            return rows, dense
        bm = idx.bm25_.score(text, rows)
        fused = cfg.dense_weight / (cfg.rrf_k + 1 + _ranks(dense)) + (1 - cfg.dense_weight) / (
            cfg.rrf_k + 1 + _ranks(bm))
        return rows, fused.astype(np.float32)

    def search(self, query: str, k: int) -> list[Hit]:
        rerank = self.config.ranker
        if self.config.mode == "adaptive":
            rerank = self.ranker.knows(query)
            rows, scores = self.scores(query, "bm25" if rerank else "hybrid")
        else:
            rows, scores = self.scores(query)
        n = max(k, self.config.candidates if rerank else k)
        top = rows[np.argsort(-scores, kind="stable")[:n]]
        order_scores = np.sort(scores)[::-1][:n]
        hits = [Hit(self.index.chunks_[r], self.index.chunks_[r].document_id, float(s))
                for r, s in zip(top, order_scores)]
        if rerank:
            head = self.ranker.rerank(query, hits[: self.config.candidates])
            hits = head + hits[self.config.candidates :]
        return hits[:k]
