"""Model families by name. Heavy libraries (implicit, torch) are imported only when a model is fitted."""

from __future__ import annotations

from typing import Any, Callable

from aiworks.recs.models.base import BaseRecommender, Recommender

MODEL_NAMES = ("pop", "itemknn", "ease", "als", "bpr", "sasrec", "multvae", "timepop", "blend", "rerank")


def _factories() -> dict[str, Callable[..., BaseRecommender]]:
    from aiworks.recs.models.blend import BlendRecommender, TimePopularityRecommender
    from aiworks.recs.models.classic import EASERecommender, ItemKNNRecommender, PopularityRecommender
    from aiworks.recs.models.factor import ALSRecommender, BPRRecommender
    from aiworks.recs.models.rerank import RerankRecommender
    from aiworks.recs.models.sasrec import SASRecRecommender
    from aiworks.recs.models.vae import MultVAERecommender

    return {
        "pop": PopularityRecommender,
        "itemknn": ItemKNNRecommender,
        "ease": EASERecommender,
        "als": ALSRecommender,
        "bpr": BPRRecommender,
        "sasrec": SASRecRecommender,
        "multvae": MultVAERecommender,
        "timepop": TimePopularityRecommender,
        "blend": BlendRecommender,
        "rerank": RerankRecommender,
    }


def make_model(name: str, **params: Any) -> BaseRecommender:
    """Build an unfitted model; ``params`` override its (tuned) defaults."""
    factories = _factories()
    if name not in factories:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODEL_NAMES)}")
    return factories[name](**params)


__all__ = ["MODEL_NAMES", "BaseRecommender", "Recommender", "make_model"]
