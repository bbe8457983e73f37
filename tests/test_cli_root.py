import pytest

from typer.testing import CliRunner

from aiworks.cli import app
from aiworks.settings import Settings


def test_help_lists_jobs():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "serve" in result.output


def test_settings_home_and_workspace(tmp_path):
    s = Settings(home=tmp_path, workspace="acme")
    assert s.workspace_dir() == tmp_path / "workspaces" / "acme"
    assert s.tracking_uri.startswith("sqlite:///")


def test_openapi_docs_are_served_without_a_cdn(tmp_path):
    from fastapi.testclient import TestClient

    from aiworks.api.app import create_app

    client = TestClient(create_app(Settings(home=tmp_path, embedder="hash")), base_url="http://127.0.0.1")
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text and "unpkg" not in page.text
    script = [part.split('"')[0] for part in page.text.split('src="')[1:]][0]
    assert client.get(script).status_code == 200


def test_boolean_flags_render_as_flags_in_help():
    for command in (["recs", "evaluate"], ["spam", "train"], ["recs", "compare"]):
        result = CliRunner().invoke(app, [*command, "--help"], terminal_width=200)
        assert result.exit_code == 0, result.output
        line = next(ln for ln in result.output.splitlines() if ln.strip().startswith("--json"))
        assert "<bool>" not in line and "BOOLEAN" not in line


def test_sub_clis_never_import_the_root_cli():
    """cli.py imports every job's CLI; a job's CLI importing cli.py back would be a cycle."""
    import ast
    from pathlib import Path

    import aiworks

    package = Path(aiworks.__file__).parent
    for path in [*package.glob("*/cli.py"), package / "cli_support.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "aiworks.cli", f"{path} imports aiworks.cli"
                assert not (node.module == "aiworks" and any(a.name == "cli" for a in node.names)), path


@pytest.mark.slow
def test_mlflow_command_serves_the_projects_store_on_localhost(tmp_path):
    """`aiworks mlflow` starts the real MLflow UI on 127.0.0.1, reading runs from the project's tracking store."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    import httpx

    from aiworks.lifecycle import tracking

    settings = Settings(home=tmp_path)
    with tracking.run(settings, "ui-check", run_name="visible") as run_id:
        tracking.log_metrics({"answer": 42.0})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "aiworks.cli", "--home", str(tmp_path), "mlflow", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline, body = time.time() + 240, None
        while time.time() < deadline and proc.poll() is None:
            try:
                r = httpx.post(
                    f"http://127.0.0.1:{port}/api/2.0/mlflow/runs/search",
                    json={
                        "experiment_ids": [tracking._experiment_id(tracking._mlflow(settings), settings, "ui-check")]
                    },
                    timeout=5,
                )
                if r.status_code == 200:
                    body = r.json()
                    break
            except httpx.TransportError:
                time.sleep(1)
        assert body is not None, proc.stdout.read().decode() if proc.poll() is not None else "UI did not start"
        assert [run["info"]["run_id"] for run in body["runs"]] == [run_id]
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
