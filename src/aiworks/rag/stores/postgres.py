"""PostgreSQL store: pgvector HNSW (cosine) for dense search, BM25 over packed postings (exact) for full text.

Keyword ranking is BM25 (k1 = 1.2, b = 0.75, Lucene's idf), summed in SQL over a postings table (lexeme ->
chunk, tf, length, impact) with statistics the chunk table's triggers keep in the writing transaction (per-lexeme
document frequency, chunk count, token count): measured
through the assistant's retrieval on LegalBench-RAG, PostgreSQL's own ``ts_rank`` (no idf, no length
saturation) ranked clearly worse (benchmarks/results/pg_keyword.json); ``rank="ts_rank"`` keeps it for that
comparison. Matching uses the same English stemming for documents and queries, terms OR-ed like Lance's.
Past a few thousand chunks summing postings in SQL (~1-4 us each) is the bottleneck: ``optimize`` packs them
(``pg_segment``) and the default search sums them in numpy, still exact. Dense and keyword halves of a hybrid
search run concurrently on two connections (``concurrent_lists``, ``search_lists``).

A document's chunks are replaced by DELETE + COPY in one transaction (the catalog's, when one is open):
readers see the old or the new version, never both; a per-document advisory lock serialises two writers of
the same document, and the (document_id, idx) primary key makes a duplicate chunk impossible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from aiworks import pg
from aiworks.rag.stores import pg_segment
from aiworks.rag.types import Chunk, Hit

K1, B = pg.BM25_K1, pg.BM25_B
# rank="bm25_budget" (the default until 2026-12-02): impact-ordered postings (see aiworks.pg_schema and _impact_top): the
# rarest terms' postings are read whole up to WHOLE_BUDGET postings, every other term's TERM_DEPTH highest-impact
# ones, and the best RESCORE candidates are scored exactly. Top-30 agreement with exact BM25 fell with the corpus
# (0.98 at 100k, 0.80 at 300k: the budget is absolute); the packed postings (rank="bm25") are exact and faster.
TERM_DEPTH = 1000
RESCORE = 200
WHOLE_BUDGET = 50_000
# HNSW candidate list. recall@30 vs exact search at 100k MiniLM-derived vectors (benchmarks/results/pg_sweep.json):
# 100 -> 0.86, 200 -> 0.95, 256 -> 0.97, 400 -> 0.99; dense p50 44 / 47 / 75 / 77 ms at load ~17 on 2 cores.
# At 1M (m 16, ef_construction 64; pg_retrieval_1m.json) 256 -> 0.73, 800 -> 0.89, 1000 (the maximum) -> 0.92.
EF_SEARCH = 256
_COLS = 'document_id, idx, start, "end", page, text, document_name'
_TERMS = re.compile(r"[^\W_]+")
_TERMS_Q = "unnest(%(lex)s::text[], %(idf)s::float8[]) q(lexeme, idf)"
# BM25 of p's postings for q's terms; float8 constants (a bare 0.75 is numeric, whose arithmetic cost ~2 us a posting)
_BM25 = (
    f"sum(q.idf * p.tf * {K1 + 1}::float8 / (p.tf + {K1}::float8 * "
    f"(1 - {B}::float8 + {B}::float8 * p.len / %(avgdl)s::float8)))"
)


@dataclass(frozen=True)
class _Term:
    lexeme: str
    df: int
    idf: float
    tsquery: str
    avgdl: float
    segment: str | None  # the packed postings' generation (pg_segment.parse)


class PgStore:
    def __init__(
        self,
        url: str,
        workspace: str,
        dim: int,
        rank: str = "bm25",
        depth: int = TERM_DEPTH,
        rescore: int = RESCORE,
        budget: int = WHOLE_BUDGET,
        ef_search: int | None = None,
        hnsw: tuple[int, int] = (16, 64),
    ) -> None:
        """``rank``: "bm25" (exact: packed postings summed in numpy once compacted, ``pg_segment``; before the
        first compaction every posting in SQL), "bm25_budget" (impact-ordered: ``depth`` postings a term nominate
        candidates, the best ``rescore`` are scored exactly; kept for comparison), "bm25_exact" (every posting of
        every query term in SQL: the reference the benchmarks compare with) or "ts_rank" (PostgreSQL's own)."""
        if rank not in ("bm25", "bm25_budget", "bm25_exact", "ts_rank"):
            raise ValueError(f"unknown keyword ranking {rank!r}")
        self.url, self.workspace, self.dim, self.rank = url, workspace, dim, rank
        self.depth, self.rescore, self.budget = int(depth), int(rescore), int(budget)
        self.ef_search: int | None = ef_search  # None: EF_SEARCH
        self.table, self.terms, self.postings = pg.workspace_tables(url, workspace, dim, hnsw)

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
        """Indexes are maintained on write; pack the postings again once enough changed since the last time
        (``pg_segment``), and refresh the planner's statistics."""
        with pg.transaction(self.url) as conn:
            if pg_segment.needs_compaction(conn, self.table):
                pg_segment.compact(conn, self.workspace, self.table, self.postings)
        with pg.pool(self.url).connection() as conn:
            conn.autocommit = True
            conn.execute(f"ANALYZE {self.table}")

    def compact(self) -> int:
        """Pack the postings now (``optimize`` does when enough changed); returns the chunks packed."""
        with pg.transaction(self.url) as conn:
            return pg_segment.compact(conn, self.workspace, self.table, self.postings)

    # ------------------------------------------------------------ reads
    @property
    def concurrent_lists(self) -> bool:
        """Dense and keyword halves may run at once, each on its own pooled connection (``search_lists``): not
        inside an open transaction, whose uncommitted rows another connection would not see."""
        return not pg.in_transaction(self.url)

    @staticmethod
    def _hit(row) -> Hit:
        chunk = Chunk(document_id=row[0], index=row[1], start=row[2], end=row[3], page=row[4], text=row[5])
        return Hit(chunk=chunk, document_name=row[6], score=float(row[7]))

    def vector_search(self, vector: np.ndarray, k: int, document_ids: list[str] | None = None) -> list[Hit]:
        v = np.asarray(vector, dtype=np.float32).ravel()
        where, args = ("WHERE document_id = ANY(%(ids)s)", {"ids": list(document_ids)}) if document_ids else ("", {})
        with pg.transaction(self.url) as conn:
            conn.execute(f"SET LOCAL hnsw.ef_search = {max(self.ef_search or EF_SEARCH, int(k))}")
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
        with pg.transaction(self.url, snapshot=True) as conn:  # one snapshot: statistics, segment, delta
            stats = self._term_stats(conn, terms)
            if not stats:
                return []
            if self.rank == "ts_rank":
                tq = " | ".join(r.tsquery for r in stats)
                filt = "AND c.document_id = ANY(%(ids)s)" if document_ids else ""
                top = conn.execute(
                    f"SELECT c.document_id, c.idx, ts_rank(c.tsv, %(tq)s::tsquery) s FROM {self.table} c "
                    f"WHERE c.tsv @@ %(tq)s::tsquery {filt} ORDER BY s DESC, 1, 2 LIMIT %(k)s",
                    {"tq": tq, "k": int(k), "ids": list(document_ids or [])},
                ).fetchall()
            elif document_ids:  # exact over the documents' postings ((document_id, idx, lexeme) index)
                where = "p.document_id = ANY(%(ids)s) AND p.lexeme = ANY(%(lex)s)"
                top = self._bm25(conn, stats, "{p} p", where, k, ids=list(document_ids))
            elif self.rank == "bm25_exact":
                top = self._bm25(conn, stats, "{p} p", "p.lexeme = ANY(%(lex)s)", k)
            elif self.rank == "bm25_budget":
                top = self._impact_top(conn, stats, k)
            elif (segment := pg_segment.parse(stats[0].segment)) is not None:  # packed + written since
                lex, idf = [t.lexeme for t in stats], [t.idf for t in stats]
                d = pg_segment.names(self.table)[2]
                delta = self._bm25(
                    conn,
                    stats,
                    f"{d} dd CROSS JOIN LATERAL (SELECT * FROM {{p}} x WHERE x.document_id = dd.document_id "
                    "AND x.idx = dd.idx AND x.lexeme = ANY(%(lex)s) OFFSET 0) p",
                    "",
                    k,
                )
                both = pg_segment.search(conn, segment, self.table, lex, idf, stats[0].avgdl, k) + delta
                top = sorted(both, key=lambda r: (-round(r[2], 9), r[0], r[1]))[:k]
            else:  # never compacted (a small workspace): every posting in SQL
                top = self._bm25(conn, stats, "{p} p", "p.lexeme = ANY(%(lex)s)", k)
            if not top:
                return []
            cols = ", ".join("c." + x.strip() for x in _COLS.split(","))
            rows = conn.execute(
                f"SELECT {cols}, t.s FROM unnest(%s::text[], %s::int[], %s::float8[]) WITH ORDINALITY "
                f"t(document_id, idx, s, o) JOIN {self.table} c USING (document_id, idx) ORDER BY t.o",
                ([r[0] for r in top], [r[1] for r in top], [float(r[2]) for r in top]),
            ).fetchall()
        return [self._hit(r) for r in rows]

    def _term_stats(self, conn, terms: str) -> list[_Term]:
        """The query's lexemes with document frequency, idf (trigger-kept statistics), tsquery form and the
        workspace's packed-postings generation, rarest first."""
        rows = conn.execute(
            f"SELECT t.lexeme, t.df, ln(1 + (w.n_chunks - t.df + 0.5) / (t.df + 0.5)), "
            f"quote_literal(t.lexeme)::tsquery::text, greatest(w.total_len::float8 / greatest(w.n_chunks, 1), 1), "
            "(SELECT value FROM aiworks_meta m WHERE m.workspace = w.name AND m.key = 'pg_segment') "
            f"FROM (SELECT DISTINCT l FROM unnest(tsvector_to_array(to_tsvector('english', %s))) l) l "
            f"JOIN {self.terms} t ON t.lexeme = l.l JOIN aiworks_workspaces w ON w.name = %s "
            f"WHERE t.df > 0 ORDER BY t.df, t.lexeme",
            (terms, self.workspace),
        ).fetchall()
        return [_Term(lex, int(df), float(idf), tsq, float(avgdl), seg) for lex, df, idf, tsq, avgdl, seg in rows]

    def _bm25(self, conn, stats: list[_Term], src: str, where: str, k: int, **extra) -> list[tuple]:
        """Top k (document_id, idx, BM25) summed over the postings ``p`` that ``src`` (``{p}``: the postings
        table) and ``where`` select, joined with the query terms ``q``."""
        args = {
            "lex": [t.lexeme for t in stats],
            "idf": [t.idf for t in stats],
            "avgdl": stats[0].avgdl,
            "k": int(k),
            **extra,
        }
        return conn.execute(
            f"SELECT p.document_id, p.idx, {_BM25} s FROM {src.format(p=self.postings)} "
            f"JOIN {_TERMS_Q} ON q.lexeme = p.lexeme {'WHERE ' + where if where else ''} "
            # ties to 1e-9 by chunk key: float sums in another order (packed postings) must rank alike
            "GROUP BY 1, 2 ORDER BY round(" + _BM25 + " * 1e9) DESC, 1, 2 LIMIT %(k)s",
            args,
        ).fetchall()

    def _impact_top(self, conn, stats: list[_Term], k: int) -> list[tuple]:
        """Top k by BM25 without reading every posting of the common terms.

        Candidates: the rarest terms' postings whole while their document frequencies sum to at most
        ``budget`` (they carry BM25's weight), each other term's ``depth`` highest-impact postings. The best
        ``rescore`` candidates by partial sum are then scored exactly (probes of the (document_id, idx, lexeme)
        index: every query term, its true tf), so a truncated term cannot misorder them; what remains
        approximate is which chunks become candidates (top-30 agreement: benchmarks/results/pg_retrieval.json).
        """
        limits, spent = [], 0
        for t in stats:  # rarest first
            whole = spent + t.df <= self.budget
            limits.append(t.df if whole else min(t.df, self.depth))
            spent += limits[-1]
        if all(lim == t.df for lim, t in zip(limits, stats)):  # every posting fits: one exact pass
            return self._bm25(conn, stats, "{p} p", "p.lexeme = ANY(%(lex)s)", k)
        return self._bm25(
            conn,
            stats,
            "(SELECT c.document_id, c.idx FROM (SELECT p.document_id, p.idx, " + _BM25 + " s FROM "
            "unnest(%(lex)s::text[], %(idf)s::float8[], %(lim)s::int[]) q(lexeme, idf, lim) "
            "CROSS JOIN LATERAL (SELECT document_id, idx, tf, len FROM {p} WHERE lexeme = q.lexeme "
            "ORDER BY impact DESC LIMIT q.lim) p GROUP BY 1, 2 ORDER BY s DESC, 1, 2 LIMIT %(rescore)s) c) cand "
            "CROSS JOIN LATERAL (SELECT * FROM {p} x WHERE x.document_id = cand.document_id AND x.idx = cand.idx "
            "AND x.lexeme = ANY(%(lex)s) OFFSET 0) p",  # OFFSET 0: index probes per candidate, not a join scan
            "",
            k,
            lim=limits,
            rescore=max(self.rescore, 4 * int(k)),
        )

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
                row = conn.execute(f"SELECT count(*) FROM {self.table}").fetchone()
            else:
                row = conn.execute(
                    f"SELECT count(*) FROM {self.table} WHERE document_id = %s", (document_id,)
                ).fetchone()
            if row is None:  # count(*) always returns one row
                raise RuntimeError(f"count(*) on {self.table} returned no row")
            return row[0]
