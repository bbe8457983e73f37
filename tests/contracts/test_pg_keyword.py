"""PostgreSQL's budgeted keyword search (``rank="bm25_budget"``) reads only part of the common terms' postings
(impact order); these tests pin what stays exact: rare terms read whole, and every returned score is the chunk's
exact BM25. (The default, packed postings, is exact: tests/contracts/test_pg_segment.py.)"""

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
    return exact, lambda **kw: PgStore(pg_url, workspace, 8, rank="bm25_budget", **kw)


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


def test_a_workspace_from_the_previous_schema_is_upgraded(stores, pg_url, workspace):
    """Postings without impact (the 2026-12-01 schema, (lexeme) and (document_id) indexes) get the column, the
    new indexes and the new trigger on first open; search and later writes work as on a new workspace."""
    from aiworks import pg
    from aiworks.rag.stores import pg_segment
    from aiworks.rag.stores.postgres import PgStore

    exact, store = stores
    want = _ranked(exact.text_search("indemnity clause", 5))
    f = exact.postings.replace("p_", "f_")
    with pg.transaction(pg_url) as conn:  # back to the old layout
        conn.execute(f"ALTER TABLE {exact.postings} DROP COLUMN impact")
        conn.execute(f"CREATE INDEX {f}_p_lex ON {exact.postings} (lexeme) INCLUDE (document_id, idx, tf, len)")
        conn.execute(f"DROP INDEX IF EXISTS {f}_p_doc")
        conn.execute(f"CREATE INDEX {f}_p_doc ON {exact.postings} (document_id)")
        conn.execute("DROP TABLE {}, {}, {}".format(*pg_segment.names(exact.table)))
    pg._CURRENT_SCHEMA.discard((pg_url, workspace))
    upgraded = PgStore(pg_url, workspace, 8, rank="bm25_budget", depth=2, budget=3)
    assert _ranked(upgraded.text_search("indemnity clause", 5)) == want
    chunks = [Chunk("e", 0, 0, 20, 1, "indemnity indemnity clause")]
    upgraded.replace_document("e", "e.pdf", chunks, np.ones((1, 8), np.float32))  # the new trigger fills impact
    assert upgraded.text_search("indemnity", 1)[0].chunk.document_id == "e"


def test_hnsw_settings_shape_new_workspaces_and_queries(pg_url, workspace, tmp_path):
    """AIWORKS_PG_HNSW builds a new workspace's graph with that m / ef_construction (what 1M chunks need for
    recall@30 0.95); AIWORKS_PG_EF_SEARCH is what each dense query sets; a malformed value is refused up front."""
    import pydantic

    from aiworks import pg
    from aiworks.rag.backends import open_backends
    from aiworks.settings import Settings

    settings = Settings(home=tmp_path, database_url=pg_url, pg_hnsw="24:128", pg_ef_search=600)
    _, store = open_backends(settings, workspace, tmp_path, 8)
    with pg.transaction(pg_url) as conn:
        (indexdef,) = conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE '%%hnsw%%'", (store.table,)
        ).fetchone()
    assert "m='24'" in indexdef and "ef_construction='128'" in indexdef, indexdef
    assert store.ef_search == 600
    with pytest.raises(pydantic.ValidationError):
        Settings(home=tmp_path, pg_hnsw="24")
