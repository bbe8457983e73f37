"""PostgreSQL store: pgvector HNSW (cosine) for dense search, a GIN-indexed tsvector for full text.

Keyword ranking is BM25 (k1 = 1.2, b = 0.75, Lucene's idf), summed in SQL over a postings table (lexeme ->
chunk, tf, length) with statistics the chunk table's triggers keep in the writing transaction (per-lexeme
document frequency, chunk count, token count): measured
through the assistant's retrieval on LegalBench-RAG, PostgreSQL's own ``ts_rank`` (no idf, no length
saturation) ranked clearly worse (benchmarks/results/pg_keyword.json); ``rank="ts_rank"`` keeps it for that
comparison. Matching uses the same English stemming for documents and queries, terms OR-ed like Lance's.

A document's chunks are replaced by DELETE + COPY in one transaction (the catalog's, when one is open):
readers see the old or the new version, never both; a per-document advisory lock serialises two writers of
the same document, and the (document_id, idx) primary key makes a duplicate chunk impossible.
"""

from __future__ import annotations

import re

import numpy as np

from aiworks import pg
from aiworks.rag.types import Chunk, Hit

K1, B = 1.2, 0.75
# Postings summed per keyword query at most: common terms ("agreement", "party") are in most chunks of a
# legal corpus; at ~1 us a posting this bounds a query's keyword half to tens of ms. See text_search.
MATCH_BUDGET = 50_000
# HNSW candidate list. recall@30 vs exact search at 100k MiniLM-derived vectors (benchmarks/results/pg_sweep.json):
# 100 -> 0.86, 200 -> 0.95, 256 -> 0.97, 400 -> 0.99; dense p50 44 / 47 / 75 / 77 ms at load ~17 on 2 cores.
EF_SEARCH = 256
_COLS = 'document_id, idx, start, "end", page, text, document_name'
_TERMS = re.compile(r"[^\W_]+")


class PgStore:
    def __init__(self, url: str, workspace: str, dim: int, rank: str = "bm25") -> None:
        if rank not in ("bm25", "ts_rank"):
            raise ValueError(f"unknown keyword ranking {rank!r}")
        self.url, self.workspace, self.dim, self.rank = url, workspace, dim, rank
        self.table, self.terms, self.postings = pg.workspace_tables(url, workspace, dim)

    # ------------------------------------------------------------ writes
    def replace_document(
        self,
        document_id: str,
        document_name: str,
        chunks: list[Chunk],
        vectors: np.ndarray,
        search_texts: list[str] | None = None,
    ) -> None:
        self.replace_documents([(document_id, document_name, chunks, vectors, search_texts)])

    def replace_documents(self, docs: list[tuple[str, str, list[Chunk], np.ndarray, list[str] | None]]) -> None:
        """``replace_document`` for several documents in one transaction."""
        ids = sorted({d[0] for d in docs})
        with pg.transaction(self.url) as conn:
            self._lock(conn, ids)
            conn.execute(f"DELETE FROM {self.table} WHERE document_id = ANY(%s)", (ids,))
            with conn.cursor().copy(
                f'COPY {self.table} (document_id, idx, document_name, start, "end", page, '
                "text, search_text, embedding) FROM STDIN"
            ) as copy:
                for document_id, document_name, chunks, vecs, search_texts in docs:
                    vecs = np.asarray(vecs, dtype=np.float32).reshape(len(chunks), self.dim)
                    texts = search_texts or [c.text for c in chunks]
                    for c, v, st in zip(chunks, vecs, texts):
                        copy.write_row((document_id, c.index, document_name, c.start, c.end, c.page, c.text, st, v))

    def delete_document(self, document_id: str) -> int:
        with pg.transaction(self.url) as conn:
            self._lock(conn, [document_id])
            return conn.execute(f"DELETE FROM {self.table} WHERE document_id = %s", (document_id,)).rowcount

    def _lock(self, conn, ids: list[str]) -> None:
        for i in ids:  # sorted by the callers: two writers never wait on each other in opposite orders
            conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"{self.table}:{i}",))

    def optimize(self) -> None:
        """Indexes are maintained on write; refresh the planner's statistics after large changes."""
        with pg.pool(self.url).connection() as conn:
            conn.autocommit = True
            conn.execute(f"ANALYZE {self.table}")

    # ------------------------------------------------------------ reads
    @staticmethod
    def _hit(row) -> Hit:
        chunk = Chunk(document_id=row[0], index=row[1], start=row[2], end=row[3], page=row[4], text=row[5])
        return Hit(chunk=chunk, document_name=row[6], score=float(row[7]))

    def vector_search(self, vector: np.ndarray, k: int, document_ids: list[str] | None = None) -> list[Hit]:
        v = np.asarray(vector, dtype=np.float32).ravel()
        where, args = ("WHERE document_id = ANY(%(ids)s)", {"ids": list(document_ids)}) if document_ids else ("", {})
        with pg.transaction(self.url) as conn:
            conn.execute(f"SET LOCAL hnsw.ef_search = {max(EF_SEARCH, int(k))}")
            if document_ids:  # keep scanning the graph until k rows pass the filter (pgvector >= 0.8)
                conn.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
            rows = conn.execute(
                f"SELECT {_COLS}, 1 - (embedding <=> %(v)s) FROM {self.table} {where} "
                f"ORDER BY embedding <=> %(v)s LIMIT %(k)s",
                {"v": v, "k": int(k), **args},
            ).fetchall()
        return sorted((self._hit(r) for r in rows), key=lambda h: -h.score)

    def text_search(self, query: str, k: int, document_ids: list[str] | None = None) -> list[Hit]:
        terms = " ".join(_TERMS.findall(query))
        if not terms:
            return []
        cols = ", ".join("c." + x.strip() for x in _COLS.split(","))
        filt = "AND c.document_id = ANY(%(ids)s)" if document_ids else ""
        with pg.transaction(self.url) as conn:
            # 1: the query's lexemes with document frequency, idf (trigger-kept statistics) and tsquery form
            stats = conn.execute(
                f"SELECT t.lexeme, t.df, ln(1 + (w.n_chunks - t.df + 0.5) / (t.df + 0.5)), "
                f"quote_literal(t.lexeme)::tsquery::text, greatest(w.total_len::float8 / greatest(w.n_chunks, 1), 1) "
                f"FROM (SELECT DISTINCT l FROM unnest(tsvector_to_array(to_tsvector('english', %s))) l) l "
                f"JOIN {self.terms} t ON t.lexeme = l.l JOIN aiworks_workspaces w ON w.name = %s "
                f"WHERE t.df > 0 ORDER BY t.df, t.lexeme",
                (terms, self.workspace),
            ).fetchall()
            if not stats:
                return []
            if self.rank == "ts_rank":
                args = {"tq": " | ".join(r[3] for r in stats), "k": int(k), "ids": list(document_ids or [])}
                top = (
                    f"SELECT c.document_id, c.idx, ts_rank(c.tsv, %(tq)s::tsquery) s FROM {self.table} c "
                    f"WHERE c.tsv @@ %(tq)s::tsquery {filt}"
                )
            else:
                # BM25 summed over the postings of the query's terms, rarest first, up to MATCH_BUDGET postings
                # (at least one term): exact whenever they fit; past that the commonest terms (lowest idf) drop
                match, budget = [], 0
                for row in stats:
                    if match and budget + row[1] > MATCH_BUDGET:
                        break
                    match.append(row)
                    budget += row[1]
                args = {
                    "lex": [r[0] for r in match],
                    "idf": [r[2] for r in match],
                    "avgdl": stats[0][4],
                    "k": int(k),
                    "ids": list(document_ids or []),
                }
                pfilt = "WHERE p.document_id = ANY(%(ids)s)" if document_ids else ""
                top = (
                    f"SELECT p.document_id, p.idx, sum(q.idf * p.tf * {K1 + 1} / "
                    f"(p.tf + {K1} * (1 - {B} + {B} * p.len / %(avgdl)s))) s FROM {self.postings} p "
                    f"JOIN unnest(%(lex)s::text[], %(idf)s::float8[]) q(lexeme, idf) ON q.lexeme = p.lexeme "
                    f"{pfilt} GROUP BY 1, 2"
                )
            rows = conn.execute(
                f"WITH top AS ({top} ORDER BY s DESC, 1, 2 LIMIT %(k)s) "
                f"SELECT {cols}, top.s FROM top JOIN {self.table} c USING (document_id, idx) "
                f"ORDER BY top.s DESC, c.document_id, c.idx",
                args,
            ).fetchall()
        return [self._hit(r) for r in rows]

    def chunks(self, document_id: str) -> list[Chunk]:
        with pg.transaction(self.url) as conn:
            rows = conn.execute(
                f"SELECT {_COLS}, 0 FROM {self.table} WHERE document_id = %s ORDER BY idx", (document_id,)
            ).fetchall()
        return [self._hit(r).chunk for r in rows]

    def document_ids(self) -> set[str]:
        """Ids of the documents with chunks (crash repair compares them with the catalog)."""
        with pg.transaction(self.url) as conn:
            return {r[0] for r in conn.execute(f"SELECT DISTINCT document_id FROM {self.table}").fetchall()}

    def count(self, document_id: str | None = None) -> int:
        with pg.transaction(self.url) as conn:
            if document_id is None:
                return conn.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0]
            return conn.execute(f"SELECT count(*) FROM {self.table} WHERE document_id = %s", (document_id,)).fetchone()[
                0
            ]
