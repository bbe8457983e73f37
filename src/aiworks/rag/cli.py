"""Commands of this job; wired into the root app by aiworks.cli."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this job's commands (or a sub-Typer) to the root app."""
