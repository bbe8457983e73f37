"""Backends under one contract: every test here runs against the embedded default (LanceDB + SQLite) and
PostgreSQL. PostgreSQL is the real server, started once per session by scripts/services.sh (which installs
it if missing) in a temporary folder, and stopped at the end."""

from __future__ import annotations

import os
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from aiworks.settings import Settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def pg_url():
    if os.environ.get("AIWORKS_TEST_DATABASE_URL"):  # an already running server (e.g. `make services`)
        yield os.environ["AIWORKS_TEST_DATABASE_URL"]
        return
    folder = Path(tempfile.mkdtemp(prefix="aiworks-pg-"))
    folder.chmod(0o755)  # the unprivileged postgres user owns the data dir below it
    script = ["bash", str(REPO / "scripts" / "services.sh")]
    out = subprocess.run([*script, "start", str(folder)], capture_output=True, text=True, timeout=900, check=False)
    if out.returncode != 0:
        pytest.fail(f"could not start PostgreSQL: {out.stderr[-2000:]}")
    url = out.stdout.strip().splitlines()[-1].split("=", 1)[1]
    try:
        yield url
    finally:
        from aiworks import pg

        pg.close_pools()
        subprocess.run([*script, "stop", str(folder)], capture_output=True, timeout=120, check=False)
        subprocess.run(["rm", "-rf", str(folder)], check=False)


@pytest.fixture(params=["embedded", "postgres"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def workspace() -> str:
    return "t" + uuid.uuid4().hex[:12]  # tests share one database: each gets its own workspace


@pytest.fixture
def settings(backend, tmp_path, request) -> Settings:
    url = request.getfixturevalue("pg_url") if backend == "postgres" else None
    return Settings(home=tmp_path / "home", embedder="hash", llm="extractive", database_url=url)


@pytest.fixture
def open_backends(settings, workspace):
    """``open_backends(dim, workspace=None) -> (catalog, store)`` through the factory the Assistant uses."""
    from aiworks.rag.backends import open_backends as factory

    def make(dim: int = 8, ws: str | None = None):
        ws = ws or workspace
        return factory(settings, ws, settings.workspace_dir(ws), dim)

    return make
