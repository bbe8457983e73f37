"""Retrieval configurations evaluated on LegalBench-RAG: dense, BM25, hybrid, + routing, + learned ranker.

The in-document hybrid mirrors the assistant's retriever (reciprocal-rank fusion of a dense and a BM25 list);
routing narrows the search to the document(s) the question names before ranking passages inside them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np

from aiworks.evaluation.index import CorpusIndex, EmbeddingCache, embed_cached
from aiworks.rag.route import DocumentRouter, document_part
from aiworks.rag.types import Hit

Mode = Literal["dense", "bm25", "hybrid"]


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
        PipelineConfig("hybrid + routing", mode="hybrid", route_top=1, **tuned),
    ]
    if ranker:
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
        if config.mode != "bm25" and index.vectors_ is None:
            raise ValueError("dense/hybrid search needs an embedded index")
        if config.route_top and router is None:
            raise ValueError("routing needs a router")
        if config.ranker and ranker is None:
            raise ValueError("config asks for the learned ranker but none is loaded")
        self.index, self.router, self.embedder = index, router, embedder
        self.config, self.ranker, self.cache = config, ranker, cache

    def query_vector(self, text: str) -> np.ndarray:
        return embed_cached(self.embedder, [text], self.cache)[0]

    def scores(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows, fused scores) of the candidate chunks for ``query``."""
        cfg, idx = self.config, self.index
        if cfg.route_top:
            docs = [r.document_id for r in self.router.route(query, cfg.route_top)]
            rows = idx.rows_of(docs)
            text = query.partition(";")[2].strip() if document_part(query) != query else query
        else:
            rows, text = np.arange(len(idx.chunks_)), query
        if len(rows) == 0:
            return rows, np.zeros(0, dtype=np.float32)
        if cfg.mode == "bm25":
            return rows, idx.bm25_.score(text, rows)
        dense = idx.vectors_[rows] @ self.query_vector(text)
        if cfg.mode == "dense":
            return rows, dense
        bm = idx.bm25_.score(text, rows)
        fused = cfg.dense_weight / (cfg.rrf_k + 1 + _ranks(dense)) + (1 - cfg.dense_weight) / (
            cfg.rrf_k + 1 + _ranks(bm))
        return rows, fused.astype(np.float32)

    def search(self, query: str, k: int) -> list[Hit]:
        rows, scores = self.scores(query)
        n = max(k, self.config.candidates if self.config.ranker else k)
        top = rows[np.argsort(-scores, kind="stable")[:n]]
        order_scores = np.sort(scores)[::-1][:n]
        hits = [Hit(self.index.chunks_[r], self.index.chunks_[r].document_id, float(s))
                for r, s in zip(top, order_scores)]
        if self.config.ranker:
            head = self.ranker.rerank(query, hits[: self.config.candidates])
            hits = head + hits[self.config.candidates :]
        return hits[:k]
