"""Start-up benchmark (writes benchmarks/results/bench_start.json): what a user waits for in a fresh shell.

1. cold ``aiworks ask``: wall time and peak RSS of the real CLI in a new process (median of ``--repeats``), for
   the default embedder and, for comparison, the PyTorch one on the same workspace (same vector space);
2. the embedding runtime alone in a new process: import (onnxruntime + tokenizers, or sentence-transformers),
   model load and a first query; issue 12 wants a cold ask to spend at most 1 s beyond it;
3. warm ask: p50/p95 of ``Assistant.ask`` in one process, after one warm-up question.

Targets (issue 17): cold ask < 2 s wall, < 300 MB peak RSS. Load average is recorded with every run.

    PYTHONPATH=src python benchmarks/bench_start.py [--repeats 3] [--embedders minilm-onnx,minilm]
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
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
RESULTS = ROOT / "benchmarks" / "results" / "bench_start.json"
QUESTION = "What is the notice period for termination?"
RUNTIME = {  # import the runtime, load the model, embed one query: what any cold ask must pay
    "minilm-onnx": "import onnxruntime, tokenizers",
    "minilm-onnx:int8": "import onnxruntime, tokenizers",
    "minilm": "import sentence_transformers",
}
_PROBE = """
import json, sys, time
t0 = time.perf_counter()
{imports}
t1 = time.perf_counter()
from aiworks.providers.embedders import load_embedder
from aiworks.settings import Settings
e = load_embedder(Settings(), {spec!r})
e.embed(["warm"])  # the session/model is built on first use
t2 = time.perf_counter()
e.embed([{question!r}])
t3 = time.perf_counter()
print(json.dumps({{"import_s": t1 - t0, "load_s": t2 - t1, "query_ms": (t3 - t2) * 1e3}}))
"""


def _env(home: Path, spec: str) -> dict:
    env = dict(os.environ, AIWORKS_HOME=str(home), AIWORKS_EMBEDDER=spec, AIWORKS_LLM="extractive")
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def timed(cmd: list[str], env: dict) -> tuple[float, float, float, str]:
    """(wall seconds, peak RSS MB, CPU seconds, stdout) of one fresh process, measured by GNU time: a child
    forked from this (large) process would report this process's RSS as its own peak. CPU seconds (user +
    system) are what the process needed; on a loaded machine wall time also counts waiting for a core."""
    with (
        tempfile.NamedTemporaryFile("w+") as stats,
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
    ):
        if not Path("/usr/bin/time").exists():
            raise SystemExit("bench_start needs GNU time for per-process peak RSS: apt-get install time")
        t = time.perf_counter()
        code = subprocess.call(
            ["/usr/bin/time", "-f", "%M %U %S", "-o", stats.name, *cmd], env=env, stdout=out, stderr=err
        )
        wall = time.perf_counter() - t
        out.seek(0), err.seek(0)
        if code:
            raise SystemExit(f"{' '.join(cmd)} failed: {err.read()[-1500:]}")
        rss_kb, user, system = (float(x) for x in Path(stats.name).read_text().split()[-3:])
        return wall, rss_kb / 1024, user + system, out.read()


def cold_runs(home: Path, spec: str, repeats: int) -> dict:
    aiworks = str(Path(sys.executable).with_name("aiworks"))
    cmd = (
        [aiworks, "ask", QUESTION, "--json"]
        if Path(aiworks).exists()
        else [sys.executable, "-m", "aiworks.cli", "ask", QUESTION, "--json"]
    )
    asks, runtime = [], []
    for _ in range(repeats):  # alternate the two measurements so machine load hits both alike
        wall, rss, cpu, out = timed(cmd, _env(home, spec))
        assert json.loads(out)["citations"], out[:300]
        asks.append((wall, rss, cpu))
        probe = _PROBE.format(imports=RUNTIME[spec], spec=spec, question=QUESTION)
        wall_r, rss_r, cpu_r, out_r = timed([sys.executable, "-c", probe], _env(home, spec))
        runtime.append(json.loads(out_r) | {"wall_s": wall_r, "rss_mb": rss_r, "cpu_s": cpu_r})
    med = statistics.median
    ask_wall, ask_rss, ask_cpu = (med(a[i] for a in asks) for i in range(3))
    rt = {k: round(med(r[k] for r in runtime), 3) for k in runtime[0]}
    return {
        "cold_ask_wall_s": round(ask_wall, 3),
        "cold_ask_peak_rss_mb": round(ask_rss, 1),
        "cold_ask_cpu_s": round(ask_cpu, 3),
        "cold_ask_walls_s": [round(a[0], 3) for a in asks],
        "runtime": rt,
        "cold_ask_cpu_beyond_runtime_s": round(ask_cpu - rt["cpu_s"], 3),
        "runtime_import_plus_load_s": round(rt["import_s"] + rt["load_s"], 3),
        "cold_ask_beyond_runtime_s": round(ask_wall - rt["import_s"] - rt["load_s"], 3),
    }


def warm(home: Path, spec: str, n: int) -> dict:
    from aiworks.rag.assistant import Assistant
    from aiworks.rag.samples import DEMO_QUESTIONS
    from aiworks.settings import Settings

    a = Assistant(Settings(home=home, embedder=spec, llm="extractive"))
    questions = [q for q, _, _ in DEMO_QUESTIONS]
    a.ask(questions[0])
    times = []
    for i in range(n):
        t = time.perf_counter()
        a.ask(questions[i % len(questions)])
        times.append((time.perf_counter() - t) * 1e3)
    times.sort()
    return {
        "warm_ask_p50_ms": round(statistics.median(times), 1),
        "warm_ask_p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "n": n,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--warm", type=int, default=40, help="warm questions")
    ap.add_argument("--embedders", default="minilm-onnx,minilm")
    args = ap.parse_args()
    from aiworks.rag.assistant import Assistant
    from aiworks.rag.samples import write_sample_contracts
    from aiworks.settings import Settings

    work = Path(tempfile.mkdtemp(prefix="bench_start_"))
    specs = args.embedders.split(",")
    load_before = os.getloadavg()
    homes = {}
    for spec in specs:  # one workspace per vector space (PyTorch and ONNX fp32 share one)
        home = work / spec.replace(":", "_")
        Assistant(Settings(home=home, embedder=spec)).ingest(write_sample_contracts(work / "docs"))
        homes[spec] = home
    rows = {}
    for spec in specs:
        rows[spec] = cold_runs(homes[spec], spec, args.repeats) | warm(homes[spec], spec, args.warm)
        print(spec, json.dumps(rows[spec]), flush=True)
    result = {
        "benchmark": "bench_start",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.python_version()}",
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "question": QUESTION,
        "repeats": args.repeats,
        "results": rows,
        "targets": {"cold_ask_wall_s": 2.0, "cold_ask_peak_rss_mb": 300, "cold_ask_beyond_runtime_s": 1.0},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    log = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}  # runs accumulate: load differs per run
    run = {k: result.pop(k) for k in ("date", "load_avg_before", "load_avg_after", "repeats", "results")}
    result["runs"] = [*log.get("runs", []), run]
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
