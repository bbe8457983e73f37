"""`aiworks worker` processes on one queue: a worker killed (-9) mid-ingest loses the job to another after the
lease runs out, and the document ends whole with no duplicate chunk. Both backends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from aiworks.jobs import open_queue
from aiworks.rag.assistant import Assistant

PARA = "The Receiving Party shall hold Confidential Information in strict confidence and use it for the Purpose. "


def _worker(settings, *extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "AIWORKS_EMBEDDER": "hash",
        "AIWORKS_JOB_LEASE_S": "1.5",
        "AIWORKS_DATABASE_URL": settings.database_url or "",
    }
    if not settings.database_url:
        env.pop("AIWORKS_DATABASE_URL")
    return subprocess.Popen(
        [sys.executable, "-m", "aiworks.cli", "--home", str(settings.home), "worker", "--poll", "0.2", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait(predicate, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
def test_killed_worker_job_is_retried_by_another_without_duplicates(settings, workspace, tmp_path):
    staged = settings.home / "uploads" / "big.txt"
    staged.parent.mkdir(parents=True)
    staged.write_text("\n\n".join(f"Section {i}. " + PARA * 5 for i in range(6000)))
    queue = open_queue(settings)
    job = queue.enqueue(workspace, "big.txt", "0" * 64, str(staged), ingest_name="big.txt")

    first = _worker(settings)
    try:
        _wait(lambda: (j := queue.get(job.id)).status == "running" and j.progress > 0, 120, "the first worker")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        first.kill()
    assert queue.get(job.id).status == "running"  # nobody knows yet that its worker is dead

    second = _worker(settings)
    try:
        done = _wait(lambda: (j := queue.get(job.id)).status in ("done", "error") and j, 180, "the retry")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)
    assert done.status == "done", done.error
    assert done.attempts == 2 and done.result in ("ingested", "unchanged") and done.chunks == 6000
    assert not staged.exists()

    a = Assistant(settings.model_copy(update={"embedder": "hash"}), workspace)
    (doc,) = a.documents()
    chunks = a.store.chunks(doc.id)
    assert doc.chunks == len(chunks) == a.store.count() == 6000
    assert [c.index for c in chunks] == list(range(6000))  # each chunk exactly once
