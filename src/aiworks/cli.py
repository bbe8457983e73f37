"""The ``aiworks`` command line.

The root only builds the one Settings object and hands it down through ``ctx.obj``; every job registers
its own commands from its package (rag/cli.py, spam/cli.py, ...) and reads the Settings back through
``aiworks.cli_support.settings_of`` (never from this module, so there is no import cycle). Sub-modules import heavy libraries
inside their commands so that ``aiworks --help`` stays instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from aiworks.cli_support import settings_of
from aiworks.settings import Settings

# re-exported for sub-CLIs not yet switched to aiworks.cli_support (the coordinator drops it once none import it)
__all__ = ["app", "main", "settings_of"]

app = typer.Typer(
    name="aiworks",
    help="ML engine + span-citing legal document assistant.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


@app.callback()
def _root(
    ctx: typer.Context,
    home: Optional[Path] = typer.Option(None, "--home", help="Data root (env AIWORKS_HOME, default ./.aiworks)"),
    workspace: Optional[str] = typer.Option(None, "--workspace", "-w", help="Assistant workspace"),
) -> None:
    overrides: dict[str, Path | str] = {}
    if home is not None:
        overrides["home"] = home
    if workspace is not None:
        overrides["workspace"] = workspace
    ctx.obj = Settings(**overrides)  # type: ignore[arg-type]  # pydantic validates each field's type


def _register_all() -> None:
    # Each job owns its commands; the root only wires them in.
    from aiworks.rag.cli import register as rag
    from aiworks.rag.kinds.cli import register as kinds
    from aiworks.spam.cli import register as spam
    from aiworks.recs.cli import register as recs
    from aiworks.evaluation.cli import register as evaluation
    from aiworks.api.cli import register as api
    from aiworks.lifecycle.cli import register as lifecycle
    from aiworks.worker import register as worker

    for register in (rag, kinds, spam, recs, evaluation, api, worker, lifecycle):
        register(app)


_register_all()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
