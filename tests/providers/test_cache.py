"""The content-addressed embedding cache: misses embedded once, hits bit-identical, keyed by embedder name."""

from __future__ import annotations

import numpy as np

from aiworks.providers.cache import cached
from aiworks.providers.embedders import HashEmbedder, embed_with_spans


class Counting(HashEmbedder):
    """A hash embedder with native span vectors (like MiniLM's late chunking), counting what it embeds."""

    def __init__(self, dim: int = 64) -> None:
        super().__init__(dim)
        self.seen: list[str] = []

    def embed(self, texts):
        self.seen += list(texts)
        return super().embed(texts)

    def embed_with_spans(self, texts, spans):
        self.seen += list(texts)
        return embed_with_spans(HashEmbedder(self.dim), texts, spans)


def test_texts_and_span_vectors_are_embedded_once(tmp_path):
    texts = [
        "The fee is ten dollars. It is due monthly.",
        "Either party may terminate.",
        "The fee is ten dollars. It is due monthly.",
    ]
    spans = [[(0, 23), (24, 42)], [(0, 27)], [(0, 23), (24, 42)]]
    inner = Counting()
    first = cached(inner, tmp_path)
    v1, s1 = embed_with_spans(first, texts, spans)
    plain, plain_spans = embed_with_spans(HashEmbedder(64), texts, spans)
    assert np.allclose(v1, plain) and all(np.allclose(a, b) for a, b in zip(s1, plain_spans, strict=True))
    assert first.misses == 2 and first.hits == 1  # the repeated text was embedded once

    inner2 = Counting()
    again = cached(inner2, tmp_path)  # a new process/run: everything comes from disk
    v2, s2 = embed_with_spans(again, texts, spans)
    assert inner2.seen == [] and again.hits == 3
    assert np.array_equal(v1, v2) and all(np.array_equal(a, b) for a, b in zip(s1, s2, strict=True))
    assert np.array_equal(again.embed(["Either party may terminate."]), first.embed(["Either party may terminate."]))

    # other spans of the same text are another key (the sentence vectors differ)
    misses = again.misses
    _, s3 = embed_with_spans(again, [texts[0]], [[(0, 42)]])
    assert again.misses == misses + 1 and s3[0].shape == (1, 64)


def test_without_native_spans_ingestion_takes_the_same_path_as_uncached(tmp_path):
    plain = cached(HashEmbedder(64), tmp_path)
    assert not hasattr(plain, "embed_with_spans") and hasattr(cached(Counting(), tmp_path), "embed_with_spans")


def test_one_cache_file_per_embedder_name(tmp_path):
    a, b = cached(HashEmbedder(64), tmp_path), cached(HashEmbedder(32), tmp_path)
    a.embed(["x"]), b.embed(["x"])
    assert a.cache.path != b.cache.path and len(a.cache) == len(b.cache) == 1
    assert b.embed(["x"]).shape == (1, 32)
