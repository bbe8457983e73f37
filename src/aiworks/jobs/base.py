"""The job-queue protocol: accepted uploads become durable jobs that any worker can claim with a lease.

Life of a job::

    enqueue ──► queued ──claim(worker, lease)──► running ──finish──► done
                  ▲                                 │  └────fail───► error (reason kept)
                  └──── requeue_expired ◄── lease ran out (worker died) ──┘ (after max_attempts: error)

- The queue is the record: a job answered 202 exists in it before the answer is sent, so a crash of the
  process that accepted it loses nothing; another worker (or the same server after a restart) claims it
  once the lease of the dead one has expired.
- Every write of a running job names its worker; a worker whose lease was taken over gets ``False`` back
  and must stop (so a slow-but-alive worker never overwrites the result of the one that replaced it).
- Re-running a job is safe: ingestion is idempotent by content hash (an already committed document comes
  back "unchanged"), so a job retried after a crash never duplicates chunks.
- The queue stores paths, not bytes: the staged file lives where workers can read it; whoever finishes or
  fails a job deletes its staged file (``aiworks.api.jobs`` does).

Implementations: ``aiworks.jobs.sqlite.SqliteJobQueue`` (embedded default); a PostgreSQL one plugs in behind
the same protocol and the same contract tests (``tests/jobs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

JobStatus = Literal["queued", "running", "done", "error"]
FINISHED: tuple[JobStatus, ...] = ("done", "error")
DEFAULT_MAX_ATTEMPTS = 3  # a file that kills its worker (e.g. out of memory) is failed, not retried forever


@dataclass(frozen=True)
class JobRecord:
    id: str  # 16 lowercase hex characters
    workspace: str
    filename: str  # display name, as uploaded
    ingest_name: str  # the name the document is ingested under (extension matches the sniffed type)
    sha256: str  # of the staged bytes
    staged_path: str  # where the accepted bytes wait for a worker
    status: JobStatus
    progress: float = 0.0  # 0..1
    stage: str = "queued"
    error: str | None = None  # the reason, for status "error"
    document_id: str | None = None
    result: str | None = None  # the ingest outcome, e.g. "ingested", "replaced", "unchanged"
    pages: int = 0
    chunks: int = 0
    attempts: int = 0  # claims so far
    worker: str | None = None  # who holds (or last held) the lease
    lease_until: float | None = None  # epoch seconds
    created_at: float = 0.0
    finished_at: float | None = None


@dataclass(frozen=True)
class JobOutcome:
    """What a worker reports when ingestion returned (successfully or with a per-file error)."""

    result: str
    document_id: str | None = None
    pages: int = 0
    chunks: int = 0


@runtime_checkable
class JobQueue(Protocol):
    def enqueue(
        self, workspace: str, filename: str, sha256: str, staged_path: str, ingest_name: str | None = None
    ) -> JobRecord:
        """Durably record an accepted upload as a queued job (committed when this returns)."""
        ...

    def claim(self, worker: str, lease_s: float, workspaces: list[str] | None = None) -> JobRecord | None:
        """The oldest queued job (optionally only of ``workspaces``), now running under ``worker``'s lease;
        None when nothing is queued. Two claimers never get the same job."""
        ...

    def heartbeat(
        self, job_id: str, worker: str, lease_s: float, progress: float | None = None, stage: str | None = None
    ) -> bool:
        """Extend the lease (and record progress). False: the job is no longer this worker's — stop."""
        ...

    def finish(self, job_id: str, worker: str, outcome: JobOutcome) -> bool:
        """Mark done. False if the worker no longer holds the job (its result is discarded)."""
        ...

    def fail(self, job_id: str, worker: str, reason: str) -> bool:
        """Mark failed with a reason the user can read. False if the worker no longer holds the job."""
        ...

    def get(self, job_id: str) -> JobRecord | None: ...

    def list(self, workspace: str, limit: int = 2000) -> list[JobRecord]:
        """The workspace's jobs, oldest first (at most ``limit``, the newest ones)."""
        ...

    def pending_hash(self, workspace: str, sha256: str) -> JobRecord | None:
        """A queued or running job of the same bytes in the workspace (an upload of them is a duplicate)."""
        ...

    def requeue_expired(self, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> list[JobRecord]:
        """Running jobs whose lease ran out go back to queued, or to error once ``max_attempts`` claims
        have died. Returns the jobs it changed (as they are now)."""
        ...

    def close(self) -> None: ...
