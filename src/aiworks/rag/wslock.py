"""One writer per workspace across processes, and crash-safe index upkeep.

``WorkspaceLock``: an exclusive ``flock`` on ``<workspace>/.write.lock`` held for a whole write (an ingest
batch, a removal). Two ``aiworks ingest`` of the same files used to interleave their stage/commit/clean-up
steps and delete each other's stored text (and collide on LanceDB commits); now the second waits, and then
finds every file "unchanged". The kernel drops the lock when its holder dies (kill -9 included), so a crash
never leaves a stale lock behind. Re-entrant within a process (the API's per-workspace lock and the
assistant's both take it); threads of one process queue on an RLock first, so the file lock is taken once.

With PostgreSQL (``WorkspaceLock(root, database_url, workspace)``) the lock is a session advisory lock on
the database instead, held on a connection of its own for the whole write: servers on several machines share
the workspace folder over a network file system, where ``flock`` is not reliable (NFS emulates it with byte
range locks, some mounts not at all), but they all share the database. PostgreSQL drops the lock when the
holder's session ends: at once when its process dies (kill -9 closes the socket), and within ~25 s
(TCP keepalive) when its machine vanishes from the network. If a live holder's lock connection is cut, its
write goes on unprotected: every chunk write is still one transaction with its catalog row, so the worst case
is two writers racing on the same file, which the per-document advisory locks of the store serialise.

``IndexDirty``: a marker file written before a write begins and removed once the store's indexes are
rebuilt (``store.optimize()``). A crash in between (e.g. after the last chunk commit, before the full-text
index was built) leaves the marker, and the next open or ingest of the workspace rebuilds the index instead of
reporting "unchanged" over an unbuilt one. It lives in the workspace folder, which every server mounts, and is
only read and written under the write lock (fsync'ed; NFS close-to-open consistency makes it visible to the
next holder), so crash repair works across machines too.

``die_with_parent``: the parse worker's initializer (this module is light, so the spawned worker does not
import the assistant's torch/LanceDB stack to run it).
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_GUARD = threading.Lock()
_LOCAL: dict[str, _Held] = {}


class _Held:
    def __init__(self) -> None:
        self.rlock = threading.RLock()
        self.depth = 0
        self.fd: Any = None  # the locked file descriptor, or the PostgreSQL connection holding the lock


class WorkspaceLock:
    def __init__(self, root: Path, database_url: str | None = None, workspace: str | None = None) -> None:
        from aiworks.pg import is_postgres_url

        self.path = Path(root) / ".write.lock"
        self.database_url = database_url if is_postgres_url(database_url) and workspace else None
        self.key = f"aiworks-workspace:{workspace}"
        local = f"{self.database_url}#{workspace}" if self.database_url else str(self.path.resolve())
        with _GUARD:
            self._held = _LOCAL.setdefault(local, _Held())

    @contextmanager
    def hold(self, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
        """Exclusive write access to the workspace; ``waiting(message)`` is called once if another process
        holds it (so a command can say why it pauses)."""
        held = self._held
        with held.rlock:
            if held.depth == 0:
                held.fd = self._acquire(waiting)
            held.depth += 1
            try:
                yield
            finally:
                self._release(held)

    @contextmanager
    def try_hold(self) -> Iterator[bool]:
        """Like ``hold`` but never waits: yields False (holding nothing) if another writer has it."""
        held = self._held
        if not held.rlock.acquire(blocking=False):
            yield False
            return
        try:
            if held.depth == 0:
                try:
                    held.fd = self._acquire(None, blocking=False)
                except BlockingIOError:
                    yield False
                    return
            held.depth += 1
            try:
                yield True
            finally:
                self._release(held)
        finally:
            held.rlock.release()

    @staticmethod
    def _release(held: _Held) -> None:
        held.depth -= 1
        if held.depth == 0 and held.fd is not None:
            if isinstance(held.fd, int):
                fcntl.flock(held.fd, fcntl.LOCK_UN)
                os.close(held.fd)
            else:
                held.fd.close()  # ending the session releases its advisory locks
            held.fd = None

    def _acquire(self, waiting: Callable[[str], None] | None, blocking: bool = True) -> Any:
        return self._acquire_pg(waiting, blocking) if self.database_url else self._acquire_file(waiting, blocking)

    def _acquire_pg(self, waiting: Callable[[str], None] | None, blocking: bool) -> Any:
        import psycopg

        conn = psycopg.connect(
            self.database_url or "",
            autocommit=True,
            connect_timeout=10,
            keepalives=1,
            keepalives_idle=10,
            keepalives_interval=5,
            keepalives_count=3,
            application_name="aiworks-write-lock",
        )
        try:
            lock = "hashtextextended(%s, 0)"
            row = conn.execute(f"SELECT pg_try_advisory_lock({lock})", (self.key,)).fetchone()
            if not (row and row[0]):
                if not blocking:
                    raise BlockingIOError(f"{self.key} is held by another server")
                if waiting:
                    waiting("waiting for another server writing to this workspace")
                t0 = time.monotonic()
                conn.execute(f"SELECT pg_advisory_lock({lock})", (self.key,))  # until the holder ends (or dies)
                if waiting:
                    waiting(f"workspace free after {time.monotonic() - t0:.1f} s")
        except BaseException:
            conn.close()
            raise
        return conn

    def _acquire_file(self, waiting: Callable[[str], None] | None, blocking: bool = True) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not blocking:
                os.close(fd)
                raise
            if waiting:
                waiting("waiting for another process writing to this workspace")
            t0 = time.monotonic()
            fcntl.flock(fd, fcntl.LOCK_EX)  # blocks until the other writer finishes (or dies)
            if waiting:
                waiting(f"workspace free after {time.monotonic() - t0:.1f} s")
        except BaseException:
            os.close(fd)
            raise
        return fd


class IndexDirty:
    def __init__(self, root: Path) -> None:
        self.path = Path(root) / ".index-dirty"

    def mark(self) -> None:
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "w") as f:
                f.write(str(os.getpid()))
                f.flush()
                os.fsync(f.fileno())

    def is_set(self) -> bool:
        return self.path.exists()

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def die_with_parent(parent: int) -> None:
    """In a worker process: exit when the parent is gone (kill -9 included: the worker is then re-parented),
    instead of lingering with ~100 MB. A watchdog thread, not PR_SET_PDEATHSIG, which fires when the *thread*
    that spawned the worker ends (the ingest's prepare thread, after every batch)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="aiworks-parent-watch", daemon=True).start()


def reconcile(catalog, store, docs_root: Path) -> dict[str, int]:
    """Make the store and the docs folder agree with the catalog, which is committed last and so is the
    record: chunks of uncatalogued documents are deleted, unreferenced version folders removed."""
    import shutil

    listed = {d.id: catalog.version_dir(d.id) for d in catalog.all()}
    dropped = 0
    ids = getattr(store, "document_ids", None)
    for document_id in (ids() if ids else set()) - set(listed):
        dropped += store.delete_document(document_id)
    removed = 0
    if Path(docs_root).is_dir():
        for folder in Path(docs_root).iterdir():
            keep = listed.get(folder.name)
            for version in folder.iterdir() if folder.is_dir() else []:
                if version.name != keep:
                    shutil.rmtree(version, ignore_errors=True)
                    removed += 1
            if keep is None:
                shutil.rmtree(folder, ignore_errors=True)
    return {"chunks_dropped": dropped, "folders_removed": removed}
