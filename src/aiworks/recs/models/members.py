"""Single-model families by name: what a blend or a two-stage re-ranker is built from.

The composite families (blend, rerank) import this module, never the package that also lists them, so the
model registry has no import cycle.
"""

from __future__ import annotations

from typing import Any, Callable

from aiworks.recs.models.base import BaseRecommender

MEMBER_NAMES = ("pop", "itemknn", "ease", "als", "bpr", "sasrec", "multvae", "timepop")


def member_factories() -> dict[str, Callable[..., BaseRecommender]]:
    # imported on demand: `aiworks --help` and the API start without loading every family
    from aiworks.recs.models.classic import EASERecommender, ItemKNNRecommender, PopularityRecommender
    from aiworks.recs.models.factor import ALSRecommender, BPRRecommender
    from aiworks.recs.models.sasrec import SASRecRecommender
    from aiworks.recs.models.timepop import TimePopularityRecommender
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
    }


def make_member(name: str, **params: Any) -> BaseRecommender:
    """Build an unfitted single-model family; ``params`` override its (tuned) defaults."""
    factories = member_factories()
    if name not in factories:
        raise ValueError(f"unknown member model {name!r}; choose one of {', '.join(MEMBER_NAMES)}")
    return factories[name](**params)
