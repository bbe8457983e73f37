"""Backends under the JobQueue contract. A backend adds one entry to QUEUE_FACTORIES (skip inside the factory
with ``pytest.skip`` when its server is not available); every test in test_contract.py then runs against it.

A factory gets the test's tmp_path and returns a NEW handle on the SAME storage each time it is called, so the
tests can check that a second handle (another process, a restarted server) sees what the first one wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from aiworks.jobs import JobQueue
from aiworks.jobs.sqlite import SqliteJobQueue

QUEUE_FACTORIES: dict[str, Callable[[Path], JobQueue]] = {
    "sqlite": lambda tmp: SqliteJobQueue(tmp / "jobs.sqlite"),
}


@pytest.fixture(params=sorted(QUEUE_FACTORIES))
def queue_factory(request, tmp_path: Path) -> Callable[[], JobQueue]:
    make = QUEUE_FACTORIES[request.param]
    handles: list[JobQueue] = []

    def factory() -> JobQueue:
        handles.append(make(tmp_path))
        return handles[-1]

    yield factory
    for q in handles:
        q.close()


@pytest.fixture
def queue(queue_factory) -> JobQueue:
    return queue_factory()
