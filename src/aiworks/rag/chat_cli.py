"""Conversation commands: ``aiworks chat`` (a thread in the terminal) and ``aiworks conversations
list|show|rename|rm|export``; ``aiworks ask --conversation ID`` lives with ``ask`` in rag/cli.py.

``chat`` reads one question per line from stdin, so it works the same typed at a prompt or piped
(``printf 'What law governs the NDA?\\nAnd the lease?\\n' | aiworks chat``). The listing commands open only the
workspace's conversation store, never the index or the embedder, so they are instant.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from aiworks.cli_support import fail, settings_of

conversations_app = typer.Typer(help="Saved conversations of the workspace.", no_args_is_help=True)


def _store(ctx: typer.Context):
    from aiworks.rag.conversations import open_conversations
    from aiworks.settings import check_workspace

    settings = settings_of(ctx)
    try:
        check_workspace(settings.workspace)
    except ValueError as exc:
        fail(str(exc))
    root = settings.workspace_dir()
    if not root.is_dir():
        fail(f"no workspace {settings.workspace!r} (ingest documents into it first)")
    return open_conversations(settings, settings.workspace, root)


def _conversation(ctx: typer.Context, conversation_id: str):
    conversation = _store(ctx).get(conversation_id)
    if conversation is None:
        fail(f"no conversation {conversation_id!r} in workspace {settings_of(ctx).workspace!r}", 1)
    return conversation


def answer_turn(assistant, store, question: str, conversation_id: str | None, **kw):
    """One turn on the shared path; a bad question or an unknown conversation is a clear error (exit 2)."""
    from aiworks.rag import chat

    try:
        return chat.ask(assistant, store, question, conversation_id, **kw)
    except (ValueError, chat.UnknownConversation) as exc:
        fail(str(exc))


def register(app: typer.Typer) -> None:
    @app.command("chat")
    def chat_command(
        ctx: typer.Context,
        conversation: Optional[str] = typer.Option(None, "--conversation", help="Continue this conversation"),
        as_json: bool = typer.Option(False, "--json", help="One answer JSON per line"),
        k: Optional[int] = typer.Option(None, "--k", min=1, max=100, help="Passages to retrieve"),
    ) -> None:
        """A conversation in the terminal: one question per line (stdin), follow-ups resolved against the thread."""
        from aiworks.rag import chat
        from aiworks.rag.cli import _assistant, _print_answer

        assistant = _assistant(ctx)
        store = _store(ctx)
        if conversation and store.get(conversation) is None:
            fail(str(chat.UnknownConversation(conversation)))
        interactive = sys.stdin.isatty()
        if interactive:
            typer.echo("Ask a question (an empty line or Ctrl-D ends the conversation).")
        while True:
            if interactive:
                typer.echo("> ", nl=False)
            line = sys.stdin.readline()
            if not line or (interactive and not line.strip()):
                break
            question = line.strip()
            if not question:
                continue
            try:
                answer = chat.ask(assistant, store, question, conversation, k=k)
            except chat.UnknownConversation as exc:
                fail(str(exc))
            except ValueError as exc:  # a bad question loses nothing else: the thread goes on
                typer.secho(f"error: {exc}", fg="red", err=True)
                continue
            conversation = answer.conversation_id
            if as_json:
                typer.echo(json.dumps(answer.to_json(), ensure_ascii=False))
                continue
            typer.secho(f"Q: {question}", bold=True)
            if answer.resolved_question != question:
                typer.secho(f"   (answered as: {answer.resolved_question})", dim=True)
            _print_answer(answer)
            typer.echo("")
        if conversation and not as_json:
            typer.echo(f"conversation {conversation} (continue with: aiworks chat --conversation {conversation})")

    @conversations_app.command("list")
    def conversations_list(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
        """The workspace's conversations, newest first."""
        items = _store(ctx).list()
        if as_json:
            typer.echo(json.dumps([c.to_json() for c in items], indent=2, ensure_ascii=False))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"{len(items)} conversation(s)")
        for col in ("id", "title", "turns", "updated"):
            table.add_column(col, overflow="fold")
        for c in items:
            table.add_row(c.id, c.title, str(c.turns), c.updated_at[:19].replace("T", " "))
        Console().print(table)

    @conversations_app.command("show")
    def conversations_show(
        ctx: typer.Context,
        conversation_id: str = typer.Argument(..., help="Id from `aiworks conversations list`"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Every question and answer of one conversation, with its sources."""
        from aiworks.rag.conversations import to_markdown

        conversation = _conversation(ctx, conversation_id)
        if as_json:
            typer.echo(json.dumps(conversation.to_json(), indent=2, ensure_ascii=False))
        else:
            typer.echo(to_markdown(conversation), nl=False)

    @conversations_app.command("rename")
    def conversations_rename(
        ctx: typer.Context,
        conversation_id: str = typer.Argument(...),
        title: str = typer.Argument(..., help="The new title"),
    ) -> None:
        """Give a conversation another title."""
        try:
            found = _store(ctx).rename(conversation_id, title)
        except ValueError as exc:
            fail(str(exc))
        if not found:
            fail(f"no conversation {conversation_id!r} in workspace {settings_of(ctx).workspace!r}", 1)
        typer.echo(f"renamed {conversation_id}")

    @conversations_app.command("rm")
    def conversations_rm(ctx: typer.Context, conversation_id: str = typer.Argument(...)) -> None:
        """Delete a conversation and all its turns."""
        if not _store(ctx).delete(conversation_id):
            fail(f"no conversation {conversation_id!r} in workspace {settings_of(ctx).workspace!r}", 1)
        typer.echo(f"removed {conversation_id}")

    @conversations_app.command("export")
    def conversations_export(
        ctx: typer.Context,
        conversation_id: str = typer.Argument(...),
        out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the Markdown here (default: stdout)"),
    ) -> None:
        """The conversation as Markdown: questions, answers and numbered citations (document, page, quote)."""
        from aiworks.rag.conversations import to_markdown

        text = to_markdown(_conversation(ctx, conversation_id))
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text, encoding="utf-8")
            typer.echo(f"wrote {out}")

    app.add_typer(conversations_app, name="conversations")
