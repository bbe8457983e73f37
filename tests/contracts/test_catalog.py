"""DocumentCatalog contract: the same behaviour from SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from aiworks.rag.catalog import DocumentCatalog
from aiworks.rag.types import DocumentInfo


def _info(i: str, name: str, sha: str = "s1") -> DocumentInfo:
    return DocumentInfo(
        id=i, name=name, sha256=sha, kind="pdf", pages=2, chunks=5, chars=900, ingested_at="2026-12-01T22:00:00+00:00"
    )


@pytest.fixture
def catalog(open_backends) -> DocumentCatalog:
    return open_backends(8)[0]


def test_is_a_document_catalog(catalog):
    assert isinstance(catalog, DocumentCatalog)


def test_put_get_all_version_dir(catalog):
    with catalog.transaction() as con:
        catalog.put(con, _info("b", "b.pdf"), "v1")
        catalog.put(con, _info("a", "a.pdf"), "v2")
    assert catalog.get("a") == _info("a", "a.pdf") and catalog.get("zz") is None
    assert [d.id for d in catalog.all()] == ["a", "b"]  # by name
    assert catalog.version_dir("b") == "v1" and catalog.version_dir("zz") is None


def test_put_replaces_and_drop_removes(catalog):
    with catalog.transaction() as con:
        catalog.put(con, _info("a", "a.pdf"), "v1")
    with catalog.transaction() as con:
        catalog.put(con, _info("a", "a.pdf", sha="s2"), "v2")
    assert catalog.get("a").sha256 == "s2" and catalog.version_dir("a") == "v2" and len(catalog.all()) == 1
    with catalog.transaction() as con:
        catalog.drop(con, "a")
    assert catalog.get("a") is None and catalog.all() == []


def test_failed_transaction_leaves_nothing(catalog):
    with pytest.raises(RuntimeError), catalog.transaction() as con:
        catalog.put(con, _info("a", "a.pdf"), "v1")
        raise RuntimeError("store write failed")
    assert catalog.get("a") is None and catalog.all() == []


def test_workspaces_are_separate(open_backends, catalog, workspace):
    other = open_backends(8, ws=workspace + "x")[0]
    with catalog.transaction() as con:
        catalog.put(con, _info("a", "a.pdf"), "v1")
    assert other.all() == [] and other.get("a") is None


def test_warnings_are_stored_with_the_row_and_dropped_with_it(catalog):
    from aiworks.rag.types import DocWarning

    ws = [DocWarning("injection", "page 2 addresses an AI system", 2), DocWarning("encoding", "guessed cp1252")]
    with catalog.transaction() as con:
        catalog.put(con, _info("a", "a.pdf"), "v1")
        catalog.put_warnings(con, "a", ws)
        catalog.put(con, _info("b", "b.pdf"), "v1")
        catalog.put_warnings(con, "b", [])
    assert catalog.warnings() == {"a": ws}  # in order; documents without warnings are absent
    assert catalog.warnings(["b"]) == {} and catalog.warnings(["a", "zz"]) == {"a": ws}
    with catalog.transaction() as con:  # a re-ingest replaces them
        catalog.put_warnings(con, "a", ws[1:])
    assert catalog.warnings(["a"]) == {"a": ws[1:]}
    with catalog.transaction() as con:
        catalog.drop(con, "a")
    assert catalog.warnings() == {}


def test_warnings_roll_back_with_the_row(catalog):
    from aiworks.rag.types import DocWarning

    with pytest.raises(RuntimeError), catalog.transaction() as con:
        catalog.put(con, _info("a", "a.pdf"), "v1")
        catalog.put_warnings(con, "a", [DocWarning("ocr", "low confidence", 1)])
        raise RuntimeError("store write failed")
    assert catalog.warnings() == {}


def test_meta_is_per_workspace_and_updates(open_backends, catalog, workspace):
    other = open_backends(8, ws=workspace + "m")[0]
    assert catalog.meta() == {} and catalog.count() == 0
    catalog.set_meta(embedder="hash", dim="8", state="ready")
    catalog.set_meta(state="reindexing")
    assert catalog.meta() == {"embedder": "hash", "dim": "8", "state": "reindexing"}
    assert other.meta() == {}


def test_bind_embedder_refuses_another_vector_space(catalog):
    from aiworks.rag.catalog import EmbedderMismatch, bind_embedder

    bind_embedder(catalog, "w", "hash", "hash-v1", 8)  # empty workspace: recorded
    assert catalog.meta()["embedder_space"] == "hash-v1"
    with catalog.transaction() as con:
        catalog.put(con, _info("a", "a.pdf"), "v1")
    bind_embedder(catalog, "w", "hash", "hash-v1", 8)  # same space: fine
    with pytest.raises(EmbedderMismatch, match="reindex"):
        bind_embedder(catalog, "w", "minilm", "minilm-space", 8)
    catalog.set_meta(state="reindexing", reindex_to="minilm")
    with pytest.raises(EmbedderMismatch, match="interrupted re-embed"):
        bind_embedder(catalog, "w", "hash", "hash-v1", 8)
