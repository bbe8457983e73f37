"""Accepted uploads are never lost: kill -9 of a real server at several points of a job, then restart."""

from __future__ import annotations

import time

import httpx
import pytest
from corpus_helpers import broken_documents
from server_helpers import files_under, start_server

pytestmark = pytest.mark.slow
LEASE_S = "3"


def _big_text(i: int, paragraphs: int = 1500) -> bytes:
    return "\n\n".join(
        f"Clause {i}.{j}. The supplier {i} shall deliver batch {j} within {j % 30 + 1} days of the "
        f"order, and the buyer shall pay invoice {i}-{j} within thirty days."
        for j in range(paragraphs)
    ).encode()


def _upload(url: str, ws: str, name: str, data: bytes) -> dict:
    r = httpx.post(f"{url}/api/workspaces/{ws}/documents", files={"files": (name, data)}, timeout=60)
    assert r.status_code == 202, r.text
    return r.json()["files"][0]


def _wait_all(url: str, ws: str, ids: list[str], timeout_s: float = 180) -> dict[str, dict]:
    deadline = time.monotonic() + timeout_s
    jobs: dict[str, dict] = {}
    while time.monotonic() < deadline:
        jobs = {j["id"]: j for j in httpx.get(f"{url}/api/workspaces/{ws}/jobs", timeout=30).json()}
        if all(jobs.get(i, {}).get("status") in ("done", "error") for i in ids):
            return jobs
        time.sleep(0.3)
    raise AssertionError(f"jobs not finished: {[jobs.get(i) for i in ids]}")


@pytest.mark.parametrize("kill_after_s", [0.0, 0.7, 2.0])
def test_jobs_answered_202_survive_kill_9_of_the_server(tmp_path, kill_after_s):
    home = tmp_path / "home"
    server = start_server(home, AIWORKS_JOB_LEASE_S=LEASE_S)
    try:
        httpx.post(f"{server.url}/api/workspaces", json={"name": "acme"}, timeout=30)
        accepted = [_upload(server.url, "acme", f"supply-{i}.txt", _big_text(i)) for i in range(3)]
        ids = [a["job_id"] for a in accepted]
        time.sleep(kill_after_s)
        server.kill9()
        server = start_server(home, AIWORKS_JOB_LEASE_S=LEASE_S)
        jobs = _wait_all(server.url, "acme", ids)
        assert [jobs[i]["status"] for i in ids] == ["done"] * 3, [jobs[i] for i in ids]
        docs = httpx.get(f"{server.url}/api/workspaces/acme/documents", timeout=30).json()
        assert sorted(d["name"] for d in docs) == [f"supply-{i}.txt" for i in range(3)]
    finally:
        server.stop()
    assert files_under(home / "workspaces" / "acme" / "uploads") == []  # staged files cleaned up
    assert broken_documents(home, "acme") == []


def test_a_job_that_keeps_dying_is_reported_failed_with_its_reason(tmp_path):
    """Killed while running, again and again: after 3 attempts the job is failed with a reason, not retried
    forever, and the other jobs still finish."""
    home = tmp_path / "home"
    server = start_server(home, AIWORKS_JOB_LEASE_S="2")
    try:
        httpx.post(f"{server.url}/api/workspaces", json={"name": "acme"}, timeout=30)
        doomed = _upload(server.url, "acme", "huge.txt", _big_text(0, paragraphs=20000))["job_id"]
        for _ in range(3):
            deadline = time.monotonic() + 120
            while (
                httpx.get(f"{server.url}/api/workspaces/acme/jobs/{doomed}", timeout=30).json()["status"] != "running"
                and time.monotonic() < deadline
            ):
                time.sleep(0.1)
            time.sleep(0.3)
            server.kill9()
            server = start_server(home, AIWORKS_JOB_LEASE_S="2")
        job = _wait_all(server.url, "acme", [doomed], timeout_s=60)[doomed]
        assert job["status"] == "error" and "3 times" in job["error"], job
        fine = _upload(server.url, "acme", "fine.txt", _big_text(1, paragraphs=20))["job_id"]
        assert _wait_all(server.url, "acme", [fine])[fine]["status"] == "done"
    finally:
        server.stop()
    assert files_under(home / "workspaces" / "acme" / "uploads") == []
    assert broken_documents(home, "acme") == []
