"""What every ``aiworks`` sub-command needs from the root, without importing the root (no import cycle).

``cli.py`` builds one :class:`Settings` per invocation and stores it on the root click context; the job CLIs
(spam/cli.py, recs/cli.py, rag/cli.py, ...) read it back with :func:`settings_of`.
"""

from __future__ import annotations

from typing import NoReturn

import typer

from aiworks.settings import Settings


def settings_of(ctx: typer.Context) -> Settings:
    """The Settings built by the root callback (or defaults when a command is invoked directly)."""
    root = ctx.find_root()
    return root.obj if isinstance(root.obj, Settings) else Settings()


def fail(message: str, code: int = 2) -> NoReturn:
    """A clear one-line error on stderr and a non-zero exit (no traceback)."""
    typer.secho(f"error: {message}", fg="red", err=True)
    raise typer.Exit(code)


def tracked_line(run_id: str | None, model: str | None = None, version: int | None = None) -> str:
    """The line every train/evaluate prints: where its MLflow run (and registered model version) is."""
    parts = [f"mlflow run {run_id}" if run_id else "mlflow run: none"]
    if model and version is not None:
        parts.append(f"registered models:/{model}/{version}")
    return "; ".join(parts) + " (browse: aiworks mlflow)"
