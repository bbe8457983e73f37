"""PostgreSQL plumbing shared by the scale-out backends (chunk store, catalog, job queue).

One connection pool per database URL per process. ``transaction(url)`` joins the transaction already open
on this thread/task for the same URL, so the catalog row and the document's chunks (two objects, two
protocols) commit together: with PostgreSQL a document is never listed without its chunks, nor the reverse.

``workspace_tables`` opens a workspace's tables, creating them on first use and upgrading older ones once per
process; the SQL itself (tables, indexes, triggers) and the upgrade steps are in ``pg_schema.py``.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeGuard

from aiworks.pg_schema import BASE_SCHEMA, upgrade, workspace_ddl
from aiworks.pg_schema import BM25_B as BM25_B  # re-exported: the stores read pg.BM25_K1 / pg.BM25_B
from aiworks.pg_schema import BM25_K1 as BM25_K1

if TYPE_CHECKING:
    from psycopg import Connection
    from psycopg_pool import ConnectionPool

_POOLS: dict[str, ConnectionPool] = {}
_POOLS_LOCK = threading.Lock()
_CURRENT: contextvars.ContextVar[dict[str, Connection[Any]] | None] = contextvars.ContextVar(
    "aiworks_pg_tx", default=None
)


def is_postgres_url(url: str | None) -> TypeGuard[str]:
    return url is not None and bool(url) and url.split(":", 1)[0] in ("postgresql", "postgres")


def _configure(conn: Connection[Any]) -> None:
    from pgvector.psycopg import register_vector

    register_vector(conn)
    conn.commit()


def pool(url: str) -> ConnectionPool:
    """The process's pool for ``url`` (created on first use; the schema is created once per pool)."""
    with _POOLS_LOCK:
        p = _POOLS.get(url)
        if p is None:
            from psycopg_pool import ConnectionPool

            _bootstrap(url)
            p = ConnectionPool(
                url, min_size=1, max_size=8, configure=_configure, open=True, kwargs={"connect_timeout": 10}
            )
            _POOLS[url] = p
        return p


def _bootstrap(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        # serialise concurrent first starts (CREATE ... IF NOT EXISTS races on the catalog tables)
        conn.execute("SELECT pg_advisory_lock(7461001)")
        try:
            conn.execute(BASE_SCHEMA)
        finally:
            conn.execute("SELECT pg_advisory_unlock(7461001)")


@functools.lru_cache(maxsize=16)
def sqlalchemy_url(url: str, schema: str) -> str:
    """``url`` for SQLAlchemy users (MLflow tracking, Optuna studies), in a schema of their own: both keep
    an ``alembic_version`` table, and neither may see (or migrate) the other's or aiworks' tables."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    rest = url.split("://", 1)[1]
    sep = "&" if "?" in rest else "?"
    return f"postgresql+psycopg://{rest}{sep}options=-csearch_path%3D{schema}"


def close_pools() -> None:
    with _POOLS_LOCK:
        for p in _POOLS.values():
            p.close()
        _POOLS.clear()


@contextmanager
def transaction(url: str, join: bool = True, snapshot: bool = False) -> Iterator[Connection[Any]]:
    """A connection inside a transaction; nested calls for the same URL share the outer transaction
    (``join=False``: always a transaction of its own, e.g. a job's state must commit at once; ``snapshot``: a new
    transaction is REPEATABLE READ, every statement sees the same snapshot)."""
    current = _CURRENT.get()
    if join and current is not None and url in current:
        yield current[url]
        return
    with pool(url).connection() as conn:
        if snapshot:
            from psycopg import IsolationLevel

            conn.isolation_level = IsolationLevel.REPEATABLE_READ  # sent with the BEGIN: no extra round trip
        try:
            with conn.transaction():
                token = _CURRENT.set({**(current or {}), url: conn})
                try:
                    yield conn
                finally:
                    _CURRENT.reset(token)
        finally:
            if snapshot:
                conn.isolation_level = None


def in_transaction(url: str) -> bool:
    """Whether this thread/task has a transaction open on ``url`` (which ``transaction`` would join)."""
    current = _CURRENT.get()
    return current is not None and url in current


def workspace_tables(
    url: str, workspace: str, dim: int | None, hnsw: tuple[int, int] = (16, 64)
) -> tuple[str, str, str]:
    """(chunk table, term table, postings table) of the workspace, created on first use (its HNSW graph with
    ``hnsw`` = (m, ef_construction)). ``dim`` None: open only if it exists (raises KeyError otherwise). A dimension
    mismatch is a clear error, as with the embedded store."""

    suffix = hashlib.sha1(workspace.encode("utf-8")).hexdigest()[:16]
    with transaction(url) as conn:
        row = conn.execute("SELECT suffix, dim FROM aiworks_workspaces WHERE name = %s", (workspace,)).fetchone()
        if row is None:
            if dim is None:
                raise KeyError(workspace)
            conn.execute("SELECT pg_advisory_xact_lock(7461002)")
            row = conn.execute("SELECT suffix, dim FROM aiworks_workspaces WHERE name = %s", (workspace,)).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO aiworks_workspaces (name, suffix, dim) VALUES (%s, %s, %s)", (workspace, suffix, dim)
                )
                conn.execute(workspace_ddl(conn, workspace, suffix, int(dim), hnsw))
                row = (suffix, dim)
        elif (url, workspace) not in _CURRENT_SCHEMA:
            upgrade(conn, workspace, row[0], row[1])
        _CURRENT_SCHEMA.add((url, workspace))
        if dim is not None and row[1] != dim:
            raise ValueError(
                f"this workspace was indexed with {row[1]}-d embeddings but the embedder makes "
                f"{dim}-d ones; use the same embedder or a new workspace"
            )
        return f"c_{row[0]}", f"t_{row[0]}", f"p_{row[0]}"


_CURRENT_SCHEMA: set[tuple[str, str]] = set()  # workspaces this process has seen on the current schema
