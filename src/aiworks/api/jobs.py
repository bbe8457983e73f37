"""Ingestion jobs: one per uploaded file, run in a background executor, polled over HTTP.

Jobs live in memory (a restart forgets them, the ingested documents stay). Progress comes from the
assistant's ``progress(stage, fraction)`` callback; any exception becomes the job's ``error`` so a bad
file never takes down the server or other jobs.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

JobStatus = Literal["queued", "running", "done", "error"]
ProgressFn = Callable[[str, float], None]
MAX_KEPT_JOBS = 2000


@dataclass
class Job:
    id: str
    workspace: str
    filename: str
    sha256: str
    status: JobStatus = "queued"
    progress: float = 0.0
    stage: str = "queued"
    error: str | None = None
    document_id: str | None = None
    result: str | None = None  # the assistant's FileReport.status, e.g. "ingested"
    pages: int = 0
    chunks: int = 0
    created_at: float = field(default_factory=time.time)
    finished_at: float | None = None


class JobManager:
    def __init__(self, max_workers: int = 1) -> None:
        # One worker by default: ingestion is CPU-bound (parse + embed) and writes to one index per workspace.
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="ingest")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def submit(self, workspace: str, filename: str, sha256: str, work: Callable[[ProgressFn], object]) -> Job:
        """``work(progress)`` returns a FileReport-like object (status, document_id, pages, chunks, error)."""
        job = Job(id=secrets.token_hex(8), workspace=workspace, filename=filename, sha256=sha256)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > MAX_KEPT_JOBS:
                self._jobs.popitem(last=False)
        self._executor.submit(self._run, job, work)
        return job

    def _run(self, job: Job, work: Callable[[ProgressFn], object]) -> None:
        def progress(stage: str, fraction: float) -> None:
            job.stage = stage.rsplit(": ", 1)[-1]  # the assistant prefixes the file name; the job already has it
            job.progress = max(job.progress, min(1.0, max(0.0, float(fraction))))

        job.status, job.stage = "running", "starting"
        try:
            report = work(progress)
            error = getattr(report, "error", None)
            job.result = getattr(report, "status", None)
            job.document_id = getattr(report, "document_id", None)
            job.pages = int(getattr(report, "pages", 0) or 0)
            job.chunks = int(getattr(report, "chunks", 0) or 0)
            if job.result == "error" or error:
                job.status, job.error = "error", error or "ingestion failed"
            else:
                job.status, job.progress, job.stage = "done", 1.0, "done"
        except Exception as exc:  # noqa: BLE001 - any failure belongs to this one file's job
            job.status, job.error = "error", f"{type(exc).__name__}: {exc}"
        finally:
            job.finished_at = time.time()

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def for_workspace(self, workspace: str) -> list[Job]:
        with self._lock:
            return [j for j in self._jobs.values() if j.workspace == workspace]

    def pending_hash(self, workspace: str, sha256: str) -> Job | None:
        """A queued/running job for the same bytes: an upload of it now is a duplicate."""
        for job in self.for_workspace(workspace):
            if job.sha256 == sha256 and job.status in ("queued", "running"):
                return job
        return None

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
