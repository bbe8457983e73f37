"""VectorStore contract: the same behaviour from LanceDB and PostgreSQL."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from aiworks.rag.stores.base import VectorStore
from aiworks.rag.types import Chunk

TEXTS = [
    "This Agreement is governed by the laws of the State of Delaware.",
    "Payment is due within thirty days of the invoice date.",
    "Confidential Information shall not be disclosed to any third party.",
    "Either party may terminate this Agreement on sixty days written notice.",
    "The Agreement Agreement Agreement is the whole agreement between the parties.",
]


def _doc(doc_id: str, texts: list[str], seed: int = 0, dim: int = 8):
    chunks, pos = [], 0
    for i, t in enumerate(texts):
        chunks.append(Chunk(document_id=doc_id, index=i, start=pos, end=pos + len(t), page=1 + i // 2, text=t))
        pos += len(t) + 1
    vecs = np.random.default_rng(seed).normal(size=(len(texts), dim)).astype(np.float32)
    return chunks, vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


@pytest.fixture
def store(open_backends) -> VectorStore:
    return open_backends(8)[1]


def test_is_a_vector_store(store):
    assert isinstance(store, VectorStore)


def test_replace_roundtrips_chunks_in_order(store):
    chunks, vecs = _doc("doc1", TEXTS)
    store.replace_document("doc1", "a.pdf", chunks, vecs)
    store.optimize()
    assert store.count() == 5 and store.count("doc1") == 5 and store.count("other") == 0
    assert store.chunks("doc1") == chunks


def test_replace_makes_new_chunks_the_only_ones(store):
    chunks, vecs = _doc("doc1", TEXTS)
    store.replace_document("doc1", "a.pdf", chunks, vecs)
    fewer, fvecs = _doc("doc1", ["Only this clause remains."], seed=1)
    store.replace_document("doc1", "a.pdf", fewer, fvecs)
    store.optimize()
    assert store.chunks("doc1") == fewer
    assert [h.chunk.text for h in store.text_search("Delaware", 5)] == []
    assert [h.chunk.text for h in store.text_search("clause remains", 5)] == ["Only this clause remains."]


def test_delete_removes_only_that_document(store):
    store.replace_document("doc1", "a.pdf", *_doc("doc1", TEXTS))
    store.replace_document("doc2", "b.pdf", *_doc("doc2", TEXTS[:2], seed=2))
    assert store.delete_document("doc1") == 5
    assert store.delete_document("doc1") == 0
    store.optimize()
    assert store.count() == 2 and store.count("doc2") == 2
    assert store.document_ids() == {"doc2"}


def test_vector_search_finds_the_exact_vector_first_with_cosine_score(store):
    chunks, vecs = _doc("doc1", TEXTS)
    store.replace_document("doc1", "a.pdf", chunks, vecs)
    store.optimize()
    hits = store.vector_search(vecs[3], 3)
    assert hits[0].chunk == chunks[3] and hits[0].document_name == "a.pdf"
    assert hits[0].score == pytest.approx(1.0, abs=1e-4)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    expected = sorted(range(5), key=lambda i: -float(vecs[i] @ vecs[3]))[:3]
    assert [h.chunk.index for h in hits] == expected


def test_searches_respect_the_document_filter(store):
    store.replace_document("doc1", "a.pdf", *_doc("doc1", TEXTS))
    c2, v2 = _doc("doc2", TEXTS, seed=5)
    store.replace_document("doc2", "b.pdf", c2, v2)
    store.optimize()
    assert {h.chunk.document_id for h in store.vector_search(v2[0], 10, ["doc2"])} == {"doc2"}
    assert len(store.vector_search(v2[0], 10, ["doc2"])) == 5
    assert {h.chunk.document_id for h in store.text_search("Agreement", 10, ["doc1"])} == {"doc1"}


def test_text_search_ranks_like_bm25(store):
    store.replace_document("doc1", "a.pdf", *_doc("doc1", TEXTS))
    store.optimize()
    # stemmed matching: "terminating" finds "terminate"; any query term suffices (OR)
    assert [h.chunk.index for h in store.text_search("terminating notice", 5)][:1] == [3]
    # idf: the rare term outweighs the common one ("agreement" is in 3 of 5 chunks, "Delaware" in 1)
    hits = store.text_search("agreement Delaware", 5)
    assert hits[0].chunk.index == 0 and {h.chunk.index for h in hits} == {0, 3, 4}
    assert all(h.score > 0 for h in hits)
    assert store.text_search("!!! ???", 5) == [] and store.text_search("zebra", 5) == []


def test_search_text_is_what_full_text_sees(store):
    chunks, vecs = _doc("doc1", TEXTS[:2])
    store.replace_document("doc1", "a.pdf", chunks, vecs, ["Governing Law\n" + TEXTS[0], "Fees\n" + TEXTS[1]])
    store.optimize()
    hits = store.text_search("fees", 5)
    assert [h.chunk.index for h in hits] == [1] and hits[0].chunk.text == TEXTS[1]  # cited text stays exact


def test_empty_store_searches_return_nothing(store):
    assert store.text_search("anything", 5) == []
    assert store.vector_search(np.ones(8, np.float32), 5) == []
    assert store.count() == 0


def test_other_dimension_is_refused(open_backends, store):
    store.replace_document("doc1", "a.pdf", *_doc("doc1", TEXTS))
    store.optimize()
    with pytest.raises(ValueError, match="embedder"):
        open_backends(16)


def test_readers_never_see_a_mix_of_versions(open_backends, store):
    a, b = _doc("doc1", [f"alpha clause {i}" for i in range(20)]), _doc("doc1", [f"beta clause {i}" for i in range(7)])
    store.replace_document("doc1", "a.pdf", *a)
    store.optimize()
    reader = open_backends(8)[1]
    seen, stop = set(), threading.Event()

    def read():
        while not stop.is_set():
            seen.add(reader.count("doc1"))

    t = threading.Thread(target=read)
    t.start()
    for i in range(6):
        store.replace_document("doc1", "a.pdf", *(b if i % 2 == 0 else a))
    stop.set()
    t.join()
    assert seen <= {20, 7}
