"""Assistant benchmark (writes benchmarks/results/bench_rag.json).

1. ingest: pages/s end-to-end (parse → chunk → embed → store) vs the embedding-only bound (the same passages
   through the embedder alone: all-MiniLM-L6-v2 on ONNX Runtime by default, ``--embedder minilm`` for the
   PyTorch path); target ≥ 80 % of the bound.
2. retrieval: hybrid (BM25 + dense + RRF) latency p50/p95 at 10k and 100k chunks, query embedding by the real
   MiniLM included. Chunk texts are synthetic (Zipf-distributed legal vocabulary) and vectors random unit
   vectors: fine for latency, meaningless for quality. Target p50 < 30 ms at 100k.
3. answer: extractive answering p50 on the demo contracts; target < 100 ms.
4. calibrate: best extractive sentence score on our own answerable / unanswerable questions about the demo
   contracts (samples.CALIBRATION_*), and the abstention threshold halfway between the two groups.

    PYTHONPATH=src python benchmarks/bench_rag.py [--copies 8] [--scales 10000,100000] [--only ingest,...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from aiworks.providers.embedders import Embedder, load_embedder  # noqa: E402
from aiworks.rag.assistant import Assistant  # noqa: E402
from aiworks.rag.chunk import chunk_text  # noqa: E402
from aiworks.rag.index import context_prefix, parse_and_chunk  # noqa: E402
from aiworks.rag.parse import parse_file  # noqa: E402
from aiworks.rag.retrieve import HybridRetriever  # noqa: E402
from aiworks.rag.samples import (
    CALIBRATION_ANSWERABLE,
    CALIBRATION_UNANSWERABLE,
    SAMPLES,  # noqa: E402
    write_contract,
    write_sample_contracts,
)
from aiworks.settings import Settings  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "bench_rag.json"


def pct(values, q):
    return round(float(np.percentile(values, q)), 2)


def corpus(dest: Path, copies: int, long: bool = False) -> list[Path]:
    """``copies`` variants of each sample contract (party names changed, so every file is new content).
    ``long``: instead, ``copies`` files of ~12 pages each (all three contracts' clauses, twice)."""

    def vary(blocks, i):
        return [(h, b.replace("Party", f"Party-{i}") if isinstance(b, str) else b) for h, b in blocks]

    if long:
        merged = [block for _ in range(2) for blocks in SAMPLES.values() for block in blocks + [("PAGE", None)]]
        return [write_contract(vary(merged, i), dest / f"long_{i}.pdf") for i in range(copies)]
    return [
        write_contract(vary(blocks, i), dest / f"{Path(name).stem}_{i}.pdf")
        for i in range(copies)
        for name, blocks in SAMPLES.items()
    ]


def bench_ingest(emb: Embedder, copies: int, repeats: int, long: bool = False) -> dict:
    work = Path(tempfile.mkdtemp(prefix="bench_ingest_"))
    paths = corpus(work / "docs", copies, long)
    settings = Settings(home=work / "home")
    texts, pages = [], 0
    for p in paths:
        doc = parse_file(p)
        pages += len(doc.pages)
        prefix = context_prefix(doc)
        texts += [
            prefix + c.text
            for c in chunk_text(doc.text, doc.pages, "x", settings.chunk_words, settings.chunk_overlap_words)
        ]
    runs = []
    for r in range(repeats):  # alternate bound and end-to-end so machine load hits both alike
        t = time.perf_counter()
        for p in paths:  # parse + chunk alone, in this process: the work the pipeline must hide
            parse_and_chunk(p, p.name, "x", settings.chunk_words, settings.chunk_overlap_words)
        parse_s = time.perf_counter() - t
        t = time.perf_counter()
        emb.embed(texts)
        bound_s = time.perf_counter() - t
        assistant = Assistant(settings, f"run{r}{'long' if long else ''}", embedder=emb)
        t = time.perf_counter()
        reports = assistant.ingest(paths)
        e2e_s = time.perf_counter() - t
        assert all(x.status == "ingested" for x in reports), reports
        runs.append(
            {
                "bound_s": round(bound_s, 3),
                "e2e_s": round(e2e_s, 3),
                "ratio": round(bound_s / e2e_s, 3),
                "parse_only_s": round(parse_s, 3),
                "loadavg_1m": round(os.getloadavg()[0], 2),
            }
        )
    bound = statistics.median(r["bound_s"] for r in runs)
    e2e = statistics.median(r["e2e_s"] for r in runs)
    return {
        "files": len(paths),
        "pages": pages,
        "passages": len(texts),
        "runs": runs,
        "embedding_only_passages_per_s": round(len(texts) / bound, 2),
        "embedding_only_pages_per_s": round(pages / bound, 2),
        "end_to_end_pages_per_s": round(pages / e2e, 2),
        "parse_only_pages_per_s": round(pages / statistics.median(r["parse_only_s"] for r in runs), 2),
        "ratio_median": statistics.median(r["ratio"] for r in runs),
        "target_ratio": 0.8,
    }


def synthetic_store(path: Path, n: int, dim: int, seed: int = 0):
    from aiworks.rag.stores.lance import LanceStore
    from aiworks.rag.types import Chunk

    rng = np.random.default_rng(seed)
    vocab = sorted(
        {
            w.lower().strip('.,;:()"')
            for blocks in SAMPLES.values()
            for _, b in blocks
            if isinstance(b, str)
            for w in b.split()
        }
        - {""}
    )
    vocab += [f"term{i}" for i in range(20000)]
    prob = 1.0 / np.arange(1, len(vocab) + 1)
    prob /= prob.sum()
    store = LanceStore(path, dim)
    all_vecs = []
    for b in range(0, n, 20000):
        m = min(20000, n - b)
        words = rng.choice(len(vocab), size=(m, 100), p=prob)
        texts = [" ".join(vocab[j] for j in row) for row in words]
        vec = rng.normal(size=(m, dim)).astype(np.float32)
        vec /= np.linalg.norm(vec, axis=1, keepdims=True)
        all_vecs.append(vec)
        # through the public store API, 40 chunks per synthetic document, one commit per batch
        docs = []
        for first in range(0, m, 40):
            d = f"doc{(b + first) // 40}"
            chunks = [
                Chunk(
                    d, (b + i) % 40, ((b + i) % 40) * 700, ((b + i) % 40) * 700 + 690, 1 + ((b + i) % 40) // 3, texts[i]
                )
                for i in range(first, min(first + 40, m))
            ]
            docs.append((d, f"{d}.pdf", chunks, vec[first : first + len(chunks)], None))
        store.replace_documents(docs)
    t = time.perf_counter()
    store.optimize()  # FTS index, and the ANN index above ANN_MIN_ROWS
    return store, time.perf_counter() - t, np.vstack(all_vecs)


def bench_retrieval(emb: Embedder, n: int, k: int = 8) -> dict:
    store, index_s, vectors = synthetic_store(Path(tempfile.mkdtemp(prefix=f"bench_store_{n}_")), n, emb.dim)
    retriever = HybridRetriever(store, emb)
    queries = CALIBRATION_ANSWERABLE + CALIBRATION_UNANSWERABLE
    for q in queries[:5]:
        retriever.search(q, k)  # warm caches
    totals, parts = [], {"embed": [], "dense": [], "bm25": [], "fuse": []}
    for _ in range(2):
        for q in queries:
            t = time.perf_counter()
            r = retriever.search(q, k)
            totals.append((time.perf_counter() - t) * 1e3)
            for key in parts:
                parts[key].append(r.timings_ms[key])
    indices = [i.index_type for i in store._table.list_indices()]
    # dense recall@k of the store (ANN above ANN_MIN_ROWS) against exact search, on random query vectors
    # (random data is the hard case for IVF: real embeddings cluster, so probed partitions hold more neighbours)
    rng, recalls = np.random.default_rng(7), []
    for _ in range(30):
        q = rng.normal(size=emb.dim).astype(np.float32)
        q /= np.linalg.norm(q)
        exact = set(np.argsort(-(vectors @ q))[:30].tolist())
        got = {
            int(h.chunk.document_id[3:]) * 40 + h.chunk.index  # row number of the synthetic chunk
            for h in store.vector_search(q, 30)
        }
        recalls.append(len(exact & got) / 30)
    return {
        "chunks": n,
        "queries": len(totals),
        "index_build_s": round(index_s, 1),
        "indices": indices,
        "dense_recall_at_30": round(float(np.mean(recalls)), 3),
        "p50_ms": pct(totals, 50),
        "p95_ms": pct(totals, 95),
        "components_p50_ms": {key: pct(v, 50) for key, v in parts.items()},
    }


def demo_assistant(emb: Embedder) -> Assistant:
    work = Path(tempfile.mkdtemp(prefix="bench_demo_"))
    assistant = Assistant(Settings(home=work / "home"), "demo", embedder=emb)
    assistant.ingest(write_sample_contracts(work / "docs"))
    return assistant


def bench_answer(assistant: Assistant, repeats: int = 3) -> dict:
    answer, retrieve = [], []
    for _ in range(repeats):
        for q in CALIBRATION_ANSWERABLE + CALIBRATION_UNANSWERABLE:
            a = assistant.ask(q)
            answer.append(a.timings_ms["answer"])
            retrieve.append(a.timings_ms["retrieve"])
    return {
        "questions": len(answer),
        "answer_p50_ms": pct(answer, 50),
        "answer_p95_ms": pct(answer, 95),
        "retrieve_p50_ms": pct(retrieve, 50),
        "target_answer_p50_ms": 100,
    }


def calibrate(assistant: Assistant) -> dict:
    def best(q):
        cands = assistant.answerer.candidates(q, assistant.retriever.retrieve(q, assistant.settings.top_k))
        return round(cands[0].score, 4) if cands else 0.0

    pos = {q: best(q) for q in CALIBRATION_ANSWERABLE}
    neg = {q: best(q) for q in CALIBRATION_UNANSWERABLE}
    lo, hi = max(neg.values()), min(pos.values())
    return {
        "answerable": pos,
        "unanswerable": neg,
        "max_unanswerable": lo,
        "min_answerable": hi,
        "separable": hi > lo,
        "suggested_threshold": round((lo + hi) / 2, 3),
        "threshold_in_use": assistant.answerer.threshold,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=8, help="variants of the 3 sample contracts to ingest")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scales", default="10000,100000")
    ap.add_argument("--only", default="ingest,retrieval,answer,calibrate")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--embedder", default=None, help="embedder spec (default: the settings' default)")
    ap.add_argument("--ann-partitions", type=int, default=None, help="override the IVF partition count (experiments)")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    only = set(args.only.split(","))
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    emb = load_embedder(Settings(), args.embedder)
    emb.embed(["warm up the model"])
    results["machine"] = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "embedder": emb.name,
        "embed_threads": getattr(emb, "threads", None),
    }
    if "ingest" in only:
        results["ingest"] = bench_ingest(emb, args.copies, args.repeats)
        print(json.dumps(results["ingest"], indent=1), flush=True)
        results["ingest_long_docs"] = bench_ingest(emb, max(2, args.copies // 2), args.repeats, long=True)
        print(json.dumps(results["ingest_long_docs"], indent=1), flush=True)
    if "retrieval" in only:
        key = "retrieval"
        if args.ann_partitions:
            from lancedb.index import IvfFlat

            import aiworks.rag.stores.lance as lance_store

            lance_store._ann_config = lambda rows: IvfFlat(distance_type="cosine", num_partitions=args.ann_partitions)
            key = f"retrieval_ivf{args.ann_partitions}"
        results[key] = [bench_retrieval(emb, int(n)) for n in args.scales.split(",")]
        print(json.dumps(results[key], indent=1), flush=True)
    if only & {"answer", "calibrate"}:
        assistant = demo_assistant(emb)
        if "calibrate" in only:
            results["calibration"] = calibrate(assistant)
            print(json.dumps(results["calibration"], indent=1), flush=True)
        if "answer" in only:
            results["answer"] = bench_answer(assistant)
            print(json.dumps(results["answer"], indent=1), flush=True)
    results["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
