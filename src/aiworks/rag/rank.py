"""Second-stage re-ranking of retrieved hits behind a ``Ranker`` protocol.

``load_ranker`` is the one hook the assistant calls: it returns the learned ranker registered in MLflow as
``legal-ranker`` (see ``rag/ltr.py``) when one exists, else a pass-through that keeps the fused order.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from aiworks.rag.types import Hit
from aiworks.settings import Settings


@runtime_checkable
class Ranker(Protocol):
    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        """Return the hits re-ordered (and possibly re-scored), best first."""
        ...


def candidate_pool(ranker: Ranker, k: int) -> int:
    """How many retrieved hits to fetch so that ``ranker`` can fill a top-``k``."""
    return max(k, int(getattr(ranker, "candidate_pool", 0)))


class PassThroughRanker:
    candidate_pool = 0  # needs no more candidates than the caller keeps

    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        return list(hits)


def load_ranker(settings: Settings) -> Ranker:
    """The learned ranker registered as ``legal-ranker`` (``aiworks eval train-ranker``) when there is one;
    otherwise an honest pass-through that keeps the retriever's order."""
    from aiworks.rag.ltr import load_registered

    return load_registered(settings) or PassThroughRanker()
