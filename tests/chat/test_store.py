"""The Markdown export of a stored conversation, in detail. What the store protocol promises (order, rename,
delete, unknown ids, reopening, workspace isolation, concurrent writers) is tests/contracts/test_conversations.py,
which runs the SQLite and the PostgreSQL store through the same tests."""

from __future__ import annotations


from aiworks.rag.conversations import SqliteConversationStore, Turn, now, to_markdown


def _turn(question: str, answer: str = "Delaware [1]", quote: str = "governed by the laws of Delaware") -> Turn:
    citation = {"key": 1, "document": "nda.pdf", "document_id": "d1", "page": 2, "start": 10, "end": 42}
    return Turn(
        question,
        question,
        ["d1"],
        {"question": question, "answer": answer, "citations": [{**citation, "quote": quote}]},
        now(),
    )


def test_markdown_export_has_questions_answers_and_numbered_citations(tmp_path):
    store = SqliteConversationStore(tmp_path / "conversations.sqlite")
    conv = store.create("NDA law")
    store.append(conv.id, _turn("What law governs the NDA?"))
    follow = _turn("And the lease?", "Illinois [1]", "This Lease is governed by the laws of the State of Illinois.")
    store.append(conv.id, Turn(follow.question, "What law governs the lease?", ["d2"], follow.answer, follow.asked_at))
    md = to_markdown(store.get(conv.id))
    assert md.startswith("# NDA law\n")
    assert "## 1. What law governs the NDA?" in md and "## 2. And the lease?" in md
    assert "_Answered as: What law governs the lease?_" in md
    assert "Illinois [1]" in md
    assert (
        "1. nda.pdf, page 2 (chars 10-42): \u201cThis Lease is governed by the laws of the State of Illinois.\u201d"
        in md
    )


def test_markdown_export_labels_an_abstentions_closest_passages_apart_from_sources(tmp_path):
    store = SqliteConversationStore(tmp_path / "conversations.sqlite")
    conv = store.create("escrow")
    near = {"key": 1, "document": "nda.pdf", "document_id": "d1", "page": 1, "start": 0, "end": 9, "quote": "Term..."}
    answer = {"question": "q", "answer": "Not found in the documents.", "abstained": True, "citations": []}
    store.append(conv.id, Turn("Is there an escrow?", "Is there an escrow?", [], {**answer, "closest": [near]}, now()))
    md = to_markdown(store.get(conv.id))
    assert "Sources:" not in md
    assert "Closest passages (they may not answer the question):\n\n1. nda.pdf, page 1 (chars 0-9)" in md
