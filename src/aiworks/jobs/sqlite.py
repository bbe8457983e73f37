"""The embedded job queue: one SQLite file, ``<home>/jobs.sqlite``, shared by every process on the machine.

Why the home's database and not each workspace's catalog: a worker serves every workspace, so one queue means
one place to poll and one ``claim`` transaction (N workspace files would need N polls and could not hand out
"the oldest job" across them); it is also the shape of the PostgreSQL backend (one ``jobs`` table). Jobs name
their workspace, and every read is filtered by it, so isolation is unchanged.

Concurrency: WAL mode; each write is a ``BEGIN IMMEDIATE`` transaction (SQLite's one writer lock), so two
processes claiming at once serialise and never get the same job. A fresh connection per call keeps the queue
usable from any thread.
"""

from __future__ import annotations

import builtins
import secrets
import sqlite3
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import fields
from pathlib import Path

from aiworks import sqlitedb
from aiworks.jobs.base import DEFAULT_MAX_ATTEMPTS, JobOutcome, JobRecord

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, workspace TEXT NOT NULL, filename TEXT NOT NULL, ingest_name TEXT NOT NULL,
    sha256 TEXT NOT NULL, staged_path TEXT NOT NULL, status TEXT NOT NULL, progress REAL NOT NULL DEFAULT 0,
    stage TEXT NOT NULL DEFAULT 'queued', error TEXT, document_id TEXT, result TEXT,
    pages INTEGER NOT NULL DEFAULT 0, chunks INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
    worker TEXT, lease_until REAL, created_at REAL NOT NULL, finished_at REAL, seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, seq);
CREATE INDEX IF NOT EXISTS jobs_by_workspace ON jobs (workspace, seq);
"""
_SYNC = "FULL"  # a 202 must survive a power cut, not only a kill
_COLUMNS = [f.name for f in fields(JobRecord)]
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM jobs"


class SqliteJobQueue:
    def __init__(self, path: Path | str, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        with sqlitedb.write(self.path, synchronous=_SYNC) as con:
            for statement in filter(str.strip, _SCHEMA.split(";")):
                con.execute(statement)

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return sqlitedb.write(self.path, synchronous=_SYNC)

    def _read(self, sql: str, args: tuple = ()) -> list[JobRecord]:
        return [JobRecord(*r) for r in sqlitedb.read(self.path, sql, args)]

    @staticmethod
    def _one(con: sqlite3.Connection, job_id: str) -> JobRecord | None:
        row = con.execute(f"{_SELECT} WHERE id = ?", (job_id,)).fetchone()
        return JobRecord(*row) if row else None

    # ------------------------------------------------------------ protocol
    def enqueue(
        self, workspace: str, filename: str, sha256: str, staged_path: str, ingest_name: str | None = None
    ) -> JobRecord:
        job_id = secrets.token_hex(8)
        with self._write() as con:
            seq = con.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM jobs").fetchone()[0]
            con.execute(
                "INSERT INTO jobs (id, workspace, filename, ingest_name, sha256, staged_path, status, "
                "created_at, seq) VALUES (?,?,?,?,?,?,'queued',?,?)",
                (job_id, workspace, filename, ingest_name or filename, sha256, str(staged_path), self._clock(), seq),
            )
            return self._one(con, job_id)  # type: ignore[return-value]

    def claim(self, worker: str, lease_s: float, workspaces: list[str] | None = None) -> JobRecord | None:
        where, args = "status = 'queued'", []
        if workspaces is not None:
            if not workspaces:
                return None
            where += f" AND workspace IN ({', '.join('?' * len(workspaces))})"
            args = list(workspaces)
        with self._write() as con:
            row = con.execute(f"SELECT id FROM jobs WHERE {where} ORDER BY seq LIMIT 1", args).fetchone()
            if row is None:
                return None
            con.execute(
                "UPDATE jobs SET status = 'running', worker = ?, lease_until = ?, attempts = attempts + 1, "
                "stage = 'starting' WHERE id = ?",
                (worker, self._clock() + lease_s, row[0]),
            )
            return self._one(con, row[0])

    def _update_held(self, job_id: str, worker: str, sets: str, args: tuple) -> bool:
        with self._write() as con:
            cur = con.execute(
                f"UPDATE jobs SET {sets} WHERE id = ? AND worker = ? AND status = 'running'", (*args, job_id, worker)
            )
            return cur.rowcount == 1

    def heartbeat(
        self, job_id: str, worker: str, lease_s: float, progress: float | None = None, stage: str | None = None
    ) -> bool:
        return self._update_held(
            job_id,
            worker,
            "lease_until = ?, progress = MAX(progress, COALESCE(?, progress)), stage = COALESCE(?, stage)",
            (self._clock() + lease_s, None if progress is None else min(1.0, max(0.0, float(progress))), stage),
        )

    def finish(self, job_id: str, worker: str, outcome: JobOutcome) -> bool:
        return self._update_held(
            job_id,
            worker,
            "status = 'done', progress = 1.0, stage = 'done', result = ?, document_id = ?, pages = ?, chunks = ?, "
            "error = NULL, lease_until = NULL, finished_at = ?",
            (outcome.result, outcome.document_id, int(outcome.pages), int(outcome.chunks), self._clock()),
        )

    def fail(self, job_id: str, worker: str, reason: str) -> bool:
        return self._update_held(
            job_id,
            worker,
            "status = 'error', stage = 'error', result = 'error', error = ?, lease_until = NULL, finished_at = ?",
            (reason or "ingestion failed", self._clock()),
        )

    def get(self, job_id: str) -> JobRecord | None:
        found = self._read(f"{_SELECT} WHERE id = ?", (job_id,))
        return found[0] if found else None

    def list(self, workspace: str, limit: int = 2000) -> list[JobRecord]:
        return list(
            reversed(self._read(f"{_SELECT} WHERE workspace = ? ORDER BY seq DESC LIMIT ?", (workspace, limit)))
        )

    def pending_hash(self, workspace: str, sha256: str) -> JobRecord | None:
        found = self._read(
            f"{_SELECT} WHERE workspace = ? AND sha256 = ? AND status IN ('queued', 'running') ORDER BY seq LIMIT 1",
            (workspace, sha256),
        )
        return found[0] if found else None

    def requeue_expired(self, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> builtins.list[JobRecord]:
        now = self._clock()
        with self._write() as con:
            ids = [
                r[0] for r in con.execute("SELECT id FROM jobs WHERE status = 'running' AND lease_until < ?", (now,))
            ]
            for job_id in ids:
                con.execute(
                    "UPDATE jobs SET "
                    "status = CASE WHEN attempts >= ? THEN 'error' ELSE 'queued' END, "
                    "stage = CASE WHEN attempts >= ? THEN 'error' ELSE 'queued' END, "
                    "result = CASE WHEN attempts >= ? THEN 'error' ELSE result END, "
                    "error = CASE WHEN attempts >= ? THEN 'the worker stopped (crashed or killed) ' || attempts || "
                    "' times while ingesting this file; it was not retried again' ELSE error END, "
                    "finished_at = CASE WHEN attempts >= ? THEN ? ELSE NULL END, lease_until = NULL "
                    "WHERE id = ?",
                    (max_attempts,) * 5 + (now, job_id),
                )
            return [j for j in (self._one(con, i) for i in ids) if j is not None]

    def close(self) -> None:  # connections are per call: nothing held
        return None
