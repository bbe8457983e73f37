"""Per-workspace document catalog: what is indexed, its content hash and where its files live, the
warnings recorded for each document, and (``meta``) which embedder built the workspace's vectors, so that vectors from two
embedders are never mixed in one index or queried with the wrong model.

``DocumentCatalog`` is the protocol; ``Catalog`` (SQLite, one file per workspace) is the embedded default and
``aiworks.rag.catalog_pg.PgCatalog`` the shared one (selected by ``AIWORKS_DATABASE_URL``).

SQLite gives us transactions: a document's row is written in the same critical section as its chunks and
rolled back if the chunk write fails, so the catalog never lists a half-ingested document.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from dataclasses import astuple
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from aiworks import sqlitedb
from aiworks.rag.types import DocumentInfo, DocWarning

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, kind TEXT NOT NULL,
    pages INTEGER NOT NULL, chunks INTEGER NOT NULL, chars INTEGER NOT NULL, ingested_at TEXT NOT NULL,
    version_dir TEXT NOT NULL
)
"""
_META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
_FIELDS = "id, name, sha256, kind, pages, chunks, chars, ingested_at"
# What the user should know about each document (possible prompt injection, OCR confidence, guessed encoding),
# written in the same transaction as its row (security hook).
_WARNINGS = """
CREATE TABLE IF NOT EXISTS warnings (
    document_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, message TEXT NOT NULL, page INTEGER,
    PRIMARY KEY (document_id, seq)
)
"""


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

    def count(self) -> int: ...

    def put_warnings(self, con: Any, document_id: str, warnings: list[DocWarning]) -> None:
        """Replace the document's warnings, inside the transaction that writes its row."""
        ...

    def warnings(self, document_ids: list[str] | None = None) -> dict[str, list[DocWarning]]: ...

    def meta(self) -> dict[str, str]:
        """The workspace's record (embedder, embedder_space, dim, state): see ``bind_embedder``."""
        ...

    def set_meta(self, **values: str) -> None: ...


class Catalog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with sqlitedb.write(self.path) as con:
            con.execute(_SCHEMA)
            con.execute(_WARNINGS)
            con.execute(_META)

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return sqlitedb.write(self.path)

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        # A fresh connection per read keeps the catalog usable from any thread (API workers).
        return sqlitedb.read(self.path, sql, args)

    @staticmethod
    def put(con: sqlite3.Connection, info: DocumentInfo, version_dir: str) -> None:
        con.execute(
            f"INSERT OR REPLACE INTO documents ({_FIELDS}, version_dir) VALUES (?,?,?,?,?,?,?,?,?)",
            (*astuple(info), version_dir),
        )

    @staticmethod
    def drop(con: sqlite3.Connection, document_id: str) -> None:
        con.execute("DELETE FROM documents WHERE id = ?", (document_id,))
        con.execute("DELETE FROM warnings WHERE document_id = ?", (document_id,))

    @staticmethod
    def put_warnings(con: sqlite3.Connection, document_id: str, warnings: list[DocWarning]) -> None:
        con.execute("DELETE FROM warnings WHERE document_id = ?", (document_id,))
        con.executemany(
            "INSERT INTO warnings (document_id, seq, kind, message, page) VALUES (?,?,?,?,?)",
            [(document_id, i, w.kind, w.message, w.page) for i, w in enumerate(warnings)],
        )

    def warnings(self, document_ids: list[str] | None = None) -> dict[str, list[DocWarning]]:
        """Stored warnings per document id (all documents when ``document_ids`` is None)."""
        rows = self._rows("SELECT document_id, kind, message, page FROM warnings ORDER BY document_id, seq")
        out: dict[str, list[DocWarning]] = {}
        wanted = None if document_ids is None else set(document_ids)
        for doc_id, kind, message, page in rows:
            if wanted is None or doc_id in wanted:
                out.setdefault(doc_id, []).append(DocWarning(kind, message, page))
        return out

    def get(self, document_id: str) -> DocumentInfo | None:
        rows = self._rows(f"SELECT {_FIELDS} FROM documents WHERE id = ?", (document_id,))
        return DocumentInfo(*rows[0]) if rows else None

    def version_dir(self, document_id: str) -> str | None:
        rows = self._rows("SELECT version_dir FROM documents WHERE id = ?", (document_id,))
        return rows[0][0] if rows else None

    def all(self) -> list[DocumentInfo]:
        return [DocumentInfo(*r) for r in self._rows(f"SELECT {_FIELDS} FROM documents ORDER BY name, id")]

    # ------------------------------------------------------------ meta
    def meta(self) -> dict[str, str]:
        return dict(self._rows("SELECT key, value FROM meta"))

    def set_meta(self, **values: str) -> None:
        with self.transaction() as con:
            con.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(values.items()))

    def count(self) -> int:
        return int(self._rows("SELECT COUNT(*) FROM documents")[0][0])


class EmbedderMismatch(ValueError):
    """The workspace's vectors come from another embedder (or an interrupted re-embed)."""


REINDEXING = "reindexing"


def bind_embedder(catalog: DocumentCatalog, workspace: str, name: str, space: str, dim: int) -> None:
    """Record the embedder of an empty workspace; refuse a non-empty one built by an embedder whose vectors
    are not interchangeable with ``space``. Workspaces from before the record existed were all built by the
    default all-MiniLM-L6-v2 (or, in tests, ``hash``): they are adopted when the dimension matches."""
    meta = catalog.meta()
    have = catalog.count()
    same_dim = meta.get("dim", str(dim)) == str(dim)
    fix = (
        f"re-embed it with `aiworks --workspace {workspace} reindex --embedder {name}` (from the stored originals), "
        if same_dim
        else f"its vectors are {meta.get('dim')}-d, so "
    ) + "ingest the files into a new workspace, or use the embedder it was built with (AIWORKS_EMBEDDER)"
    if meta.get("state") == REINDEXING and have:
        raise EmbedderMismatch(
            f"workspace {workspace!r} has an interrupted re-embed to "
            f"{meta.get('reindex_to')!r} (its vectors are mixed); finish it: `aiworks --workspace "
            f"{workspace} reindex --embedder {meta.get('reindex_to')}`"
        )
    if not have or "embedder_space" not in meta and str(dim) == meta.get("dim", str(dim)):
        if (meta.get("embedder_space"), meta.get("embedder")) != (space, name):
            catalog.set_meta(embedder=name, embedder_space=space, dim=str(dim), state="ready")
        return
    if meta.get("embedder_space") != space:
        raise EmbedderMismatch(
            f"workspace {workspace!r} was built with embedder {meta.get('embedder')!r}, "
            f"whose vectors differ from {name!r}'s: {fix}"
        )
