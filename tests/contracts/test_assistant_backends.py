"""The assistant on either backend: ingest, ask, replace, remove and failures behave the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aiworks.providers.embedders import HashEmbedder
from aiworks.rag.assistant import Assistant
from aiworks.rag.samples import write_sample_contracts


@pytest.fixture(scope="session")
def _contracts(tmp_path_factory) -> list[Path]:
    return write_sample_contracts(Path(tmp_path_factory.mktemp("contracts")))


@pytest.fixture
def contracts(_contracts, tmp_path) -> list[Path]:
    dest = tmp_path / "contracts"
    dest.mkdir()
    return [Path(shutil.copy(p, dest / p.name)) for p in _contracts]


def test_ingest_ask_reingest_remove(settings, workspace, contracts):
    a = Assistant(settings, workspace)
    reports = a.ingest(contracts)
    assert [r.status for r in reports] == ["ingested"] * 3
    docs = a.documents()
    assert sorted(d.name for d in docs) == sorted(p.name for p in contracts)
    assert a.store.count() == sum(d.chunks for d in docs) > 0
    answer = a.ask("What law governs the NDA?")
    assert not answer.abstained and any(c.document == "nda.pdf" for c in answer.citations)
    for c in answer.citations:
        assert a.document_text(c.document_id)[c.start : c.end] == c.quote
    assert [r.status for r in a.ingest(contracts)] == ["unchanged"] * 3
    assert a.store.count() == sum(d.chunks for d in docs) and a.documents() == docs
    lease = next(d for d in docs if d.name == "lease.pdf")
    assert a.remove(lease.id) and a.document(lease.id) is None and a.store.count(lease.id) == 0
    assert not (a.root / "docs" / lease.id).exists()


def test_failure_after_parsing_leaves_no_trace(settings, workspace, contracts):
    class Broken(HashEmbedder):
        def embed(self, texts):
            if any("Delaware" in t for t in texts):
                raise RuntimeError("embedding backend crashed")
            return super().embed(texts)

    a = Assistant(settings, workspace, embedder=Broken())
    reports = a.ingest(contracts)
    assert [r.status for r in reports] == ["error", "ingested", "ingested"]
    assert [d.name for d in a.documents()] == ["lease.pdf", "services_agreement.pdf"]
    assert a.store.count() == sum(d.chunks for d in a.documents())
    assert len(list((a.root / "docs").iterdir())) == 2


def test_a_failed_chunk_write_rolls_the_catalog_row_back(settings, workspace, contracts, monkeypatch):
    a = Assistant(settings, workspace)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(a.store, "replace_documents", fail)
    reports = a.ingest(contracts[:1])
    assert reports[0].status == "error" and "disk full" in reports[0].error
    assert a.documents() == [] and a.store.count() == 0


def test_two_assistants_on_one_workspace_see_each_others_writes(settings, workspace, contracts):
    reader, writer = Assistant(settings, workspace), Assistant(settings, workspace)
    assert reader.ask("What law governs the NDA?").abstained
    writer.ingest(contracts[:1])
    answer = reader.ask("What law governs the NDA?")
    assert not answer.abstained and answer.citations[0].document == "nda.pdf"


def test_workspace_refuses_another_embedders_vectors(settings, workspace, contracts):
    """The embedder record lives in the catalog on both backends: a second vector space of the same
    dimension is refused (queries and writes), the documents' warnings come back from either catalog."""
    from aiworks.rag.catalog import EmbedderMismatch

    class Other(HashEmbedder):
        def __init__(self) -> None:
            super().__init__(256)
            self.name = self.space = "other-hash:256"

    a = Assistant(settings, workspace)
    a.ingest(contracts[:1])
    assert a.catalog.meta()["embedder"] == "hash:256" and a.document_warnings() == {}
    with pytest.raises(EmbedderMismatch, match="built with embedder 'hash:256'"):
        Assistant(settings, workspace, embedder=Other())
    assert Assistant(settings, workspace, embedder=Other(), reindex=True).documents() == a.documents()
