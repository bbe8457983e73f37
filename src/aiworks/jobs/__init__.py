"""Durable ingestion jobs behind one small protocol (``JobQueue``); SQLite is the embedded default.

``open_queue(settings)`` is the one place a backend is chosen: today the home's SQLite file; a PostgreSQL
backend (``AIWORKS_DATABASE_URL``) is added here by the scale-out work, with the same contract tests.
"""

from __future__ import annotations

from aiworks.jobs.base import (
    DEFAULT_MAX_ATTEMPTS,
    FINISHED,
    JobOutcome,
    JobQueue,
    JobRecord,
    JobStatus,
)

__all__ = ["DEFAULT_MAX_ATTEMPTS", "FINISHED", "JobOutcome", "JobQueue", "JobRecord", "JobStatus", "open_queue"]


def open_queue(settings) -> JobQueue:
    from aiworks.pg import is_postgres_url

    if is_postgres_url(getattr(settings, "database_url", None)):
        from aiworks.jobs.postgres import PgJobQueue

        return PgJobQueue(settings.database_url)
    from aiworks.jobs.sqlite import SqliteJobQueue

    return SqliteJobQueue(settings.home / "jobs.sqlite")
