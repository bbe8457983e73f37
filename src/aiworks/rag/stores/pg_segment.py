"""Packed postings: exact BM25 over every posting at ~10-20 ns a posting instead of ~1-4 us in SQL.

Summing postings in SQL costs about 1-4 us each, so exact BM25 of a query whose terms hold ~1M postings (1M
chunks) takes seconds, and any fixed budget of postings loses agreement with the exact top k as the corpus grows
(BENCHMARKS.md, Scale-out). Here ``compact`` packs each lexeme's postings into one bytea (8 bytes a posting:
the chunk's number in the segment, tf, length; storage EXTERNAL, so reading it is a plain copy), and a query
fetches its terms' arrays (decoded ones stay cached per process) and sums BM25 with numpy over the chunk numbers:
every posting counted, with the statistics of the moment (idf, average length), so the ranking is exactly
``bm25_exact``'s (at 1M chunks: agreement 1.0 at p50 ~19-29 ms vs SQL's 1.3 s; benchmarks/results/pg_retrieval_1m.json).

What changed since the last compaction stays exact too: the chunk table's triggers put chunks written since into
the delta table ``d`` (scored in SQL from the row postings) and mark deleted or replaced chunks ``dead`` in the
segment table ``s`` (their packed postings are ignored). ``compact`` runs from ``PgStore.optimize`` when the delta
or the dead reach ``COMPACT_MIN`` chunks and ``COMPACT_SHARE`` of the segment; it holds a SHARE ROW EXCLUSIVE lock
on the chunk table (writers and other compactions wait, readers do not: 49 s at 1M chunks here) and replaces the
segment in one transaction.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict

import numpy as np

from aiworks import pg

K1, B = pg.BM25_K1, pg.BM25_B
COMPACT_MIN = 5000  # chunks in the delta (or dead) before a compaction pays for itself
COMPACT_SHARE = 0.02  # ... and this share of the segment (a compaction rewrites all of it: ~36 postings a chunk)
_BLOCK = 1024  # chunks a block when finding the k-th score's floor (search)
CACHE_MB = 512  # decoded term arrays kept per process (16 bytes a posting; 1M chunks hold ~36M postings)
_REC = np.dtype([("no", ">i4"), ("tf", ">i2"), ("len", ">i2")])


def names(table: str) -> tuple[str, str, str]:
    """(segment chunks, segment terms, delta) tables of the chunk table ``table`` (c_<suffix>)."""
    suffix = table[2:]
    return f"s_{suffix}", f"g_{suffix}", f"d_{suffix}"


def generation(conn, workspace: str) -> tuple[str, int] | None:
    """(token, chunks) of the workspace's current segment, None before the first compaction."""
    row = conn.execute(
        "SELECT value FROM aiworks_meta WHERE workspace = %s AND key = 'pg_segment'", (workspace,)
    ).fetchone()
    return parse(row[0] if row else None)


def parse(value: str | None) -> tuple[str, int] | None:
    """(token, chunks) from the ``aiworks_meta`` value ``compact`` wrote."""
    if value is None:
        return None
    token, n = value.rsplit(":", 1)
    return token, int(n)


def needs_compaction(conn, table: str) -> bool:
    s, _, d = names(table)
    n_seg, n_delta, n_dead = conn.execute(
        f"SELECT coalesce((SELECT max(no) + 1 FROM {s}), 0), (SELECT count(*) FROM {d}), "
        f"(SELECT count(*) FROM {s} WHERE dead)"
    ).fetchone()
    return max(n_delta, n_dead) >= max(COMPACT_MIN, COMPACT_SHARE * n_seg)


def compact(conn, workspace: str, table: str, postings: str) -> int:
    """Rebuild the segment from the live chunks and postings (one transaction); returns the chunks packed."""
    s, g, d = names(table)
    # no writer may commit between the snapshot and the swap, nor a second compaction run (readers go on)
    conn.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    conn.execute("SET LOCAL work_mem = '512MB'")
    conn.execute(f"DELETE FROM {s}")
    conn.execute(f"DELETE FROM {g}")
    conn.execute(f"DELETE FROM {d}")
    n = conn.execute(
        f"INSERT INTO {s} (no, document_id, idx) SELECT (row_number() OVER (ORDER BY document_id, idx) - 1)::int, "
        f"document_id, idx FROM {table}"
    ).rowcount
    conn.execute(
        f"INSERT INTO {g} (lexeme, data) SELECT p.lexeme, string_agg(int4send(s.no) || int2send(least(p.tf, 32767)::int2)"
        f" || int2send(least(p.len, 32767)::int2), ''::bytea) FROM {postings} p JOIN {s} s USING (document_id, idx) "
        "GROUP BY p.lexeme"
    )
    conn.execute(
        "INSERT INTO aiworks_meta (workspace, key, value) VALUES (%s, 'pg_segment', %s) "
        "ON CONFLICT (workspace, key) DO UPDATE SET value = excluded.value",
        (workspace, f"{uuid.uuid4().hex}:{n}"),
    )
    return n


class _Cache:
    """Decoded term arrays of the current segments, per process (a server's hot terms stay decoded), LRU by size."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self.bytes = max_bytes, 0
        self.items: OrderedDict[tuple[str, str, float, str], _Term] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            got = self.items.get(key)
            if got is not None:
                self.items.move_to_end(key)
            return got

    def put(self, key, value) -> None:
        size = value.nbytes
        with self.lock:
            if key in self.items:
                return
            self.items[key] = value
            self.bytes += size
            while self.bytes > self.max_bytes and len(self.items) > 1:
                _, old = self.items.popitem(last=False)
                self.bytes -= old.nbytes


CACHE = _Cache(CACHE_MB << 20)


class _Term:
    """One term's postings in a segment: chunk numbers ascending and BM25's tf part at the cached average length
    (float32 for the sums over every chunk, float64 for the exact scores of the candidates)."""

    __slots__ = ("no", "part", "part32", "nbytes")

    def __init__(self, no: np.ndarray, part: np.ndarray) -> None:
        self.no, self.part, self.part32 = no, part, part.astype(np.float32)
        self.nbytes = no.nbytes + part.nbytes + self.part32.nbytes

    def lookup(self, cand: np.ndarray) -> np.ndarray:
        """The tf part of each chunk in ``cand`` (0 where the term is absent)."""
        pos = np.minimum(np.searchsorted(self.no, cand), len(self.no) - 1)
        return np.where(self.no[pos] == cand, self.part[pos], 0.0)


def _arrays(conn, g: str, token: str, lex: list[str], avgdl: float) -> dict[str, _Term]:
    """lexeme -> its postings in the segment ``token`` at ``avgdl``, cached."""
    out = {}
    for lexeme in lex:
        hit = CACHE.get((g, token, avgdl, lexeme))
        if hit is not None:
            out[lexeme] = hit
    missing = [x for x in lex if x not in out]
    if missing:
        for lexeme, data in conn.execute(f"SELECT lexeme, data FROM {g} WHERE lexeme = ANY(%s)", (missing,)):
            rec = np.frombuffer(data, dtype=_REC)
            rec = rec[np.argsort(rec["no"], kind="stable")]
            tf, ln = rec["tf"].astype(np.float64), rec["len"].astype(np.float64)
            value = _Term(rec["no"].astype(np.int32), (K1 + 1) * tf / (tf + K1 * (1 - B + B * ln / avgdl)))
            CACHE.put((g, token, avgdl, lexeme), value)
            out[lexeme] = value
    return out


def search(
    conn, segment: tuple[str, int], table: str, lex: list[str], idf: list[float], avgdl: float, k: int
) -> list[tuple[str, int, float]]:
    """Top k (document_id, idx, BM25) of the live chunks of ``segment`` (``generation``'s answer).

    Every posting of every term is added into one float32 score a chunk. The k-th largest of the per-block
    maxima (blocks of ``_BLOCK`` chunks) is at most the k-th largest score, so only chunks at or above it (less
    float32's error) can be in the top k; those few get their exact float64 sums (binary search in each term's
    chunk numbers), which decide the order as SQL's sums would."""
    s, g, _ = names(table)
    token, n = segment
    arrays = _arrays(conn, g, token, lex, avgdl)
    terms = [(arrays[x], w) for x, w in zip(lex, idf) if x in arrays]
    dead = conn.execute(f"SELECT no FROM {s} WHERE dead").fetchall()
    scores = np.zeros(-(-n // _BLOCK) * _BLOCK, dtype=np.float32)
    for t, w in terms:
        scores[t.no] += np.float32(w) * t.part32  # a term's chunk numbers are unique
    if dead:
        scores[np.array([r[0] for r in dead], dtype=np.int64)] = 0.0
    block_max = scores.reshape(-1, _BLOCK).max(axis=1)
    # k blocks with maxima >= floor hold k chunks >= floor (fewer blocks than k: no floor)
    floor = float(np.partition(block_max, len(block_max) - k)[len(block_max) - k]) if len(block_max) >= k else 0.0
    cand = np.flatnonzero(scores >= max(floor * (1 - 1e-5), float(np.finfo(np.float32).tiny)))
    if len(cand) == 0:
        return []
    exact = np.zeros(len(cand))
    for t, w in terms:
        exact += w * t.lookup(cand)
    # SQL's order: score (to 1e-9: float sums in another order), then the chunk key (= chunk number order)
    top = np.lexsort((cand, -np.round(exact, 9)))[:k]
    keys = {
        no_: (doc, i)
        for no_, doc, i in conn.execute(
            f"SELECT s.no, s.document_id, s.idx FROM unnest(%s::int[]) u(no) JOIN {s} s ON s.no = u.no",
            ([int(cand[j]) for j in top],),
        ).fetchall()
    }
    return [(*keys[int(cand[j])], float(exact[j])) for j in top]
