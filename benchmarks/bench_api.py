"""Ask latency over HTTP (p50/p95) with 1 and 20 concurrent clients against the demo corpus.

Starts a real ``aiworks serve`` in a subprocess on 127.0.0.1 (fresh temporary home), uploads the sample
contracts through the API, then times ``POST /api/workspaces/{ws}/ask`` end to end from HTTP clients.
Loops are bounded by request counts and a wall-clock cap. Writes benchmarks/results/bench_api.json.

    PYTHONPATH=src python benchmarks/bench_api.py [--embedder minilm|hash] [--single 40] [--per-client 10]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

from aiworks.api.server import free_port
from aiworks.rag.samples import DEMO_QUESTIONS, UNANSWERABLE_QUESTIONS, write_sample_contracts

WS = "bench"
QUESTIONS = [q for q, _, _ in DEMO_QUESTIONS] + UNANSWERABLE_QUESTIONS
WALL_CAP_S = 300.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[idx]


def summary(latencies_ms: list[float], wall_s: float, errors: int) -> dict:
    return {
        "requests": len(latencies_ms),
        "errors": errors,
        "p50_ms": round(percentile(latencies_ms, 50), 1),
        "p95_ms": round(percentile(latencies_ms, 95), 1),
        "mean_ms": round(statistics.fmean(latencies_ms), 1),
        "max_ms": round(max(latencies_ms), 1),
        "throughput_rps": round(len(latencies_ms) / wall_s, 2),
        "wall_s": round(wall_s, 2),
    }


def start_server(home: Path, port: int, embedder: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "AIWORKS_HOME": str(home),
        "AIWORKS_EMBEDDER": embedder,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    cmd = [sys.executable, "-m", "aiworks.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read().decode())
    proc.terminate()
    raise RuntimeError("server did not start")


def ingest_demo(client: httpx.Client, folder: Path) -> int:
    client.post("/api/workspaces", json={"name": WS}).raise_for_status()
    files = [("files", (p.name, p.read_bytes(), "application/pdf")) for p in write_sample_contracts(folder)]
    res = client.post(f"/api/workspaces/{WS}/documents", files=files).json()["files"]
    for r in res:
        if not r.get("job_id"):
            raise RuntimeError(f"upload of {r.get('name')} was not accepted: {r}")
        while True:
            reply = client.get(f"/api/workspaces/{WS}/jobs/{r['job_id']}")
            job = reply.json()
            if reply.status_code != 200 or "status" not in job:  # say what came back instead of a KeyError
                raise RuntimeError(f"GET job {r['job_id']}: HTTP {reply.status_code} {job}")
            if job["status"] in ("done", "error"):
                assert job["status"] == "done", job
                break
            time.sleep(0.2)
    return len(res)


def ask_loop(base: str, n: int, offset: int, out: list[float], errors: list[int], stop_at: float) -> None:
    with httpx.Client(base_url=base, timeout=120) as client:
        for i in range(n):
            if time.monotonic() > stop_at:
                return
            q = QUESTIONS[(offset + i) % len(QUESTIONS)]
            t0 = time.perf_counter()
            r = client.post(f"/api/workspaces/{WS}/ask", json={"question": q})
            elapsed = (time.perf_counter() - t0) * 1e3
            if r.status_code == 200 and "citations" in r.json():
                out.append(elapsed)
            else:
                errors.append(r.status_code)


def run(clients: int, per_client: int, base: str) -> dict:
    latencies: list[float] = []
    errors: list[int] = []
    stop_at = time.monotonic() + WALL_CAP_S
    threads = [
        threading.Thread(target=ask_loop, args=(base, per_client, c, latencies, errors, stop_at))
        for c in range(clients)
    ]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"clients": clients, **summary(latencies, time.perf_counter() - t0, len(errors))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--embedder", default="minilm", help="minilm (the demo's) or hash (no model)")
    ap.add_argument("--single", type=int, default=40, help="requests for the 1-client run")
    ap.add_argument("--per-client", type=int, default=10, help="requests per client in the 20-client run")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "bench_api.json")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        server = start_server(Path(tmp) / "home", port, args.embedder)
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=300) as client:
                docs = ingest_demo(client, Path(tmp) / "samples")
            run(1, 5, base)  # warm-up: model load, index open, caches
            single = run(1, args.single, base)
            concurrent = run(20, args.per_client, base)
        finally:
            server.terminate()
            server.wait(timeout=30)

    result = {
        "benchmark": "ask latency over HTTP (POST /api/workspaces/{ws}/ask, JSON, citations + highlights)",
        "date": datetime.now(timezone.utc).date().isoformat(),
        "machine": f"{os.cpu_count()}-core CPU, {platform.machine()}",
        "server": "aiworks serve (uvicorn, 1 process) on 127.0.0.1",
        "embedder": args.embedder,
        "corpus": f"demo sample contracts ({docs} PDFs)",
        "questions": QUESTIONS,
        "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
        "single_client": single,
        "concurrent_20": concurrent,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: result[k] for k in ("embedder", "single_client", "concurrent_20")}, indent=2))


if __name__ == "__main__":
    main()
