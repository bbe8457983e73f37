"""PostgreSQL conversation store (``ConversationStore``, rag/conversations.py), selected like the catalog by
``AIWORKS_DATABASE_URL``: every server behind a load balancer sees the same threads, so a follow-up may land on
another server than the question before it.

Rows are keyed by workspace (``aiworks_conversations``, ``aiworks_turns``, created with the base schema in
aiworks.pg_schema): a store instance belongs to one workspace and never reads another's ids. An append locks its
conversation's row (``FOR UPDATE``) to number the turn, so concurrent appends from several servers are all
kept, in the order they committed; deleting a conversation removes its turns in the same transaction.
"""

from __future__ import annotations

from psycopg.types.json import Jsonb

from aiworks import pg
from aiworks.rag.conversations import Conversation, ConversationInfo, Turn, clean_title, new_id, now


class PgConversationStore:
    def __init__(self, url: str, workspace: str) -> None:
        self.url, self.workspace = url, workspace
        pg.pool(url)  # creates the schema on first use

    def create(self, title: str) -> ConversationInfo:
        stamp = now()
        info = ConversationInfo(new_id(), clean_title(title), stamp, stamp, 0)
        with pg.transaction(self.url) as conn:
            conn.execute(
                "INSERT INTO aiworks_conversations (workspace, id, title, created_at, updated_at) "
                "VALUES (%s, %s, %s, %s, %s)",
                (self.workspace, info.id, info.title, info.created_at, info.updated_at),
            )
        return info

    def get(self, conversation_id: str) -> Conversation | None:
        key = (self.workspace, conversation_id)
        with pg.transaction(self.url) as conn:
            head = conn.execute(
                "SELECT id, title, created_at, updated_at FROM aiworks_conversations WHERE workspace = %s AND id = %s",
                key,
            ).fetchone()
            if head is None:
                return None
            rows = conn.execute(
                "SELECT question, resolved_question, document_ids, answer, asked_at FROM aiworks_turns "
                "WHERE workspace = %s AND conversation_id = %s ORDER BY seq",
                key,
            ).fetchall()
        cid, title, created_at, updated_at = head
        return Conversation(cid, title, created_at, updated_at, [Turn(*r) for r in rows])

    def list(self) -> list[ConversationInfo]:
        with pg.transaction(self.url) as conn:
            rows = conn.execute(
                "SELECT c.id, c.title, c.created_at, c.updated_at, count(t.seq)::int FROM aiworks_conversations c "
                "LEFT JOIN aiworks_turns t ON t.workspace = c.workspace AND t.conversation_id = c.id "
                "WHERE c.workspace = %s GROUP BY c.id, c.title, c.created_at, c.updated_at "
                "ORDER BY c.updated_at DESC, c.created_at DESC",
                (self.workspace,),
            ).fetchall()
        return [ConversationInfo(*r) for r in rows]

    def append(self, conversation_id: str, turn: Turn) -> None:
        key = (self.workspace, conversation_id)
        with pg.transaction(self.url) as conn:
            locked = conn.execute(
                "SELECT 1 FROM aiworks_conversations WHERE workspace = %s AND id = %s FOR UPDATE", key
            ).fetchone()
            if locked is None:
                raise KeyError(conversation_id)
            conn.execute(
                "INSERT INTO aiworks_turns (workspace, conversation_id, seq, question, resolved_question, "
                "document_ids, answer, asked_at) SELECT %s, %s, coalesce(max(seq), -1) + 1, %s, %s, %s, %s, %s "
                "FROM aiworks_turns WHERE workspace = %s AND conversation_id = %s",
                (
                    *key,
                    turn.question,
                    turn.resolved_question,
                    Jsonb(list(turn.document_ids)),
                    Jsonb(turn.answer),
                    turn.asked_at,
                    *key,
                ),
            )
            conn.execute(
                "UPDATE aiworks_conversations SET updated_at = %s WHERE workspace = %s AND id = %s",
                (turn.asked_at, *key),
            )

    def rename(self, conversation_id: str, title: str) -> bool:
        title = clean_title(title)
        with pg.transaction(self.url) as conn:
            cur = conn.execute(
                "UPDATE aiworks_conversations SET title = %s, updated_at = %s WHERE workspace = %s AND id = %s",
                (title, now(), self.workspace, conversation_id),
            )
            return cur.rowcount > 0

    def delete(self, conversation_id: str) -> bool:
        key = (self.workspace, conversation_id)
        with pg.transaction(self.url) as conn:
            conn.execute("DELETE FROM aiworks_turns WHERE workspace = %s AND conversation_id = %s", key)
            cur = conn.execute("DELETE FROM aiworks_conversations WHERE workspace = %s AND id = %s", key)
            return cur.rowcount > 0
