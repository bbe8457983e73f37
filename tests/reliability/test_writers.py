"""Concurrent writers, kill -9 during ingest, orphaned parse workers, interrupted index builds (real CLI)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from corpus_helpers import SRC, broken_documents, cli, cli_env, cli_popen, make_corpus

pytestmark = pytest.mark.slow


def _reports(out: str) -> list[dict]:
    return json.loads(out)


@pytest.mark.parametrize("round_", range(2))
def test_two_concurrent_ingests_both_succeed_and_every_document_is_whole(tmp_path, round_):
    files = make_corpus(tmp_path / "docs")
    home = tmp_path / "home"
    procs = [cli_popen(home, "ingest", str(tmp_path / "docs"), "--json") for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-2000:]
        statuses = {r["status"] for r in _reports(out)}
        assert statuses <= {"ingested", "replaced", "unchanged"}, out
    # every file was ingested exactly once between the two (the second found them unchanged)
    done = [r["status"] for out, _ in outs for r in _reports(out)]
    assert done.count("ingested") == len(files) and done.count("unchanged") == len(files)
    assert broken_documents(home) == []


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False).stdout
    return [int(x) for x in out.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


@pytest.mark.parametrize("delay_s", [1.0, 3.0, 6.0])
def test_kill_9_during_ingest_leaves_whole_documents_and_no_worker(tmp_path, delay_s):
    make_corpus(tmp_path / "docs", n_text=40)
    home = tmp_path / "home"
    proc = cli_popen(home, "ingest", str(tmp_path / "docs"))
    deadline = time.monotonic() + delay_s + 30
    workers: list[int] = []
    time.sleep(delay_s)
    while time.monotonic() < deadline and not workers and proc.poll() is None:
        workers = _children(proc.pid)
        time.sleep(0.1)
    if proc.poll() is not None:
        pytest.skip("ingest finished before the kill (machine faster than the delay)")
    assert workers, "no parse worker was started"
    os.kill(proc.pid, signal.SIGKILL)  # the CLI only: its parse worker must notice by itself
    proc.wait(10)
    t0 = time.monotonic()
    while any(_alive(w) for w in workers) and time.monotonic() - t0 < 10:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), f"parse worker(s) {workers} outlived the killed CLI"
    problems = broken_documents(home)
    assert problems == [], problems
    # the next ingest completes the rest and the index answers keyword queries
    again = cli(home, "ingest", str(tmp_path / "docs"), "--json")
    assert again.returncode == 0, again.stderr[-2000:]
    assert broken_documents(home) == []
    _assert_keyword_search_works(home)


def _assert_keyword_search_works(home: Path) -> None:
    from aiworks.rag.assistant import Assistant
    from aiworks.settings import Settings

    assistant = Assistant(Settings(home=home, embedder="hash"))
    names = " ".join(i.name for i in assistant.store._table.list_indices())
    assert "search_text" in names, names
    assert assistant.store.text_search("supplier", 5)


KILL_IN_OPTIMIZE = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {src!r})
    from aiworks.rag.stores import lance
    def die(self):  # the crash between the last chunk commit and the full-text index build
        os.kill(os.getpid(), signal.SIGKILL)
    lance.LanceStore.optimize = die
    from aiworks.cli import main
    sys.argv = ["aiworks", "ingest", {docs!r}]
    main()
""")


@pytest.mark.parametrize("repair_by", ["ingest", "open"])
def test_index_build_cut_by_kill_9_is_redone(tmp_path, repair_by):
    make_corpus(tmp_path / "docs", n_text=3)
    home = tmp_path / "home"
    script = KILL_IN_OPTIMIZE.format(src=str(SRC), docs=str(tmp_path / "docs"))
    crashed = subprocess.run(
        [sys.executable, "-c", script], env=cli_env(home), capture_output=True, timeout=300, check=False
    )
    assert crashed.returncode == -signal.SIGKILL
    assert (home / "workspaces" / "default" / ".index-dirty").exists()
    if repair_by == "ingest":
        again = cli(home, "ingest", str(tmp_path / "docs"), "--json")
        assert again.returncode == 0
        assert {r["status"] for r in json.loads(again.stdout)} == {"unchanged"}
    _assert_keyword_search_works(home)  # ("open": constructing the Assistant repairs it)
    assert not (home / "workspaces" / "default" / ".index-dirty").exists()
    assert broken_documents(home) == []
