"""Reliability figures for BENCHMARKS.md: load held, faults survived, bad inputs tried, data lost.

1. Load: a real ``aiworks serve`` (hash embedder) with the sample contracts; 50 concurrent askers for
   ``--seconds`` (loopback only) → p50/p95/p99 and errors.
2. Faults and bad inputs: runs the reliability and security suites (``pytest tests/reliability tests/security``,
   real CLI, real servers, real kill -9) and tallies each test case by the fault or input it applies; data lost
   counts the cases whose whole-document / job-outcome checks failed (goal 0).
Run: PYTHONPATH=src nice python benchmarks/bench_reliability.py [--seconds 30]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "reliability.json"
sys.path[:0] = [str(ROOT / "tests" / "reliability"), str(ROOT / "tests" / "security")]

# test name prefix -> (category, faults or inputs per case)
TALLY = {
    "test_kill_9_during_ingest": ("kill -9 of the CLI during ingest (+ orphan parse worker check)", 1),
    "test_index_build_cut_by_kill_9": ("kill -9 between the last commit and the index build", 1),
    "test_jobs_answered_202_survive_kill_9": ("kill -9 of the server after 202 (3 jobs each)", 1),
    "test_a_job_that_keeps_dying": ("kill -9 of the server while a job runs (3 times, same job)", 3),
    "test_two_concurrent_ingests": ("two concurrent `aiworks ingest` of the same files", 1),
    "test_cli_ingest_of_bombs": ("zip bombs through the CLI (1.1 GB, 2.2 GB, 70k members, lying sizes)", 4),
    "test_server_upload_of_bombs": ("zip bombs uploaded to the server", 4),
    "test_bombs_are_refused": ("zip bombs parsed (ratio, size, members, lying)", 1),
    "test_upload_sniffing_refuses_bombs": ("zip bombs at upload sniffing", 1),
    "test_host_allow_list": ("Host headers (allowed and rebinding)", 1),
    "test_foreign_origin": ("foreign Origins on state-changing requests", 5),
    "test_foreign_host_and_origin": ("foreign Host and Origin on the real server", 2),
    "test_oversized_body": ("oversized bodies (200 MB declared; no key / bad key / good key)", 1),
    "test_chunked": ("chunked bodies past the cap / without a key", 1),
    "test_key_for_another_workspace": ("a key for another workspace on an upload", 1),
    "test_injected_documents": ("documents carrying prompt injections", 5),
    "test_injections_are_detected": ("injection phrasings", 1),
}
DATA_CHECKS = (
    "test_kill_9",
    "test_index_build",
    "test_jobs_answered",
    "test_a_job_that",
    "test_two_concurrent",
    "test_cli_ingest_of_bombs",
)


def load(seconds: float) -> dict:
    import httpx
    from server_helpers import start_server
    from test_attacks import askers

    from aiworks.rag.samples import DEMO_QUESTIONS, write_sample_contracts

    tmp = Path(tempfile.mkdtemp())
    server = start_server(tmp / "home")
    try:
        httpx.post(f"{server.url}/api/workspaces", json={"name": "load"}, timeout=30)
        for pdf in write_sample_contracts(tmp / "docs"):
            job = httpx.post(
                f"{server.url}/api/workspaces/load/documents", files={"files": (pdf.name, pdf.read_bytes())}, timeout=60
            ).json()["files"][0]["job_id"]
            while httpx.get(f"{server.url}/api/workspaces/load/jobs/{job}").json()["status"] not in ("done", "error"):
                time.sleep(0.2)
        return askers(server.url, "load", [q for q, _, _ in DEMO_QUESTIONS], 50, seconds)
    finally:
        server.stop()


def suites() -> dict:
    xml = Path(tempfile.mkdtemp()) / "junit.xml"
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    t0 = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={xml}",
            "tests/reliability",
            "tests/security",
        ],
        cwd=ROOT,
        env=env,
        check=False,
    )
    cases = ET.parse(xml).getroot().iter("testcase")
    tally: dict[str, dict] = {}
    passed = failed = lost = 0
    for case in cases:
        name = case.get("name", "")
        ok = case.find("failure") is None and case.find("error") is None and case.find("skipped") is None
        passed += ok
        failed += not ok
        if not ok and name.startswith(DATA_CHECKS):
            lost += 1
        for prefix, (what, per) in TALLY.items():
            if name.startswith(prefix):
                t = tally.setdefault(what, {"tried": 0, "held": 0})
                t["tried"] += per
                t["held"] += per if ok else 0
    faults = {k: v for k, v in tally.items() if "kill" in k or "concurrent" in k}
    inputs = {k: v for k, v in tally.items() if k not in faults}
    return {
        "tests_passed": passed,
        "tests_failed": failed,
        "seconds": round(time.perf_counter() - t0, 1),
        "faults": faults,
        "faults_tried": sum(v["tried"] for v in faults.values()),
        "faults_survived": sum(v["held"] for v in faults.values()),
        "bad_inputs": inputs,
        "bad_inputs_tried": sum(v["tried"] for v in inputs.values()),
        "bad_inputs_handled": sum(v["held"] for v in inputs.values()),
        "cases_with_data_lost": lost,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--skip-suites", action="store_true")
    args = parser.parse_args()
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} cores",
        "load_average_start": os.getloadavg()[0],
        "embedder": "hash",
        "load": load(args.seconds),
    }
    if not args.skip_suites:
        result.update(suites())
    result["load_average_end"] = os.getloadavg()[0]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2))
    json.dump(result, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
