"""``aiworks worker``: take ingestion jobs from the job queue until stopped.

Any number of workers and servers share one queue (PostgreSQL: ``AIWORKS_DATABASE_URL``; embedded: the home's
SQLite file) and one AIWORKS_HOME (staged uploads, document files). A worker is the server's own job runner
(``aiworks.api.jobs.JobRunner``: lease, heartbeat, requeue of expired leases, staged-file clean-up) without
the HTTP side, so a job runs the same way wherever it is claimed. A job whose worker died is claimed by
another once its lease has run out; the retry is safe because ingestion is idempotent by content hash and a
document's chunks and catalog row commit together (PostgreSQL: one transaction), so no chunk is duplicated.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

import typer

from aiworks.settings import Settings


def build_runner(settings: Settings, workspaces: list[str] | None = None, poll_s: float = 1.0, threads: int = 1):
    from aiworks.api.jobs import JobRunner
    from aiworks.api.workspaces import WorkspacePool
    from aiworks.jobs import open_queue

    pool = WorkspacePool(settings)

    def ingest(job, progress):
        with pool.lock(job.workspace):
            return pool.assistant(job.workspace).ingest_file(
                Path(job.staged_path), name=job.ingest_name, progress=progress
            )

    return JobRunner(
        open_queue(settings),
        ingest,
        lease_s=settings.job_lease_s,
        threads=threads,
        poll_s=poll_s,
        workspaces=workspaces,
    )


def register(app: typer.Typer) -> None:
    @app.command()
    def worker(
        ctx: typer.Context,
        workspace: Annotated[
            list[str] | None, typer.Option("--only", help="Only these workspaces (repeatable)")
        ] = None,
        poll: Annotated[float, typer.Option(help="Seconds between polls when the queue is empty")] = 1.0,
        threads: Annotated[int, typer.Option(help="Jobs run at once")] = 1,
    ) -> None:
        """Take ingestion jobs from the shared queue (AIWORKS_DATABASE_URL) until stopped (Ctrl-C, SIGTERM)."""
        import signal

        from aiworks.cli_support import settings_of

        settings = settings_of(ctx)
        runner = build_runner(settings, workspace or None, poll, threads)
        typer.echo(
            f"aiworks worker {runner.worker} on {'PostgreSQL' if settings.database_url else 'the local queue'}",
            err=True,
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        runner.start()
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            runner.shutdown()
