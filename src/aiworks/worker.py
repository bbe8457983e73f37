"""``aiworks worker``: take ingestion jobs from the job queue until stopped.

Any number of workers (and servers) share one queue (PostgreSQL: ``AIWORKS_DATABASE_URL``; embedded: the
home's SQLite file). Each job is claimed under a lease that a heartbeat thread extends while the file is
parsed and embedded; a worker that dies stops heartbeating, and the next worker to poll requeues the job
once the lease has run out (``requeue_expired``) and ingests it again. That retry is safe: ingestion is
idempotent by content hash, and a document's chunks and catalog row commit in one transaction, so a
killed attempt leaves either nothing or the whole document (then the retry reports "unchanged").
Whoever finishes or fails a job deletes its staged file.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
from pathlib import Path
from typing import Annotated

import typer

from aiworks.jobs import JobOutcome, JobQueue, JobRecord, open_queue
from aiworks.settings import Settings


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Worker:
    def __init__(self, settings: Settings, queue: JobQueue | None = None, name: str | None = None,
                 workspaces: list[str] | None = None) -> None:
        self.settings = settings
        self.queue = queue or open_queue(settings)
        self.name = name or worker_id()
        self.workspaces = workspaces
        self.lease_s = float(getattr(settings, "job_lease_s", 30.0))
        self._assistants: dict = {}
        self._embedder = None

    def _assistant(self, workspace: str):
        from aiworks.providers.embedders import load_embedder
        from aiworks.rag.assistant import Assistant

        if workspace not in self._assistants:
            self._embedder = self._embedder or load_embedder(self.settings)
            self._assistants[workspace] = Assistant(self.settings, workspace, embedder=self._embedder)
        return self._assistants[workspace]

    def run_once(self) -> JobRecord | None:
        """Requeue expired leases, claim one job and run it; None when nothing was queued."""
        self.queue.requeue_expired()
        job = self.queue.claim(self.name, self.lease_s, self.workspaces)
        if job is not None:
            self.run(job)
        return job

    def run(self, job: JobRecord) -> None:
        state = {"progress": 0.0, "stage": "starting"}
        done = threading.Event()

        def beat() -> None:  # keeps the lease while parsing/embedding, however long one step takes
            while not done.wait(self.lease_s / 3):
                if not self.queue.heartbeat(job.id, self.name, self.lease_s, state["progress"], state["stage"]):
                    return  # the lease was taken over: our result will be refused

        def progress(stage: str, fraction: float) -> None:
            state["stage"], state["progress"] = stage.rsplit(": ", 1)[-1], float(fraction)

        beater = threading.Thread(target=beat, name=f"heartbeat-{job.id}", daemon=True)
        beater.start()
        try:
            report = self._assistant(job.workspace).ingest_file(Path(job.staged_path), job.ingest_name, progress)
            if report.status == "error":
                kept = self.queue.fail(job.id, self.name, report.error or "ingestion failed")
            else:
                kept = self.queue.finish(job.id, self.name, JobOutcome(report.status, report.document_id,
                                                                       report.pages, report.chunks))
        except Exception as exc:  # noqa: BLE001 - one file's failure is that job's error
            kept = self.queue.fail(job.id, self.name, f"{type(exc).__name__}: {exc}")
        finally:
            done.set()
            beater.join()
        if kept:
            Path(job.staged_path).unlink(missing_ok=True)

    def serve(self, stop: threading.Event, poll_s: float = 1.0) -> None:
        while not stop.is_set():
            if self.run_once() is None:
                stop.wait(poll_s)


def register(app: typer.Typer) -> None:
    @app.command()
    def worker(
        ctx: typer.Context,
        workspace: Annotated[list[str] | None, typer.Option("--only", help="Only these workspaces (repeatable)")] = None,
        poll: Annotated[float, typer.Option(help="Seconds between polls when the queue is empty")] = 1.0,
        once: Annotated[bool, typer.Option(help="Run queued jobs until none is left, then exit")] = False,
    ) -> None:
        """Take ingestion jobs from the shared queue (AIWORKS_DATABASE_URL) until stopped (Ctrl-C)."""
        import signal

        from aiworks.cli import settings_of

        w = Worker(settings_of(ctx), workspaces=workspace or None)
        typer.echo(f"aiworks worker {w.name} on {'PostgreSQL' if w.settings.database_url else 'the local queue'}",
                   err=True)
        if once:
            while w.run_once() is not None:
                pass
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            w.serve(stop, poll)
        except KeyboardInterrupt:
            pass
