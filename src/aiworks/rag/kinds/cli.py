"""``aiworks extract``: a clause table for the whole workspace (or the documents picked with --doc).

Markdown (a table whose cells carry [n] markers, then the numbered sources), CSV (one row per document; each
field followed by its source column: document, page and character range) or JSON (the HTTP API's shape:
``{"table", "citations"}``).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import List, Optional

import typer

from aiworks.rag.types import Cell, Citation, Table


def render_markdown(table: Table, citations: list[Citation]) -> str:
    def cell(c: Cell) -> str:
        text = c.text.replace("|", "\\|").replace("\n", " ")
        return f"{text} [{c.citation}]" if c.citation is not None and text else text

    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in table.rows]
    if citations:
        lines += ["", "Sources:"]
        for c in citations:
            quote = " ".join(c.quote.split())
            lines.append(f'[{c.key}] {c.document}, page {c.page}, chars {c.start}-{c.end}: "{quote[:200]}"')
    return "\n".join(lines) + "\n"


def render_csv(table: Table, citations: list[Citation]) -> str:
    by_key = {c.key: c for c in citations}
    out = io.StringIO()
    writer = csv.writer(out)
    header = [table.columns[0]]
    for col in table.columns[1:]:
        header += [col, f"{col} (source)"]
    writer.writerow(header)
    for row in table.rows:
        line = [row[0].text]
        for c in row[1:]:
            src = by_key.get(c.citation) if c.citation is not None else None
            line += [c.text, f"{src.document} p.{src.page} chars {src.start}-{src.end}" if src else ""]
        writer.writerow(line)
    return out.getvalue()


def register(app: typer.Typer) -> None:
    @app.command()
    def extract(
        ctx: typer.Context,
        fields: Optional[str] = typer.Option(
            None, "--fields", help="Comma-separated field names (see --list), e.g. governing-law,termination-notice"
        ),
        doc: Optional[List[str]] = typer.Option(None, "--doc", help="Only this document (name or id); repeatable"),
        fmt: str = typer.Option("md", "--format", help="md | csv | json"),
        list_fields: bool = typer.Option(False, "--list", help="List the fields that can be extracted"),
    ) -> None:
        """Extract clauses from every document into a table of cited cells."""
        from aiworks.rag.kinds import FIELDS, extract as run_extract, field_of, source_of
        from aiworks.rag.cli import _assistant

        if list_fields:
            for f in FIELDS:
                typer.echo(f"{f.name:24} {f.label}: {f.description}")
            return
        if fmt not in ("md", "csv", "json"):
            typer.secho(f"error: --format must be md, csv or json, not {fmt!r}", fg="red", err=True)
            raise typer.Exit(2)
        if not fields:
            typer.secho("error: --fields is required (aiworks extract --list shows them)", fg="red", err=True)
            raise typer.Exit(2)
        try:
            chosen = [field_of(name) for name in fields.split(",") if name.strip()]
            assistant = _assistant(ctx)
            ids = assistant.resolve_documents(doc) if doc else None
        except ValueError as exc:
            typer.secho(f"error: {exc}", fg="red", err=True)
            raise typer.Exit(2)
        from rich.console import Console
        from rich.progress import Progress

        # long work shows progress (stderr, so the table on stdout stays clean for pipes)
        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("extracting", total=1.0)
            table, citations = run_extract(
                source_of(assistant),
                chosen,
                ids,
                progress=lambda msg, frac: bar.update(task, completed=frac, description=msg[:40]),
            )
        if fmt == "json":
            payload = {"table": table.to_json(), "citations": [asdict(c) for c in citations]}
            typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        elif fmt == "csv":
            typer.echo(render_csv(table, citations), nl=False)
        else:
            typer.echo(render_markdown(table, citations), nl=False)
