"""Score a search function (query, k) → ranked spans on LegalBench-RAG queries; the stable ``--json`` shape."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from aiworks.evaluation.dataset import Query, Span
from aiworks.evaluation.metrics import MERGE_NOTE, at_ks


@dataclass
class EvalResult:
    subset: str
    datasets: dict[str, dict]  # name -> {"queries", "precision": {k: v}, "recall": {k: v}}
    all: dict[str, dict[str, float]]
    chunks: int
    index_seconds: float
    query_p50_ms: float
    extra: dict = field(default_factory=dict)  # routing accuracy, config, notes (not part of the stable shape)

    def to_json(self) -> dict:
        """The stable shape from the issue (tested); values are fractions in [0, 1]."""
        return {
            "subset": self.subset,
            "datasets": self.datasets,
            "ALL": self.all,
            "chunks": self.chunks,
            "index_seconds": round(self.index_seconds, 3),
            "query_p50_ms": round(self.query_p50_ms, 3),
        }


def evaluate(
    search: Callable[[str, int], list[Span]],
    queries: Sequence[Query],
    ks: Sequence[int],
    subset: str,
    chunks: int,
    index_seconds: float,
    progress: Callable[[int], None] | None = None,
) -> EvalResult:
    """Run every query once at max(ks), score the top-k prefix at each k; per-dataset means, ALL = macro mean."""
    kmax = max(ks)
    per: dict[str, dict[int, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    latencies: list[float] = []
    for i, q in enumerate(queries):
        t0 = time.perf_counter()
        spans = search(q.text, kmax)
        latencies.append((time.perf_counter() - t0) * 1000)
        for k, pr in at_ks(spans, q.gold, ks).items():
            per[q.dataset][k].append((pr.precision, pr.recall))
        if progress:
            progress(i + 1)
    datasets = {}
    for name, by_k in per.items():
        datasets[name] = {
            "queries": len(by_k[kmax]),
            "precision": {str(k): float(np.mean([p for p, _ in by_k[k]])) for k in ks},
            "recall": {str(k): float(np.mean([r for _, r in by_k[k]])) for k in ks},
        }
    macro = {
        m: {str(k): float(np.mean([d[m][str(k)] for d in datasets.values()])) if datasets else 0.0 for k in ks}
        for m in ("precision", "recall")
    }
    return EvalResult(
        subset,
        datasets,
        macro,
        chunks,
        index_seconds,
        float(np.median(latencies)) if latencies else 0.0,
        {"note": MERGE_NOTE},
    )
