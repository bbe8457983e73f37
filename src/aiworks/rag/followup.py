"""Follow-up resolution: turn "And under the master services agreement?" into the question it stands for.

Offline, without an LLM, from the previous turn only (its standalone question and its document focus). Why these
rules: a follow-up in a contract thread either moves the document and keeps the intent ("And the NDA?", "What about
under the lease?"), keeps the document and moves the topic ("What about its termination?", "And the liability
cap?"), changes one slot of the intent ("And for the Starter tier?"), or refers back with a pronoun ("Who signed
it?"). A complete question without a connector or a pronoun stands alone: a new question is never bent towards an
old one. The result is a standalone question plus the document focus; it is answered on the assistant's one path
(``Assistant.ask(question, document_ids=focus)``), so routing, citations and abstention stay what they are.

``names(text, fragment)`` tells which documents a text names (the workspace router; for a fragment, the documents
whose file name it spells); ``label`` says a focus in words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# "And ...", "Also ...", "What about ...": the turn continues the previous one
_LEAD = re.compile(r"^(?:(?:and|also|but|ok(?:ay)?|so|then|now)\b[\s,]*)+", re.I)
_ABOUT = re.compile(r"^(?:what|how)\s+about\s+|^(?:the\s+same\s+(?:for|in|under)\s+)", re.I)
_QUESTION_WORDS = frozenset(
    "what which who whom whose when where why how is are was were does do did can could may might must shall "
    "should will would has have list summarize summarise compare describe explain give show tell name find".split()
)
_PREPOSITIONS = frozenset("for under in of during after before at within on by from to with until".split())
_DOC_NOUN = (
    r"(?:agreements?|contracts?|licen[cs]es?|leases?|ndas?|msas?|amendments?|addend(?:um|a)|polic(?:y|ies)|"
    r"deeds?|sows?|statements? of work)"
)
# a phrase that names a document: "the master services agreement", "this NDA", "the office lease"
DOC_PHRASE = re.compile(
    rf"\b(?:the|this|that|our|your|its)\s+(?:(?!(?:the|this|that|a|an|of|under|in|for|to|by|with|on|at|from)\b)"
    rf"[\w'&-]+\s+){{0,4}}{_DOC_NOUN}\b",
    re.I,
)
# words that point back at the previous turn's document
_REFERENCE = re.compile(
    rf"\b(?:(?:this|that|the\s+same)\s+(?:one|document|{_DOC_NOUN})|it|its|it's|itself|there|they|them|their)\b",
    re.I,
)


@dataclass(frozen=True)
class Resolved:
    question: str  # the standalone question to answer
    document_ids: list[str] | None  # the focus to answer over; None = let routing decide
    how: str  # "new" | "document" (focus moved) | "reference" (pronoun) | "topic" | "slot" | "continue"


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'&-]+", text.lower())


def _is_complete(text: str) -> bool:
    """A question of its own: "Who signed it", "Within how many days must ..." (not "What about the NDA")."""
    words = _words(text)
    if len(words) < 3 or _ABOUT.match(text):
        return False
    return words[0] in _QUESTION_WORDS or (words[0] in _PREPOSITIONS and words[1] in _QUESTION_WORDS)


def _doc_phrase(text: str, label: str = "") -> tuple[int, int] | None:
    """Where ``text`` names its document: the focus's own label if it is there, else the last document phrase."""
    if label and (at := text.lower().rfind(label.lower())) >= 0:
        return at, at + len(label)
    found = list(DOC_PHRASE.finditer(text))
    return found[-1].span() if found else None


def _sentence(text: str) -> str:
    text = " ".join(text.split()).rstrip(" ?.!")
    return text[:1].upper() + text[1:] + "?"


def resolve(
    question: str,
    previous_question: str | None,
    previous_focus: Sequence[str],
    names: Callable[[str, bool], list[str]],
    label: Callable[[Sequence[str]], str],
) -> Resolved:
    """The standalone question ``question`` stands for after a turn that answered ``previous_question`` over the
    documents ``previous_focus``."""
    text = " ".join(question.split())
    if previous_question is None:
        return Resolved(text, None, "new")
    body = _LEAD.sub("", text)
    connected = body != text
    about = _ABOUT.match(body)
    body = _ABOUT.sub("", body).rstrip(" ?.!")
    focus = list(previous_focus)
    # Resolved questions name documents by their labels (file-name words): the answerer counts a document's name
    # as evidence, so "the master services agreement" is never a key term missing from the passages ("MSA" is).
    focus_words = label(focus) if focus else ""
    head, sep, rest = body.partition(":") if ":" in body else body.partition(", ")
    if sep and rest and _is_complete(rest) and (named := names(head, True)):  # "What about the lease: who ...?"
        return Resolved(_sentence(_dereference(rest, label(named))), named, "document")

    if not about and _is_complete(body):
        # which documents does it name itself? An explicit phrase ("under the lease") always counts; the router's
        # reading of the whole question only when nothing ties the question to the thread ("And ...", "it")
        explicit = [m.group(0) for m in DOC_PHRASE.finditer(body) if not _REFERENCE.match(m.group(0))]
        tied = connected or bool(_REFERENCE.search(body))
        named = names(" ".join(explicit), True) if explicit else [] if tied else names(body, False)
        if named and not set(named) <= set(focus):
            return Resolved(text, None, "new")  # a new question naming its own document
        if focus and _REFERENCE.search(body):
            return Resolved(_sentence(_dereference(body, focus_words)), focus, "reference")
        if focus and connected:  # "And what is the liability cap?": the same documents, a new question
            return Resolved(_sentence(body), focus, "continue")
        return Resolved(text, None, "new")

    # a fragment: which slot of the previous question does it fill?
    named = names(body, True)
    phrase = DOC_PHRASE.search(body)
    if _REFERENCE.search(body) and focus and not (named and phrase):  # "What about its termination?"
        topic = _REFERENCE.sub(" ", body)
        topic = re.sub(r"^\s*(?:the\s+)?(?:of|for|in|under)\s+", "", " ".join(topic.split()))
        return Resolved(_about(focus_words, topic), focus, "reference")
    if named:
        rest_words = _words(body[: phrase.start()] + " " + body[phrase.end() :]) if phrase else []
        if [w for w in rest_words if w not in _PREPOSITIONS and w not in ("the", "a", "an", "s", "'s")]:
            # "And the first amendment's signatory for the landlord?": a topic of its own, in that document
            return Resolved(_about(label(named), body), named, "topic")
        span = _doc_phrase(previous_question, focus_words)
        return Resolved(_move_document(previous_question, span, body, label(named)), named, "document")
    slot = _fill_slot(previous_question, body)
    if slot is not None:
        return Resolved(slot, focus or None, "slot")
    return Resolved(_about(focus_words, body), focus or None, "topic")


def _dereference(body: str, focus_words: str) -> str:
    """'Who signed it' -> 'Who signed the NDA'; 'What is its term' -> "What is the NDA's term"."""
    if not focus_words:
        return body
    words = focus_words

    def swap(m: re.Match) -> str:
        token = m.group(0).lower()
        if token in ("its", "their"):
            return f"{words}'s"
        if token in ("it's",):
            return f"{words} is"
        return words

    return _REFERENCE.sub(swap, body, count=1)


def _move_document(previous: str, span: tuple[int, int] | None, body: str, words_for: str) -> str:
    """The previous question about another document: its document phrase swapped for the new document's."""
    words = body.split()
    prep = words[0].lower() if words and words[0].lower() in _PREPOSITIONS else None
    if span is not None:
        before = previous[: span[0]].rstrip()
        tail = before.rsplit(" ", 1)
        if prep and len(tail) == 2 and tail[1].lower() in _PREPOSITIONS:
            before = f"{tail[0]} {prep}"  # "... under the NDA" + "in the lease" -> "... in the lease"
        after = previous[span[1] :]
        glue = "" if after[:1] in ("", "'", ",", "?") else " "
        return _sentence(f"{before} {words_for}{glue}{after}")
    return _sentence(f"{previous.rstrip(' ?.!')} {prep or 'under'} {words_for}")


def _fill_slot(previous: str, body: str) -> str | None:
    """'What is the annual fee for the Enterprise tier' + 'for the Starter tier' -> the fee for the Starter tier."""
    words = body.split()
    if len(words) < 2 or words[0].lower() not in _PREPOSITIONS:
        return None
    prep = words[0].lower()
    head = previous.rstrip(" ?.!")
    cut = [m.start() for m in re.finditer(rf"\b{prep}\s", head, flags=re.I)]
    if not cut:
        return None
    return _sentence(f"{head[: cut[-1]]}{body}")


def _about(focus_words: str, topic: str) -> str:
    topic = topic.strip(" ?.!,")
    if not focus_words:
        return _sentence(f"What does the agreement say about {topic}")
    return _sentence(f"What does {focus_words} say about {topic}")
