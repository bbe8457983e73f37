"""Model families by name. Heavy libraries (implicit, torch) are imported only when a model is fitted."""

from __future__ import annotations

from typing import Any, Callable

from aiworks.recs.models.base import BaseRecommender, Recommender
from aiworks.recs.models.members import MEMBER_NAMES, member_factories

MODEL_NAMES = (*MEMBER_NAMES, "blend", "rerank")


def _factories() -> dict[str, Callable[..., BaseRecommender]]:
    from aiworks.recs.models.blend import BlendRecommender
    from aiworks.recs.models.rerank import RerankRecommender

    return {**member_factories(), "blend": BlendRecommender, "rerank": RerankRecommender}


def make_model(name: str, **params: Any) -> BaseRecommender:
    """Build an unfitted model; ``params`` override its (tuned) defaults."""
    factories = _factories()
    if name not in factories:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODEL_NAMES)}")
    return factories[name](**params)


__all__ = ["MODEL_NAMES", "BaseRecommender", "Recommender", "make_model"]
