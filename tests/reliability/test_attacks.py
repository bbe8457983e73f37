"""Hostile input against the real CLI and a real server: zip bombs (peak memory), bad files in a batch, an
oversized body without a key, foreign Host/Origin, and 50 concurrent askers for a bounded time."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from bomb_helpers import docx_bomb, docx_lying_sizes, docx_many_members
from corpus_helpers import broken_documents, cli_env, make_corpus
from server_helpers import (
    files_under,
    json_request,
    raw_request,
    read_response,
    start_server,
)

pytestmark = pytest.mark.slow
MEMORY_LIMIT_MB = 500


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> list[Path]:
    d = tmp_path_factory.mktemp("bombs")
    return [
        docx_bomb(d / "bomb-1g.docx", 1100),
        docx_bomb(d / "bomb-2g.docx", 2200),
        docx_many_members(d / "members.docx", 70_000),
        docx_lying_sizes(d / "lying.docx", real_mb=400),
    ]


def _peak_rss_mb(cmd: list[str], env: dict) -> tuple[int, subprocess.CompletedProcess]:
    """Run ``cmd`` under a fresh measuring interpreter: the peak RSS of the command and its children."""
    probe = (
        "import resource, subprocess, sys, json; r = subprocess.run(sys.argv[1:], capture_output=True, "
        "text=True); print(json.dumps([resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode, "
        "r.stdout, r.stderr]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *cmd], env=env, capture_output=True, text=True, timeout=600, check=True
    )
    kb, code, stdout, stderr = json.loads(out.stdout)
    return kb // 1024, subprocess.CompletedProcess(cmd, code, stdout, stderr)


def test_cli_ingest_of_bombs_stays_small_and_the_batch_goes_on(tmp_path, bombs):
    docs = tmp_path / "docs"
    make_corpus(docs, n_text=2)
    for b in bombs:
        (docs / b.name).write_bytes(b.read_bytes())
    home = tmp_path / "home"
    peak, result = _peak_rss_mb([sys.executable, "-m", "aiworks.cli", "ingest", str(docs), "--json"], cli_env(home))
    reports = {Path(r["path"]).name: r for r in json.loads(result.stdout)}
    assert peak < MEMORY_LIMIT_MB, f"peak RSS {peak} MB"  # before: 2.5 GB for the 1.1 GB bomb
    for b in bombs:
        assert reports[b.name]["status"] == "error"
        assert reports[b.name]["error"].startswith(("unsafe:", "corrupt:")), reports[b.name]
    ok = [r for name, r in reports.items() if not name.endswith(".docx")]
    assert ok and all(r["status"] == "ingested" for r in ok)
    assert broken_documents(home) == []


def _vm_hwm_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def test_server_upload_of_bombs_stays_small(tmp_path, bombs):
    home = tmp_path / "home"
    server = start_server(home)
    try:
        httpx.post(f"{server.url}/api/workspaces", json={"name": "acme"}, timeout=30)
        # Warm up first (one real upload ingested: the store, the embedder and the job runner are loaded), so the
        # growth measured below is what the bombs cost, not the server's first ingestion.
        r = httpx.post(
            f"{server.url}/api/workspaces/acme/documents",
            files={"files": ("warm.txt", b"The supplier delivers on Mondays. Payment is due in thirty days.")},
            timeout=120,
        )
        warm = r.json()["files"][0]["job_id"]
        deadline = time.monotonic() + 120
        while httpx.get(f"{server.url}/api/workspaces/acme/jobs/{warm}").json()["status"] not in ("done", "error"):
            assert time.monotonic() < deadline, "warm-up ingestion did not finish"
            time.sleep(0.2)
        before = _vm_hwm_mb(server.proc.pid)
        for b in bombs:
            r = httpx.post(
                f"{server.url}/api/workspaces/acme/documents", files={"files": (b.name, b.read_bytes())}, timeout=120
            )
            assert r.status_code == 202
            f = r.json()["files"][0]
            if f["status"] == "queued":  # passed the directory check (the lying one): the parser refuses it
                deadline = time.monotonic() + 120
                while (job := httpx.get(f"{server.url}/api/workspaces/acme/jobs/{f['job_id']}").json())[
                    "status"
                ] not in ("done", "error") and time.monotonic() < deadline:
                    time.sleep(0.2)
                assert job["status"] == "error" and job["error"].startswith("corrupt:"), job
            else:
                assert f["status"] == "error" and "zip bomb" in f["error"], f
        peak = _vm_hwm_mb(server.proc.pid)
        assert peak < MEMORY_LIMIT_MB and peak - before < 150, (before, peak)  # before: 369 MB -> 2.6 GB
        assert httpx.get(f"{server.url}/health").status_code == 200
    finally:
        server.stop()
    assert files_under(home / "workspaces" / "acme" / "uploads") == []


def test_oversized_body_without_a_key_touches_nothing(tmp_path):
    from aiworks.api.auth import KeyStore
    from aiworks.settings import Settings

    home = tmp_path / "home"
    (home / "workspaces" / "acme").mkdir(parents=True)
    KeyStore.for_settings(Settings(home=home)).create("acme")
    server = start_server(home)
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=20) as s:
            s.sendall(
                f"POST /api/workspaces/acme/documents HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {200 << 20}\r\n\r\n".encode()
                + b"x" * (1 << 20)
            )
            assert read_response(s)[0] == 401
    finally:
        server.stop()
    assert files_under(server.tmpdir, home / "workspaces" / "acme" / "uploads") == []


def test_foreign_host_and_origin_against_the_real_server(tmp_path):
    home = tmp_path / "home"
    server = start_server(home)
    try:
        assert raw_request(server.port, "GET", "/api/workspaces", {"Host": "rebind.evil.example"})[0] == 400
        status, _ = json_request(
            server.port, "POST", "/api/workspaces", {"name": "x"}, {"Origin": "https://evil.example"}
        )
        assert status == 403 and not (home / "workspaces" / "x").exists()
    finally:
        server.stop()


def askers(url: str, workspace: str, questions: list[str], n: int, seconds: float) -> dict:
    """``n`` threads asking in a loop for ``seconds``; latencies in ms and errors."""
    lat: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run(i: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as c:
            j = i
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                try:
                    r = c.post(f"/api/workspaces/{workspace}/ask", json={"question": questions[j % len(questions)]})
                    ok = r.status_code == 200 and "answer" in r.json()
                    err = None if ok else f"{r.status_code}: {r.text[:100]}"
                except httpx.HTTPError as exc:
                    err = f"{type(exc).__name__}: {exc}"
                with lock:
                    (errors.append(err) if err else lat.append((time.perf_counter() - t0) * 1e3))
                j += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 180)
    lat.sort()

    def pct(p: float) -> float:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))], 1) if lat else 0.0

    return {
        "askers": n,
        "seconds": seconds,
        "requests": len(lat) + len(errors),
        "errors": len(errors),
        "error_examples": errors[:3],
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
    }


def test_fifty_concurrent_askers_for_a_bounded_time(tmp_path):
    from aiworks.rag.samples import DEMO_QUESTIONS, write_sample_contracts

    home = tmp_path / "home"
    server = start_server(home)
    try:
        httpx.post(f"{server.url}/api/workspaces", json={"name": "load"}, timeout=30)
        for pdf in write_sample_contracts(tmp_path / "docs"):
            job = httpx.post(
                f"{server.url}/api/workspaces/load/documents", files={"files": (pdf.name, pdf.read_bytes())}, timeout=60
            ).json()["files"][0]["job_id"]
            while httpx.get(f"{server.url}/api/workspaces/load/jobs/{job}").json()["status"] not in ("done", "error"):
                time.sleep(0.2)
        stats = askers(server.url, "load", [q for q, _, _ in DEMO_QUESTIONS], 50, 10.0)
    finally:
        server.stop()
    assert stats["errors"] == 0, stats
    assert stats["requests"] >= 50
