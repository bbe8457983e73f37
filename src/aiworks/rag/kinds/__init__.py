"""Question kinds: summaries, comparisons across documents, per-document answers, and clause extraction.

``answer(assistant, question, k, document_ids)`` is the hook at the top of ``Assistant.ask``: it classifies the
question (``classify``) and returns the answer for a summary, comparison or per-document question, or None for
an ordinary lookup, which ``ask`` then answers as before. The parts:
``fields`` (the clause list, fields.yaml), ``values`` (normalising durations, money, dates, jurisdictions),
``naming`` (which documents a question names), ``extract`` (finding a field's sentence in a document; the
extraction table), ``compose`` (the answers).

These answers are built from cited clause sentences, never generated, so they are the same whichever answerer
is configured (``answered_by`` stays "extractive"); an LLM path may later plan them its own way. The caches
(document texts, field vectors, found clauses) live on one ``DocumentSource`` per Assistant and are keyed by
document version, so a re-ingested document is read again; concurrent requests may at worst compute twice.
"""

from __future__ import annotations

import time
from dataclasses import replace

from aiworks.rag.kinds.classify import Kind, classify, field_for
from aiworks.rag.kinds.compose import comparison, per_document, summary
from aiworks.rag.kinds.extract import DocumentSource, extract
from aiworks.rag.kinds.fields import FIELDS, field_of
from aiworks.rag.kinds.naming import named_documents, without_names
from aiworks.rag.types import Answer

MAX_PER_DOCUMENT = 8  # more picked documents than this: one lookup over all of them

__all__ = ["FIELDS", "Kind", "answer", "classify", "extract", "field_of", "source_of"]


def source_of(assistant) -> DocumentSource:
    """One extraction source per Assistant (it caches document texts and field vectors)."""
    source = getattr(assistant, "_kinds_source", None)
    if source is None:
        source = DocumentSource(assistant)
        assistant._kinds_source = source
    return source


def answer(assistant, question: str, k: int | None, document_ids: list[str] | None) -> Answer | None:
    """The answer for a summary, comparison or per-document question; None for a lookup (``ask`` goes on)."""
    t0 = time.perf_counter()
    chosen = assistant.resolve_documents(document_ids) if document_ids else []
    source = source_of(assistant)
    named: list = []

    def count_named() -> int:
        named[:] = named_documents(question, source.documents(), source.opening)
        return len(named)

    kind = classify(question, len(chosen), count_named)
    if kind.kind == "lookup":
        return None
    if chosen:
        docs = source.documents(chosen)
    elif kind.kind == "comparison":  # across the workspace, unless the question names two or more documents
        docs = named if count_named() >= 2 else source.documents()
    else:
        docs = named if named or count_named() else []
    if not source.documents():
        text = "There are no documents in this workspace yet: ingest some, then ask again."
        return Answer(question, text, abstained=True, kind=kind.kind, timings_ms={"retrieve": 0.0, "answer": 0.0})
    if kind.kind == "per_document" and len(docs) > MAX_PER_DOCUMENT:
        return None  # a lookup filtered to those documents, as before: one answer per document would not read
    if not chosen and named and docs == named and kind.kind != "summary":  # the clause asked about, not a title word
        kind = replace(kind, field=field_for(without_names(question, named, source.opening)))
    t1 = time.perf_counter()
    if kind.kind == "summary":
        result = summary(question, source, docs)
    elif kind.kind == "comparison":
        result = comparison(question, kind, source, docs)
    else:  # one lookup per document (a single document is never per-document: no recursion)
        result = per_document(question, kind, source, docs, lambda q, doc_id: assistant.ask(q, k, [doc_id]))
    t2 = time.perf_counter()
    result.question = question
    result.timings_ms = {"retrieve": round((t1 - t0) * 1e3, 2), "answer": round((t2 - t1) * 1e3, 2)}
    return result
