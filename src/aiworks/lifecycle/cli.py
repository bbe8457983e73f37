"""``aiworks mlflow``: the MLflow UI on this project's tracking store, bound to 127.0.0.1.

Every train/evaluate/tune run of every job lands in one store (``AIWORKS_HOME/mlflow.db`` unless
``AIWORKS_MLFLOW_TRACKING_URI`` points elsewhere); this opens it without the user having to know where it is.
"""

from __future__ import annotations

import subprocess
import sys

import typer

from aiworks.cli_support import fail, settings_of

HOST = "127.0.0.1"  # the UI has no authentication: never bind a public interface from here


def ui_command(tracking_uri: str, artifacts: str, port: int) -> list[str]:
    """The ``mlflow ui`` command line for a local store (one worker: the UI is for one person)."""
    return [
        sys.executable,
        "-m",
        "mlflow",
        "ui",
        "--backend-store-uri",
        tracking_uri,
        "--registry-store-uri",
        tracking_uri,
        "--default-artifact-root",
        artifacts,
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        "1",
    ]


def mlflow_ui(
    ctx: typer.Context,
    port: int = typer.Option(5000, "--port", min=1, max=65535, help="Port on 127.0.0.1"),
) -> None:
    """Start the MLflow UI on the project's tracking store (runs, metrics, registered models), on 127.0.0.1."""
    settings = settings_of(ctx)
    uri = settings.tracking_uri
    if not uri.startswith(("sqlite:", "file:")):
        typer.echo(f"runs are tracked on {uri}: open that server's UI directly")
        return
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.artifacts_dir.mkdir(parents=True, exist_ok=True)
    typer.echo(f"MLflow UI for {uri} on http://{HOST}:{port} (Ctrl-C stops it)", err=True)
    try:
        code = subprocess.call(ui_command(uri, settings.artifacts_dir.resolve().as_uri(), port))
    except KeyboardInterrupt:
        code = 0
    if code:
        fail(f"mlflow ui exited with status {code} (is port {port} free? try --port)", code)


def register(app: typer.Typer) -> None:
    """Add ``aiworks mlflow`` to the root app."""
    app.command("mlflow")(mlflow_ui)
