"""PostgreSQL document catalog (``DocumentCatalog``): one ``aiworks_documents`` table, rows keyed by
(workspace, id). Its transaction is the one the chunk store joins (``aiworks.pg.transaction``), so a
document's row and its chunks commit together."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import astuple

from aiworks import pg
from aiworks.rag.types import DocumentInfo

_FIELDS = "id, name, sha256, kind, pages, chunks, chars, ingested_at"


class PgCatalog:
    def __init__(self, url: str, workspace: str) -> None:
        self.url, self.workspace = url, workspace
        pg.pool(url)  # creates the schema on first use

    @contextmanager
    def transaction(self) -> Iterator[object]:
        with pg.transaction(self.url) as conn:
            yield conn

    def put(self, con, info: DocumentInfo, version_dir: str) -> None:
        con.execute(
            f"INSERT INTO aiworks_documents (workspace, {_FIELDS}, version_dir) "
            "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (workspace, id) DO UPDATE SET "
            "name = excluded.name, sha256 = excluded.sha256, kind = excluded.kind, pages = excluded.pages, "
            "chunks = excluded.chunks, chars = excluded.chars, ingested_at = excluded.ingested_at, "
            "version_dir = excluded.version_dir",
            (self.workspace, *astuple(info), version_dir),
        )

    def drop(self, con, document_id: str) -> None:
        con.execute("DELETE FROM aiworks_documents WHERE workspace = %s AND id = %s", (self.workspace, document_id))

    def _one(self, sql: str, document_id: str):
        with pg.transaction(self.url) as conn:
            return conn.execute(sql, (self.workspace, document_id)).fetchone()

    def get(self, document_id: str) -> DocumentInfo | None:
        row = self._one(f"SELECT {_FIELDS} FROM aiworks_documents WHERE workspace = %s AND id = %s", document_id)
        return DocumentInfo(*row) if row else None

    def version_dir(self, document_id: str) -> str | None:
        row = self._one("SELECT version_dir FROM aiworks_documents WHERE workspace = %s AND id = %s", document_id)
        return row[0] if row else None

    def all(self) -> list[DocumentInfo]:
        with pg.transaction(self.url) as conn:
            rows = conn.execute(
                f"SELECT {_FIELDS} FROM aiworks_documents WHERE workspace = %s ORDER BY name, id", (self.workspace,)
            ).fetchall()
        return [DocumentInfo(*r) for r in rows]
