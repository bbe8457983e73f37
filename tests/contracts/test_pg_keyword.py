"""PostgreSQL's keyword search reads only part of the common terms' postings (impact order); these tests pin
what stays exact: rare terms read whole, and every returned score is the chunk's exact BM25."""

from __future__ import annotations

import numpy as np
import pytest

from aiworks.rag.types import Chunk

# 40 chunks: "clause" in all of them (tf 1-4), "indemnity" in 3 chunks that mention "clause" once
TEXTS = [
    ("indemnity clause " if i in (5, 17, 29) else "") + " ".join(["clause"] * (1 + i % 4)) + f" item{i}"
    for i in range(40)
]


@pytest.fixture
def stores(pg_url, workspace):
    from aiworks.rag.stores.postgres import PgStore

    exact = PgStore(pg_url, workspace, 8, rank="bm25_exact")
    chunks = [Chunk("d", i, 0, len(t), 1, t) for i, t in enumerate(TEXTS)]
    exact.replace_document("d", "d.pdf", chunks, np.ones((len(TEXTS), 8), np.float32))
    return exact, lambda **kw: PgStore(pg_url, workspace, 8, **kw)


def _ranked(hits):
    return [(h.chunk.index, round(h.score, 6)) for h in hits]


def test_rare_terms_read_whole_give_the_exact_ranking(stores):
    exact, store = stores
    want = _ranked(exact.text_search("indemnity clause", 5))
    assert {i for i, _ in want[:3]} == {5, 17, 29}
    # "clause" is cut to its 2 best postings, "indemnity" (df 3) is read whole: same list, same scores
    assert _ranked(store(depth=2, budget=3, rescore=1).text_search("indemnity clause", 5)) == want


def test_truncating_a_rare_term_loses_a_chunk_but_scores_stay_exact(stores):
    exact, store = stores
    every = dict(_ranked(exact.text_search("indemnity clause", 40)))
    got = _ranked(store(depth=2, budget=0, rescore=1).text_search("indemnity clause", 5))
    assert len({i for i, _ in got} & {5, 17, 29}) == 2  # "indemnity" cut to 2 postings: one chunk missed
    assert all(every[i] == s for i, s in got)  # the candidates were re-scored with every term


def test_a_document_filter_is_exact(stores):
    exact, store = stores
    want = _ranked(exact.text_search("indemnity clause", 5))
    assert _ranked(store(depth=1, budget=0).text_search("indemnity clause", 5, ["d"])) == want
