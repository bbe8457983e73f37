"""One question inside a conversation: resolve it against the thread, answer it, remember it.

The one path the CLI (``ask --conversation``, ``chat``), the HTTP API and the follow-up benchmark share. The answer
itself always comes from ``Assistant.ask(resolved question, document_ids=focus)``: a conversation only decides WHAT
is asked and over which documents, never how it is answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiworks.rag.conversations import ConversationStore, Turn, now, title_of
from aiworks.rag.followup import DOC_PHRASE, resolve
from aiworks.rag.route import tokenize
from aiworks.rag.routing import MAX_ROUTED
from aiworks.rag.types import Answer


class UnknownConversation(KeyError):
    def __str__(self) -> str:
        return f"no conversation {self.args[0]!r} in this workspace"


# file-name words that say how a file was made, not what it is ("lease_amendment_scanned.pdf" = the lease
# amendment); the answerer ignores them in names too, so in a question they would count as missing evidence
_LABEL_NOISE = frozenset("scan scanned copy final draft signed executed version v1 v2 v3 new old file doc".split())


def _label(assistant: Any, ids: Sequence[str]) -> str:
    """A focus in words, for a resolved question: "the mutual nda", "the office lease and the lease amendment"."""
    names = []
    for doc_id in ids:
        doc = assistant.document(doc_id)
        if doc is not None:
            words = [w for w in tokenize(doc.name.rsplit(".", 1)[0]) if w not in _LABEL_NOISE and not w.isdigit()]
            names.append(f"the {' '.join(words or tokenize(doc.name))}")
    return " and ".join(names)


_NOT_NAMES = frozenset("a an the this that our your its of in under for to and or with by on at what about".split())


def named_documents(assistant: Any, text: str, fragment: bool = False) -> list[str]:
    """The documents ``text`` names. A full question: the workspace router's decision, else a document phrase
    ("the MSA") that spells a file name. A fragment ("And the lease?", "What about the Starter tier?"): only a
    phrase that spells a file name (its words, or its initials: "the MSA" = master_services_agreement.pdf) or
    that the router routes; the router's opening-text rule alone would read "the Starter tier" as a document."""
    if not fragment and (routed := list(assistant.router.route(text).document_ids)):
        return routed
    phrases = [m.group(0) for m in DOC_PHRASE.finditer(text)]
    for phrase in phrases:
        if found := _spelled(assistant, phrase) or list(assistant.router.route(phrase).document_ids):
            return found
    return _spelled(assistant, text) if fragment else []


def _spelled(assistant: Any, text: str) -> list[str]:
    """Documents whose file name holds every word of a short phrase (or its initials)."""
    wanted = [w for w in tokenize(text) if w not in _NOT_NAMES]
    if not wanted or len(wanted) > 4:
        return []
    out = []
    for doc in assistant.documents():
        parts = tokenize(doc.name.rsplit(".", 1)[0])
        initials = "".join(p[0] for p in parts if p not in ("and", "of", "the"))
        if all(w in parts or w.rstrip("s") in parts or w == initials for w in wanted):
            out.append(doc.id)
    return out if len(out) <= MAX_ROUTED else []


def _focus(answer: Answer, asked_over: list[str] | None, routed: list[str]) -> list[str]:
    """The documents this turn was about: the ones asked over or routed to, else the one its top citations come
    from (a question that named no document but was answered from one)."""
    if asked_over:
        return list(asked_over)
    if routed:
        return list(routed)
    cited = {c.document_id for c in answer.citations[:2]}
    return list(cited) if len(cited) == 1 and not answer.abstained else []


def ask(
    assistant: Any,
    store: ConversationStore,
    question: str,
    conversation_id: str | None = None,
    k: int | None = None,
    document_ids: list[str] | None = None,
) -> Answer:
    """Answer ``question`` as the next turn of ``conversation_id`` (a new conversation when None) and store it.

    ``document_ids`` (the caller's picker) overrides the focus follow-up resolution would choose. Raises
    ``UnknownConversation`` for an id this workspace does not have, ``ValueError`` for a bad question or document.
    """
    conversation = store.get(conversation_id) if conversation_id else None
    if conversation_id and conversation is None:
        raise UnknownConversation(conversation_id)
    question = question.strip()
    if not question:
        raise ValueError("empty question")
    previous = conversation.turns[-1] if conversation and conversation.turns else None

    def names(text: str, fragment: bool) -> list[str]:
        return named_documents(assistant, text, fragment)

    picked = assistant.resolve_documents(document_ids) if document_ids else None
    # a document removed since the previous turn is no longer part of its focus
    known = {d.id for d in assistant.documents()} if previous and previous.document_ids else set()
    kept = [i for i in previous.document_ids if i in known] if previous else []
    resolved = resolve(  # the caller's pick is the thread's focus from now on ("it" = the picked document)
        question,
        previous.resolved_question if previous else None,
        picked or kept,
        names,
        lambda ids: _label(assistant, ids),
    )
    asked_over = picked or resolved.document_ids
    answer = assistant.ask(resolved.question, k=k, document_ids=asked_over)
    routed = [] if asked_over else named_documents(assistant, resolved.question)
    if conversation is None:
        conversation_id = store.create(title_of(question)).id
    assert conversation_id is not None
    answer.question = question
    answer.resolved_question = resolved.question
    answer.conversation_id = conversation_id
    try:
        store.append(
            conversation_id,
            Turn(question, resolved.question, _focus(answer, asked_over, routed), answer.to_json(), now()),
        )
    except KeyError:  # deleted while we answered
        raise UnknownConversation(conversation_id) from None
    return answer
