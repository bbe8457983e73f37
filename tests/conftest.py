"""Session-wide fixtures shared by several test folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def pg_url():
    """PostgreSQL + pgvector started once per session by scripts/services.sh (which installs it if missing)
    in a temporary folder, stopped at the end. AIWORKS_TEST_DATABASE_URL: use a running server instead."""
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
        shutil.rmtree(folder, ignore_errors=True)
