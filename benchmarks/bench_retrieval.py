"""LegalBench-RAG retrieval benchmark → benchmarks/results/retrieval.json (+ a markdown table on stdout).

mini: every configuration of the BENCHMARKS.md table (dense, BM25, hybrid, + routing, + learned ranker).
full (--full): all 714 documents; document-routing top-1 accuracy and the configurations that need no
embeddings (embedding ~80M characters with MiniLM on 2 shared CPU cores would take hours).

Run from the repo root:  python benchmarks/bench_retrieval.py [--benchmark ../shared/bench/legalbench-rag] [--full]
The learned ranker rows need `aiworks eval train-ranker` first (it is loaded from the registry under --home).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from aiworks.evaluation.dataset import DATASETS
from aiworks.evaluation.metrics import MERGE_NOTE
from aiworks.evaluation.pipeline import standard_configs
from aiworks.evaluation.service import build, load_benchmark, routing_accuracy, run_config
from aiworks.rag.ltr import load_registered
from aiworks.settings import Settings

KS = [1, 2, 4, 8, 16, 32, 64]
PAPER = {  # LegalBench-RAG paper, RCTS chunking + OpenAI embeddings, no reranker (Table: best method)
    "recall@64": {"contractnli": 0.6172, "maud": 0.2828, "privacy_qa": 0.8419},
    "precision@1": {"contractnli": 0.0663, "maud": 0.0265, "privacy_qa": 0.1438},
}


def _run(settings: Settings, root: Path, subset: str, dense: bool) -> dict:
    queries, files = load_benchmark(root, subset, DATASETS)
    ranker = load_registered(settings)
    tuned = dict(getattr(ranker, "pipeline_", {})) if ranker else {}
    cw, ow = tuned.pop("chunk_words", 80), tuned.pop("overlap_words", 0)
    configs = [c for c in standard_configs(ranker is not None, **tuned) if dense or c.mode in ("bm25", "adaptive")]
    t0 = time.perf_counter()
    built = build(settings, root, files, cw, ow, None, dense=dense)
    out = {"subset": subset, "documents": len(files), "chunks": len(built.index.chunks_), "chunk_words": cw,
           "overlap_words": ow, "index_seconds": built.seconds, "routing_top1": routing_accuracy(built.router, queries),
           "note": MERGE_NOTE, "configurations": {}}
    for cfg in configs:
        res = run_config(settings, built, cfg, queries, KS, subset, ranker=ranker)
        out["configurations"][cfg.name] = res.to_json() | {"config": cfg.params()}
        print(f"{subset} {cfg.name}: R@32 {res.all['recall']['32']:.3f} P@1 {res.all['precision']['1']:.3f}",
              flush=True)
    out["total_seconds"] = time.perf_counter() - t0
    return out


def _markdown(result: dict) -> str:
    lines = ["| configuration | ContractNLI R@64 | MAUD R@64 | PrivacyQA R@64 | macro R@32 | MAUD R@32 | "
             "ContractNLI P@1 | MAUD P@1 | PrivacyQA P@1 | macro P@1 | p50 ms |", "|" + "---|" * 11]
    p = PAPER
    lines.append(f"| paper: RCTS + OpenAI embeddings | {100 * p['recall@64']['contractnli']:.2f} | "
                 f"{100 * p['recall@64']['maud']:.2f} | {100 * p['recall@64']['privacy_qa']:.2f} | – | – | "
                 f"{100 * p['precision@1']['contractnli']:.2f} | {100 * p['precision@1']['maud']:.2f} | "
                 f"{100 * p['precision@1']['privacy_qa']:.2f} | – | – |")
    for name, r in result["configurations"].items():
        d = r["datasets"]
        lines.append(
            f"| {name} | " + " | ".join(f"{100 * d[x]['recall']['64']:.2f}" for x in DATASETS)
            + f" | {100 * r['ALL']['recall']['32']:.2f} | {100 * d['maud']['recall']['32']:.2f} | "
            + " | ".join(f"{100 * d[x]['precision']['1']:.2f}" for x in DATASETS)
            + f" | {100 * r['ALL']['precision']['1']:.2f} | {r['query_p50_ms']:.1f} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--benchmark", type=Path, default=Path("../shared/bench/legalbench-rag"))
    ap.add_argument("--home", type=Path, default=None)
    ap.add_argument("--subsets", default="mini", help="mini, full or mini,full (full runs sparse configs only)")
    ap.add_argument("--no-dense", action="store_true", help="mini without embeddings (sparse rows only)")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "retrieval.json")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    settings = Settings(**({"home": args.home} if args.home else {}))
    out = args.out
    results = json.loads(out.read_text()) if out.exists() else {}  # keep the other subset's numbers
    results |= {"machine": "2-core CPU shared with other jobs", "date": "2026-11-25", "paper": PAPER}
    for subset in args.subsets.split(","):
        results[subset] = _run(settings, args.benchmark, subset, dense=subset == "mini" and not args.no_dense)
        print(_markdown(results[subset]))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
