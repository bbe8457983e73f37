"""The shared job queue on PostgreSQL: one table every server and worker of a deployment polls.

``claim`` is one statement, ``UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED)``: concurrent claimers
skip each other's locked rows instead of waiting, and never get the same job. Leases use the database clock
(``clock_timestamp()``), so workers on machines whose clocks differ still agree on when a lease ran out.
Re-running a job is safe: ingestion is idempotent by content hash, and the chunk table's primary key
(document_id, idx) plus one transaction per document make a duplicate chunk impossible.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import fields

from aiworks import pg
from aiworks.jobs.base import DEFAULT_MAX_ATTEMPTS, JobOutcome, JobRecord

_NOW = "EXTRACT(EPOCH FROM clock_timestamp())::float8"
_COLUMNS = [f.name for f in fields(JobRecord)]
_SCHEMA = """
CREATE TABLE IF NOT EXISTS {t} (
    id TEXT PRIMARY KEY, workspace TEXT NOT NULL, filename TEXT NOT NULL, ingest_name TEXT NOT NULL,
    sha256 TEXT NOT NULL, staged_path TEXT NOT NULL, status TEXT NOT NULL, progress FLOAT8 NOT NULL DEFAULT 0,
    stage TEXT NOT NULL DEFAULT 'queued', error TEXT, document_id TEXT, result TEXT,
    pages INTEGER NOT NULL DEFAULT 0, chunks INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
    worker TEXT, lease_until FLOAT8, created_at FLOAT8 NOT NULL, finished_at FLOAT8,
    seq BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX IF NOT EXISTS {t}_queued ON {t} (seq) WHERE status = 'queued';
CREATE INDEX IF NOT EXISTS {t}_running ON {t} (lease_until) WHERE status = 'running';
CREATE INDEX IF NOT EXISTS {t}_by_workspace ON {t} (workspace, seq);
"""


class PgJobQueue:
    def __init__(self, url: str, table: str = "aiworks_jobs") -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", table):
            raise ValueError(f"invalid table name {table!r}")
        self.url, self.table = url, table
        self._select = f"SELECT {', '.join(_COLUMNS)} FROM {table}"
        with pg.transaction(url, join=False) as conn:
            conn.execute("SELECT pg_advisory_xact_lock(7461003)")
            conn.execute(_SCHEMA.format(t=table))

    def _rows(self, sql: str, args: tuple | dict = ()) -> list[JobRecord]:
        with pg.transaction(self.url, join=False) as conn:
            return [JobRecord(*r) for r in conn.execute(sql, args).fetchall()]

    def _first(self, sql: str, args: tuple | dict = ()) -> JobRecord | None:
        rows = self._rows(sql, args)
        return rows[0] if rows else None

    # ------------------------------------------------------------ protocol
    def enqueue(
        self, workspace: str, filename: str, sha256: str, staged_path: str, ingest_name: str | None = None
    ) -> JobRecord:
        return self._first(  # type: ignore[return-value]
            f"INSERT INTO {self.table} (id, workspace, filename, ingest_name, sha256, staged_path, status, created_at) "
            f"VALUES (%s, %s, %s, %s, %s, %s, 'queued', {_NOW}) RETURNING {', '.join(_COLUMNS)}",
            (secrets.token_hex(8), workspace, filename, ingest_name or filename, sha256, str(staged_path)),
        )

    def claim(self, worker: str, lease_s: float, workspaces: list[str] | None = None) -> JobRecord | None:
        if workspaces is not None and not workspaces:
            return None
        where = "status = 'queued'" + (" AND workspace = ANY(%(ws)s)" if workspaces is not None else "")
        return self._first(
            f"UPDATE {self.table} SET status = 'running', worker = %(w)s, lease_until = {_NOW} + %(lease)s, "
            f"attempts = attempts + 1, stage = 'starting' WHERE id = (SELECT id FROM {self.table} WHERE {where} "
            f"ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING {', '.join(_COLUMNS)}",
            {"w": worker, "lease": float(lease_s), "ws": list(workspaces or [])},
        )

    def _update_held(self, job_id: str, worker: str, sets: str, args: dict) -> bool:
        with pg.transaction(self.url, join=False) as conn:
            cur = conn.execute(
                f"UPDATE {self.table} SET {sets} WHERE id = %(id)s AND worker = %(w)s AND status = 'running'",
                {**args, "id": job_id, "w": worker},
            )
            return cur.rowcount == 1

    def heartbeat(
        self, job_id: str, worker: str, lease_s: float, progress: float | None = None, stage: str | None = None
    ) -> bool:
        p = None if progress is None else min(1.0, max(0.0, float(progress)))
        return self._update_held(
            job_id,
            worker,
            f"lease_until = {_NOW} + %(lease)s, "
            "progress = GREATEST(progress, COALESCE(%(p)s, progress)), "
            "stage = COALESCE(%(stage)s, stage)",
            {"lease": float(lease_s), "p": p, "stage": stage},
        )

    def finish(self, job_id: str, worker: str, outcome: JobOutcome) -> bool:
        return self._update_held(
            job_id,
            worker,
            "status = 'done', progress = 1.0, stage = 'done', result = %(r)s, "
            "document_id = %(d)s, pages = %(pages)s, chunks = %(chunks)s, error = NULL, "
            f"lease_until = NULL, finished_at = {_NOW}",
            {"r": outcome.result, "d": outcome.document_id, "pages": int(outcome.pages), "chunks": int(outcome.chunks)},
        )

    def fail(self, job_id: str, worker: str, reason: str) -> bool:
        return self._update_held(
            job_id,
            worker,
            "status = 'error', stage = 'error', result = 'error', "
            f"error = %(e)s, lease_until = NULL, finished_at = {_NOW}",
            {"e": reason or "ingestion failed"},
        )

    def get(self, job_id: str) -> JobRecord | None:
        return self._first(f"{self._select} WHERE id = %s", (job_id,))

    def list(self, workspace: str, limit: int = 2000) -> list[JobRecord]:
        rows = self._rows(f"{self._select} WHERE workspace = %s ORDER BY seq DESC LIMIT %s", (workspace, int(limit)))
        return rows[::-1]

    def pending_hash(self, workspace: str, sha256: str) -> JobRecord | None:
        return self._first(
            f"{self._select} WHERE workspace = %s AND sha256 = %s AND status IN ('queued', 'running') "
            "ORDER BY seq LIMIT 1",
            (workspace, sha256),
        )

    def requeue_expired(self, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> list[JobRecord]:
        gave_up = (
            "'the worker stopped (crashed or killed) ' || attempts || ' times while ingesting this file; "
            "it was not retried again'"
        )
        return self._rows(
            f"UPDATE {self.table} SET status = CASE WHEN attempts >= %(m)s THEN 'error' ELSE 'queued' END, "
            f"stage = CASE WHEN attempts >= %(m)s THEN 'error' ELSE 'queued' END, "
            f"result = CASE WHEN attempts >= %(m)s THEN 'error' ELSE result END, "
            f"error = CASE WHEN attempts >= %(m)s THEN {gave_up} ELSE error END, "
            f"finished_at = CASE WHEN attempts >= %(m)s THEN {_NOW} ELSE NULL END, lease_until = NULL "
            f"WHERE id IN (SELECT id FROM {self.table} WHERE status = 'running' AND lease_until < {_NOW} "
            f"FOR UPDATE SKIP LOCKED) RETURNING {', '.join(_COLUMNS)}",
            {"m": int(max_attempts)},
        )

    def close(self) -> None:  # connections belong to the process's pool (aiworks.pg)
        return None
