"""The ``cited`` ranking scores what a user is shown first: citations, then an abstention's closest passages."""

from __future__ import annotations

from types import SimpleNamespace

from aiworks.evaluation.dataset import Span
from aiworks.evaluation.service import Corpus, searcher
from aiworks.rag.types import Answer, Chunk, Citation, Hit


def _corpus(answer: Answer) -> Corpus:
    hit = Hit(Chunk("d1", 0, 0, 100, 1, "x" * 100), "a.txt", 1.0)
    fake = SimpleNamespace(search=lambda question, k=None: SimpleNamespace(hits=[hit]), ask=lambda question: answer)
    return Corpus(fake, {"d1": "maud/a.txt"}, 1, 0.0, 0, 0)  # type: ignore[arg-type]


def test_cited_ranking_puts_closest_passages_of_an_abstention_before_the_retrieved_passages():
    near = Citation(1, "a.txt", "d1", 1, 40, 60, "y" * 20, 0.3)
    corpus = _corpus(Answer("q", "Not found in the documents.", True, closest=[near]))
    assert searcher(corpus, cite=True)("q", 5) == [Span("maud/a.txt", 40, 60), Span("maud/a.txt", 0, 100)]
    assert searcher(corpus, cite=False)("q", 5) == [Span("maud/a.txt", 0, 100)]  # "retrieved" is unchanged


def test_cited_ranking_of_an_answer_is_its_citations_then_the_retrieved_passages():
    cited = Citation(1, "a.txt", "d1", 1, 10, 30, "z" * 20, 0.6)
    corpus = _corpus(Answer("q", "z [1]", False, citations=[cited]))
    assert searcher(corpus, cite=True)("q", 5) == [Span("maud/a.txt", 10, 30), Span("maud/a.txt", 0, 100)]
