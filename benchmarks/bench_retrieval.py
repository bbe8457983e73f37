"""LegalBench-RAG mini through the product path → benchmarks/results/retrieval.json (+ a markdown table).

The same code as ``aiworks eval retrieval``: the corpus is ingested by ``Assistant.ingest`` into a workspace
under --home (default: a fresh temporary home, i.e. a cold run with an empty embedding cache), every query
goes through ``Assistant.search`` (routing → hybrid → ranker) and the extractive answerer, and the rankings
``cited`` (the answer's citations, then the retrieved passages; the headline) and ``retrieved`` are scored.
Records wall times and the machine's load average (the dev box is shared), next to the issue's targets and
the old in-memory pipeline's numbers (measured once before it was deleted: results/retrieval_old_pipeline.json).

With ``--exemplars`` the run also trains the exemplar expander the way ``aiworks eval train-exemplars`` does
(document-disjoint training questions only; its fusion weight tuned on a sample of training documents),
registers it in the run's home and scores mini again with a fresh Assistant that loads it: both rows are
recorded, and the targets are checked on the registered configuration.

Run from the repo root:  python benchmarks/bench_retrieval.py [--benchmark ../shared/bench/legalbench-rag]
                         [--home DIR (reuse its cache: a warm run)] [--exemplars]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from aiworks.evaluation.dataset import DATASETS
from aiworks.evaluation.metrics import MERGE_NOTE
from aiworks.evaluation.service import (
    ingest_corpus,
    load_benchmark,
    routing_accuracy,
    run,
)
from aiworks.settings import Settings

KS = [1, 2, 4, 8, 16, 32, 64]
TARGETS = {"privacy_qa P@1": 0.35, "privacy_qa R@32": 0.90, "macro R@32": 0.88, "macro P@1": 0.47, "maud R@32": 0.80}
RESULTS = Path(__file__).parent / "results"


def _checks(r: dict) -> dict:
    d = r["datasets"]
    got = {
        "privacy_qa P@1": d["privacy_qa"]["precision"]["1"],
        "privacy_qa R@32": d["privacy_qa"]["recall"]["32"],
        "macro R@32": r["ALL"]["recall"]["32"],
        "macro P@1": r["ALL"]["precision"]["1"],
        "maud R@32": d["maud"]["recall"]["32"],
    }
    return {k: {"target": TARGETS[k], "got": round(v, 4), "met": v >= TARGETS[k]} for k, v in got.items()}


def _row(name: str, r: dict) -> str:
    d = r["datasets"]
    cells = [f"{100 * d[x]['precision']['1']:.1f} / {100 * d[x]['recall']['32']:.1f}" for x in DATASETS]
    return (
        f"| {name} | "
        + " | ".join(cells)
        + f" | {100 * r['ALL']['precision']['1']:.1f} / {100 * r['ALL']['recall']['32']:.1f} |"
    )


def markdown(result: dict) -> str:
    lines = ["| ranking (P@1 / R@32, %) | ContractNLI | MAUD | PrivacyQA | macro |", "|---|---|---|---|---|"]
    for name, r in result["rankings"].items():
        lines.append(_row(f"product path: {name}", r))
    for name, r in result.get("no_learned_component", {}).get("rankings", {}).items():
        lines.append(_row(f"product path, nothing registered: {name}", r))
    for name, r in result.get("old_pipeline", {}).get("configurations", {}).items():
        lines.append(_row(f"old pipeline: {name}", r))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--benchmark", type=Path, default=Path("../shared/bench/legalbench-rag"))
    ap.add_argument("--home", type=Path, default=None, help="default: a fresh temporary home (cold run)")
    ap.add_argument("--embedder", default=None)
    ap.add_argument("--out", type=Path, default=RESULTS / "retrieval.json")
    ap.add_argument("--exemplars", action="store_true", help="also train + register the exemplar expander")
    ap.add_argument("--maud-docs", type=int, default=8, help="MAUD training documents ingested to tune it")
    ap.add_argument("--contractnli-docs", type=int, default=40, help="ContractNLI training documents to tune it")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    home = args.home or Path(tempfile.mkdtemp(prefix="aiworks-bench-retrieval-"))
    settings = Settings(home=home)
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    queries, files = load_benchmark(args.benchmark, "mini", DATASETS)
    corpus = ingest_corpus(settings, args.benchmark, files, "legalbench-mini", args.embedder, fresh=True)
    t1 = time.perf_counter()
    results = run(corpus, queries, KS, "mini")
    t2 = time.perf_counter()
    out = {
        "machine": f"{os.cpu_count()}-core CPU shared with other jobs",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_1_5_15": {"before": load_before, "after": os.getloadavg()},
        "cold": args.home is None,
        "embedder": corpus.assistant.embedder.name,
        "chunk_words": settings.chunk_words,
        "overlap_words": settings.chunk_overlap_words,
        "documents": len(files),
        "chunks": corpus.chunks,
        "embedded": corpus.embedded,
        "cached": corpus.cached,
        "ingest_seconds": round(t1 - t0, 1),
        "query_seconds": round(t2 - t1, 1),
        "total_seconds": round(t2 - t0, 1),
        "note": MERGE_NOTE,
        "routing_exact": routing_accuracy(corpus, queries),
        "headline": "cited",
        "rankings": {name: r.to_json() for name, r in results.items()},
    }
    out["targets"] = _checks(out["rankings"]["cited"])
    if args.exemplars:
        from aiworks.evaluation.exemplars import train_exemplars

        t3 = time.perf_counter()
        report = train_exemplars(
            settings, args.benchmark, {"maud": args.maud_docs, "contractnli": args.contractnli_docs}, args.embedder
        )
        t4 = time.perf_counter()
        # a fresh Assistant over the same mini workspace loads the registered model, as `aiworks ask` would
        registered = ingest_corpus(settings, args.benchmark, files, "legalbench-mini", args.embedder)
        expander = registered.assistant.retriever.expander
        assert expander is not None, registered.assistant.warnings
        embed = registered.assistant.embedder.embed
        with_model = run(registered, queries, KS, "mini")
        out["no_learned_component"] = {"rankings": out["rankings"], "targets": out["targets"]}
        out["rankings"] = {name: r.to_json() for name, r in with_model.items()}
        out["targets"] = _checks(out["rankings"]["cited"])
        out["exemplars"] = {
            "registered": "legal-exemplars",
            "version": report.version,
            "weight": report.weight,
            "blend": report.blend,
            "min_match": report.min_match,
            "training_objective": report.objective,
            "training_cited_objective": report.cited_objective,
            "train_queries": report.train_queries,
            "tune_queries": report.tune_queries,
            "tune_documents": report.tune_documents,
            "train_seconds": round(t4 - t3, 1),
            "query_seconds": round(time.perf_counter() - t4, 1),
            # how many mini questions got the third list (questions only, no labels): PrivacyQA should get none
            "mini_questions_expanded": {
                d: sum(expander.expand(embed([q.question])[0]) is not None for q in queries if q.dataset == d)
                for d in DATASETS
            },
        }
    old = RESULTS / "retrieval_old_pipeline.json"
    if old.exists():
        out["old_pipeline"] = json.loads(old.read_text())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2))
    print(markdown(out))
    print(json.dumps(out["targets"], indent=2))
    print(
        f"cold={out['cold']} ingest {out['ingest_seconds']} s, queries {out['query_seconds']} s, "
        f"load {load_before} → {out['load_average_1_5_15']['after']}; wrote {args.out}"
    )


if __name__ == "__main__":
    main()
