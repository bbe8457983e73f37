"""all-MiniLM-L6-v2 on ONNX Runtime: the same vectors as the PyTorch ``minilm`` embedder without importing torch.

Why: importing sentence-transformers costs 8-10 s and ~300 MB before the first query; ONNX Runtime plus
``tokenizers`` load in a fraction of a second (numbers in BENCHMARKS.md). The graph (exported at install time
by ``aiworks.providers.onnx_export``) returns token embeddings; pooling happens here, so the sentence vectors
of late chunking come from the same forward pass as the chunk vector:

- tokenisation: the model's own ``tokenizer.json`` with truncation at 256 word pieces (the file says 128 and
  fixed padding to 128; sentence-transformers overrides both, so must we) and padding to the batch's longest;
- pooling: attention-masked mean over all tokens (CLS and SEP included, as ``1_Pooling`` does), then L2.

Variants: ``minilm-onnx`` (fp32: matches PyTorch to cosine 1 - 1e-7, so it shares the PyTorch model's vector
``space`` and existing workspaces stay valid) and ``minilm-onnx:int8`` (dynamic quantisation: different vectors,
and a text's vector depends on its batch neighbours, so it has a space of its own).
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

import numpy as np

from aiworks.providers.embedders import Spans, _normalise, embed_missing, pool_spans

MAX_TOKENS = 256
MODEL_NAME = "all-MiniLM-L6-v2"
SPACE = "all-MiniLM-L6-v2"  # vector-space identity shared by the PyTorch model and its fp32 export
VARIANTS = {"fp32": "model.onnx", "int8": "model.int8.onnx"}


class ModelNotExported(FileNotFoundError):
    pass


def models_dir() -> Path:
    """Where exported models live: ``$AIWORKS_MODELS_DIR`` or ``<venv prefix>/share/aiworks/models``."""
    env = os.environ.get("AIWORKS_MODELS_DIR")
    return Path(env) if env else Path(sys.prefix) / "share" / "aiworks" / "models"


def export_dir() -> Path:
    return models_dir() / MODEL_NAME


def model_file(variant: str = "fp32", directory: Path | None = None) -> Path:
    if variant not in VARIANTS:
        raise ValueError(f"unknown ONNX variant {variant!r}; known: {', '.join(VARIANTS)}")
    directory = directory or export_dir()
    path = directory / VARIANTS[variant]
    if not path.exists() or not (directory / "tokenizer.json").exists():
        raise ModelNotExported(
            f"the ONNX export of {MODEL_NAME} ({variant}) is missing at {path}; create it with "
            f"`python -m aiworks.providers.onnx_export` (`make install` runs it), or point AIWORKS_MODELS_DIR "
            f"at a folder that holds it"
        )
    return path


def load_tokenizer(path: Path):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.enable_truncation(MAX_TOKENS)
    tok.no_padding()  # batches are padded here, to their own longest text
    return tok


_LOCK = threading.Lock()
_SESSIONS: dict[tuple[str, int], tuple[object, object]] = {}


def _session(path: Path, threads: int):
    """One ONNX Runtime session (+ tokenizer) per model file and thread count, shared by the process.
    ``InferenceSession.run`` is thread-safe, so API threads need no lock around it."""
    key = (str(path), threads)
    with _LOCK:
        hit = _SESSIONS.get(key)
        if hit is None:
            import onnxruntime as ort

            opts = ort.SessionOptions()
            opts.intra_op_num_threads = threads
            opts.inter_op_num_threads = 1
            # no busy-waiting workers: on a shared 2-core box spinning threads cost more than they save
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
            hit = (sess, load_tokenizer(path.parent / "tokenizer.json"))
            _SESSIONS[key] = hit
        return hit


def default_threads() -> int:
    env = os.environ.get("AIWORKS_EMBED_THREADS")
    return int(env) if env else min(2, os.cpu_count() or 1)


class OnnxMiniLMEmbedder:
    """all-MiniLM-L6-v2 through ONNX Runtime (384-d, unit-norm rows, 256-token truncation)."""

    dim = 384
    max_tokens = MAX_TOKENS

    def __init__(
        self,
        variant: str = "fp32",
        batch_size: int | None = None,
        threads: int | None = None,
        directory: Path | None = None,
    ) -> None:
        self.variant = variant
        self.path = model_file(variant, directory)  # fail here, with the fix, rather than at the first query
        # int8 runs one text per call: dynamic quantisation scales activations per input tensor, so in a batch
        # a text's vector would depend on its neighbours (cosine ~.97-.99 alone vs batched), breaking
        # idempotent re-ingest and content-addressed caching. fp32 is batch-independent; 32 is its best size.
        self.batch_size = batch_size or (32 if variant == "fp32" else 1)
        self.threads = threads or default_threads()
        self.name = "minilm-onnx" if variant == "fp32" else f"minilm-onnx:{variant}"
        self.space = SPACE if variant == "fp32" else f"{SPACE}/{variant}"

    def _parts(self):
        return _session(self.path, self.threads)

    def _forward(self, encodings: list) -> np.ndarray:
        """Token embeddings (batch, longest, 384) of already-tokenised texts, padded to the batch's longest."""
        sess, _ = self._parts()
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        (tokens,) = sess.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})
        return tokens, mask

    def _batches(self, texts: list[str]):
        """(indices, encodings, token embeddings, mask) per batch of similar token lengths (less padding)."""
        _, tok = self._parts()
        encodings = tok.encode_batch(texts, add_special_tokens=True)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for b in range(0, len(order), self.batch_size):
            idx = order[b : b + self.batch_size]
            batch = [encodings[i] for i in idx]
            tokens, mask = self._forward(batch)
            yield idx, batch, tokens, mask

    @staticmethod
    def _mean(tokens: np.ndarray, mask: np.ndarray) -> np.ndarray:
        m = mask[:, :, None].astype(np.float32)
        return (tokens * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if texts:
            for idx, _, tokens, mask in self._batches(texts):
                out[idx] = self._mean(tokens, mask)
        return _normalise(out)

    def embed_with_spans(self, texts: list[str], spans: list[Spans]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Chunk vectors plus one vector per character span (late chunking: the mean of the span's token
        embeddings in the chunk's forward pass). Spans past the truncation are embedded on their own."""
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        span_vectors = [np.zeros((len(sp), self.dim), dtype=np.float32) for sp in spans]
        missing: list[tuple[int, int]] = []
        if texts:
            for idx, batch, tokens, mask in self._batches(texts):
                vectors[idx] = self._mean(tokens, mask)
                for row, i in enumerate(idx):
                    offs = np.asarray(batch[row].offsets, dtype=np.int64).reshape(-1, 2)
                    pool_spans(tokens[row], offs, spans[i], span_vectors[i], i, missing)
        embed_missing(self, texts, spans, span_vectors, missing)
        return _normalise(vectors), [_normalise(v) if len(v) else v for v in span_vectors]


def manifest() -> dict:
    """What the export recorded (source, checks, int8 drift); {} when there is no export."""
    path = export_dir() / "manifest.json"
    return json.loads(path.read_text()) if path.exists() else {}
