"""The SQL of aiworks' PostgreSQL tables, and the steps that bring an older workspace's tables up to date.

Why a module of its own: the schema is text the database runs (the catalog tables, and one set of tables,
indexes and triggers per workspace) and the upgrades are written against exactly that text; ``pg.py`` is the
connection and transaction plumbing that runs it.

Each workspace has its own chunk table (its own HNSW index: no cross-workspace filtering inside the ANN
search) and term-statistics table; ``aiworks_workspaces`` maps the workspace name to them and records the
embedding dimension, the chunk count and the total token count (BM25's N and average length).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psycopg import Connection

BASE_SCHEMA = """
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
WORKSPACE_SCHEMA = """
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


def workspace_ddl(
    conn: Connection[Any], workspace: str, suffix: str, dim: int, hnsw: tuple[int, int] = (16, 64)
) -> str:
    """The workspace's tables, indexes and triggers (``WORKSPACE_SCHEMA`` filled in for its table suffix)."""
    from psycopg import sql

    return WORKSPACE_SCHEMA.format(
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


def upgrade(conn: Connection[Any], workspace: str, suffix: str, dim: int) -> None:
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
        conn.execute(workspace_ddl(conn, workspace, suffix, dim))
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
    conn.execute(workspace_ddl(conn, workspace, suffix, dim))
    conn.execute(f"INSERT INTO d_{suffix} SELECT document_id, idx FROM c_{suffix}")
