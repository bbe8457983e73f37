"""PostgreSQL document catalog (``DocumentCatalog``): ``aiworks_documents``, ``aiworks_doc_warnings`` and
``aiworks_meta`` (the workspace's embedder record), rows keyed by workspace. Its transaction is the one the
chunk store joins (``aiworks.pg.transaction``), so a document's row, its warnings and its chunks commit
together. Same behaviour as the SQLite ``Catalog`` (tests/contracts/test_catalog.py runs both)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import astuple
from typing import TYPE_CHECKING, Any

from aiworks import pg
from aiworks.rag.types import DocumentInfo, DocWarning

if TYPE_CHECKING:
    from psycopg import Connection

_FIELDS = "id, name, sha256, kind, pages, chunks, chars, ingested_at"


class PgCatalog:
    def __init__(self, url: str, workspace: str) -> None:
        self.url, self.workspace = url, workspace
        pg.pool(url)  # creates the schema on first use

    @contextmanager
    def transaction(self) -> Iterator[Connection[Any]]:
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
        key = (self.workspace, document_id)
        con.execute("DELETE FROM aiworks_documents WHERE workspace = %s AND id = %s", key)
        con.execute("DELETE FROM aiworks_doc_warnings WHERE workspace = %s AND document_id = %s", key)

    def put_warnings(self, con, document_id: str, warnings: list[DocWarning]) -> None:
        con.execute(
            "DELETE FROM aiworks_doc_warnings WHERE workspace = %s AND document_id = %s", (self.workspace, document_id)
        )
        if warnings:
            con.cursor().executemany(
                "INSERT INTO aiworks_doc_warnings (workspace, document_id, seq, kind, message, page) "
                "VALUES (%s,%s,%s,%s,%s,%s)",
                [(self.workspace, document_id, i, w.kind, w.message, w.page) for i, w in enumerate(warnings)],
            )

    def warnings(self, document_ids: list[str] | None = None) -> dict[str, list[DocWarning]]:
        """Stored warnings per document id (all documents when ``document_ids`` is None)."""
        where = "workspace = %s"
        args: list[Any] = [self.workspace]
        if document_ids is not None:
            where += " AND document_id = ANY(%s)"
            args = [self.workspace, list(document_ids)]
        with pg.transaction(self.url) as conn:
            rows = conn.execute(
                f"SELECT document_id, kind, message, page FROM aiworks_doc_warnings WHERE {where} "
                "ORDER BY document_id, seq",
                args,
            ).fetchall()
        out: dict[str, list[DocWarning]] = {}
        for doc_id, kind, message, page in rows:
            out.setdefault(doc_id, []).append(DocWarning(kind, message, page))
        return out

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

    def count(self) -> int:
        with pg.transaction(self.url) as conn:
            row = conn.execute(
                "SELECT count(*) FROM aiworks_documents WHERE workspace = %s", (self.workspace,)
            ).fetchone()
        return int(row[0]) if row else 0

    # ------------------------------------------------------------ meta (the embedder record, see bind_embedder)
    def meta(self) -> dict[str, str]:
        with pg.transaction(self.url) as conn:
            rows = conn.execute(
                "SELECT key, value FROM aiworks_meta WHERE workspace = %s", (self.workspace,)
            ).fetchall()
        return {k: v for k, v in rows}

    def set_meta(self, **values: str) -> None:
        with pg.transaction(self.url) as conn:
            conn.cursor().executemany(
                "INSERT INTO aiworks_meta (workspace, key, value) VALUES (%s, %s, %s) "
                "ON CONFLICT (workspace, key) DO UPDATE SET value = excluded.value",
                [(self.workspace, k, str(v)) for k, v in values.items()],
            )
