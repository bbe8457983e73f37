"""Packed postings: exact BM25 over every posting at ~10 ns a posting instead of ~1-4 us in SQL.

Summing postings in SQL costs about 1-4 us each, so exact BM25 of a query whose terms hold ~1M postings (1M
chunks) takes seconds, and any fixed budget of postings loses agreement with the exact top k as the corpus grows
(BENCHMARKS.md, Scale-out). Here ``compact`` packs each lexeme's postings into one bytea (8 bytes a posting:
the chunk's number in the segment, tf, length; storage EXTERNAL, so reading it is a plain copy), and a query
fetches its terms' arrays and sums BM25 with numpy (``np.bincount`` over the chunk numbers): every posting
counted, with the statistics of the moment (idf, average length), so the ranking is exactly ``bm25_exact``'s.

What changed since the last compaction stays exact too: the chunk table's triggers put chunks written since into
the delta table ``d`` (scored in SQL from the row postings) and mark deleted or replaced chunks ``dead`` in the
segment table ``s`` (their packed postings are ignored). ``compact`` runs from ``PgStore.optimize`` when the delta
or the dead reach ``COMPACT_MIN`` chunks and ``COMPACT_SHARE`` of the segment; it holds a SHARE lock on the chunk
table (writers wait, readers do not) and replaces the segment in one transaction.
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
PRUNE = True  # MaxScore (see search); False: every posting of every term added
PRUNE_MIN = 2000  # a term with fewer postings is cheaper to add than to check whether it can be skipped
CACHE_MB = 512  # decoded term arrays kept per process (12 bytes a posting; 1M chunks hold ~36M postings)
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
    conn.execute(f"LOCK TABLE {table} IN SHARE MODE")  # no writer may commit between the snapshot and the swap
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
        self.items: OrderedDict[tuple[str, str, float, str], tuple[np.ndarray, np.ndarray, float]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            got = self.items.get(key)
            if got is not None:
                self.items.move_to_end(key)
            return got

    def put(self, key, value) -> None:
        size = sum(getattr(a, "nbytes", 8) for a in value)
        with self.lock:
            if key in self.items:
                return
            self.items[key] = value
            self.bytes += size
            while self.bytes > self.max_bytes and len(self.items) > 1:
                _, old = self.items.popitem(last=False)
                self.bytes -= sum(getattr(a, "nbytes", 8) for a in old)


CACHE = _Cache(CACHE_MB << 20)


def _arrays(conn, g: str, token: str, lex: list[str], avgdl: float) -> dict[str, tuple[np.ndarray, np.ndarray, float]]:
    """lexeme -> (chunk numbers ascending, BM25's tf part at ``avgdl``, its maximum) of the segment ``token``,
    cached."""
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
            part = (K1 + 1) * tf / (tf + K1 * (1 - B + B * ln / avgdl))
            value = (rec["no"].astype(np.int32), part, float(part.max()))
            CACHE.put((g, token, avgdl, lexeme), value)
            out[lexeme] = value
    return out


def _kth(scores: np.ndarray, k: int) -> float:
    """The k-th largest score (0 when fewer than k are positive)."""
    pos = scores[scores > 0]
    return float(np.partition(pos, len(pos) - k)[len(pos) - k]) if len(pos) >= k else 0.0


def search(
    conn, segment: tuple[str, int], table: str, lex: list[str], idf: list[float], avgdl: float, k: int
) -> list[tuple[str, int, float]]:
    """Top k (document_id, idx, BM25) of the live chunks of ``segment`` (``generation``'s answer).

    MaxScore: terms are added rarest first; once the upper bounds of the terms left (idf times their best tf part)
    sum to less than the k-th best score so far (a lower bound of the final k-th), a chunk none of the added terms
    matched cannot reach the top k, so the terms left are looked up (binary search in their chunk numbers) only for
    the chunks that still can. The scores are the full sums either way."""
    s, g, _ = names(table)
    token, n = segment
    arrays = _arrays(conn, g, token, lex, avgdl)
    terms = sorted(((arrays[x], w) for x, w in zip(lex, idf) if x in arrays), key=lambda t: len(t[0][0]))
    rest = np.cumsum([w * a[2] for a, w in terms][::-1])[::-1].tolist() + [0.0]  # ub of terms[i:]
    dead = np.array([r[0] for r in conn.execute(f"SELECT no FROM {s} WHERE dead").fetchall()], dtype=np.int64)
    scores = np.zeros(n)  # float64, as SQL's sums: the same order, ties included
    theta, i = 0.0, 0
    while i < len(terms):
        (no, part, _), w = terms[i]
        scores[no] += w * part  # a term's chunk numbers are unique
        i += 1
        if PRUNE and i < len(terms) and len(terms[i][0][0]) > PRUNE_MIN and rest[i] < rest[0] - rest[i]:
            scores[dead] = 0.0
            theta = _kth(scores, k)
            if rest[i] < theta:
                break
    scores[dead] = 0.0
    if i < len(terms):  # the chunks that can still reach theta get the terms left
        cand = np.flatnonzero(scores + rest[i] >= theta - 1e-9)
        for (no, part, _), w in terms[i:]:
            pos = np.minimum(np.searchsorted(no, cand), len(no) - 1)
            hit = no[pos] == cand
            scores[cand[hit]] += w * part[pos[hit]]
    else:
        cand = np.flatnonzero(scores)
    m = min(k, len(cand))
    if m == 0:
        return []
    vals = scores[cand]
    kth = vals[np.argpartition(-vals, m - 1)[m - 1]] if m < len(cand) else vals.min()
    # every chunk tied with the k-th, then SQL's order: score (to 1e-9: float sums in another order), chunk key
    top = cand[vals >= kth - 1e-9]
    top = top[np.lexsort((top, -np.round(scores[top], 9)))][:m]
    keys = {
        no_: (doc, i)
        for no_, doc, i in conn.execute(
            f"SELECT s.no, s.document_id, s.idx FROM unnest(%s::int[]) u(no) JOIN {s} s ON s.no = u.no",
            ([int(x) for x in top],),
        ).fetchall()
    }
    return [(*keys[int(x)], float(scores[x])) for x in top]
