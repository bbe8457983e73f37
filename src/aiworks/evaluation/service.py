"""``aiworks eval`` on the product path: the benchmark corpus goes through ``Assistant.ingest`` (parse → chunk
→ embed → LanceDB) into a workspace under the eval home, and each query is answered by ``Assistant.search``
(routing → hybrid retrieval → ranker) and the assistant's own answerer.

Two rankings are scored per query with the benchmark's character-level metrics:
- ``retrieved``: the passages ``Assistant.search`` returns, in order;
- ``cited`` (the headline, decided before any number was seen): what a user is shown first - the answer's
  citations (exact sentence spans), then its closest passages, then the retrieved passages. The closest passages
  (rag/closest.py) are new in the 2026-12-02 session: an abstention used to show the user nothing, so it counted
  as ``cited`` == ``retrieved``; it now shows the best one or two candidate sentences, labelled as possibly not
  answering, and what the user is shown first is what this ranking scores. A confident answer has none, so only
  abstentions score differently from before (cited P@1 is not comparable across that change).

Embeddings go through a content-addressed cache (``providers/cache.py``) under ``<home>/cache/embeddings``,
so a re-run (even into a fresh workspace) embeds nothing it has embedded before.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from aiworks.evaluation.dataset import (
    BenchmarkError,
    Query,
    Span,
    corpus_files,
    load_queries,
)
from aiworks.evaluation.runner import EvalResult, evaluate
from aiworks.rag.types import Hit
from aiworks.settings import Settings

if TYPE_CHECKING:
    from aiworks.rag.assistant import Assistant

EXPERIMENT = "legalbench-rag"
Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class Corpus:
    assistant: Assistant
    file_of: dict[str, str]  # workspace document id → benchmark file ("maud/x.txt")
    chunks: int
    seconds: float  # ingestion wall time of this run
    embedded: int  # texts the embedder actually ran on (cache misses)
    cached: int  # texts served by the cache


def workspace_for(prefix: str, settings: Settings, embedder_name: str) -> str:
    tag = re.sub(r"[^A-Za-z0-9_.-]", "_", embedder_name)
    return f"{prefix}-{tag}-{settings.chunk_words}-{settings.chunk_overlap_words}"[:64]


def ingest_corpus(
    settings: Settings,
    root: Path,
    files: Sequence[str],
    workspace_prefix: str,
    embedder_spec: str | None = None,
    fresh: bool = False,
    progress: Progress | None = None,
) -> Corpus:
    """Ingest ``files`` (relative to corpus/) with the assistant's own ingestion; unchanged files are kept."""
    from aiworks.providers.cache import cached
    from aiworks.providers.embedders import load_embedder
    from aiworks.rag.assistant import Assistant
    from aiworks.rag.index import document_id_for

    embedder = cached(load_embedder(settings, embedder_spec), settings.home / "cache" / "embeddings")
    workspace = workspace_for(workspace_prefix, settings, embedder.name)
    if fresh:
        shutil.rmtree(settings.workspace_dir(workspace), ignore_errors=True)
    assistant = Assistant(settings, workspace, embedder=embedder)
    paths = [Path(root) / "corpus" / f for f in files]
    t0 = time.perf_counter()
    n = len(paths)

    def note(msg: str, frac: float) -> None:
        if progress:
            progress("ingesting corpus", int(frac * n), n)

    reports = assistant.ingest(paths, progress=note)
    bad = [r for r in reports if r.status == "error"]
    if bad:
        raise BenchmarkError(f"{len(bad)} corpus file(s) failed to ingest, e.g. {bad[0].path}: {bad[0].error}")
    file_of = {document_id_for(Path(f).name): f for f in files}
    chunks = sum(d.chunks for d in assistant.documents() if d.id in file_of)
    return Corpus(assistant, file_of, chunks, time.perf_counter() - t0, embedder.misses, embedder.hits)


def searcher(corpus: Corpus, cite: bool) -> Callable[[str, int], list[Span]]:
    """Query → ranked spans through the product path (``cite``: the answer's citations, or an abstention's
    closest passages, first)."""
    assistant = corpus.assistant

    def spans(question: str, k: int) -> list[Span]:
        retrieval = assistant.search(question, k)
        out = [
            Span(corpus.file_of.get(h.chunk.document_id, h.chunk.document_id), h.chunk.start, h.chunk.end)
            for h in retrieval.hits
        ]
        if cite:  # exactly what ``aiworks ask`` answers (its own top-k search, masking, answerer)
            answer = assistant.ask(question)
            out = [
                Span(corpus.file_of.get(c.document_id, c.document_id), c.start, c.end)
                for c in answer.citations + answer.closest
            ] + out
        return out

    return spans


def as_files(corpus: Corpus, hits: list[Hit]) -> list[Hit]:
    """Hits whose ``document_id`` is the benchmark file (what training labels and exemplars are keyed by)."""
    return [
        replace(h, chunk=replace(h.chunk, document_id=corpus.file_of.get(h.chunk.document_id, h.chunk.document_id)))
        for h in hits
    ]


def run(
    corpus: Corpus, queries: Sequence[Query], ks: Sequence[int], subset: str, progress: Progress | None = None
) -> dict[str, EvalResult]:
    out = {}
    for name, cite in (("retrieved", False), ("cited", True)):
        out[name] = evaluate(
            searcher(corpus, cite),
            queries,
            ks,
            subset,
            corpus.chunks,
            corpus.seconds,
            progress=(lambda d, n=name: progress(n, d, len(queries))) if progress else None,
        )
    return out


def routing_accuracy(corpus: Corpus, queries: Sequence[Query]) -> dict[str, float]:
    """Share of queries routed to exactly their gold document (the router may also decline to route)."""
    from collections import Counter

    hits: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for q in queries:
        total[q.dataset] += 1
        routed = corpus.assistant.router.route(q.text).document_ids
        hits[q.dataset] += [corpus.file_of.get(d) for d in routed] == [q.file]
    out = {d: hits[d] / total[d] for d in total}
    out["ALL"] = sum(hits.values()) / max(sum(total.values()), 1)
    return out


def track(settings: Settings, name: str, result: EvalResult, params: dict) -> str:
    from aiworks.lifecycle import tracking

    with tracking.run(settings, EXPERIMENT, run_name=name, params=params) as run_id:
        metrics = {"chunks": result.chunks, "index_seconds": result.index_seconds, "query_p50_ms": result.query_p50_ms}
        for scope, block in [("ALL", result.all)] + list(result.datasets.items()):
            for m in ("precision", "recall"):
                metrics.update({f"{scope}.{m}_at_{k}": v for k, v in block[m].items()})
        tracking.log_metrics(metrics)
    return run_id


def load_benchmark(root: Path, subset: str, datasets: tuple[str, ...]) -> tuple[list[Query], list[str]]:
    queries = load_queries(root, subset, datasets)
    return queries, corpus_files(root, subset, queries)
