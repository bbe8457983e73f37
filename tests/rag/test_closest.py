"""An abstention shows the closest passages (rag/closest.py): exact spans, labelled, never citations."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aiworks.cli import app
from aiworks.evaluation.contracts import Question
from aiworks.rag.assistant import Assistant
from aiworks.rag.closest import LABEL
from aiworks.rag.samples import DEMO_QUESTIONS, UNANSWERABLE_QUESTIONS
from aiworks.rag.types import Answer, Citation

# with the hash embedder: a missing name ("Kelvin", "mercury") and missing key terms ("football", "league")
ABSTAINING = UNANSWERABLE_QUESTIONS + ["Which football club won the league?"]


@pytest.fixture
def assistant(settings, contracts):
    a = Assistant(settings, "ws")
    a.ingest(contracts)
    return a


def test_abstention_shows_closest_passages_as_exact_spans_not_citations(assistant):
    for question in ABSTAINING:
        answer = assistant.ask(question)
        assert answer.abstained and answer.citations == []
        assert answer.answer == "Not found in the documents."
        assert 1 <= len(answer.closest) <= assistant.answerer.max_sentences, question
        assert [c.key for c in answer.closest] == list(range(1, len(answer.closest) + 1))
        for c in answer.closest:
            assert assistant.document_text(c.document_id)[c.start : c.end] == c.quote
            assert assistant.document(c.document_id).name == c.document
        assert "[1]" not in answer.answer  # never presented as the answer's sources


def test_closest_passages_follow_the_citation_order_and_skip_nothing_to_show(assistant):
    question = ABSTAINING[-1]
    retrieval = assistant.search(question)
    answerer = assistant.answerer
    drafted = answerer.answer(question, retrieval.hits, retrieval.query_vector)
    assert drafted.abstained and drafted.reason == "missing-terms" and drafted.citations == []
    d = answerer.diagnose(question, retrieval.hits, retrieval.query_vector)
    from aiworks.rag.sentences import choose

    order = choose(question, d["candidates"], float("-inf"), answerer.margin, answerer.max_sentences, answerer.embedder)
    assert [(c.start, c.end) for c in drafted.closest] == [(c.start, c.end) for c in order]
    assert answerer.answer(question, []).closest == []  # no evidence: nothing to show


def test_confident_answer_has_no_closest_passages(assistant):
    for question, _, _ in DEMO_QUESTIONS:
        answer = assistant.ask(question)
        assert not answer.abstained and answer.citations and answer.closest == []
        assert answer.to_json()["closest"] == []


def test_answer_json_always_has_closest():
    assert Answer("q", "a", False).to_json()["closest"] == []
    c = Citation(1, "nda.pdf", "d1", 1, 0, 5, "Hello", 0.3)
    payload = Answer("q", "Not found in the documents.", True, closest=[c]).to_json()
    assert payload["closest"] == [
        {
            "key": 1,
            "document": "nda.pdf",
            "document_id": "d1",
            "page": 1,
            "start": 0,
            "end": 5,
            "quote": "Hello",
            "score": 0.3,
        }
    ]
    assert payload["citations"] == []


def test_cli_labels_closest_passages_after_the_abstention(tmp_path, monkeypatch, contracts):
    monkeypatch.setenv("AIWORKS_EMBEDDER", "hash")
    monkeypatch.setenv("AIWORKS_LLM", "extractive")
    runner = CliRunner()

    def cli(*args):
        return runner.invoke(app, ["--home", str(tmp_path / "home"), *args])

    assert cli("ingest", *map(str, contracts)).exit_code == 0
    out = cli("ask", ABSTAINING[-1]).output
    assert "Not found in the documents." in out and LABEL in out and "Sources" not in out
    assert out.index("Not found in the documents.") < out.index(LABEL)
    answered = cli("ask", DEMO_QUESTIONS[0][0]).output
    assert "Sources" in answered and LABEL not in answered
    payload = json.loads(cli("ask", ABSTAINING[-1], "--json").stdout)
    assert payload["abstained"] is True and payload["citations"] == [] and payload["closest"]


def _bench_qa():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_qa.py"
    spec = importlib.util.spec_from_file_location("bench_qa_for_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_contract_qa_scores_an_abstention_with_closest_passages_as_an_abstention():
    score = _bench_qa().score
    gold = "ninety (90) days"
    shown = Citation(1, "services_agreement.pdf", "d", 2, 0, 40, f"Either party may terminate on {gold} notice.", 0.2)
    abstention = Answer("q", "Not found in the documents.", True, closest=[shown])
    answerable = Question("a1", "fact", "clause", "How much notice?", "services_agreement.pdf", [gold])
    unanswerable = Question("u1", "unanswerable", "unanswerable", "What is the escrow amount?")
    row = score(answerable, abstention)
    assert row["abstained"] is True and row["right"] is False and row["citations"] == []
    assert score(unanswerable, abstention)["right"] is True
