"""Assistant commands: ``ingest``, ``ask``, ``docs list|rm`` and ``demo``; wired into the root app."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import List, Optional

import typer

docs_app = typer.Typer(help="What is indexed in the workspace.", no_args_is_help=True)


def _assistant(ctx: typer.Context, workspace: str | None = None, vectors: bool = True):
    from aiworks.cli_support import settings_of
    from aiworks.rag.assistant import Assistant

    try:
        # listing or removing documents works even in a workspace of another embedder (``vectors=False``)
        return Assistant(settings_of(ctx), workspace, reindex=not vectors)
    except (ValueError, OSError) as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(2)


def _ingest_with_progress(assistant, paths: list[Path], quiet: bool = False):
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description:<40}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=quiet,
        transient=False,
    ) as bar:
        task = bar.add_task("ingesting", total=1.0)

        def progress(msg: str, frac: float) -> None:
            bar.update(task, completed=frac, description=msg[:40])

        return assistant.ingest(paths, progress=progress)


def _print_reports(reports) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Ingest report")
    for col in ("file", "status", "pages", "chunks", "seconds", "document id / error"):
        table.add_column(col, overflow="fold")  # never cut a file name or an error message
    colours = {"ingested": "green", "replaced": "cyan", "unchanged": "dim", "error": "red"}
    for r in reports:
        table.add_row(
            Path(r.path).name,
            f"[{colours[r.status]}]{r.status}[/]",
            str(r.pages),
            str(r.chunks),
            f"{r.seconds:.2f}",
            r.error or r.document_id or "",
        )
    console = Console()
    console.print(table)
    for r in reports:  # OCR'd / low-confidence pages, guessed encodings, ...: things to check in that file
        for w in r.warnings:
            where = f", page {w.page}" if w.page else ""
            console.print(f"[yellow]warning[/] {escape(Path(r.path).name)}{where} ({w.kind}): {escape(w.message)}")


def _print_answer(answer) -> None:
    from rich.console import Console
    from rich.markup import escape

    from aiworks.rag.closest import LABEL as CLOSEST_LABEL

    console = Console()
    style = "yellow" if answer.abstained else "bold"
    console.print(f"[{style}]{escape(answer.answer)}[/]")
    # an abstention's closest passages are shown as such, never as sources of an answer (rag/closest.py)
    for title, passages in (("Sources", answer.citations), (CLOSEST_LABEL, getattr(answer, "closest", []))):
        if passages:
            console.print(f"\n[bold]{escape(title)}[/]")
        for c in passages:
            quote = " ".join(c.quote.split())
            console.print(
                f" [{c.key}] {escape(c.document)}, page {c.page}, chars {c.start}-{c.end} "
                f'(score {c.score:.3f})\n     [dim]"{escape(quote[:300])}"[/]'
            )
    for warning in answer.warnings:  # e.g. the LLM was unreachable and quotes were returned: never silent
        console.print(f"[yellow]warning: {escape(warning)}[/]")
    t = answer.timings_ms
    console.print(
        f"[dim]retrieve {t.get('retrieve', 0):.0f} ms, answer {t.get('answer', 0):.0f} ms"
        f" ({escape(answer.answered_by)})[/]"
    )


def register(app: typer.Typer) -> None:
    """Add this job's commands (or a sub-Typer) to the root app."""

    @app.command()
    def ingest(
        ctx: typer.Context,
        paths: List[Path] = typer.Argument(..., help="Files or folders (PDF, DOCX, TXT, MD)"),
        as_json: bool = typer.Option(False, "--json", help="Print the per-file reports as JSON"),
        ray: str = typer.Option(
            None,
            "--ray",
            envvar="AIWORKS_RAY_ADDRESS",
            help="Parse and embed on Ray: 'local' (a Ray on 127.0.0.1) or a cluster address",
        ),
    ) -> None:
        """Index documents into the workspace (unchanged files are skipped, changed ones replaced)."""
        missing = [str(p) for p in paths if not Path(p).exists()]
        assistant = _assistant(ctx)
        found = [p for p in paths if Path(p).exists()]
        if ray:
            from aiworks.distributed import ingest_on_ray

            reports = ingest_on_ray(assistant, found, ray)
        else:
            reports = _ingest_with_progress(assistant, found, quiet=as_json)
        from aiworks.rag.types import FileReport

        reports = [
            FileReport(path=m, status="error", error="not found: no such file or folder") for m in missing
        ] + reports
        if as_json:
            typer.echo(json.dumps([asdict(r) for r in reports], indent=2))
        else:
            _print_reports(reports)
        if not reports or all(r.status == "error" for r in reports):
            if not reports:
                typer.secho("error: no files found", fg="red", err=True)
            raise typer.Exit(1)

    @app.command()
    def ask(
        ctx: typer.Context,
        question: str = typer.Argument(..., help="Your question, in quotes"),
        as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON"),
        k: Optional[int] = typer.Option(None, "--k", min=1, max=100, help="Passages to retrieve"),
        doc: Optional[List[str]] = typer.Option(
            None, "--doc", help="Only search this document (name or id from `aiworks docs list`); repeat for several"
        ),
        conversation: Optional[str] = typer.Option(
            None, "--conversation", help="Ask as the next turn of this conversation (follow-ups are resolved)"
        ),
    ) -> None:
        """Answer a question from the indexed documents, citing the exact passages (saved as a conversation)."""
        from aiworks.rag.chat_cli import _store, answer_turn

        assistant = _assistant(ctx)
        answer = answer_turn(assistant, _store(ctx), question, conversation, k=k, document_ids=doc or None)
        if as_json:
            typer.echo(json.dumps(answer.to_json(), indent=2, ensure_ascii=False))
        else:
            if answer.resolved_question != answer.question:
                typer.secho(f"(answered as: {answer.resolved_question})", dim=True)
            _print_answer(answer)
            typer.echo(
                f"conversation {answer.conversation_id} (follow up with --conversation {answer.conversation_id})"
            )

    @app.command()
    def reindex(
        ctx: typer.Context,
        embedder: Optional[str] = typer.Option(
            None, "--embedder", help="Embedder spec (default: AIWORKS_EMBEDDER or the settings' default)"
        ),
    ) -> None:
        """Re-embed every document of the workspace with another embedder (from the stored originals)."""
        from aiworks.cli_support import settings_of
        from aiworks.rag.assistant import Assistant

        settings = settings_of(ctx)
        if embedder:
            settings = settings.model_copy(update={"embedder": embedder})
        try:
            assistant = Assistant(settings, reindex=True)
        except (ValueError, OSError) as exc:
            typer.secho(f"error: {exc}", fg="red", err=True)
            raise typer.Exit(2)
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("re-embedding", total=1.0)
            reports = assistant.reindex(lambda msg, frac: bar.update(task, completed=frac, description=msg[:40]))
        _print_reports(reports)
        if any(r.status == "error" for r in reports):
            typer.secho(
                "error: some documents failed; the workspace stays marked as mid-re-embed. Remove them "
                "(`aiworks docs rm ID`) or fix them, then run reindex again",
                fg="red",
                err=True,
            )
            raise typer.Exit(1)
        typer.echo(f"re-embedded {len(reports)} document(s) with {assistant.embedder.name}")

    @docs_app.command("list")
    def docs_list(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
        """List indexed documents."""
        from rich.console import Console
        from rich.table import Table

        documents = _assistant(ctx, vectors=False).documents()
        if as_json:
            typer.echo(json.dumps([asdict(d) for d in documents], indent=2))
            return
        table = Table(title=f"{len(documents)} document(s)")
        for col in ("id", "name", "kind", "pages", "chunks", "ingested"):
            table.add_column(col)
        for d in documents:
            table.add_row(d.id, d.name, d.kind, str(d.pages), str(d.chunks), d.ingested_at)
        Console().print(table)

    @docs_app.command("rm")
    def docs_rm(ctx: typer.Context, document_id: str = typer.Argument(..., help="Id from `aiworks docs list`")) -> None:
        """Remove a document and all its chunks."""
        if not _assistant(ctx, vectors=False).remove(document_id):
            typer.secho(f"error: no document with id {document_id!r}", fg="red", err=True)
            raise typer.Exit(1)
        typer.echo(f"removed {document_id}")

    app.add_typer(docs_app, name="docs")

    from aiworks.rag.chat_cli import register as conversations

    conversations(app)

    @app.command()
    def demo(ctx: typer.Context) -> None:
        """Generate sample contracts, ingest them into workspace "demo" and ask questions about them."""
        from rich.console import Console

        from aiworks.cli_support import settings_of
        from aiworks.rag.samples import DEMO_QUESTIONS, UNANSWERABLE_QUESTIONS, write_sample_contracts

        console = Console()
        settings = settings_of(ctx)
        paths = write_sample_contracts(settings.home / "demo")
        console.print(f"[bold]Sample contracts written to {settings.home / 'demo'}[/]")
        assistant = _assistant(ctx, "demo")
        _print_reports(_ingest_with_progress(assistant, paths))
        for question in [q for q, _, _ in DEMO_QUESTIONS] + UNANSWERABLE_QUESTIONS:
            console.rule(f"[bold]Q: {question}")
            _print_answer(assistant.ask(question))
        console.rule()
        console.print("Web UI: run `aiworks serve` and open http://127.0.0.1:8000")
