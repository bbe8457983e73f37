import numpy as np

from aiworks.providers.embedders import HashEmbedder
from aiworks.rag.retrieve import HybridRetriever, rrf
from aiworks.rag.stores.lance import LanceStore
from aiworks.rag.types import Chunk, Hit


def _hit(doc, i, score=0.0):
    return Hit(Chunk(doc, i, 0, 1, 1, "x"), f"{doc}.pdf", score)


def test_rrf_rewards_agreement_between_lists():
    dense = [_hit("a", 0), _hit("b", 0), _hit("c", 0)]
    lexical = [_hit("d", 0), _hit("b", 0), _hit("e", 0)]
    fused = rrf([dense, lexical], k=3)
    assert [h.chunk.document_id for h in fused] == ["b", "a", "d"]  # b: 2nd in both beats a: 1st in one
    assert fused[0].score == 2 / 62


def test_hybrid_finds_lexical_and_semantic_matches_and_filters_documents(tmp_path):
    emb = HashEmbedder(64)
    store = LanceStore(tmp_path, 64)
    docs = {
        "d1": ["The tenant pays rent monthly.", "Governing law is Delaware."],
        "d2": ["Invoices are due in thirty days.", "Governing law is England and Wales."],
    }
    for doc, texts in docs.items():
        chunks = [Chunk(doc, i, i * 100, i * 100 + len(t), 1, t) for i, t in enumerate(texts)]
        store.replace_document(doc, f"{doc}.pdf", chunks, emb.embed(texts))
    store.optimize()
    retriever = HybridRetriever(store, emb)
    hits = retriever.retrieve("governing law", k=2)
    assert {h.chunk.text for h in hits} == {"Governing law is Delaware.", "Governing law is England and Wales."}
    only = retriever.retrieve("governing law", k=5, document_ids=["d2"])
    assert {h.chunk.document_id for h in only} == {"d2"} and only[0].chunk.index == 1
    assert store.text_search("zebra", 3) == [] and len(retriever.retrieve("zebra", k=3)) == 3  # dense answers
    # text search and vector search agree with the stored rows
    assert store.text_search("invoices", 5)[0].chunk.text.startswith("Invoices")
    v = emb.embed(["tenant rent"])[0]
    assert store.vector_search(v, 1)[0].chunk.text == "The tenant pays rent monthly."
    assert np.isclose(
        store.vector_search(v, 1)[0].score, float(emb.embed(["The tenant pays rent monthly."])[0] @ v), atol=1e-4
    )
