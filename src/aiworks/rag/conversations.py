"""Conversations: the questions of one thread and their answers, stored per workspace.

Why a store at all: a follow-up ("And under the master purchase agreement?") means nothing without the turn
before it, and the user wants the thread back after a restart, in the CLI and in the browser. One small
``ConversationStore`` protocol (create / get / list / append / rename / delete) is all the assistant needs; the
embedded default is one SQLite file per workspace (``<workspace>/conversations.sqlite``, opened through
``aiworks.sqlitedb``: WAL + retried writes), PostgreSQL implements the same protocol for several servers.

A store instance belongs to ONE workspace (its file, or its workspace column): no method takes a workspace, so
a conversation id of workspace B is simply unknown in workspace A.

Each ``Turn`` keeps what follow-up resolution needs besides the answer JSON: the standalone question that was
answered and the documents it was about (its focus), so the next turn can keep or move that focus.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from aiworks import sqlitedb
from aiworks.settings import Settings

TITLE_CHARS = 80


@dataclass(frozen=True)
class Turn:
    question: str  # as the user asked it
    resolved_question: str  # the standalone question actually answered (== question when not a follow-up)
    document_ids: list[str]  # the documents the answer was about (its focus); [] = the whole workspace
    answer: dict  # Answer.to_json() of the answer given
    asked_at: str  # ISO-8601 UTC


@dataclass(frozen=True)
class ConversationInfo:
    id: str
    title: str
    created_at: str
    updated_at: str
    turns: int

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "turns": self.turns,
        }


@dataclass(frozen=True)
class Conversation:
    id: str
    title: str
    created_at: str
    updated_at: str
    turns: list[Turn] = field(default_factory=list)

    def to_json(self) -> dict:
        """The HTTP shape of ``GET /conversations/{id}``."""
        return {
            "id": self.id,
            "title": self.title,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "turns": [{"question": t.question, "answer": t.answer, "asked_at": t.asked_at} for t in self.turns],
        }


class ConversationStore(Protocol):
    """One workspace's conversations. Unknown ids are ``None`` / ``False`` / ``KeyError``, never another
    workspace's data."""

    def create(self, title: str) -> ConversationInfo: ...

    def get(self, conversation_id: str) -> Conversation | None: ...

    def list(self) -> list[ConversationInfo]:  # newest (updated_at) first
        ...

    def append(self, conversation_id: str, turn: Turn) -> None:  # KeyError when the conversation is gone
        ...

    def rename(self, conversation_id: str, title: str) -> bool: ...

    def delete(self, conversation_id: str) -> bool: ...


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def new_id() -> str:
    return secrets.token_hex(8)


def title_of(question: str) -> str:
    """A new conversation is named after its first question (the user can rename it)."""
    text = " ".join(question.split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"


def clean_title(title: str) -> str:
    text = " ".join(title.split())
    if not text:
        raise ValueError("a conversation title cannot be blank")
    if len(text) > 200:
        raise ValueError("a conversation title is at most 200 characters")
    return text


_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, question TEXT NOT NULL, resolved_question TEXT NOT NULL,
    document_ids TEXT NOT NULL, answer TEXT NOT NULL, asked_at TEXT NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);
"""


class SqliteConversationStore:
    """``<workspace>/conversations.sqlite``; every call opens its own connection (usable from any thread)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with sqlitedb.write(self.path) as con:
            for statement in _SCHEMA.split(";"):  # not executescript: it would commit our transaction
                if statement.strip():
                    con.execute(statement)
        # Held open (idle) for the store's lifetime: the last connection to close a WAL database checkpoints it
        # and syncs the file, which made every turn's own write connection cost ~20 ms (measured); with this one
        # open they close at once and SQLite checkpoints in the background of later writes as usual.
        self._keep_open = sqlitedb.connect(self.path)

    def create(self, title: str) -> ConversationInfo:
        stamp = now()
        info = ConversationInfo(new_id(), clean_title(title), stamp, stamp, 0)
        with sqlitedb.write(self.path) as con:
            con.execute(
                "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (info.id, info.title, info.created_at, info.updated_at),
            )
        return info

    def get(self, conversation_id: str) -> Conversation | None:
        head = sqlitedb.read(
            self.path, "SELECT id, title, created_at, updated_at FROM conversations WHERE id = ?", (conversation_id,)
        )
        if not head:
            return None
        rows = sqlitedb.read(
            self.path,
            "SELECT question, resolved_question, document_ids, answer, asked_at FROM turns "
            "WHERE conversation_id = ? ORDER BY seq",
            (conversation_id,),
        )
        turns = [Turn(q, r, json.loads(d), json.loads(a), t) for q, r, d, a, t in rows]
        cid, title, created_at, updated_at = head[0]
        return Conversation(cid, title, created_at, updated_at, turns)

    def list(self) -> list[ConversationInfo]:
        rows = sqlitedb.read(
            self.path,
            "SELECT c.id, c.title, c.created_at, c.updated_at, "
            "(SELECT COUNT(*) FROM turns t WHERE t.conversation_id = c.id) FROM conversations c "
            "ORDER BY c.updated_at DESC, c.created_at DESC",
        )
        return [ConversationInfo(*r) for r in rows]

    def append(self, conversation_id: str, turn: Turn) -> None:
        with sqlitedb.write(self.path) as con:
            if con.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone() is None:
                raise KeyError(conversation_id)
            seq = con.execute(
                "SELECT COALESCE(MAX(seq), -1) + 1 FROM turns WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()[0]
            con.execute(
                "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    conversation_id,
                    seq,
                    turn.question,
                    turn.resolved_question,
                    json.dumps(turn.document_ids),
                    json.dumps(turn.answer, ensure_ascii=False),
                    turn.asked_at,
                ),
            )
            con.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (turn.asked_at, conversation_id))

    def rename(self, conversation_id: str, title: str) -> bool:
        title = clean_title(title)
        with sqlitedb.write(self.path) as con:
            cur = con.execute(
                "UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?", (title, now(), conversation_id)
            )
            return cur.rowcount > 0

    def delete(self, conversation_id: str) -> bool:
        with sqlitedb.write(self.path) as con:
            con.execute("DELETE FROM turns WHERE conversation_id = ?", (conversation_id,))
            return con.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,)).rowcount > 0


def open_conversations(settings: Settings, workspace: str, root: Path) -> ConversationStore:
    """The conversation store of one workspace: SQLite in its folder ``root``, or PostgreSQL when
    ``settings.database_url`` is set (like the catalog in rag/backends.py)."""
    from aiworks.pg import is_postgres_url

    if is_postgres_url(settings.database_url):
        from aiworks.rag.conversations_pg import PgConversationStore

        return PgConversationStore(settings.database_url, workspace)
    return SqliteConversationStore(Path(root) / "conversations.sqlite")


def to_markdown(conversation: Conversation) -> str:
    """The thread as Markdown: each question, its answer, and its numbered citations (document, page, quote);
    an abstention's closest passages under their own label (rag/closest.py), never as sources."""
    from aiworks.rag.closest import LABEL

    out = [f"# {conversation.title}", "", f"_Conversation {conversation.id}, started {conversation.created_at}_", ""]
    for n, turn in enumerate(conversation.turns, start=1):
        out += [f"## {n}. {turn.question}", ""]
        if turn.resolved_question and turn.resolved_question != turn.question:
            out += [f"_Answered as: {turn.resolved_question}_", ""]
        out += [turn.answer.get("answer", ""), ""]
        for title, citations in (("Sources:", turn.answer.get("citations")), (LABEL, turn.answer.get("closest"))):
            if not citations:
                continue
            out += [title, ""]
            for c in citations:
                quote = " ".join(str(c.get("quote", "")).split())
                out.append(
                    f"{c.get('key')}. {c.get('document')}, page {c.get('page')} "
                    f"(chars {c.get('start')}-{c.get('end')}): \u201c{quote}\u201d"
                )
            out.append("")
    return "\n".join(out).rstrip() + "\n"
