"""Backends under the JobQueue contract. A backend adds one entry to QUEUE_FACTORIES (skip inside the factory
with ``pytest.skip`` when its server is not available); every test in test_contract.py then runs against it.

A factory gets the test's tmp_path and returns a NEW handle on the SAME storage each time it is called, so the
tests can check that a second handle (another process, a restarted server) sees what the first one wrote.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from aiworks.jobs import JobQueue
from aiworks.jobs.sqlite import SqliteJobQueue


def _pg_queue(tmp: Path, request) -> JobQueue:
    from aiworks.jobs.postgres import PgJobQueue

    # one server for the session (tests/conftest.py pg_url); a table of its own per test
    table = "jobs_" + hashlib.sha1(str(tmp).encode()).hexdigest()[:16]
    return PgJobQueue(request.getfixturevalue("pg_url"), table=table)


# (tmp_path, request) -> a new handle on the test's storage
QUEUE_FACTORIES: dict[str, Callable[[Path, pytest.FixtureRequest], JobQueue]] = {
    "sqlite": lambda tmp, request: SqliteJobQueue(tmp / "jobs.sqlite"),
    "postgres": _pg_queue,
}


@pytest.fixture(params=sorted(QUEUE_FACTORIES))
def queue_factory(request, tmp_path: Path) -> Callable[[], JobQueue]:
    make = QUEUE_FACTORIES[request.param]
    handles: list[JobQueue] = []

    def factory() -> JobQueue:
        handles.append(make(tmp_path, request))
        return handles[-1]

    yield factory
    for q in handles:
        q.close()


@pytest.fixture
def queue(queue_factory) -> JobQueue:
    return queue_factory()
