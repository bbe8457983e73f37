"""Second-stage re-ranking of retrieved hits behind a ``Ranker`` protocol.

Today ``load_ranker`` returns a pass-through. The learned ranker (trained by the engine and loaded from the
MLflow model registry) plugs in here: ``load_ranker`` is the one hook the assistant calls.
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


class PassThroughRanker:
    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        return list(hits)


def load_ranker(settings: Settings) -> Ranker:
    """The learned ranker registered as ``legal-ranker`` (``aiworks eval train-ranker``) when there is one;
    otherwise an honest pass-through that keeps the retriever's order."""
    from aiworks.rag.ltr import load_registered

    return load_registered(settings) or PassThroughRanker()
