"""PostgreSQL plumbing shared by the scale-out backends (chunk store, catalog, job queue).

One connection pool per database URL per process. ``transaction(url)`` joins the transaction already open
on this thread/task for the same URL, so the catalog row and the document's chunks (two objects, two
protocols) commit together: with PostgreSQL a document is never listed without its chunks, nor the reverse.

Each workspace has its own chunk table (its own HNSW index: no cross-workspace filtering inside the ANN
search) and term-statistics table; ``aiworks_workspaces`` maps the workspace name to them and records the
embedding dimension, the chunk count and the total token count (BM25's N and average length).
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeGuard

if TYPE_CHECKING:
    from psycopg import Connection
    from psycopg_pool import ConnectionPool

_POOLS: dict[str, ConnectionPool] = {}
_POOLS_LOCK = threading.Lock()
_CURRENT: contextvars.ContextVar[dict[str, Connection[Any]] | None] = contextvars.ContextVar(
    "aiworks_pg_tx", default=None
)

_BASE_SCHEMA = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE IF NOT EXISTS aiworks_workspaces (
    name TEXT PRIMARY KEY, suffix TEXT NOT NULL UNIQUE, dim INTEGER NOT NULL,
    n_chunks BIGINT NOT NULL DEFAULT 0, total_len BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS aiworks_documents (
    workspace TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL, kind TEXT NOT NULL,
    pages INTEGER NOT NULL, chunks INTEGER NOT NULL, chars INTEGER NOT NULL, ingested_at TEXT NOT NULL,
    version_dir TEXT NOT NULL, PRIMARY KEY (workspace, id)
);
CREATE TABLE IF NOT EXISTS aiworks_doc_warnings (
    workspace TEXT NOT NULL, document_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
    message TEXT NOT NULL, page INTEGER, PRIMARY KEY (workspace, document_id, seq)
);
CREATE TABLE IF NOT EXISTS aiworks_conversations (
    workspace TEXT NOT NULL, id TEXT NOT NULL, title TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, PRIMARY KEY (workspace, id)
);
CREATE TABLE IF NOT EXISTS aiworks_turns (
    workspace TEXT NOT NULL, conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, question TEXT NOT NULL,
    resolved_question TEXT NOT NULL, document_ids JSONB NOT NULL, answer JSONB NOT NULL, asked_at TEXT NOT NULL,
    PRIMARY KEY (workspace, conversation_id, seq)
);
CREATE TABLE IF NOT EXISTS aiworks_meta (
    workspace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (workspace, key)
);
"""

# {c}: chunk table, {t}: term table, {p}: postings (lexeme -> chunk, tf, length, impact), {s}/{g}/{d}: packed
# postings (segment chunks, segment terms, chunks written since; rag/stores/pg_segment.py), {f}: name prefix, {ws}: workspace
# name literal, {dim}: vector size, {k1}/{b}: BM25's constants.
# tsv and len are computed by a row trigger (a generated column is not visible to BEFORE triggers); term
# document frequencies, postings and the workspace totals are kept by statement triggers over the transition
# tables, in the writing transaction, so BM25 statistics are exactly those of the committed chunks. The postings
# table is an inverted index BM25 can be summed from with an index-only scan (~1 us a posting), where scoring
# from each matching row's tsvector cost ~10-40 us a row. Each posting also stores its impact, BM25's tf part
# tf / (tf + k1 (1 - b + b len / avgdl)) with the average length at write time, and (lexeme, impact DESC) is
# indexed: a query reads only the highest-impact postings of each term (PgStore.text_search). The
# (document_id, idx, lexeme) index serves deletes, exact re-scoring of candidate chunks and searches restricted
# to some documents.
_WORKSPACE_SCHEMA = """
CREATE TABLE IF NOT EXISTS {c} (
    document_id TEXT NOT NULL, idx INTEGER NOT NULL, document_name TEXT NOT NULL,
    start BIGINT NOT NULL, "end" BIGINT NOT NULL, page INTEGER NOT NULL, text TEXT NOT NULL,
    search_text TEXT NOT NULL, tsv TSVECTOR, len INTEGER, embedding VECTOR({dim}) NOT NULL,
    PRIMARY KEY (document_id, idx)
);
CREATE TABLE IF NOT EXISTS {t} (lexeme TEXT PRIMARY KEY, df BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS {p} (lexeme TEXT NOT NULL, document_id TEXT NOT NULL, idx INTEGER NOT NULL,
    tf INTEGER NOT NULL, len INTEGER NOT NULL, impact REAL NOT NULL);
CREATE INDEX IF NOT EXISTS {f}_p_imp ON {p} (lexeme, impact DESC) INCLUDE (document_id, idx, tf, len);
CREATE INDEX IF NOT EXISTS {f}_p_doc ON {p} (document_id, idx, lexeme) INCLUDE (tf, len);
CREATE INDEX IF NOT EXISTS {f}_tsv ON {c} USING gin (tsv);
CREATE INDEX IF NOT EXISTS {f}_hnsw ON {c} USING hnsw (embedding vector_cosine_ops) WITH (m = {hnsw_m}, ef_construction = {hnsw_efc});
CREATE TABLE IF NOT EXISTS {s} (no INTEGER PRIMARY KEY, document_id TEXT NOT NULL, idx INTEGER NOT NULL,
    dead BOOLEAN NOT NULL DEFAULT false);
CREATE INDEX IF NOT EXISTS {f}_s_doc ON {s} (document_id, idx);
CREATE INDEX IF NOT EXISTS {f}_s_dead ON {s} (no) WHERE dead;
CREATE TABLE IF NOT EXISTS {g} (lexeme TEXT PRIMARY KEY, data BYTEA NOT NULL);
ALTER TABLE {g} ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE TABLE IF NOT EXISTS {d} (document_id TEXT NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY (document_id, idx));
CREATE OR REPLACE FUNCTION {f}_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.tsv := to_tsvector('english', NEW.search_text);
    NEW.len := (SELECT coalesce(sum(coalesce(array_length(positions, 1), 1)), 0) FROM unnest(NEW.tsv));
    RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION {f}_ins() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE avgdl float8;
BEGIN
    SELECT total_len::float8 / nullif(n_chunks, 0) INTO avgdl FROM aiworks_workspaces WHERE name = {ws};
    IF avgdl IS NULL THEN SELECT avg(len) INTO avgdl FROM new_rows; END IF;
    avgdl := greatest(coalesce(avgdl, 1), 1);
    INSERT INTO {p} (lexeme, document_id, idx, tf, len, impact)
        SELECT u.lexeme, n.document_id, n.idx, x.tf, n.len, x.tf / (x.tf + {k1}::float8 * (1 - {b}::float8 + {b}::float8 * n.len / avgdl))
        FROM new_rows n, unnest(n.tsv) u, LATERAL (SELECT coalesce(array_length(u.positions, 1), 1) tf) x;
    INSERT INTO {t} (lexeme, df)
        SELECT u.lexeme, count(*) FROM new_rows, unnest(new_rows.tsv) u GROUP BY u.lexeme ORDER BY u.lexeme
        ON CONFLICT (lexeme) DO UPDATE SET df = {t}.df + excluded.df;
    UPDATE aiworks_workspaces SET n_chunks = n_chunks + s.n, total_len = total_len + s.l
        FROM (SELECT count(*) n, coalesce(sum(len), 0) l FROM new_rows) s WHERE name = {ws};
    INSERT INTO {d} (document_id, idx) SELECT document_id, idx FROM new_rows ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION {f}_del() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {p} USING old_rows o WHERE {p}.document_id = o.document_id AND {p}.idx = o.idx;
    UPDATE {s} SET dead = true FROM old_rows o WHERE {s}.document_id = o.document_id AND {s}.idx = o.idx AND NOT dead;
    DELETE FROM {d} USING old_rows o WHERE {d}.document_id = o.document_id AND {d}.idx = o.idx;
    UPDATE {t} SET df = {t}.df - d.n
        FROM (SELECT u.lexeme, count(*) n FROM old_rows, unnest(old_rows.tsv) u GROUP BY u.lexeme) d
        WHERE {t}.lexeme = d.lexeme;
    UPDATE aiworks_workspaces SET n_chunks = n_chunks - s.n, total_len = total_len - s.l
        FROM (SELECT count(*) n, coalesce(sum(len), 0) l FROM old_rows) s WHERE name = {ws};
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS {f}_row ON {c};
CREATE TRIGGER {f}_row BEFORE INSERT OR UPDATE OF search_text ON {c} FOR EACH ROW EXECUTE FUNCTION {f}_row();
DROP TRIGGER IF EXISTS {f}_ins ON {c};
CREATE TRIGGER {f}_ins AFTER INSERT ON {c} REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {f}_ins();
DROP TRIGGER IF EXISTS {f}_del ON {c};
CREATE TRIGGER {f}_del AFTER DELETE ON {c} REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {f}_del();
"""


BM25_K1, BM25_B = 1.2, 0.75


def is_postgres_url(url: str | None) -> TypeGuard[str]:
    return url is not None and bool(url) and url.split(":", 1)[0] in ("postgresql", "postgres")


def _configure(conn: Connection[Any]) -> None:
    from pgvector.psycopg import register_vector

    register_vector(conn)
    conn.commit()


def pool(url: str) -> ConnectionPool:
    """The process's pool for ``url`` (created on first use; the schema is created once per pool)."""
    with _POOLS_LOCK:
        p = _POOLS.get(url)
        if p is None:
            from psycopg_pool import ConnectionPool

            _bootstrap(url)
            p = ConnectionPool(
                url, min_size=1, max_size=8, configure=_configure, open=True, kwargs={"connect_timeout": 10}
            )
            _POOLS[url] = p
        return p


def _bootstrap(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        # serialise concurrent first starts (CREATE ... IF NOT EXISTS races on the catalog tables)
        conn.execute("SELECT pg_advisory_lock(7461001)")
        try:
            conn.execute(_BASE_SCHEMA)
        finally:
            conn.execute("SELECT pg_advisory_unlock(7461001)")


@functools.lru_cache(maxsize=16)
def sqlalchemy_url(url: str, schema: str) -> str:
    """``url`` for SQLAlchemy users (MLflow tracking, Optuna studies), in a schema of their own: both keep
    an ``alembic_version`` table, and neither may see (or migrate) the other's or aiworks' tables."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    rest = url.split("://", 1)[1]
    sep = "&" if "?" in rest else "?"
    return f"postgresql+psycopg://{rest}{sep}options=-csearch_path%3D{schema}"


def close_pools() -> None:
    with _POOLS_LOCK:
        for p in _POOLS.values():
            p.close()
        _POOLS.clear()


@contextmanager
def transaction(url: str, join: bool = True, snapshot: bool = False) -> Iterator[Connection[Any]]:
    """A connection inside a transaction; nested calls for the same URL share the outer transaction
    (``join=False``: always a transaction of its own, e.g. a job's state must commit at once; ``snapshot``: a new
    transaction is REPEATABLE READ, every statement sees the same snapshot)."""
    current = _CURRENT.get()
    if join and current is not None and url in current:
        yield current[url]
        return
    with pool(url).connection() as conn:
        if snapshot:
            from psycopg import IsolationLevel

            conn.isolation_level = IsolationLevel.REPEATABLE_READ  # sent with the BEGIN: no extra round trip
        try:
            with conn.transaction():
                token = _CURRENT.set({**(current or {}), url: conn})
                try:
                    yield conn
                finally:
                    _CURRENT.reset(token)
        finally:
            if snapshot:
                conn.isolation_level = None


def in_transaction(url: str) -> bool:
    """Whether this thread/task has a transaction open on ``url`` (which ``transaction`` would join)."""
    current = _CURRENT.get()
    return current is not None and url in current


def workspace_tables(
    url: str, workspace: str, dim: int | None, hnsw: tuple[int, int] = (16, 64)
) -> tuple[str, str, str]:
    """(chunk table, term table, postings table) of the workspace, created on first use (its HNSW graph with
    ``hnsw`` = (m, ef_construction)). ``dim`` None: open only if it exists (raises KeyError otherwise). A dimension
    mismatch is a clear error, as with the embedded store."""

    suffix = hashlib.sha1(workspace.encode("utf-8")).hexdigest()[:16]
    with transaction(url) as conn:
        row = conn.execute("SELECT suffix, dim FROM aiworks_workspaces WHERE name = %s", (workspace,)).fetchone()
        if row is None:
            if dim is None:
                raise KeyError(workspace)
            conn.execute("SELECT pg_advisory_xact_lock(7461002)")
            row = conn.execute("SELECT suffix, dim FROM aiworks_workspaces WHERE name = %s", (workspace,)).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO aiworks_workspaces (name, suffix, dim) VALUES (%s, %s, %s)", (workspace, suffix, dim)
                )
                conn.execute(_workspace_ddl(conn, workspace, suffix, int(dim), hnsw))
                row = (suffix, dim)
        elif (url, workspace) not in _CURRENT_SCHEMA:
            _upgrade(conn, workspace, row[0], row[1])
        _CURRENT_SCHEMA.add((url, workspace))
        if dim is not None and row[1] != dim:
            raise ValueError(
                f"this workspace was indexed with {row[1]}-d embeddings but the embedder makes "
                f"{dim}-d ones; use the same embedder or a new workspace"
            )
        return f"c_{row[0]}", f"t_{row[0]}", f"p_{row[0]}"


_CURRENT_SCHEMA: set[tuple[str, str]] = set()  # workspaces this process has seen on the current schema


def _workspace_ddl(
    conn: Connection[Any], workspace: str, suffix: str, dim: int, hnsw: tuple[int, int] = (16, 64)
) -> str:
    from psycopg import sql

    return _WORKSPACE_SCHEMA.format(
        c=f"c_{suffix}",
        t=f"t_{suffix}",
        p=f"p_{suffix}",
        s=f"s_{suffix}",
        g=f"g_{suffix}",
        d=f"d_{suffix}",
        f=f"f_{suffix}",
        dim=dim,
        ws=sql.Literal(workspace).as_string(conn),
        k1=BM25_K1,
        b=BM25_B,
        hnsw_m=int(hnsw[0]),
        hnsw_efc=int(hnsw[1]),
    )


def _upgrade(conn: Connection[Any], workspace: str, suffix: str, dim: int) -> None:
    """Older workspaces. Before packed postings (2026-12-02): create their tables and triggers, every chunk
    in the delta (the next ``optimize`` packs them). Before postings carried their impact (2026-12-01): also add
    and fill the column with the current average length and replace the old postings indexes."""
    p = f"p_{suffix}"
    if conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f"d_{suffix}",)).fetchone() == (True,):
        return
    conn.execute("SELECT pg_advisory_xact_lock(7461002)")
    if conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f"d_{suffix}",)).fetchone() == (True,):
        return
    if conn.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = 'impact'", (p,)
    ).fetchone():  # 2026-12-01 schema: no packed postings yet; every chunk starts in the delta
        conn.execute(_workspace_ddl(conn, workspace, suffix, dim))
        conn.execute(f"INSERT INTO d_{suffix} SELECT document_id, idx FROM c_{suffix}")
        return
    avgdl = conn.execute(
        "SELECT greatest(coalesce(total_len::float8 / nullif(n_chunks, 0), 1), 1) FROM aiworks_workspaces "
        "WHERE name = %s",
        (workspace,),
    ).fetchone()
    conn.execute(f"ALTER TABLE {p} ADD COLUMN impact REAL")
    conn.execute(
        f"UPDATE {p} SET impact = tf / (tf + {BM25_K1}::float8 * (1 - {BM25_B}::float8 + {BM25_B}::float8 * len / %s))",
        (avgdl[0] if avgdl else 1.0,),
    )
    conn.execute(f"ALTER TABLE {p} ALTER COLUMN impact SET NOT NULL")
    conn.execute(f"DROP INDEX IF EXISTS f_{suffix}_p_lex, f_{suffix}_p_doc")
    conn.execute(_workspace_ddl(conn, workspace, suffix, dim))
    conn.execute(f"INSERT INTO d_{suffix} SELECT document_id, idx FROM c_{suffix}")
