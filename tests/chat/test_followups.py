"""Follow-up resolution on the real assistant path: a follow-up keeps what the thread said and is answered from
the right document; a complete new question stands alone."""

from __future__ import annotations

import pytest

from aiworks.rag import chat
from aiworks.rag.conversations import SqliteConversationStore
from aiworks.rag.followup import resolve


@pytest.fixture
def store(tmp_path):
    return SqliteConversationStore(tmp_path / "conversations.sqlite")


def _cites(answer, document: str, phrase: str) -> bool:
    return any(c.document == document and phrase in " ".join(c.quote.split()) for c in answer.citations[:2])


def test_fragment_naming_another_document_keeps_the_intent_and_moves_the_focus(assistant, store):
    first = chat.ask(assistant, store, "What law governs the NDA?")
    assert first.resolved_question == first.question and _cites(first, "nda.pdf", "State of Delaware")
    follow = chat.ask(assistant, store, "And the lease?", first.conversation_id)
    assert follow.conversation_id == first.conversation_id
    assert follow.question == "And the lease?"
    assert follow.resolved_question == "What law governs the lease?"
    assert _cites(follow, "lease.pdf", "State of Illinois"), follow.citations
    assert all(c.document == "lease.pdf" for c in follow.citations)
    # the same words without the conversation do not say which law is meant
    assert not _cites(assistant.ask("And the lease?"), "lease.pdf", "State of Illinois")


def test_pronoun_keeps_the_documents_of_the_previous_turn(assistant, store):
    first = chat.ask(assistant, store, "How much is the security deposit under the lease?")
    assert _cites(first, "lease.pdf", "security deposit of USD 9,000")
    follow = chat.ask(assistant, store, "What law governs it?", first.conversation_id)
    assert "lease" in follow.resolved_question and "it" not in follow.resolved_question.split()
    assert _cites(follow, "lease.pdf", "State of Illinois"), (follow.resolved_question, follow.citations)
    again = chat.ask(assistant, store, "And under the services agreement?", first.conversation_id)
    assert again.resolved_question == "What law governs the services agreement?"
    assert _cites(again, "services_agreement.pdf", "laws of England and Wales"), again.citations


def test_complete_new_question_stands_alone(assistant, store):
    first = chat.ask(assistant, store, "What law governs the NDA?")
    question = "How much notice is needed to terminate the services agreement for convenience?"
    follow = chat.ask(assistant, store, question, first.conversation_id)
    assert follow.resolved_question == question
    assert _cites(follow, "services_agreement.pdf", "ninety (90) days"), follow.citations


def test_picked_documents_override_the_focus_and_abstention_still_works(assistant, store):
    first = chat.ask(assistant, store, "What law governs the NDA?")
    lease_id = next(d.id for d in assistant.documents() if d.name == "lease.pdf")
    picked = chat.ask(assistant, store, "What law governs it?", first.conversation_id, document_ids=[lease_id])
    assert picked.citations and all(c.document == "lease.pdf" for c in picked.citations)
    off_topic = chat.ask(assistant, store, "What is the boiling point of mercury in Kelvin?", first.conversation_id)
    assert off_topic.abstained and off_topic.citations == []
    assert len(store.get(first.conversation_id).turns) == 3


def test_unknown_conversation_and_bad_input_store_nothing(assistant, store):
    with pytest.raises(chat.UnknownConversation):
        chat.ask(assistant, store, "What law governs the NDA?", "0123456789abcdef")
    with pytest.raises(ValueError):
        chat.ask(assistant, store, "   ")
    with pytest.raises(ValueError, match="unknown document"):
        chat.ask(assistant, store, "What law governs it?", document_ids=["no-such.pdf"])
    assert store.list() == []


DOCS = {"nda": "the mutual nda", "msa": "the master services agreement", "lease": "the office lease"}


def _names(text: str, fragment: bool) -> list[str]:
    t = text.lower()
    hits = {"nda": ("nda",), "msa": ("master services", "msa"), "lease": ("lease",)}
    return [d for d, keys in hits.items() if any(k in t for k in keys)]


def _label(ids):
    return " and ".join(DOCS[i] for i in ids)


@pytest.mark.parametrize(
    "previous, focus, question, expected, how",
    [
        (
            "What law governs the mutual nda?",
            ["nda"],
            "And under the MSA?",
            "What law governs the master services agreement?",
            "document",
        ),
        (
            "What is the annual fee for the Enterprise tier?",
            ["msa"],
            "And for the Starter tier?",
            "What is the annual fee for the Starter tier?",
            "slot",
        ),
        (
            "What law governs the mutual nda?",
            ["nda"],
            "What about its termination?",
            "What does the mutual nda say about termination?",
            "reference",
        ),
        ("What law governs the mutual nda?", ["nda"], "Who signed it?", "Who signed the mutual nda?", "reference"),
        (
            "What law governs the mutual nda?",
            ["nda"],
            "And the liability cap?",
            "What does the mutual nda say about the liability cap?",
            "topic",
        ),
        (
            "What law governs the mutual nda?",
            ["nda"],
            "Which courts hear disputes under the office lease?",
            "Which courts hear disputes under the office lease?",
            "new",
        ),
        (
            "What law governs the mutual nda?",
            ["nda"],
            "Until when is the rent fixed?",
            "Until when is the rent fixed?",
            "new",
        ),
    ],
)
def test_resolution_rules(previous, focus, question, expected, how):
    resolved = resolve(question, previous, focus, _names, _label)
    assert (resolved.question, resolved.how) == (expected, how)
    if how in ("reference", "topic", "slot"):
        assert resolved.document_ids == focus
    if how == "new":
        assert resolved.document_ids is None


def test_follow_up_of_a_summary_is_a_summary_of_the_other_document(assistant, store):
    first = chat.ask(assistant, store, "Summarize the NDA")
    assert first.kind == "summary" and {c.document for c in first.citations} == {"nda.pdf"}
    follow = chat.ask(assistant, store, "And the lease?", first.conversation_id)
    assert follow.resolved_question == "Summarize the lease?"
    assert follow.kind == "summary" and follow.citations and {c.document for c in follow.citations} == {"lease.pdf"}


def test_a_document_removed_since_the_previous_turn_leaves_the_focus(tmp_path, sample_contracts, store):
    from aiworks.rag.assistant import Assistant
    from aiworks.settings import Settings

    own = Assistant(Settings(home=tmp_path / "home", embedder="hash", llm="extractive"), "removal")
    own.ingest(sample_contracts)
    first = chat.ask(own, store, "How much is the security deposit under the lease?")
    assert store.get(first.conversation_id).turns[0].document_ids  # the lease is the focus
    own.remove(next(d.id for d in own.documents() if d.name == "lease.pdf"))
    follow = chat.ask(own, store, "What law governs it?", first.conversation_id)  # no error for the gone lease
    assert all(c.document != "lease.pdf" for c in follow.citations)
