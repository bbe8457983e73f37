"""Answering: retrieved hits → ``Answer`` text with citations.

Extractive (default): split retrieved chunks into sentences, score each against the question by embedding
similarity plus idf-weighted term overlap, return the best few verbatim, each cited; abstain when the best
score is under a threshold calibrated per embedder on the demo questions (see ``ABSTAIN_THRESHOLD``).

Generative (any ``LLM`` with ``generative=True``): numbered passages in the prompt, the model cites keys,
``guard.filter_citations`` drops invented keys and uncited sentences; nothing left → extractive fallback.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from aiworks.providers.embedders import Embedder
from aiworks.providers.llms import LLM, LLMError
from aiworks.rag.chunk import is_heading, sentence_spans
from aiworks.rag.guard import NOT_FOUND, filter_citations, render
from aiworks.rag.types import Citation, Hit

# Calibrated on the demo questions and our own unanswerable questions (benchmarks/bench_rag.py --calibrate),
# never on benchmark test data. Keyed by embedder family (the part of the spec before ":").
ABSTAIN_THRESHOLD = {"minilm": 0.41, "hash": 0.30}
DENSE_WEIGHT, LEXICAL_WEIGHT = 0.6, 0.4

_STOP = set("""a an the of to in on at by for with from and or nor but is are was were be been being do does did
what which who whom whose when where why how that this these those it its as if then than there their them they
he she his her we our you your i me my any all some can could shall should will would may might must not no
about under over into out up down per each such other more most much many please tell me give""".split())


def terms(text: str) -> list[str]:
    out = []
    for tok in re.findall(r"[a-z0-9]+(?:[.,][0-9]+)*", text.lower()):
        if tok in _STOP:
            continue
        for suffix in ("ing", "ies", "es", "ed", "s"):
            if len(tok) > len(suffix) + 3 and tok.endswith(suffix):
                tok = tok[: -len(suffix)]
                break
        out.append(tok)
    return out


@dataclass
class Candidate:
    hit: Hit
    rank: int
    start: int  # document offsets
    end: int
    text: str
    context: str = ""  # the sentence's chunk context (heading path, table column headers), when stored
    lexical: float = 0.0
    dense: float = 0.0
    score: float = 0.0


@dataclass
class Drafted:
    answer: str
    citations: list[Citation]
    abstained: bool


def _abstain() -> Drafted:
    return Drafted(NOT_FOUND, [], True)


# document id → (sentence spans (n, 2) in document offsets, their unit vectors (n, dim)[, their chunk contexts (n,)]),
# or None if unknown
SentenceLookup = Callable[[str], "tuple[np.ndarray, ...] | None"]


class ExtractiveAnswerer:
    def __init__(self, embedder: Embedder, threshold: float | None = None, max_sentences: int = 2,
                 max_candidates: int = 16, margin: float = 0.08, sentences: SentenceLookup | None = None) -> None:
        self.embedder = embedder
        self.sentences = sentences
        family = getattr(embedder, "name", "minilm").split(":")[0]
        self.threshold = threshold if threshold is not None else ABSTAIN_THRESHOLD.get(family, 0.42)
        self.max_sentences = max_sentences
        self.max_candidates = max_candidates
        self.margin = margin

    def candidates(self, question: str, hits: list[Hit], qvec: np.ndarray | None = None) -> list[Candidate]:
        """All sentences of the hits, scored; best first."""
        seen, cands = set(), []
        stored: dict[tuple[str, int], np.ndarray] = {}  # sentence vectors computed at ingest
        for rank, hit in enumerate(hits):
            c = hit.chunk
            known = self.sentences(c.document_id) if self.sentences else None
            if known is not None:
                spans, vecs = known[0], known[1]
                ctxs = known[2] if len(known) > 2 else None
                inside = np.nonzero((spans[:, 0] >= c.start) & (spans[:, 1] <= c.end))[0]
                local = [(int(spans[j, 0]) - c.start, int(spans[j, 1]) - c.start, vecs[j],
                          str(ctxs[j]) if ctxs is not None else "") for j in inside]
            else:
                local = [(s, e, None, "") for s, e, _ in sentence_spans(c.text)]
            for s, e, vec, ctx in local:
                key = (c.document_id, c.start + s)
                if key in seen or not re.search(r"[A-Za-z0-9]", c.text[s:e]) or is_heading(c.text[s:e]):
                    continue
                seen.add(key)
                cands.append(Candidate(hit, rank, c.start + s, c.start + e, c.text[s:e], ctx))
                if vec is not None:
                    stored[key] = vec
        if not cands:
            return []
        q_terms = set(terms(question))
        # a table row is read with its column headers ("Tier: Enterprise | Annual fee (USD): 48,000")
        sent_terms = [set(terms(c.text + ("\n" + c.context if "|" in c.text else ""))) for c in cands]
        n = len(cands)
        weights = {t: math.log((n + 1) / (0.5 + sum(t in st for st in sent_terms))) + 1.0 for t in q_terms}
        total = sum(weights.values()) or 1.0
        for cand, st in zip(cands, sent_terms):
            cand.lexical = sum(w for t, w in weights.items() if t in st) / total
        if qvec is None:
            qvec = self.embedder.embed([question])[0]
        qvec = np.asarray(qvec, dtype=np.float32)
        if all((c.hit.chunk.document_id, c.start) in stored for c in cands):
            dense = np.stack([stored[(c.hit.chunk.document_id, c.start)] for c in cands]) @ qvec
        else:
            # No stored vectors (documents indexed elsewhere): embedding every sentence now would dominate
            # latency, so embed only the lexically / rank-wise most promising ones.
            cands.sort(key=lambda c: -(c.lexical + 0.15 / (1 + c.rank)))
            cands = cands[: self.max_candidates]
            dense = self.embedder.embed([c.text for c in cands]) @ qvec
        for cand, d in zip(cands, dense):
            cand.dense = float(d)
            cand.score = DENSE_WEIGHT * cand.dense + LEXICAL_WEIGHT * cand.lexical
        cands.sort(key=lambda c: -c.score)
        return cands

    def answer(self, question: str, hits: list[Hit], qvec: np.ndarray | None = None) -> Drafted:
        cands = self.candidates(question, hits, qvec)
        if not cands or cands[0].score < self.threshold:
            return _abstain()
        best = cands[0].score
        chosen = [c for c in cands if c.score >= max(self.threshold, best - self.margin)][: self.max_sentences]
        citations, parts = [], []
        for key, c in enumerate(chosen, start=1):
            citations.append(Citation(key=key, document=c.hit.document_name, document_id=c.hit.chunk.document_id,
                                      page=c.hit.chunk.page, start=c.start, end=c.end, quote=c.text,
                                      score=round(c.score, 4)))
            parts.append(f"{' '.join(c.text.split())} [{key}]")
        return Drafted(" ".join(parts), citations, False)


SYSTEM_PROMPT = (
    "You answer questions about the user's documents using ONLY the numbered passages provided. "
    "End every sentence with the passage numbers it relies on, like [1] or [2][3]. "
    "Cite only passage numbers that appear in the context. "
    f"If the passages do not contain the answer, reply exactly: {NOT_FOUND}"
)


def build_prompt(question: str, hits: list[Hit]) -> str:
    blocks = [f"[{i}] ({h.document_name}, page {h.chunk.page})\n{h.chunk.text}" for i, h in enumerate(hits, 1)]
    return "Passages:\n\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question}\nAnswer:"


class GenerativeAnswerer:
    def __init__(self, llm: LLM, fallback: ExtractiveAnswerer) -> None:
        self.llm = llm
        self.fallback = fallback

    def answer(self, question: str, hits: list[Hit], qvec: np.ndarray | None = None) -> Drafted:
        if not hits:
            return _abstain()
        try:
            reply = self.llm.complete(SYSTEM_PROMPT, build_prompt(question, hits))
        except LLMError:
            return self.fallback.answer(question, hits, qvec)
        guarded = filter_citations(reply, set(range(1, len(hits) + 1)))
        if not guarded.claims:
            return self.fallback.answer(question, hits, qvec)
        renumber: dict[int, int] = {}
        for claim in guarded.claims:
            for key in claim.keys:
                renumber.setdefault(key, len(renumber) + 1)
        citations = []
        for old, new in renumber.items():
            h = hits[old - 1]
            citations.append(Citation(key=new, document=h.document_name, document_id=h.chunk.document_id,
                                      page=h.chunk.page, start=h.chunk.start, end=h.chunk.end, quote=h.chunk.text,
                                      score=round(h.score, 6)))
        return Drafted(render(guarded.claims, renumber), citations, False)


def build_answerer(llm: LLM, embedder: Embedder, sentences: SentenceLookup | None = None):
    extractive = ExtractiveAnswerer(embedder, sentences=sentences)
    return GenerativeAnswerer(llm, extractive) if getattr(llm, "generative", False) else extractive
