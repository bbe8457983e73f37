"""The assistant's ingest, ask and serve paths never import PyTorch or sentence-transformers.

Each check runs a cold process (the real ``aiworks`` CLI entry point, or the real API app answering over HTTP
through its ASGI stack) with the default embedder, the ONNX export, and prints which heavy modules it loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("torch", "sentence_transformers", "transformers")
_PROBE = """
import atexit, json, sys
atexit.register(lambda: print("MODULES " + json.dumps([m for m in HEAVY if m in sys.modules]), file=sys.stderr))
from aiworks.cli import main
sys.argv = ["aiworks"] + sys.argv[1:]
main()
""".replace("HEAVY", repr(HEAVY))

_SERVE = """
import json, sys
from fastapi.testclient import TestClient
from aiworks.api.app import create_app
from aiworks.settings import Settings
with TestClient(create_app(Settings(home=sys.argv[1])), base_url="http://127.0.0.1") as client:
    r = client.post("/api/workspaces/default/ask", json={"question": "What is the notice period?"})
    assert r.status_code == 200, r.text
    print("ANSWER", r.json()["answer"][:80])
print("MODULES " + json.dumps([m for m in HEAVY if m in sys.modules]))
""".replace("HEAVY", repr(HEAVY))


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIWORKS_") or k == "AIWORKS_MODELS_DIR"}
    src = str(Path(__file__).resolve().parents[2] / "src")
    env.update(AIWORKS_HOME=str(home), PYTHONPATH=src + os.pathsep + env.get("PYTHONPATH", ""))
    return env


def _modules(output: str) -> list[str]:
    line = next(x for x in output.splitlines() if x.startswith("MODULES "))
    return json.loads(line.removeprefix("MODULES "))


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    from aiworks.rag.samples import write_sample_contracts

    home = tmp_path_factory.mktemp("torchfree")
    write_sample_contracts(home / "docs")
    return home


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], env=_env(home), capture_output=True, text=True, timeout=300, check=False
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run


def test_cold_ingest_and_ask_import_no_torch(home):
    ingest = _cli(home, "ingest", str(home / "docs"), "--json")
    assert any(r["status"] == "ingested" for r in json.loads(ingest.stdout))
    assert _modules(ingest.stderr) == []
    ask = _cli(home, "ask", "What is the notice period for termination?", "--json")
    answer = json.loads(ask.stdout)
    assert answer["citations"] and not answer["abstained"]
    assert _modules(ask.stderr) == []


def test_serve_answers_without_torch(home):
    if not (home / "workspaces" / "default").exists():
        _cli(home, "ingest", str(home / "docs"))
    run = subprocess.run(
        [sys.executable, "-c", _SERVE, str(home)],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "ANSWER" in run.stdout and _modules(run.stdout) == []


def test_torch_stays_importable_for_the_engine():
    run = subprocess.run(
        [sys.executable, "-c", "import torch; print(torch.__version__)"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0 and run.stdout.startswith("2.")
