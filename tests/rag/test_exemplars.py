"""The exemplar expander: a recurring question whose answer shares no words with it ("Where is the No-Shop
Clause" answered by a section headed "No Solicitation") is found through what answered it in other documents;
a question unlike every training question is searched exactly as without the model; the model is refused in
another embedder's vector space."""

from __future__ import annotations

import numpy as np
import pytest

from aiworks.rag.assistant import Assistant
from aiworks.rag.exemplars import Example, ExemplarExpander
from aiworks.settings import Settings

FILLER = [
    "{n}. Representations of the Company. The Company represents that each clause of its charter is in full "
    "force, that where any shop or office is leased the lease is valid, and that no default exists under it.",
    "{n}. Employee Matters. Where an employee benefit plan exists, the Company is in compliance with it in all "
    "material respects and no clause of any plan requires a payment on the closing.",
    "{n}. Taxes. The Company has filed all tax returns required to be filed and paid all taxes shown as due; "
    "no audit is pending and no clause of any tax sharing agreement binds it.",
    "{n}. Real Property. Where the Company owns a shop, store or warehouse, it has good title free of liens; "
    "the clause on leased real property is set out in the disclosure letter.",
]
NO_SHOP = (
    "{n}. No Solicitation. The Company shall not, directly or indirectly, solicit, initiate or knowingly "
    "encourage any inquiry or the making of any Acquisition Proposal, nor furnish non-public information to "
    "any person in connection with an Acquisition Proposal."
)


def _agreement(path, parties: str, order: list[int]):
    sections = [FILLER[i % len(FILLER)] if i >= 0 else NO_SHOP for i in order]
    body = "\n\n".join(s.format(n=k + 1) for k, s in enumerate(sections))
    path.write_text(f"AGREEMENT AND PLAN OF MERGER among {parties}\n\n{body}\n", encoding="utf-8")
    return path


def _expander(embedder, weight: float) -> ExemplarExpander:
    """What training keeps: the question, and the gold passages that answered it in two other agreements."""
    question = "Where is the No-Shop Clause"
    golds = [
        ("other-1.txt", "The Company shall not solicit, initiate or knowingly encourage any Acquisition Proposal."),
        (
            "other-2.txt",
            "Neither party shall solicit or encourage the making of an Acquisition Proposal by any person.",
        ),
    ]
    examples = [Example(question, doc, embedder.embed([text])[0]) for doc, text in golds]
    return ExemplarExpander(min_match=0.9, weight=weight).fit({question: embedder.embed([question])[0]}, examples)


def _rank_of_no_shop(assistant: Assistant, question: str) -> int:
    hits = assistant.search(question, 10).hits
    return next(i for i, h in enumerate(hits) if "No Solicitation" in h.chunk.text)


def test_a_recurring_question_finds_its_clause_through_other_documents_answers(tmp_path):
    settings = Settings(home=tmp_path / "home", embedder="hash", llm="extractive")
    doc = _agreement(tmp_path / "acme-merger.txt", "Acme Corp and Beta Inc", [0, 1, 2, 3, 0, 1, -1, 2, 3, 1])
    assistant = Assistant(settings, "w")
    assistant.ingest([doc])
    question = "Where is the No-Shop Clause"
    plain = _rank_of_no_shop(assistant, question)
    assistant.retriever.expander = _expander(assistant.embedder, weight=2.0)
    expanded = _rank_of_no_shop(assistant, question)
    assert plain > 0, "the words of the question alone should not find the clause first"
    assert expanded == 0
    # the answerer scores sentences against the question moved towards the prototype, only when asked to
    assert assistant.search(question, 8).answer_vector is None
    assistant.retriever.expander.blend = 1.0
    moved = assistant.search(question, 8)
    assert moved.answer_vector is not None and abs(float(np.linalg.norm(moved.answer_vector)) - 1) < 1e-5
    no_shop = assistant.embedder.embed([NO_SHOP.format(n=7)])[0]
    assert float(moved.answer_vector @ no_shop) > float(moved.query_vector @ no_shop)


def test_a_question_unlike_every_training_question_is_searched_as_without_the_model(tmp_path):
    settings = Settings(home=tmp_path / "home", embedder="hash", llm="extractive")
    doc = _agreement(tmp_path / "acme-merger.txt", "Acme Corp and Beta Inc", [0, 1, 2, 3, -1, 1])
    assistant = Assistant(settings, "w")
    assistant.ingest([doc])
    question = "Which taxes has the Company paid?"
    before = [(h.chunk.index, h.score) for h in assistant.search(question, 8).hits]
    model = _expander(assistant.embedder, weight=2.0)
    assert model.expand(assistant.embedder.embed([question])[0]) is None
    model.blend = 1.0
    assistant.retriever.expander = model
    after = assistant.search(question, 8)
    assert [(h.chunk.index, h.score) for h in after.hits] == before and after.answer_vector is None


def test_a_documents_own_answers_are_left_out_when_it_is_scored():
    from aiworks.providers.embedders import HashEmbedder

    embedder = HashEmbedder()
    model = _expander(embedder, weight=1.0)
    qvec = embedder.embed(["Where is the No-Shop Clause"])[0]
    both, without_first = model.expand(qvec), model.expand(qvec, exclude_document="other-1.txt")
    only_second = embedder.embed(
        ["Neither party shall solicit or encourage the making of an Acquisition Proposal by any person."]
    )[0]
    assert both is not None and without_first is not None
    assert np.allclose(without_first, only_second / np.linalg.norm(only_second), atol=1e-6)
    assert not np.allclose(both, without_first)


@pytest.mark.slow
def test_the_registered_expander_is_used_by_the_assistant_and_refused_in_another_vector_space(tmp_path):
    from aiworks.lifecycle import registry, tracking
    from aiworks.rag.rank import remember

    settings = Settings(home=tmp_path / "home", embedder="hash", llm="extractive")
    assistant = Assistant(settings, "w")
    model = _expander(assistant.embedder, weight=1.0)
    model.pipeline_ = {"chunk_words": 120, "overlap_words": 20, "embedder": assistant.embedder.name}
    with tracking.run(settings, "test", run_name="fit", params={}) as run_id:
        version = registry.register(settings, "legal-exemplars", model, run_id)
    remember(settings, "legal-exemplars", version, 120, 20)
    loaded = Assistant(settings, "w")
    assert isinstance(loaded.retriever.expander, ExemplarExpander) and not loaded.warnings
    model.pipeline_ = {"chunk_words": 120, "overlap_words": 20, "embedder": "hash:128"}
    with tracking.run(settings, "test", run_name="fit2", params={}) as run_id:
        version = registry.register(settings, "legal-exemplars", model, run_id)
    remember(settings, "legal-exemplars", version, 120, 20)
    refused = Assistant(settings, "w2")
    assert refused.retriever.expander is None
    assert any("embedder 'hash:128'" in w for w in refused.warnings)
