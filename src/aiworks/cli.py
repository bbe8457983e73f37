"""The ``aiworks`` command line.

The root only builds the one Settings object and hands it down through ``ctx.obj``; every job registers
its own commands from its package (rag/cli.py, spam/cli.py, ...). Sub-modules import heavy libraries
inside their commands so that ``aiworks --help`` stays instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from aiworks.settings import Settings

app = typer.Typer(
    name="aiworks",
    help="ML engine + span-citing legal document assistant.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    home: Optional[Path] = typer.Option(None, "--home", help="Data root (env AIWORKS_HOME, default ./.aiworks)"),
    workspace: Optional[str] = typer.Option(None, "--workspace", "-w", help="Assistant workspace"),
) -> None:
    overrides = {}
    if home is not None:
        overrides["home"] = home
    if workspace is not None:
        overrides["workspace"] = workspace
    ctx.obj = Settings(**overrides)


def settings_of(ctx: typer.Context) -> Settings:
    """The Settings built by the root callback (or defaults when a command is invoked directly)."""
    root = ctx.find_root()
    return root.obj if isinstance(root.obj, Settings) else Settings()


def _register_all() -> None:
    # Each job owns its commands; the root only wires them in.
    from aiworks.rag.cli import register as rag
    from aiworks.spam.cli import register as spam
    from aiworks.recs.cli import register as recs
    from aiworks.evaluation.cli import register as evaluation
    from aiworks.api.cli import register as api
    from aiworks.worker import register as worker

    for register in (rag, spam, recs, evaluation, api, worker):
        register(app)


_register_all()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
