"""Several processes opening one brand-new SQLite file at once (two ``aiworks ingest`` started together):
all of them must get a working connection, none a ``database is locked`` from the switch to WAL mode."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3

import pytest

from aiworks import sqlitedb


def _open_and_write(path: str, i: int, start) -> None:
    start.wait()
    with sqlitedb.write(path) as con:
        con.execute("CREATE TABLE IF NOT EXISTS t (i INTEGER)")
        con.execute("INSERT INTO t VALUES (?)", (i,))


@pytest.mark.parametrize("round_", range(3))
def test_concurrent_first_opens_all_succeed_in_wal_mode(tmp_path, round_):
    path = str(tmp_path / f"new-{round_}.sqlite")
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    procs = [ctx.Process(target=_open_and_write, args=(path, i, start)) for i in range(6)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * 6
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert sorted(r[0] for r in con.execute("SELECT i FROM t")) == list(range(6))


def test_a_failed_transaction_leaves_nothing(tmp_path):
    path = tmp_path / "db.sqlite"
    with sqlitedb.write(path) as con:
        con.execute("CREATE TABLE t (i INTEGER)")
    with pytest.raises(RuntimeError), sqlitedb.write(path) as con:
        con.execute("INSERT INTO t VALUES (1)")
        raise RuntimeError("boom")
    assert sqlitedb.read(path, "SELECT COUNT(*) FROM t") == [(0,)]
