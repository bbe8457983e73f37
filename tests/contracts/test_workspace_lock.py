"""With PostgreSQL the workspace write lock lives in the database: two "machines" (processes with different
workspace folders, so no shared file to flock) still exclude each other, and a killed holder frees it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from aiworks.rag.wslock import WorkspaceLock

HOLD = """
import sys, time
from aiworks.rag.wslock import WorkspaceLock
lock = WorkspaceLock(sys.argv[1], sys.argv[2], sys.argv[3])
with lock.hold():
    print("held", flush=True)
    time.sleep(120)
"""


def _holder(root: Path, url: str, workspace: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(root), url, workspace], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_another_machine_waits_and_a_killed_holder_frees_the_lock(pg_url, workspace, tmp_path):
    holder = _holder(tmp_path / "machine-a", pg_url, workspace)
    try:
        lock = WorkspaceLock(tmp_path / "machine-b", pg_url, workspace)  # other folder: no common lock file
        with lock.try_hold() as mine:
            assert mine is False
        with WorkspaceLock(tmp_path / "machine-b", pg_url, workspace + "-other").try_hold() as other:
            assert other is True  # another workspace is not blocked
        said: list[str] = []
        got = threading.Event()

        def write() -> None:
            with lock.hold(waiting=said.append):
                got.set()

        writer = threading.Thread(target=write)
        writer.start()
        deadline = time.monotonic() + 20
        while not said and time.monotonic() < deadline:
            time.sleep(0.05)
        assert said == ["waiting for another server writing to this workspace"] and not got.is_set()
        os.kill(holder.pid, signal.SIGKILL)  # the holder dies mid-write: PostgreSQL ends its session
        writer.join(timeout=10)
        assert got.is_set() and said[1].startswith("workspace free after")
        with lock.try_hold() as mine:  # released again on exit
            assert mine is True
    finally:
        holder.kill()
        holder.wait()


def test_the_second_writer_is_told_it_waits(pg_url, workspace, tmp_path):
    holder = _holder(tmp_path / "a", pg_url, workspace)
    said: list[str] = []
    try:
        lock = WorkspaceLock(tmp_path / "b", pg_url, workspace)

        def release_soon(message: str) -> None:
            said.append(message)
            if len(said) == 1:
                holder.terminate()  # the other server finishes

        with lock.hold(waiting=release_soon):
            pass
        assert said[0] == "waiting for another server writing to this workspace"
        assert said[1].startswith("workspace free after")
    finally:
        holder.kill()
        holder.wait()


def test_the_assistant_takes_the_database_lock(settings, workspace, backend):
    from aiworks.rag.assistant import Assistant

    a = Assistant(settings, workspace)
    assert (a.write_lock.database_url is not None) == (backend == "postgres")
    with a.write_lock.hold():  # re-entrant within the process, as the API's lock and the assistant's nest
        with a.write_lock.hold():
            assert a.ingest([]) == []
