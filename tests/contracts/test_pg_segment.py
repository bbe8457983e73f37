"""PostgreSQL's default keyword search after ``compact``: packed postings summed in numpy, plus the chunks written
since (the delta) scored in SQL, minus the deleted ones. Whatever the mix, the ranking and the scores are those of
exact BM25 over every posting (``rank="bm25_exact"``)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from aiworks.rag.types import Chunk

WORDS = "indemnity clause party notice breach term confidential agreement waiver assignment law court".split()
QUERIES = ["indemnity clause", "notice of breach", "confidential agreement term", "waiver", "court law party"]


def _doc(rng: random.Random, doc: str, n: int) -> list[Chunk]:
    texts = [
        " ".join(rng.choice(WORDS[: rng.randint(3, len(WORDS))]) for _ in range(rng.randint(3, 15))) for _ in range(n)
    ]
    return [Chunk(doc, i, 0, len(t), 1, t) for i, t in enumerate(texts)]


def _put(store, doc: str, chunks: list[Chunk]) -> None:
    store.replace_document(doc, f"{doc}.pdf", chunks, np.ones((len(chunks), 8), np.float32))


def _ranked(hits):
    return [(h.chunk.document_id, h.chunk.index, round(h.score, 9)) for h in hits]


@pytest.fixture
def stores(pg_url, workspace):
    from aiworks.rag.stores.postgres import PgStore

    store, exact = PgStore(pg_url, workspace, 8), PgStore(pg_url, workspace, 8, rank="bm25_exact")
    rng = random.Random(7)
    for d in range(6):
        _put(store, f"d{d}", _doc(rng, f"d{d}", 30))
    return store, exact, rng


def _same(store, exact) -> None:
    for q in QUERIES:
        assert _ranked(store.text_search(q, 25)) == _ranked(exact.text_search(q, 25)), q


def test_packed_postings_rank_as_exact_bm25(stores):
    from aiworks.rag.stores import pg_segment

    store, exact, _ = stores
    assert store.compact() == 180
    with __import__("aiworks").pg.transaction(store.url) as conn:
        assert pg_segment.generation(conn, store.workspace)[1] == 180
    _same(store, exact)


@pytest.mark.parametrize("block", [4, 1024])
def test_writes_after_a_compaction_stay_exact(stores, monkeypatch, block):
    """Blocks of 4 chunks (the k-th block maximum is a tight floor) or one block: the same lists."""
    from aiworks.rag.stores import pg_segment

    monkeypatch.setattr(pg_segment, "_BLOCK", block)
    store, exact, rng = stores
    store.compact()
    _put(store, "d1", _doc(rng, "d1", 12))  # replaced: its packed postings are dead, the new ones in the delta
    store.delete_document("d2")  # deleted: its packed postings are ignored
    _put(store, "new", _doc(rng, "new", 20))  # new: delta only
    assert {h.chunk.document_id for q in QUERIES for h in store.text_search(q, 200)} >= {"new", "d1"}
    assert "d2" not in {h.chunk.document_id for q in QUERIES for h in store.text_search(q, 200)}
    _same(store, exact)
    store.compact()  # everything packed again, nothing dead
    _same(store, exact)


def test_optimize_compacts_once_enough_changed(stores, monkeypatch):
    from aiworks import pg
    from aiworks.rag.stores import pg_segment

    store, exact, rng = stores
    store.optimize()  # 180 chunks in the delta, below COMPACT_MIN: no segment
    with pg.transaction(store.url) as conn:
        assert pg_segment.generation(conn, store.workspace) is None
    monkeypatch.setattr(pg_segment, "COMPACT_MIN", 100)
    store.optimize()
    with pg.transaction(store.url) as conn:
        assert pg_segment.generation(conn, store.workspace)[1] == 180
    _put(store, "d3", _doc(rng, "d3", 10))
    store.optimize()  # 10 changed chunks: the segment stays
    with pg.transaction(store.url) as conn:
        assert pg_segment.generation(conn, store.workspace)[1] == 180
    _same(store, exact)


def test_a_workspace_without_packed_postings_is_upgraded(stores, pg_url, workspace):
    """A 2026-12-01 workspace (impact-ordered postings, no segment tables): on first open every chunk goes to the
    delta, search stays exact, and a compaction packs them."""
    from aiworks import pg
    from aiworks.rag.stores import pg_segment
    from aiworks.rag.stores.postgres import PgStore

    store, exact, _ = stores
    with pg.transaction(pg_url) as conn:
        conn.execute("DROP TABLE {}, {}, {}".format(*pg_segment.names(store.table)))
    pg._CURRENT_SCHEMA.discard((pg_url, workspace))
    upgraded = PgStore(pg_url, workspace, 8)
    _same(upgraded, exact)
    assert upgraded.compact() == 180
    _same(upgraded, exact)


def test_the_hybrid_pair_runs_concurrently_outside_a_transaction(stores):
    from aiworks import pg
    from aiworks.rag.stores.base import search_lists

    store, _, _ = stores
    v = np.ones(8, np.float32)
    dense, lexical, dense_ms, kw_ms = search_lists(store, v, "indemnity clause", 10)
    assert store.concurrent_lists and dense_ms > 0 and kw_ms > 0
    assert _ranked(dense) == _ranked(store.vector_search(v, 10))
    assert _ranked(lexical) == _ranked(store.text_search("indemnity clause", 10))
    with pg.transaction(store.url):  # another connection would not see this transaction's rows
        assert not store.concurrent_lists
        _put(store, "tx", [Chunk("tx", 0, 0, 9, 1, "indemnity indemnity indemnity")])
        assert search_lists(store, v, "indemnity", 1)[1][0].chunk.document_id == "tx"
