"""ConversationStore contract: the same behaviour from SQLite (per workspace folder) and PostgreSQL (rows keyed
by workspace), both opened by ``open_conversations`` as the assistant's routes open them."""

from __future__ import annotations

import threading

import pytest

from aiworks.rag.conversations import Turn, now, open_conversations, to_markdown


def _turn(question: str, docs: list[str] | None = None) -> Turn:
    citation = {"key": 1, "document": "nda.pdf", "document_id": "d1", "page": 2, "start": 10, "end": 42}
    answer = {"question": question, "answer": "Delaware [1]", "citations": [{**citation, "quote": "laws of Delaware"}]}
    return Turn(question, question.replace("And", "What law governs"), docs or ["d1"], answer, now())


@pytest.fixture
def open_store(settings, workspace):
    return lambda ws=workspace: open_conversations(settings, ws, settings.workspace_dir(ws))


def test_backend_is_the_configured_one(open_store, backend):
    assert (
        type(open_store()).__name__
        == {"embedded": "SqliteConversationStore", "postgres": "PgConversationStore"}[backend]
    )


def test_roundtrip_order_rename_delete_and_reopen(open_store):
    store = open_store()
    a, b = store.create("What law governs the NDA?"), store.create("Lease questions")
    store.append(a.id, _turn("What law governs the NDA?"))
    store.append(a.id, _turn("And the lease?", ["d2", "d3"]))
    assert [c.id for c in store.list()] == [a.id, b.id]  # the last asked first
    assert store.rename(b.id, "  Rent   and deposit ") and store.list()[0].title == "Rent and deposit"

    again = open_store()  # another process or server sees the same conversations
    got = again.get(a.id)
    assert [t.question for t in got.turns] == ["What law governs the NDA?", "And the lease?"]
    assert got.turns[1].resolved_question == "What law governs the lease?"
    assert got.turns[1].document_ids == ["d2", "d3"] and got.turns[1].answer["citations"][0]["page"] == 2
    assert {c.id: c.turns for c in again.list()} == {a.id: 2, b.id: 0}
    assert got.to_json()["turns"][0]["answer"]["answer"] == "Delaware [1]"

    assert again.delete(a.id) and again.get(a.id) is None and not again.delete(a.id)
    assert [c.id for c in store.list()] == [b.id]
    with pytest.raises(KeyError):
        store.append(a.id, _turn("too late"))
    assert not store.rename("nope", "x") and store.get("nope") is None
    with pytest.raises(ValueError, match="blank"):
        store.rename(b.id, "   ")


def test_workspaces_are_separate(open_store, workspace):
    alpha, beta = open_store(), open_store(workspace + "b")
    conv = alpha.create("alpha only")
    alpha.append(conv.id, _turn("q"))
    assert beta.get(conv.id) is None and beta.list() == [] and not beta.delete(conv.id)
    assert not beta.rename(conv.id, "stolen")
    with pytest.raises(KeyError):
        beta.append(conv.id, _turn("q"))
    assert alpha.get(conv.id).title == "alpha only" and len(alpha.get(conv.id).turns) == 1


def test_concurrent_appends_are_all_kept_in_order(open_store):
    store = open_store()
    conv = store.create("busy")

    def writer(n: int) -> None:
        mine = open_store()  # each thread as its own server would
        for i in range(5):
            mine.append(conv.id, _turn(f"q{n}-{i}"))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    questions = [t.question for t in store.get(conv.id).turns]
    assert sorted(questions) == sorted(f"q{n}-{i}" for n in range(4) for i in range(5))
    for n in range(4):
        assert [q for q in questions if q.startswith(f"q{n}-")] == [f"q{n}-{i}" for i in range(5)]


def test_markdown_export_reads_the_stored_thread(open_store):
    store = open_store()
    conv = store.create("NDA law")
    store.append(conv.id, _turn("What law governs the NDA?"))
    store.append(conv.id, _turn("And the lease?"))
    md = to_markdown(store.get(conv.id))
    assert md.startswith("# NDA law\n") and "## 2. And the lease?" in md
    assert "_Answered as: What law governs the lease?_" in md
    assert "1. nda.pdf, page 2 (chars 10-42): \u201claws of Delaware\u201d" in md
