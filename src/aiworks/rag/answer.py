"""Answering: retrieved hits → ``Answer`` text with citations.

Extractive (default): split retrieved chunks into sentences, score each against the question by embedding
similarity plus idf-weighted term overlap (the sentence's section heading and table column headers count as
its context), return the best few verbatim, each cited. It abstains when
- the question names documents (by file-name words, "the NDA", "the lease") and none of the retrieved passages
  come from them, or
- a name in the question ("the Platinum tier", "a Data Scientist": capitalised words) is not a phrase of the
  retrieved evidence (names are never paraphrased), or
- the best sentence scores under a threshold that rises with the share of its key terms ("force majeure",
  "escrow") with no close word in the retrieved evidence of the documents it is about (text, headings, table
  headers, document names); the rule and its calibration are rag/abstain.py.
An answer is never a heading, title, page furniture or a table's header row alone, and a heading glued onto the
first sentence of its section is left out of the quote.

The LLM path (plan, retrieve per step, compose, citation + support checks, fallback here) is rag/generate.py.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass, field, replace

import numpy as np

from aiworks.providers.embedders import Embedder
from aiworks.rag.abstain import ABSTENTION
from aiworks.rag.segment import sentence_spans
from aiworks.rag.evidence import (
    FURNITURE,
    absent_names,
    context_roots,
    evidence_words,
    focus,
    key_terms,
    looks_like_header,
    not_an_answer,
    question_roots,
    roots,
    spelling,
    stem,
    table_cells,
    trim_heading,
)
from aiworks.rag.closest import citation, with_closest
from aiworks.rag.related import relatedness
from aiworks.rag.guard import NOT_FOUND
from aiworks.rag.sentences import LearnedOrder, choose
from aiworks.rag.types import Citation, Hit


ABSTAIN_THRESHOLD = {k: v.min_score for k, v in ABSTENTION.items()}  # kept for callers of the old name
DENSE_WEIGHT, LEXICAL_WEIGHT = 0.6, 0.4
CONTEXT_WEIGHT = 0.5  # a question term found only in a prose sentence's heading counts half


@dataclass
class Candidate:
    hit: Hit
    rank: int
    start: int  # document offsets
    end: int
    text: str
    context: str = ""  # heading / column headers: scored, never quoted
    lexical: float = 0.0
    dense: float = 0.0
    score: float = 0.0  # what abstention reads; never changed by the citation order
    rank_score: float = 0.0  # the citation order's score (rag/sentences.py)


@dataclass
class Drafted:
    answer: str
    citations: list[Citation]
    abstained: bool
    reason: str = ""  # why it abstained: "no-evidence", "missing-name", "missing-terms" (some key term absent and
    # the best score under the line rag/abstain.py needs), "low-score" (every key term present) - diagnostics
    missing: list[str] = field(default_factory=list)
    answered_by: str = "extractive"  # the LLM spec when a model wrote the answer (rag/generate.py)
    warnings: list[str] = field(default_factory=list)  # e.g. the LLM was unreachable and quotes were returned
    closest: list[Citation] = field(default_factory=list)  # an abstention's closest passages (rag/closest.py)


def _abstain(reason: str = "no-evidence", missing: list[str] | None = None) -> Drafted:
    return Drafted(NOT_FOUND, [], True, reason, missing or [])


# document id → (sentence spans (n, 2) in document offsets, their unit vectors (n, dim)[, their chunk contexts (n,)]),
# or None if unknown
SentenceLookup = Callable[[str], "tuple[np.ndarray, ...] | None"]


class ExtractiveAnswerer:
    def __init__(
        self,
        embedder: Embedder,
        threshold: float | None = None,
        max_sentences: int = 2,
        max_candidates: int = 16,
        margin: float = 0.08,
        sentences: SentenceLookup | None = None,
        max_missing: float | None = None,
    ) -> None:
        self.embedder = embedder
        self.sentences = sentences
        family = getattr(embedder, "name", "minilm").split(":")[0]
        rule = ABSTENTION.get(family, ABSTENTION["minilm"])
        self.threshold = threshold if threshold is not None else rule.min_score
        self.max_missing = max_missing if max_missing is not None else rule.max_missing
        self.word_sim = rule.word_sim
        self.rule = replace(rule, min_score=self.threshold, max_missing=self.max_missing)
        self._word_vectors: dict[str, np.ndarray] = {}  # word → unit vector, cached per process
        self.max_sentences = max_sentences
        self.max_candidates = max_candidates
        self.margin = margin
        self.learned_order: LearnedOrder | None = None  # a registered citation order (rag/sentence_model.py)

    def _units(self, hit: Hit) -> list[tuple[int, int, np.ndarray | None, str]]:
        """(start, end) in chunk offsets, the vector stored at ingest (or None) and the chunk context."""
        c = hit.chunk
        known = self.sentences(c.document_id) if self.sentences else None
        if known is not None:
            spans, vecs = known[0], known[1]
            ctxs = known[2] if len(known) > 2 else None
            inside = np.nonzero((spans[:, 0] >= c.start) & (spans[:, 1] <= c.end))[0]
            return [
                (
                    int(spans[j, 0]) - c.start,
                    int(spans[j, 1]) - c.start,
                    vecs[j],
                    str(ctxs[j]) if ctxs is not None else c.context,
                )
                for j in inside
            ]
        return [(s, e, None, c.context) for s, e, _ in sentence_spans(c.text)]

    def candidates(
        self, question: str, hits: list[Hit], qvec: np.ndarray | None = None, naming: Set[str] = frozenset()
    ) -> list[Candidate]:
        """All answerable sentences of the hits (no headings, furniture or header rows), scored; best first.
        ``naming``: question words that name the document ("the lease"), not what the sentence must say."""
        seen: set[tuple[str, int]] = set()
        cands: list[Candidate] = []
        stored: dict[int, np.ndarray] = {}  # candidate index → sentence vector computed at ingest
        for rank, hit in enumerate(hits):
            c = hit.chunk
            heading, header, prev_row_end = "", None, None
            for s, e, vec, chunk_context in self._units(hit):
                text = c.text[s:e]
                if not re.search(r"[A-Za-z0-9]", text):
                    continue
                if not_an_answer(text):
                    heading = "" if FURNITURE.match(" ".join(text.split())) else text.strip()
                    continue
                s2, glued = trim_heading(c.text, s, e)
                heading = glued or heading
                context = [chunk_context, heading]
                cells = table_cells(text) if "\n" not in text else None
                if cells is not None:
                    first_row = (
                        prev_row_end is None
                        or "\n" in c.text[prev_row_end:s].strip("\n")
                        or c.text[prev_row_end:s].count("\n") > 1
                    )
                    prev_row_end = e
                    if first_row and looks_like_header(cells) and not chunk_context:
                        header = text
                        continue  # a header row alone never answers; it is its rows' context
                    context.append(header or "")
                else:
                    header, prev_row_end = None, None
                key = (c.document_id, c.start + s2)
                if key in seen or s2 >= e:
                    continue
                seen.add(key)
                if vec is not None and not (cells is not None and header):
                    stored[len(cands)] = vec  # (a trimmed heading was embedded with its sentence: fine as context)
                cands.append(
                    Candidate(hit, rank, c.start + s2, c.start + e, c.text[s2:e], " ".join(x for x in context if x))
                )
        if not cands:
            return []
        own = [roots(x.text) for x in cands]
        ctx = [context_roots(x.context) for x in cands]
        df = {t: sum(t in a or t in b for a, b in zip(own, ctx)) for t in question_roots(question, naming)}
        frame = question_roots(question, naming)
        q_terms = [t for t in df if df[t] or not frame[t]]  # a frame word no passage uses says nothing
        n = len(cands)
        weights = {t: math.log((n + 1) / (0.5 + df[t])) + 1.0 for t in q_terms}
        total = sum(weights.values()) or 1.0
        for cand, a, b in zip(cands, own, ctx):
            # a table row is read with its column headers ("Tier: Enterprise | Annual fee (USD): 48,000") at full
            # weight: they are what its cells mean; a prose sentence's heading counts half
            half = 1.0 if "|" in cand.text else CONTEXT_WEIGHT
            cand.lexical = sum(w * (1.0 if t in a else half if t in b else 0.0) for t, w in weights.items()) / total
        if qvec is None:
            qvec = self.embedder.embed([question])[0]
        qvec = np.asarray(qvec, dtype=np.float32)
        order = sorted(range(n), key=lambda i: -(cands[i].lexical + 0.15 / (1 + cands[i].rank)))
        fresh = [i for i in order if i not in stored][: self.max_candidates]
        dense = np.full(n, -1.0, dtype=np.float32)
        if stored:
            idx = list(stored)
            dense[idx] = np.stack([stored[i] for i in idx]) @ qvec
        if fresh:  # no stored vector (or one that misses the row's headers): embed with the context in front
            texts = [(cands[i].context + "\n" + cands[i].text).strip() for i in fresh]
            dense[fresh] = self.embedder.embed(texts) @ qvec
        kept = []
        for i, cand in enumerate(cands):
            if dense[i] <= -1.0:
                continue  # neither stored nor among the most promising: not scored
            cand.dense = float(dense[i])
            cand.score = DENSE_WEIGHT * cand.dense + LEXICAL_WEIGHT * cand.lexical
            kept.append(cand)
        kept.sort(key=lambda x: -x.score)
        return kept

    def _vectors(self, items: list[str]) -> np.ndarray:
        todo = [w for w in dict.fromkeys(items) if w not in self._word_vectors]
        if todo:
            if len(self._word_vectors) > 50_000:
                self._word_vectors.clear()
            for w, v in zip(todo, self.embedder.embed(todo)):
                self._word_vectors[w] = np.asarray(v, dtype=np.float32)
        return np.stack([self._word_vectors[w] for w in items])

    def absent(
        self, question: str, hits: list[Hit], naming: set[str], cands: list[Candidate]
    ) -> tuple[list[str], list[tuple[str, float, float]]]:
        """The question's key terms, and those absent from the evidence with the similarity of the closest
        evidence word (a paraphrase such as "cost" for "fee" is close; "escrow" or "Platinum" is not) and the
        highest contract-drafting relatedness of an evidence word ("late" / "overdue"; rag/related.py)."""
        keys = key_terms(question, naming)
        have = evidence_words(hits, (c.context for c in cands))
        stems = {spelling(stem(w)) for w in have}
        missing = [(t, w) for t, w in keys.items() if spelling(t) not in stems]
        if not missing or not have:
            return list(keys), [(t, 0.0, 0.0) for t, _ in missing]
        pool = sorted(w for w in have if len(w) > 2 and not w[0].isdigit())
        sims = self._vectors([w for _, w in missing]) @ self._vectors(pool).T if pool else None
        near = {stem(w) for w in pool}
        return list(keys), [
            (t, round(float(sims[i].max()), 3) if sims is not None else 0.0, relatedness(t, near))
            for i, (t, _) in enumerate(missing)
        ]

    def diagnose(self, question: str, hits: list[Hit], qvec: np.ndarray | None = None) -> dict:
        """The quantities the abstention rule looks at (for calibration)."""
        focused, naming = focus(question, hits)
        cands = self.candidates(question, focused, qvec, naming)
        keys, missing = self.absent(question, focused, naming, cands)
        absent = [t for t, sim, rel in missing if not self.rule.present(sim, rel)]
        texts = [x for h in focused for x in (h.chunk.text, h.chunk.context, h.document_name)]
        return {
            "names": absent_names(question, naming, texts + [c.context for c in cands]),
            "best": cands[0].score if cands else 0.0,
            "keys": keys,
            "missing": missing,
            "missing_share": len(absent) / len(keys) if keys else 0.0,
            "candidates": cands,
            "naming": sorted(naming),
        }

    def cite(
        self, question: str, cands: list[Candidate], qvec: np.ndarray | None = None, naming: Iterable[str] = ()
    ) -> list[Candidate]:
        """The sentences to cite, in order, once the answerer does not abstain (rag/sentences.py)."""
        return choose(
            question,
            cands,
            self.threshold,
            self.margin,
            self.max_sentences,
            self.embedder,
            qvec,
            naming,
            self.learned_order,
        )

    def answer(self, question: str, hits: list[Hit], qvec: np.ndarray | None = None) -> Drafted:
        d = self.diagnose(question, hits, qvec)
        return with_closest(self, question, self.decide(question, d, qvec), d, qvec)  # rag/closest.py

    def decide(self, question: str, d: dict, qvec: np.ndarray | None = None) -> Drafted:
        cands = d["candidates"]
        if not cands:
            return _abstain("no-evidence")
        absent = [t for t, sim, rel in d["missing"] if not self.rule.present(sim, rel)]
        if d["names"]:
            return _abstain("missing-name", d["names"])
        if not self.rule.answers(cands[0].score, d["missing_share"]):  # the needed score rises with absent terms
            return _abstain("missing-terms" if absent else "low-score", absent)
        chosen = self.cite(question, cands, qvec, d["naming"])
        citations = [citation(key, c) for key, c in enumerate(chosen, start=1)]
        parts = [f"{' '.join(c.quote.split())} [{c.key}]" for c in citations]
        return Drafted(" ".join(parts), citations, False)
