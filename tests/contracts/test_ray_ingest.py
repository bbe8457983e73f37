"""`aiworks ingest --ray local`: parsing and embedding on a local Ray (127.0.0.1, 2 CPUs) gives the same
documents and chunks as the in-process ingest, written to PostgreSQL; unchanged files are skipped."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from aiworks.rag.assistant import Assistant
from aiworks.rag.samples import write_sample_contracts


@pytest.fixture
def backend() -> str:
    return "postgres"  # Ray ingestion is the scale-out path: it writes to the shared database


@pytest.mark.slow
def test_ray_ingest_matches_local_ingest(settings, workspace, tmp_path):
    pytest.importorskip("ray")
    files = write_sample_contracts(tmp_path / "contracts")
    (tmp_path / "contracts" / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    env = {**os.environ, "AIWORKS_EMBEDDER": "hash", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
    if settings.database_url:
        env["AIWORKS_DATABASE_URL"] = settings.database_url
    else:
        env.pop("AIWORKS_DATABASE_URL", None)
    cmd = [
        sys.executable,
        "-m",
        "aiworks.cli",
        "--home",
        str(settings.home),
        "-w",
        workspace,
        "ingest",
        str(tmp_path / "contracts"),
        "--ray",
        "local",
        "--json",
    ]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    reports = {r["path"].rsplit("/", 1)[-1]: r for r in json.loads(out.stdout)}
    assert reports["broken.pdf"]["status"] == "error"
    assert {reports[f.name]["status"] for f in files} == {"ingested"}

    ray_side = Assistant(settings.model_copy(update={"embedder": "hash"}), workspace)
    local = Assistant(settings.model_copy(update={"embedder": "hash"}), workspace + "l")
    local.ingest(files)
    assert [(d.name, d.sha256, d.chunks) for d in ray_side.documents()] == [
        (d.name, d.sha256, d.chunks) for d in local.documents()
    ]
    for d in ray_side.documents():
        assert ray_side.store.chunks(d.id) == local.store.chunks(d.id)
        assert ray_side.document_text(d.id) == local.document_text(d.id)
    answer = ray_side.ask("What law governs the NDA?")
    assert not answer.abstained and any(c.document == "nda.pdf" for c in answer.citations)

    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert {r["status"] for r in json.loads(again.stdout) if not r["path"].endswith("broken.pdf")} == {"unchanged"}
