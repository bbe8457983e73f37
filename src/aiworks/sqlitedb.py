"""The one way aiworks opens its SQLite files (workspace catalogs, the job queue, conversations).

Every file is in WAL mode (readers never block the writer) and every write is a ``BEGIN IMMEDIATE`` transaction,
SQLite's single writer lock, so two processes writing at once serialise instead of failing.

Why the WAL switch is retried by hand: ``PRAGMA journal_mode=WAL`` needs an exclusive lock on a file that is
not yet in WAL mode, and SQLite answers ``database is locked`` at once instead of waiting for the busy timeout.
Two processes opening a brand-new workspace together (two ``aiworks ingest`` started at the same moment) hit
exactly that; CI saw it. The mode is persistent, so once one process has switched the file, the others only
read it.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_S = 30.0


def connect(path: Path | str, *, synchronous: str = "NORMAL") -> sqlite3.Connection:
    """An autocommit connection in WAL mode; ``synchronous="FULL"`` where a commit must survive a power cut."""
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    try:
        _ensure_wal(con)
        con.execute(f"PRAGMA synchronous={synchronous}")
    except BaseException:
        con.close()
        raise
    return con


def _ensure_wal(con: sqlite3.Connection) -> None:
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.01
    while True:
        try:
            if con.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                con.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.2)


@contextmanager
def write(path: Path | str, *, synchronous: str = "NORMAL") -> Iterator[sqlite3.Connection]:
    """One write transaction on its own connection: committed on success, rolled back on any error."""
    con = connect(path, synchronous=synchronous)
    try:
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
    finally:
        con.close()


def read(path: Path | str, sql: str, args: tuple = ()) -> list[tuple]:
    """All rows of one query, on a connection opened and closed for it (usable from any thread)."""
    con = connect(path)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()
