"""Second-stage re-ranking of retrieved hits behind a ``Ranker`` protocol.

``load_ranker`` is the one hook the assistant calls. It returns the learned second stage registered last
(``legal-ranker``: ``rag/ltr.py``, ``aiworks eval train-ranker``; or ``legal-exemplars``: ``rag/exemplars.py``,
``aiworks eval train-exemplars``, which also adds a retrieval list) only when one was registered, which
registration remembers in ``<home>/ranker.json``: with no such file nothing imports MLflow (its start-up
costs seconds on a cold ask). A registered ranker whose chunking differs from the workspace's is refused
(its features - length, position, neighbours - mean something else on other chunks): the assistant keeps
the retriever's order and says why in every answer's warnings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from aiworks.rag.types import Hit
from aiworks.settings import Settings

MARKER = "ranker.json"


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


@dataclass(frozen=True)
class Registration:
    uri: str
    chunk_words: int
    overlap_words: int


def marker_path(settings: Settings) -> Path:
    return Path(settings.home) / MARKER


def remember(settings: Settings, name: str, version: int, chunk_words: int, overlap_words: int) -> None:
    """Called by registration: where the ranker is and what chunking it was trained on."""
    path = marker_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(
        json.dumps(
            {"uri": f"models:/{name}/{version}", "chunk_words": chunk_words, "overlap_words": overlap_words}, indent=2
        )
    )
    tmp.replace(path)


def registration(settings: Settings) -> Registration | None:
    path = marker_path(settings)
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return Registration(str(data["uri"]), int(data["chunk_words"]), int(data["overlap_words"]))


class RankerMismatch(ValueError):
    """The registered ranker was trained on another chunking than the workspace uses."""


def load_ranker(
    settings: Settings, chunk_words: int | None = None, overlap_words: int | None = None, embedder: str | None = None
) -> Ranker:
    """The registered learned ranker, or an honest pass-through. Raises ``RankerMismatch`` when the
    registered ranker's chunking (from the marker and, authoritatively, the model itself) differs from
    ``chunk_words``/``overlap_words`` (default: the settings'), or when a model built in an embedder's vector
    space (the exemplar expander) meets another ``embedder``."""
    reg = registration(settings)
    if reg is None:
        return PassThroughRanker()
    want = (
        settings.chunk_words if chunk_words is None else chunk_words,
        settings.chunk_overlap_words if overlap_words is None else overlap_words,
    )
    if (reg.chunk_words, reg.overlap_words) != want:
        raise RankerMismatch(_mismatch(reg.chunk_words, reg.overlap_words, *want))
    from aiworks.rag.ltr import load_registered

    model = load_registered(settings, reg.uri)
    if model is None:
        return PassThroughRanker()
    got = getattr(model, "pipeline_", {})
    have = (got.get("chunk_words"), got.get("overlap_words"))
    if have != want:
        raise RankerMismatch(_mismatch(have[0], have[1], *want))
    space = got.get("embedder")
    if space is not None and embedder is not None and space != embedder:
        raise RankerMismatch(
            f"registered ranker ignored: it was built with the embedder {space!r} but this workspace embeds with "
            f"{embedder!r}; retrain it on this embedder"
        )
    return model


def _mismatch(cw, ow, want_cw, want_ow) -> str:
    return (
        f"registered ranker ignored: it was trained on {cw}-word chunks (overlap {ow}) but this workspace "
        f"chunks at {want_cw} (overlap {want_ow}); retrain it with `aiworks eval train-ranker` on this chunking"
    )
