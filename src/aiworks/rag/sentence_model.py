"""A learned citation order: a cross-encoder that reads the question and one candidate sentence together.

``rag/sentences.py`` ``rank`` orders the sentences the answerer may cite (and the closest passages of an
abstention) by ``rank_score``: own-sentence similarity, lexical overlap and near-root matches, each computed
for the question and the sentence apart. A cross-encoder attends across both at once. The engine trains one
(``evaluation/sentence_model.py``, ``make train-sentence-model``) from the all-MiniLM-L6-v2 weights on
LegalBench TRAINING questions (document-disjoint from mini) and registers it; at ask time it only re-orders:
``rank_score`` plus ``weight`` times the cross-encoder's score standardised over the candidates (``weight``
chosen on held-out training documents). WHETHER to answer is never its business (``Candidate.score``,
rag/abstain.py).

It learns the question types it was trained on and nothing else: trained on ContractNLI's questions it
raises P@1 on held-out ContractNLI documents but lowers it on MAUD's (a type it never saw; notes in
evaluation/sentence_model.py). So, like the exemplar expander, it only speaks for a question that is a
near-duplicate of a training question (cosine >= ``min_match`` to the nearest one, in the embedder's space);
any other question (a user's own, PrivacyQA's, MAUD's) keeps today's order.

Registration leaves ``<home>/sentence_model.json`` (model URI, embedder, chunking) and a copy of the gate's training
question vectors beside it; without it nothing here is loaded and the order is today's, and a question the gate
turns away (so far every user question) costs one question embedding and never loads the model. The model runs on
ONNX Runtime (its graph, int8 only when int8 keeps the fp32 first choice on training questions, and the tokenizer
travel inside the registered object), loaded on the first question that has two or more sentences to order. A model
trained on another embedder's or chunking's candidates is refused (the assistant says why in its warnings).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from aiworks.settings import Settings

if TYPE_CHECKING:
    from aiworks.providers.embedders import Embedder

MODEL_NAME = "legal-sentence-order"
MARKER = "sentence_model.json"
GATE = "sentence_model.gate.npy"  # beside the marker: the training question vectors (read on first use)


class OrderMismatch(ValueError):
    """The registered sentence model was trained on another embedder's or chunking's candidates."""


@dataclass
class CrossEncoderOrder:
    """(question, context + sentence) → relevance logit; ``pipeline_`` says what it was trained on."""

    onnx: bytes  # the graph (input_ids, attention_mask, token_type_ids → logits)
    tokenizer: str  # tokenizer.json text
    max_length: int
    weight: float  # its standardised score's share added to ``rank_score``
    questions: np.ndarray  # (n, dim) unit embeddings of the distinct training questions (the gate)
    min_match: float = 0.9
    pipeline_: dict = field(default_factory=dict)  # embedder, chunk_words, overlap_words, max_length, weight

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}  # never the session

    def _runtime(self) -> tuple[Any, Any]:
        if "_session" not in self.__dict__:
            import onnxruntime as ort
            from tokenizers import Tokenizer

            tok = Tokenizer.from_str(self.tokenizer)
            tok.enable_truncation(self.max_length, strategy="only_second")
            tok.enable_padding()
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = 2
            self._session = ort.InferenceSession(self.onnx, opts, providers=["CPUExecutionProvider"])
            self._tok = tok
        return self._session, self._tok

    def scores(self, question: str, passages: list[str]) -> np.ndarray:
        session, tok = self._runtime()
        enc = tok.encode_batch([(question, p) for p in passages])
        feed = {
            "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
        }
        return np.asarray(session.run(None, feed)[0], dtype=np.float32).reshape(-1)

    def knows(self, question_vector: np.ndarray) -> bool:
        """Is the question a near-duplicate of a training question (the only ones it speaks for)?"""
        sims = self.questions @ np.asarray(question_vector, dtype=np.float32)
        return bool(len(sims)) and float(sims.max()) >= self.min_match

    def adjust(self, question: str, passages: list[str], question_vector: np.ndarray) -> np.ndarray:
        """What ``rank`` adds to each candidate's ``rank_score``: ``weight`` x the standardised score; zeros for
        a question it does not know."""
        if not self.knows(question_vector):
            return np.zeros(len(passages), dtype=np.float32)
        return self.weight * standardised(self.scores(question, passages))


def standardised(x: np.ndarray) -> np.ndarray:
    """``x`` minus its mean over one question's candidates, over their spread (a flat ``x``: zeros)."""
    sd = float(x.std())
    return (x - x.mean()) / (sd if sd > 0 else 1.0)


def marker_path(settings: Settings) -> Path:
    return Path(settings.home) / MARKER


def remember(settings: Settings, version: int, pipeline: dict, gate: CrossEncoderOrder | None = None) -> None:
    """Called by registration: where the model is, what it was trained on and (``gate``) its training question
    vectors, so that a question unlike them never loads the model."""
    path = marker_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"uri": f"models:/{MODEL_NAME}/{version}"} | pipeline
    if gate is not None:
        np.save(path.parent / GATE, np.asarray(gate.questions, dtype=np.float32))
        data["gate_min_match"] = gate.min_match
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    tmp.replace(path)


def _check(got: dict, embedder: str, chunk_words: int, overlap_words: int) -> None:
    have = (got.get("embedder"), got.get("chunk_words"), got.get("overlap_words"))
    if have != (embedder, chunk_words, overlap_words):
        raise OrderMismatch(
            f"registered sentence model ignored: it was trained on candidates of {have[0]!r} with {have[1]}-word "
            f"chunks (overlap {have[2]}) but this workspace uses {embedder!r} at {chunk_words} (overlap "
            f"{overlap_words}); retrain it with `make train-sentence-model`"
        )


class RegisteredOrder:
    """The registered model, loaded from the registry (MLflow) on first use; the question is embedded with
    the workspace's embedder for the gate."""

    def __init__(
        self,
        settings: Settings,
        uri: str,
        embedder: Embedder,
        chunk_words: int,
        overlap_words: int,
        gate: float | None = None,
    ) -> None:
        self.settings, self.uri, self.embedder = settings, uri, embedder
        self.want = (embedder.name, chunk_words, overlap_words)
        self.gate = gate  # the model's min_match when the marker has a copy of its gate (``GATE``)
        self._known: np.ndarray | None = None
        self._model: CrossEncoderOrder | None = None
        self._lock = threading.Lock()

    def model(self) -> CrossEncoderOrder:
        with self._lock:
            if self._model is None:
                from aiworks.lifecycle.registry import load

                model = load(self.settings, self.uri)
                _check(getattr(model, "pipeline_", {}), *self.want)  # authoritative: the model's own record
                self._model = model
            return self._model

    def adjust(self, question: str, passages: list[str]) -> np.ndarray:
        qv = np.asarray(self.embedder.embed([question])[0], dtype=np.float32)
        if self.gate is not None:  # unlike every training question: today's order, and the model stays unloaded
            if self._known is None:
                self._known = np.load(marker_path(self.settings).parent / GATE)
            if not len(self._known) or float((self._known @ qv).max()) < self.gate:
                return np.zeros(len(passages), dtype=np.float32)
        return self.model().adjust(question, passages, qv)


def load_order(settings: Settings, embedder: Embedder, chunk_words: int, overlap_words: int) -> RegisteredOrder | None:
    """The registered order, or None when none was registered. Raises ``OrderMismatch`` when the marker
    says it was trained on another embedder or chunking."""
    path = marker_path(settings)
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    _check(data, embedder.name, chunk_words, overlap_words)
    gate = data.get("gate_min_match") if (path.parent / GATE).is_file() else None
    return RegisteredOrder(settings, str(data["uri"]), embedder, chunk_words, overlap_words, gate)
