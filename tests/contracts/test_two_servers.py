"""Two `aiworks serve` on one PostgreSQL and one AIWORKS_HOME: both list the same documents, and uploads one
of them answered 202 are ingested by the other after the first is killed (-9) right after answering."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "security"))
from server_helpers import start_server

pytestmark = pytest.mark.slow


@pytest.fixture
def backend() -> str:
    return "postgres"


def _text(i: int, paragraphs: int = 1500) -> bytes:
    return "\n\n".join(
        f"Clause {i}.{j}. The supplier {i} shall deliver batch {j} within {j % 30 + 1} days of the "
        f"order, and the buyer shall pay invoice {i}-{j} within thirty days."
        for j in range(paragraphs)
    ).encode()


def _jobs(url: str, ws: str) -> dict[str, dict]:
    return {j["id"]: j for j in httpx.get(f"{url}/api/workspaces/{ws}/jobs", timeout=30).json()}


def test_upload_accepted_by_a_killed_server_is_ingested_by_the_other(settings, workspace):
    env = {"AIWORKS_DATABASE_URL": settings.database_url, "AIWORKS_JOB_LEASE_S": "3"}
    a, b = start_server(settings.home, **env), start_server(settings.home, **env)
    try:
        assert httpx.post(f"{a.url}/api/workspaces", json={"name": workspace}, timeout=30).status_code in (200, 201)
        ids = []
        for i in range(3):
            r = httpx.post(
                f"{a.url}/api/workspaces/{workspace}/documents",
                files={"files": (f"supply-{i}.txt", _text(i))},
                timeout=60,
            )
            assert r.status_code == 202, r.text
            ids.append(r.json()["files"][0]["job_id"])
        a.kill9()  # right after the last 202: whatever a was running or had queued is b's now
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            jobs = _jobs(b.url, workspace)
            if all(jobs.get(i, {}).get("status") in ("done", "error") for i in ids):
                break
            time.sleep(0.3)
        assert [jobs[i]["status"] for i in ids] == ["done"] * 3, [jobs.get(i) for i in ids]
        from aiworks.jobs import open_queue

        records = [open_queue(settings).get(i) for i in ids]
        by_b = [r for r in records if f":{b.proc.pid}:" in r.worker]
        assert by_b, [r.worker for r in records]  # the killed server's work was taken over
        assert all(r.attempts == 1 for r in records if f":{a.proc.pid}:" in r.worker)
        docs = httpx.get(f"{b.url}/api/workspaces/{workspace}/documents", timeout=30).json()
        assert sorted(d["name"] for d in docs) == [f"supply-{i}.txt" for i in range(3)]

        a = start_server(settings.home, **env)  # a restarted server sees exactly what b wrote
        assert httpx.get(f"{a.url}/api/workspaces/{workspace}/documents", timeout=30).json() == docs
        for d in docs:  # whole documents, each chunk once
            text = httpx.get(f"{a.url}/api/workspaces/{workspace}/documents/{d['id']}/text", timeout=30)
            assert text.status_code == 200 and len(text.json()["text"]) == d["chars"]
    finally:
        a.stop()
        b.stop()
    from aiworks.rag.assistant import Assistant

    assistant = Assistant(settings.model_copy(update={"embedder": "hash"}), workspace)
    for d in assistant.documents():
        chunks = assistant.store.chunks(d.id)
        assert [c.index for c in chunks] == list(range(d.chunks))
    assert assistant.store.count() == sum(d.chunks for d in assistant.documents())
    assert not list((settings.home / "workspaces" / workspace / "uploads").glob("*"))
