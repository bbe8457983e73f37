"""Ingestion jobs: accepted uploads are durable ``JobQueue`` records; ``JobRunner`` threads claim and run them.

An upload is answered 202 only after its bytes are staged (fsynced) and its job committed to the queue, so a
kill -9 of the server right after the answer loses nothing: the job is still queued, or it was running and its
lease expires, and the next runner (this server after a restart, or any other server or ``aiworks worker`` on
the same queue) claims it again. Re-running is safe (ingestion is idempotent by content hash). A job whose
file keeps killing its worker is failed after ``DEFAULT_MAX_ATTEMPTS`` with that reason.

The runner that finishes (or fails) a job deletes its staged file; one that lost its lease leaves the file to
the new holder. ``sweep_orphans`` deletes staged files no unfinished job refers to (a crash between staging
and enqueueing), once they are older than a minute so an upload being accepted right now is never touched.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

from aiworks.jobs import JobOutcome, JobQueue, JobRecord
from aiworks.progress import Progress


class _BeatState(TypedDict):
    """What the heartbeat thread reports for a running job."""

    progress: float
    stage: str


log = logging.getLogger(__name__)
# ingest(job, progress) -> a FileReport-like object (status, document_id, pages, chunks, error)
IngestFn = Callable[[JobRecord, Progress], object]
ORPHAN_AGE_S = 60.0


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def stage_file(folder: Path, name: str, data: bytes) -> Path:
    """Write the upload where workers read it: tmp file, fsync, rename (a reader never sees a partial file)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    tmp = folder / f".{name}.{secrets.token_hex(4)}.part"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)
    return path


def sweep_orphans(queue: JobQueue, workspace: str, folder: Path, min_age_s: float = ORPHAN_AGE_S) -> int:
    if not folder.is_dir():
        return 0
    wanted = {j.staged_path for j in queue.list(workspace) if j.status in ("queued", "running")}
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and str(path) not in wanted and time.time() - path.stat().st_mtime > min_age_s:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


class JobRunner:
    """Claims jobs from ``queue`` in background threads and runs ``ingest`` on them, heartbeating the lease."""

    def __init__(
        self,
        queue: JobQueue,
        ingest: IngestFn,
        lease_s: float = 30.0,
        threads: int = 1,
        poll_s: float = 0.5,
        workspaces: list[str] | None = None,
    ) -> None:
        # One thread by default: ingestion is CPU-bound (parse + embed) and writes one index per workspace.
        self.queue = queue
        self.ingest = ingest
        self.lease_s = lease_s
        self.poll_s = poll_s
        self.workspaces = workspaces
        self.worker = worker_id()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._loop, name=f"ingest-{i}", daemon=True) for i in range(threads)]

    def start(self) -> JobRunner:
        for t in self._threads:
            t.start()
        return self

    def wake(self) -> None:
        """A job was just enqueued: claim it now instead of at the next poll."""
        self._wake.set()

    def shutdown(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        for t in self._threads:
            t.join(timeout_s)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                for gone in self.queue.requeue_expired():
                    if gone.status == "error":  # out of attempts: nobody will read its staged file again
                        Path(gone.staged_path).unlink(missing_ok=True)
                job = self.queue.claim(self.worker, self.lease_s, self.workspaces)
            except Exception:  # a locked/unreachable queue must not kill the runner: retry at the next poll
                log.exception("job queue unavailable")
                job = None
            if job is None:
                self._wake.wait(self.poll_s)
                self._wake.clear()
                continue
            self.run(job)

    def run(self, job: JobRecord) -> None:
        state: _BeatState = {"progress": 0.0, "stage": "starting"}
        done = threading.Event()

        def progress(stage: str, fraction: float) -> None:
            state["stage"] = stage.rsplit(": ", 1)[-1]  # the assistant prefixes the file name; the job has it
            state["progress"] = max(state["progress"], min(0.99, max(0.0, float(fraction))))

        def beat() -> None:
            every = max(0.2, min(1.0, self.lease_s / 3))
            while not done.wait(every):
                if not self.queue.heartbeat(job.id, self.worker, self.lease_s, state["progress"], state["stage"]):
                    log.warning("job %s: lease lost, its result will be discarded", job.id)
                    return

        heart = threading.Thread(target=beat, name=f"heartbeat-{job.id}", daemon=True)
        heart.start()
        try:
            if not Path(job.staged_path).is_file():
                raise FileNotFoundError("the staged upload is gone; upload the file again")
            report = self.ingest(job, progress)
            error = getattr(report, "error", None)
            result = getattr(report, "status", None) or "error"
            done.set()
            heart.join()
            if result == "error" or error:
                owned = self.queue.fail(job.id, self.worker, error or "ingestion failed")
            else:
                owned = self.queue.finish(
                    job.id,
                    self.worker,
                    JobOutcome(
                        result,
                        getattr(report, "document_id", None),
                        int(getattr(report, "pages", 0) or 0),
                        int(getattr(report, "chunks", 0) or 0),
                    ),
                )
        except Exception as exc:  # noqa: BLE001 - any failure belongs to this one file's job
            done.set()
            heart.join()
            owned = self.queue.fail(job.id, self.worker, f"{type(exc).__name__}: {exc}")
        if owned:
            Path(job.staged_path).unlink(missing_ok=True)
