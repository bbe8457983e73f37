"""The real embedder on the demo contracts: the right clause, page and offsets for each demo question."""

import pytest

from aiworks.rag.assistant import Assistant
from aiworks.rag.samples import DEMO_QUESTIONS, UNANSWERABLE_QUESTIONS


@pytest.mark.slow
def test_demo_questions_cite_the_right_clause(settings, contracts):
    a = Assistant(settings.model_copy(update={"embedder": "minilm"}), "demo")
    a.ingest(contracts)
    for question, filename, phrase in DEMO_QUESTIONS:
        answer = a.ask(question)
        assert not answer.abstained, question
        top = answer.citations[0]
        assert top.document == filename and phrase in " ".join(top.quote.split()), (question, top)
        text = a.document_text(top.document_id)
        assert text[top.start : top.end] == top.quote
        assert top.page == 2 and text.count("\n\f\n", 0, top.start) == top.page - 1
    for question in UNANSWERABLE_QUESTIONS:
        assert a.ask(question).abstained, question
