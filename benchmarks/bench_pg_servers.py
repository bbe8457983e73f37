"""Two `aiworks serve` vs one on one PostgreSQL database under 50 concurrent askers (loopback only, bounded).

Starts real servers on 127.0.0.1 sharing one AIWORKS_HOME and AIWORKS_DATABASE_URL (a running server:
`make services`), ingests the demo contracts through the first, then times POST /ask from 50 client threads:
first all against one server, then the same load split over two (clients alternate servers). On a 2-core box
both servers share the same cores, so the ratio says what a second process costs or gains here, not what a
second machine would. Writes benchmarks/results/pg_servers.json.

    AIWORKS_DATABASE_URL=... PYTHONPATH=src python benchmarks/bench_pg_servers.py [--per-client 4]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from pathlib import Path

import httpx
from bench_api import QUESTIONS, WS, ingest_demo, start_server, summary

from aiworks.api.server import free_port


def _ask(bases: list[str], clients: int, per_client: int, cap_s: float) -> dict:
    latencies: list[float] = []
    errors: list[int] = []
    stop_at = time.monotonic() + cap_s

    def loop(c: int) -> None:
        with httpx.Client(base_url=bases[c % len(bases)], timeout=300) as client:
            for i in range(per_client):
                if time.monotonic() > stop_at:
                    return
                t0 = time.perf_counter()
                r = client.post(f"/api/workspaces/{WS}/ask", json={"question": QUESTIONS[(c + i) % len(QUESTIONS)]})
                if r.status_code == 200 and "citations" in r.json():
                    latencies.append((time.perf_counter() - t0) * 1e3)
                else:
                    errors.append(r.status_code)

    threads = [threading.Thread(target=loop, args=(c,)) for c in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"servers": len(bases), "clients": clients, **summary(latencies, time.perf_counter() - t0, len(errors))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--embedder", default="minilm-onnx:int8")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--per-client", type=int, default=4)
    ap.add_argument("--cap-s", type=float, default=300.0, help="wall-clock cap per load run")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "pg_servers.json")
    args = ap.parse_args()
    if not os.environ.get("AIWORKS_DATABASE_URL"):
        raise SystemExit("set AIWORKS_DATABASE_URL (make services)")
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        servers = [start_server(home, free_port(), args.embedder)]
        ports = [servers[0].args[servers[0].args.index("--port") + 1]]
        try:
            bases = [f"http://127.0.0.1:{ports[0]}"]
            with httpx.Client(base_url=bases[0], timeout=300) as client:
                docs = ingest_demo(client, Path(tmp) / "samples")
            _ask(bases, 4, 2, 60)  # warm-up: model load, pools, caches
            runs.append(_ask(bases, args.clients, args.per_client, args.cap_s))
            print(runs[-1], os.getloadavg(), flush=True)
            port = free_port()
            servers.append(start_server(home, port, args.embedder))
            bases.append(f"http://127.0.0.1:{port}")
            _ask(bases[1:], 4, 2, 60)  # warm the second one
            runs.append(_ask(bases, args.clients, args.per_client, args.cap_s))
            print(runs[-1], os.getloadavg(), flush=True)
        finally:
            for s in servers:
                s.terminate()
                s.wait(timeout=30)
    result = {
        "benchmark": "POST /ask, 50 concurrent clients, one vs two aiworks serve on one PostgreSQL (loopback)",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} cores (shared)",
        "embedder": args.embedder,
        "corpus": f"demo sample contracts ({docs} PDFs)",
        "loadavg_at_end": os.getloadavg(),
        "runs": runs,
        "throughput_two_over_one": round(runs[1]["throughput_rps"] / max(runs[0]["throughput_rps"], 1e-9), 2),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
