"""The SQLite conversation store: what the protocol promises (order, rename, delete, unknown ids, restarts,
concurrent writers) and the Markdown export."""

from __future__ import annotations

import threading

import pytest

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


def test_roundtrip_order_rename_delete_and_restart(tmp_path):
    path = tmp_path / "ws" / "conversations.sqlite"
    store = SqliteConversationStore(path)
    a = store.create("What law governs the NDA?")
    b = store.create("Lease questions")
    store.append(a.id, _turn("What law governs the NDA?"))
    store.append(a.id, _turn("And the lease?"))
    assert [c.id for c in store.list()] == [a.id, b.id]  # the last asked first
    assert store.rename(b.id, "  Rent   and deposit ") and store.list()[0].title == "Rent and deposit"

    reopened = SqliteConversationStore(path)  # a new process sees the same conversations
    got = reopened.get(a.id)
    assert [t.question for t in got.turns] == ["What law governs the NDA?", "And the lease?"]
    assert got.turns[1].document_ids == ["d1"] and got.turns[1].answer["citations"][0]["page"] == 2
    assert {c.id: c.turns for c in reopened.list()} == {a.id: 2, b.id: 0}

    assert reopened.delete(a.id) and reopened.get(a.id) is None and not reopened.delete(a.id)
    assert [c.id for c in store.list()] == [b.id]
    with pytest.raises(KeyError):
        store.append(a.id, _turn("too late"))
    assert not store.rename("nope", "x") and store.get("nope") is None
    with pytest.raises(ValueError, match="blank"):
        store.rename(b.id, "   ")


def test_workspaces_have_separate_stores(tmp_path):
    alpha = SqliteConversationStore(tmp_path / "alpha" / "conversations.sqlite")
    beta = SqliteConversationStore(tmp_path / "beta" / "conversations.sqlite")
    conv = alpha.create("alpha only")
    assert beta.get(conv.id) is None and beta.list() == [] and not beta.delete(conv.id)
    assert alpha.get(conv.id) is not None


def test_concurrent_turns_are_all_kept_in_order(tmp_path):
    store = SqliteConversationStore(tmp_path / "conversations.sqlite")
    conv = store.create("busy")

    def writer(n: int) -> None:
        for i in range(5):
            store.append(conv.id, _turn(f"q{n}-{i}"))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    questions = [t.question for t in store.get(conv.id).turns]
    assert sorted(questions) == sorted(f"q{n}-{i}" for n in range(4) for i in range(5))
    for n in range(4):  # each writer's turns in the order it wrote them
        mine = [q for q in questions if q.startswith(f"q{n}-")]
        assert mine == [f"q{n}-{i}" for i in range(5)]


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
