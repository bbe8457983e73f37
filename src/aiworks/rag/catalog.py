"""Per-workspace document catalog: what is indexed, its content hash and where its files live.

``DocumentCatalog`` is the protocol; ``Catalog`` (SQLite, one file per workspace) is the embedded default and
``aiworks.rag.catalog_pg.PgCatalog`` the shared one (selected by ``AIWORKS_DATABASE_URL``).

SQLite gives us transactions: a document's row is written in the same critical section as its chunks and
rolled back if the chunk write fails, so the catalog never lists a half-ingested document.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import astuple
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from aiworks.rag.types import DocumentInfo

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, kind TEXT NOT NULL,
    pages INTEGER NOT NULL, chunks INTEGER NOT NULL, chars INTEGER NOT NULL, ingested_at TEXT NOT NULL,
    version_dir TEXT NOT NULL
)
"""
_FIELDS = "id, name, sha256, kind, pages, chunks, chars, ingested_at"


@runtime_checkable
class DocumentCatalog(Protocol):
    def transaction(self) -> AbstractContextManager[Any]:
        """A write transaction; ``put``/``drop`` take its handle. Chunk writes made inside it commit or roll
        back with it where the backend can (PostgreSQL: one transaction; embedded: the store commit comes
        first and a failure rolls the catalog row back)."""
        ...

    def put(self, con: Any, info: DocumentInfo, version_dir: str) -> None: ...

    def drop(self, con: Any, document_id: str) -> None: ...

    def get(self, document_id: str) -> DocumentInfo | None: ...

    def version_dir(self, document_id: str) -> str | None: ...

    def all(self) -> list[DocumentInfo]: ...


class Catalog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        # A fresh connection per operation keeps the catalog usable from any thread (API workers).
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        return con

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            yield con
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.close()

    @staticmethod
    def put(con: sqlite3.Connection, info: DocumentInfo, version_dir: str) -> None:
        con.execute(f"INSERT OR REPLACE INTO documents ({_FIELDS}, version_dir) VALUES (?,?,?,?,?,?,?,?,?)",
                    (*astuple(info), version_dir))

    @staticmethod
    def drop(con: sqlite3.Connection, document_id: str) -> None:
        con.execute("DELETE FROM documents WHERE id = ?", (document_id,))

    def get(self, document_id: str) -> DocumentInfo | None:
        con = self._connect()
        try:
            row = con.execute(f"SELECT {_FIELDS} FROM documents WHERE id = ?", (document_id,)).fetchone()
        finally:
            con.close()
        return DocumentInfo(*row) if row else None

    def version_dir(self, document_id: str) -> str | None:
        con = self._connect()
        try:
            row = con.execute("SELECT version_dir FROM documents WHERE id = ?", (document_id,)).fetchone()
        finally:
            con.close()
        return row[0] if row else None

    def all(self) -> list[DocumentInfo]:
        con = self._connect()
        try:
            rows = con.execute(f"SELECT {_FIELDS} FROM documents ORDER BY name, id").fetchall()
        finally:
            con.close()
        return [DocumentInfo(*r) for r in rows]
