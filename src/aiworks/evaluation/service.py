"""Orchestration behind ``aiworks eval``: build the index, run configurations, track them in MLflow."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from aiworks.evaluation.index import CorpusIndex, EmbeddingCache
from aiworks.evaluation.dataset import Query, corpus_files, load_queries, read_document
from aiworks.evaluation.pipeline import PipelineConfig, Searcher
from aiworks.evaluation.runner import EvalResult, evaluate
from aiworks.rag.route import DocumentRouter
from aiworks.settings import Settings

EXPERIMENT = "legalbench-rag"
Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class Built:
    index: CorpusIndex
    router: DocumentRouter
    embedder: object | None
    cache: EmbeddingCache | None
    seconds: float


def embedding_cache(settings: Settings, embedder) -> EmbeddingCache:
    return EmbeddingCache(settings.home / "cache" / "embeddings", embedder.name)


def build(settings: Settings, root: Path, files: Sequence[str], chunk_words: int, overlap_words: int,
          embedder_spec: str | None, dense: bool = True, progress: Progress | None = None) -> Built:
    """Chunk + BM25 + router over ``files``; embed every chunk when ``dense`` (cached on disk)."""
    t0 = time.perf_counter()
    texts = [read_document(root, f) for f in files]
    index = CorpusIndex(chunk_words, overlap_words).fit(files, texts)
    router = DocumentRouter().fit(files, [f.split("/", 1)[-1] for f in files], texts)
    from aiworks.providers.embedders import load_embedder

    # The embedder loads its model on first use, so routed configurations that embed lazily (or never) pay
    # nothing here; ``dense`` embeds every chunk up front, which whole-index dense search needs.
    embedder = load_embedder(settings, embedder_spec)
    cache = embedding_cache(settings, embedder)
    if dense:
        index.embed(embedder, cache, progress=(lambda d, n: progress("embedding chunks", d, n)) if progress else None)
    return Built(index, router, embedder, cache, time.perf_counter() - t0)


def routing_accuracy(router: DocumentRouter, queries: Sequence[Query]) -> dict[str, float]:
    hits, total = Counter(), Counter()
    for q in queries:
        total[q.dataset] += 1
        hits[q.dataset] += router.route(q.text, 1)[0].document_id == q.file
    out = {d: hits[d] / total[d] for d in total}
    out["ALL"] = sum(hits.values()) / max(sum(total.values()), 1)
    return out


def run_config(settings: Settings, built: Built, config: PipelineConfig, queries: Sequence[Query],
               ks: Sequence[int], subset: str, ranker=None, track: bool = True,
               progress: Progress | None = None, extra_params: dict | None = None) -> EvalResult:
    searcher = Searcher(built.index, built.router, built.embedder, config, ranker=ranker, cache=built.cache)
    result = evaluate(searcher.search, queries, ks, subset, len(built.index.chunks_), built.seconds,
                      progress=(lambda d: progress(config.name, d, len(queries))) if progress else None)
    result.extra["config"] = config.params()
    if track:
        from aiworks.lifecycle import tracking

        params = config.params() | {"subset": subset, "chunk_words": built.index.chunk_words,
                                    "overlap_words": built.index.overlap_words, "queries": len(queries),
                                    "embedder": getattr(built.embedder, "name", "none")} | (extra_params or {})
        with tracking.run(settings, EXPERIMENT, run_name=config.name, params=params) as run_id:
            metrics = {"chunks": result.chunks, "index_seconds": result.index_seconds,
                       "query_p50_ms": result.query_p50_ms}
            for scope, block in [("ALL", result.all)] + [(d, v) for d, v in result.datasets.items()]:
                for m in ("precision", "recall"):
                    metrics.update({f"{scope}.{m}_at_{k}": v for k, v in block[m].items()})
            tracking.log_metrics(metrics)
        result.extra["mlflow_run_id"] = run_id
    return result


def load_benchmark(root: Path, subset: str, datasets: tuple[str, ...]) -> tuple[list[Query], list[str]]:
    queries = load_queries(root, subset, datasets)
    return queries, corpus_files(root, subset, queries)
