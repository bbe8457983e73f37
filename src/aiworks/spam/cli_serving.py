"""``aiworks spam predict`` and ``aiworks spam monitor``: the registered model in use (scoring mail, and its
drift over the logged predictions), apart from the training commands in spam/cli.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from aiworks.cli_support import fail as _fail
from aiworks.cli_support import settings_of


def register(spam_app: typer.Typer) -> None:
    @spam_app.command()
    def predict(
        ctx: typer.Context,
        files: list[Path] = typer.Argument(None, help="Raw .eml files; none = read text from stdin"),
        model: Optional[str] = typer.Option(None, "--model", help="Registry URI (default: served alias)"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Score emails with the registered model (each prediction is logged for monitoring)."""
        from aiworks.spam.serving import NoModel, SpamService

        items: list[bytes | str]
        if files:
            missing = [str(f) for f in files if not f.is_file()]
            if missing:
                _fail(f"not a file: {', '.join(missing)}")
            items, kind, ids = [f.read_bytes() for f in files], "auto", [str(f) for f in files]
        else:
            text = sys.stdin.read()
            if not text.strip():
                _fail("no input: pass .eml files or pipe text on stdin")
            items, kind, ids = [text], "auto", ["stdin"]
        try:
            preds = SpamService(settings_of(ctx), uri=model).predict(items, kind, ids)
        except NoModel as exc:
            _fail(str(exc))
        if as_json:
            typer.echo(json.dumps({"predictions": [p.as_json() for p in preds]}))
            return
        for p in preds:
            extra = f"  ({'; '.join(p.defects)})" if p.defects else ""
            typer.echo(f"{p.label:4s}  {p.score:.4f}  {p.id}{extra}")

    @spam_app.command()
    def monitor(
        ctx: typer.Context,
        since: str = typer.Option("1d", help="Window: 30m, 12h, 1d, 2w or an ISO time"),
        model: Optional[str] = typer.Option(None, "--model", help="Reference model (default: served alias)"),
        min_samples: int = typer.Option(100, help="Fewer predictions than this = not enough data"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Drift (PSI of score and key features vs the model's training reference) over logged predictions."""
        from aiworks.spam.monitor import monitor_report
        from aiworks.spam.serving import NoModel

        try:
            report = monitor_report(settings_of(ctx), since, model, min_samples)
        except (NoModel, ValueError) as exc:
            _fail(str(exc))
        if as_json:
            typer.echo(json.dumps(report))
            return
        from rich.console import Console
        from rich.table import Table

        t = Table(title=f"{report['n_observed']} predictions since {report['since']} vs {report['model']}")
        for c in ("column", "PSI", "status", "ref mean", "observed mean"):
            t.add_column(c)
        for c in report["columns"]:
            t.add_row(
                c["name"], f"{c['psi']:.3f}", c["status"], f"{c['reference_mean']:.3f}", f"{c['observed_mean']:.3f}"
            )
        Console().print(t)
        verdict = "not enough data" if not report["enough_data"] else "DRIFT" if report["drift"] else "no drift"
        typer.echo(f"score distribution: spam share {report['spam_share']:.3f}; verdict: {verdict}")
