"""PostgreSQL backend benchmarks → benchmarks/results/pg_<mode>.json. Needs a running server (`make services`).

keyword:   keyword-only ranking through the assistant (Assistant.ingest, then the store's text_search, the list
           HybridRetriever fuses) on LegalBench-RAG mini: LanceDB BM25 vs PostgreSQL ts_rank vs PostgreSQL BM25.
           Character-level recall/precision@k (evaluation/metrics.py). The hash embedder is used: dense vectors
           play no part in a keyword list, and it keeps ingestion to seconds.
retrieval: hybrid retrieval latency (dense + keyword lists, as HybridRetriever issues them) at N chunks of real
           MiniLM vectors (embedded from LegalBench-RAG corpus chunks, then tiled with small noise to reach N),
           pgvector HNSW vs LanceDB, and the ANN's recall@30 against exact search.
ingest:    ingest throughput of the same files, embedded vs PostgreSQL (hash embedder: the store's share).

  AIWORKS_DATABASE_URL=... python benchmarks/bench_pg.py keyword [--bench ../shared/bench/legalbench-rag]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from aiworks.evaluation.dataset import Span
from aiworks.evaluation.metrics import at_ks
from aiworks.rag.assistant import Assistant
from aiworks.settings import Settings

RESULTS = Path(__file__).parent / "results"
KS = [1, 4, 8, 16, 32]


def _mini(bench: Path, subset: str, max_chars: int) -> tuple[list[dict], list[Path]]:
    tests = json.loads((bench / "mini" / f"{subset}.json").read_text())["tests"]
    files, total = [], 0
    for f in sorted({s["file_path"] for t in tests for s in t["snippets"]}):
        size = (bench / "corpus" / f).stat().st_size
        if total + size > max_chars:
            continue
        files.append(f)
        total += size
    kept = set(files)
    tests = [t for t in tests if all(s["file_path"] in kept for s in t["snippets"])]
    return tests, [bench / "corpus" / f for f in files]


def _load(home: Path, url: str | None, workspace: str, files: list[Path]) -> tuple[Assistant, float]:
    settings = Settings(home=home, embedder="hash", llm="extractive", database_url=url)
    a = Assistant(settings, workspace)
    t0 = time.perf_counter()
    reports = a.ingest(files)
    bad = [r for r in reports if r.status == "error"]
    if bad:
        raise SystemExit(f"ingest failed: {bad[:3]}")
    return a, time.perf_counter() - t0


def keyword(args) -> dict:
    from aiworks.rag.stores.postgres import PgStore

    url = os.environ["AIWORKS_DATABASE_URL"]
    out: dict = {"mode": "keyword", "k": KS, "subsets": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for subset in args.subsets:
            tests, files = _mini(args.bench, subset, args.max_chars)
            ws = f"bench-kw-{subset}-{os.getpid()}"
            lance, t_lance = _load(Path(tmp) / "e", None, ws, files)
            pgb, t_pg = _load(Path(tmp) / "p", url, ws, files)
            stores = {"lance_bm25": lance.store, "pg_ts_rank": PgStore(url, ws, pgb.embedder.dim, rank="ts_rank"),
                      "pg_bm25": pgb.store}
            name_to_file = {p.name: f"{subset}/{p.name}" for p in files}
            res: dict = {"queries": len(tests), "documents": len(files), "chunks": lance.store.count(),
                         "ingest_s": {"embedded": round(t_lance, 2), "postgres": round(t_pg, 2)}, "rankings": {}}
            for label, store in stores.items():
                sums = {k: [0.0, 0.0] for k in KS}
                lat = []
                for t in tests:
                    gold = [Span(s["file_path"], s["span"][0], s["span"][1]) for s in t["snippets"]]
                    t0 = time.perf_counter()
                    hits = store.text_search(t["query"], max(KS))
                    lat.append((time.perf_counter() - t0) * 1e3)
                    spans = [Span(name_to_file[h.document_name], h.chunk.start, h.chunk.end) for h in hits]
                    for k, pr in at_ks(spans, gold, KS).items():
                        sums[k][0] += pr.recall
                        sums[k][1] += pr.precision
                n = max(1, len(tests))
                res["rankings"][label] = {
                    "recall": {str(k): round(v[0] / n, 4) for k, v in sums.items()},
                    "precision": {str(k): round(v[1] / n, 4) for k, v in sums.items()},
                    "p50_ms": round(statistics.median(lat), 2)}
                r = res["rankings"][label]
                print(f"{subset:12s} {label:11s} R@8 {r['recall']['8']:.3f} R@32 {r['recall']['32']:.3f} "
                      f"P@1 {r['precision']['1']:.3f} p50 {r['p50_ms']} ms", flush=True)
            out["subsets"][subset] = res
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["keyword"])
    ap.add_argument("--bench", type=Path, default=Path("../shared/bench/legalbench-rag"))
    ap.add_argument("--subsets", nargs="+", default=["contractnli", "privacy_qa", "maud"])
    ap.add_argument("--max-chars", type=int, default=2_500_000, help="per subset: documents kept until this size")
    args = ap.parse_args()
    t0 = time.perf_counter()
    result = {"mode": args.mode, **{"keyword": keyword}[args.mode](args)}
    result.update(seconds=round(time.perf_counter() - t0, 1), loadavg=os.getloadavg(),
                  date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"pg_{args.mode}.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
