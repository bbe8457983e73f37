"""Embedding-only speed of every all-MiniLM-L6-v2 runtime, side by side in one process
(writes benchmarks/results/bench_embed.json).

Passages: ``--passages`` windows of 115-135 words from LegalBench-RAG corpus files (read by path from
``../shared/bench``; the sample contracts when it is absent). Each repetition runs every configuration once,
in turn, so machine load hits all alike; the median is reported with the load average, and each row's speed
relative to the PyTorch path the assistant ran before (``minilm``, 1 thread, batch 64). Also: query latency
(one short question, median) and agreement with PyTorch (cosine mean/min over the passages).

    PYTHONPATH=src python benchmarks/bench_embed.py [--passages 300] [--repeats 3] [--threads 1,2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
RESULTS = ROOT / "benchmarks" / "results" / "bench_embed.json"
CORPUS = ROOT.parent / "shared" / "bench" / "legalbench-rag" / "corpus"


def passages(n: int, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    files = sorted(CORPUS.rglob("*.txt")) if CORPUS.is_dir() else []
    if files:
        words_of = [
            f.read_text(errors="replace").split() for f in rng.choice(files, size=min(60, len(files)), replace=False)
        ]
    else:
        from aiworks.rag.samples import SAMPLES

        words_of = [" ".join(b for _, b in blocks if isinstance(b, str)).split() for blocks in SAMPLES.values()]
    words_of = [w for w in words_of if len(w) > 200]
    out = []
    while len(out) < n:
        words = words_of[int(rng.integers(len(words_of)))]
        size = int(rng.integers(115, 136))
        start = int(rng.integers(0, len(words) - size))
        out.append(" ".join(words[start : start + size]))
    return out


def configs(threads: list[int]):
    from aiworks.providers.embedders import MiniLMEmbedder
    from aiworks.providers.onnx_embedder import OnnxMiniLMEmbedder

    rows = [("minilm (PyTorch) 1 thr bs64", MiniLMEmbedder(batch_size=64, threads=1))]
    for t in threads:
        if t != 1:
            rows.append((f"minilm (PyTorch) {t} thr bs64", MiniLMEmbedder(batch_size=64, threads=t)))
        rows.append((f"minilm-onnx fp32 {t} thr bs32", OnnxMiniLMEmbedder("fp32", 32, t)))
        rows.append((f"minilm-onnx:int8 {t} thr bs1", OnnxMiniLMEmbedder("int8", 1, t)))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--passages", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", default="1,2")
    args = ap.parse_args()
    texts = passages(args.passages)
    query = "Does the agreement require the receiving party to return confidential information?"
    rows = configs([int(t) for t in args.threads.split(",")])
    for _, e in rows:
        e.embed(texts[:8])  # load and warm every model first
    load_start = os.getloadavg()
    speed: dict[str, list[float]] = {n: [] for n, _ in rows}
    qlat: dict[str, list[float]] = {n: [] for n, _ in rows}
    for _ in range(args.repeats):
        for name, e in rows:
            t = time.perf_counter()
            e.embed(texts)
            speed[name].append(len(texts) / (time.perf_counter() - t))
            for _ in range(5):
                t = time.perf_counter()
                e.embed([query])
                qlat[name].append((time.perf_counter() - t) * 1e3)
    ref = rows[0][1].embed(texts)
    base = statistics.median(speed[rows[0][0]])
    out = {}
    for name, e in rows:
        cos = (e.embed(texts) * ref).sum(axis=1)
        med = statistics.median(speed[name])
        out[name] = {
            "passages_per_s": round(med, 2),
            "runs": [round(x, 2) for x in speed[name]],
            "vs_pytorch_1thr": round(med / base, 2),
            "query_p50_ms": round(statistics.median(qlat[name]), 2),
            "cos_vs_pytorch_mean": round(float(cos.mean()), 6),
            "cos_vs_pytorch_min": round(float(cos.min()), 6),
        }
        print(
            f"{name:32s} {med:7.1f} passages/s  x{med / base:.2f}  query {out[name]['query_p50_ms']:.1f} ms  "
            f"cos min {cos.min():.4f}",
            flush=True,
        )
    result = {
        "benchmark": "bench_embed",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.python_version()}",
        "load_avg_start": [round(x, 2) for x in load_start],
        "load_avg_end": [round(x, 2) for x in os.getloadavg()],
        "passages": len(texts),
        "words_per_passage": "115-135",
        "repeats": args.repeats,
        "source": "LegalBench-RAG corpus windows" if CORPUS.is_dir() else "sample contracts",
        "results": out,
        "target": "default embedding-only bound >= 1.7x the PyTorch path at <= 0.5 pt LegalBench-RAG loss",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
