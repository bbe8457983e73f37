"""The citation order (rag/sentences.py): which of the sentences the answerer may cite comes first (issue 12)."""

from __future__ import annotations

import numpy as np

from aiworks.providers.embedders import HashEmbedder
from aiworks.rag.answer import Candidate, ExtractiveAnswerer
from aiworks.rag.sentences import choose, near, near_matches
from aiworks.rag.types import Chunk, Hit


def _hit(doc: str, text: str, context: str = "", start: int = 0, rank_score: float = 0.03) -> Hit:
    return Hit(Chunk(doc, 0, start, start + len(text), 1, text, context), doc, rank_score)


def _cand(text: str, score: float, lexical: float = 0.5, rank: int = 0) -> Candidate:
    hit = _hit("nda.txt", text)
    return Candidate(hit, rank, 0, len(text), text, "", lexical=lexical, dense=score, score=score)


class _NoEmbedding:
    name = "hash"

    def embed(self, texts):
        raise AssertionError("embedded " + repr(texts))


def test_near_roots_meet_and_other_words_stay_apart():
    assert near("disclos", "disclosur") and near("disclosur", "disclos")
    assert near("terminat", "termin")  # the exact root match misses these
    assert not near("copy", "cop")  # three letters are no evidence
    assert not near("provid", "proven")
    q = "Does the agreement permit disclosure of the terms?"
    cands = [_cand("The Recipient may not disclose Confidential Information.", 0.5), _cand("Fees are due.", 0.5)]
    extra = near_matches(q, cands)
    assert extra[0] > 0 and extra[1] == 0


def test_the_sentence_that_says_it_is_cited_before_a_higher_scored_neighbour():
    # both are within the margin (eligible); the first has the higher pooled score, the second says the thing
    off = _cand("This Agreement is governed by the laws of the State of New York.", 0.62, lexical=0.3)
    on = _cand("The Receiving Party shall not solicit any employee of the Disclosing Party.", 0.58, lexical=0.3)
    q = "Does the Receiving Party agree not to solicit employees of the Disclosing Party?"
    chosen = choose(q, [off, on], 0.5, 0.08, 2, HashEmbedder())
    assert chosen[0] is on and chosen[1] is off
    assert (off.score, on.score) == (0.62, 0.58)  # what abstention reads is never changed
    assert on.rank_score > off.rank_score


def test_only_sentences_above_the_floor_are_cited_and_one_is_cited_without_embedding():
    best, low = _cand("Rent is due monthly.", 0.7), _cand("The tenant shall pay rent.", 0.5)
    assert choose("When is rent due?", [best, low], 0.3, 0.08, 2, _NoEmbedding()) == [best]
    assert choose("When is rent due?", [best, low], 0.3, 0.08, 2, _NoEmbedding())[0].rank_score == 0.0


def test_a_table_question_still_cites_its_row():
    rows = [("Starter", "10", "12,000"), ("Professional", "50", "36,000"), ("Enterprise", "Unlimited", "78,000")]
    hits = [
        _hit("saas.pdf", f"{t} | {u} | {f}", f"3. Fees\nTier: {t} | Users: {u} | Annual fee (USD): {f}", start=100 * i)
        for i, (t, u, f) in enumerate(rows)
    ] + [_hit("saas.pdf", "The annual fee is invoiced in advance and is payable within thirty days.", start=900)]
    answerer = ExtractiveAnswerer(HashEmbedder(), threshold=0.0)
    drafted = answerer.answer("What is the annual fee of the Enterprise tier?", hits, None)
    assert not drafted.abstained
    assert drafted.citations[0].quote == "Enterprise | Unlimited | 78,000"


def test_rank_scores_follow_the_question_vector_given():
    cands = [_cand("Payment is due in thirty days.", 0.6), _cand("Either party may terminate.", 0.6)]
    emb = HashEmbedder()
    qvec = emb.embed(["Either party may terminate."])[0]
    chosen = choose("What is the notice period?", cands, 0.5, 0.08, 1, emb, np.asarray(qvec))
    assert chosen[0].text == "Either party may terminate."
