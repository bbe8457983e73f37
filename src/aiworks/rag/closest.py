"""The closest passages shown with an abstention (rag/answer.py ``ExtractiveAnswerer.answer``).

When the extractive answerer abstains it still says plainly that the documents do not clearly answer, and it shows
the best one or two candidate sentences so that a user whose answer IS in the documents has something to read:
those within the answerer's margin of the best ``score`` (its threshold does not apply: an abstention on a low
score is exactly the case), best ``rank_score`` first (rag/sentences.py, the citation order). They are exact spans
(``Citation``, keys 1..n) in ``Drafted.closest`` / ``Answer.closest``, never in ``citations``: an abstention answers
nothing and cites nothing, and whatever scores answers (benchmarks/bench_qa.py) reads ``abstained`` and
``citations`` only. Nothing is shown when no sentence was retrieved ("no-evidence").
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

from aiworks.rag.sentences import choose
from aiworks.rag.types import Citation

LABEL = "Closest passages (they may not answer the question):"  # how the CLI introduces them

if TYPE_CHECKING:
    import numpy as np

    from aiworks.rag.answer import Candidate, Drafted, ExtractiveAnswerer


def citation(key: int, c: Candidate) -> Citation:
    """The exact span of candidate ``c`` as citation ``key``."""
    return Citation(
        key=key,
        document=c.hit.document_name,
        document_id=c.hit.chunk.document_id,
        page=c.hit.chunk.page,
        start=c.start,
        end=c.end,
        quote=c.text,
        score=round(c.score, 4),
    )


def closest(
    answerer: ExtractiveAnswerer, question: str, diagnosis: dict, qvec: np.ndarray | None = None
) -> list[Citation]:
    """The sentences to show with an abstention, in citation order (at most ``answerer.max_sentences``)."""
    cands: list[Candidate] = diagnosis["candidates"]
    picked = choose(
        question,
        cands,
        -math.inf,
        answerer.margin,
        answerer.max_sentences,
        answerer.embedder,
        qvec,
        diagnosis.get("naming", ()),
        answerer.learned_order,
    )
    return [citation(key, c) for key, c in enumerate(picked, start=1)]


def with_closest(
    answerer: ExtractiveAnswerer, question: str, drafted: Drafted, diagnosis: dict, qvec: np.ndarray | None = None
) -> Drafted:
    """``drafted``, with its closest passages when it is an abstention that had candidate sentences."""
    if not drafted.abstained or not diagnosis["candidates"] or drafted.closest:
        return drafted
    return replace(drafted, closest=closest(answerer, question, diagnosis, qvec))
