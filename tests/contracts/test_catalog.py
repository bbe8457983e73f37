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
