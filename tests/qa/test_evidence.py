"""The answerer's question/evidence words (rag/evidence.py): the causes of the int8 abstentions on the contract
set, each pinned on the words that showed it (issue 12)."""

from __future__ import annotations

from aiworks.providers.embedders import HashEmbedder
from aiworks.rag.answer import ExtractiveAnswerer
from aiworks.rag.evidence import absent_names, context_roots, focus, question_roots, root, stem
from aiworks.rag.types import Chunk, Hit


def _hit(doc: str, text: str, context: str = "", start: int = 0) -> Hit:
    return Hit(Chunk(doc, 0, start, start + len(text), 1, text, context), doc, 0.03)


def test_a_common_file_name_word_does_not_narrow_the_question_to_that_document():
    hits = [
        _hit("saas_subscription_agreement.pdf", "Below 97.0% | 25%", "Monthly availability: Below 97.0%"),
        _hit("saas_subscription_agreement.pdf", "The Service is available 99.9% of the time."),
        _hit("master_services_agreement.pdf", "Total service credits in any month are capped."),
    ]
    kept, naming = focus("What service credit applies when monthly availability is below 97.0%?", hits)
    assert kept == hits and not naming  # "service" is what the question is about, not a pointer to the MSA
    kept, naming = focus("What is the cap on service credits in the master services agreement?", hits)
    assert {h.document_name for h in kept} == {"master_services_agreement.pdf"} and "master" in naming


def test_headings_numbering_is_not_a_term_and_frame_words_are_marked():
    assert "2" not in context_roots("Article 2 - Rent\nLease year: Year 3 onwards | Monthly base rent (USD): 11,600")
    assert "3" in context_roots("Article 2 - Rent\nLease year: Year 3 onwards")  # the row's own cell stays
    assert context_roots("SCHEDULE 1 - SERVICES > 1.32 Credit Control") == {"servic", "credit", "control"}
    q = question_roots("What does the force majeure clause of the subscription agreement say?", {"subscription"})
    assert (
        q["forc"] is False
        and q["majeur"] is False
        and q["claus"] is True
        and q["say"] is True
        and "subscription" not in q
    )


def test_derivational_forms_meet_and_different_words_stay_apart():
    same = [("hourly", "hour"), ("renewal", "renewing"), ("solicitation", "solicit"), ("monthly", "months")]
    for a, b in same:
        assert root(stem(a)) == root(stem(b)), (a, b)
    for a, b in [("accessibility", "accessed"), ("noncompete", "compete"), ("provider", "provide")]:
        assert root(stem(a)) != root(stem(b)), (a, b)


def test_a_name_the_evidence_does_not_hold_as_a_phrase_is_absent():
    evidence = ["Role: Senior Consultant | Hourly rate (USD): 195", "Data Warehouse Operations", "named engineer"]
    assert absent_names("What is the hourly rate of a Data Engineer?", set(), evidence) == ["Data Engineer"]
    # one passage holds every word: a defined term worded differently, left to the key-term rule
    nda = ["The party receiving the information shall keep it secret."]
    assert absent_names("May the Receiving Party keep copies?", set(), nda) == []
    assert absent_names("What is the annual fee of the Platinum tier?", set(), evidence) == ["Platinum"]
    assert absent_names("What is the hourly rate of a Senior Consultant?", set(), evidence) == []
    assert absent_names("What does the NDA say?", {"nda"}, evidence) == []  # naming words are not names
    assert absent_names("What Is The Annual Fee?", set(), evidence) == []  # Title Case names nothing


def test_an_absent_name_abstains_even_when_a_sentence_scores_well():
    hits = [_hit("saas.pdf", "Enterprise | Unlimited | 78,000", "3. Fees\nTier: Enterprise | Annual fee (USD): 78,000")]
    answerer = ExtractiveAnswerer(HashEmbedder(), threshold=0.0)
    assert not answerer.answer("What is the annual fee of the Enterprise tier?", hits).abstained
    drafted = answerer.answer("What is the annual fee of the Platinum tier?", hits)
    assert drafted.abstained and drafted.reason == "missing-name" and drafted.missing == ["Platinum"]
