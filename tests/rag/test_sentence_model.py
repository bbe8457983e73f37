"""The learned citation order (rag/sentence_model.py): it re-orders only when registered and matching."""

from __future__ import annotations

import json

import numpy as np
import pytest

from aiworks.rag import sentence_model
from aiworks.rag.assistant import Assistant
from aiworks.rag.sentences import choose


class Prefers:
    """A stand-in model: a large adjustment for candidates whose text holds ``word``."""

    def __init__(self, word: str) -> None:
        self.word = word
        self.calls = 0

    def adjust(self, question: str, passages: list[str]) -> np.ndarray:
        self.calls += 1
        return np.array([10.0 if self.word in p else 0.0 for p in passages])


@pytest.fixture
def assistant(settings, contracts):
    a = Assistant(settings, "ws")
    a.ingest(contracts)
    return a


def _eligible(assistant, question):
    r = assistant.search(question)
    d = assistant.answerer.diagnose(question, r.hits, r.query_vector)
    cands = d["candidates"]
    a = assistant.answerer
    picked = choose(question, cands, float("-inf"), a.margin, 10, a.embedder, r.query_vector)
    return r, picked


def test_a_learned_order_changes_which_sentence_comes_first(assistant):
    question = "What is the notice period for termination?"
    r, today = _eligible(assistant, question)
    assert len(today) >= 2
    last = today[-1].text.split()[-1]  # a word of today's LAST eligible sentence
    a = assistant.answerer
    learned = Prefers(last)
    again = choose(question, today, float("-inf"), a.margin, 10, a.embedder, r.query_vector, learned=learned)
    assert learned.calls == 1 and last in again[0].text and again[0].text != today[0].text
    scores = {(c.start, c.end): c.score for c in today}
    assert all(scores[(c.start, c.end)] == c.score for c in again)  # ``score`` (abstention) untouched


def test_without_a_registered_model_nothing_is_loaded_and_the_order_is_todays(assistant, settings):
    assert sentence_model.load_order(settings, assistant.embedder, 120, 20) is None
    assert assistant.answerer.learned_order is None


def test_a_model_trained_on_other_candidates_is_refused_with_a_warning(settings, contracts):
    path = sentence_model.marker_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    other = {"uri": "models:/legal-sentence-order/1", "embedder": "minilm-somewhere-else"}
    path.write_text(json.dumps(other | {"chunk_words": settings.chunk_words, "overlap_words": 20}))
    a = Assistant(settings, "ws")
    assert a.answerer.learned_order is None
    assert any("sentence model ignored" in w for w in a.warnings)
    with pytest.raises(sentence_model.OrderMismatch):
        sentence_model.load_order(settings, a.embedder, settings.chunk_words + 1, 20)


def test_a_matching_registration_is_wired_but_not_loaded_until_used(settings, contracts):
    a = Assistant(settings, "ws")
    pipeline = {"embedder": a.embedder.name, "chunk_words": settings.chunk_words}
    sentence_model.remember(settings, 1, pipeline | {"overlap_words": settings.chunk_overlap_words})
    b = Assistant(settings, "ws")
    order = b.answerer.learned_order
    assert isinstance(order, sentence_model.RegisteredOrder) and order._model is None


@pytest.mark.slow
def test_an_onnx_cross_encoder_scores_pairs_like_its_torch_model():
    """A tiny randomly initialised BERT, exported the way training exports: ONNX logits match PyTorch's; it
    speaks only for a question near a training question, and pickles without its session."""
    import pickle

    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from aiworks.evaluation.sentence_model import _logits, export_onnx
    from aiworks.providers.embedders import minilm_model_path

    torch.manual_seed(0)
    tok = AutoTokenizer.from_pretrained(str(minilm_model_path()))
    cfg = BertConfig(
        vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64
    )
    model = BertForSequenceClassification(cfg).eval()
    model.config.num_labels = 1
    model.classifier = torch.nn.Linear(32, 1)
    onnx, tokenizer = export_onnx(tok, model, int8=False)
    known = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)  # the training questions' (unit) vectors
    order = sentence_model.CrossEncoderOrder(onnx, tokenizer, 128, 1.0, known, 0.9, {})
    q = "What is the notice period?"
    ps = ["Either party may terminate on thirty days' notice.", "Fees are payable monthly.", "x " * 300]
    with torch.no_grad():
        want = _logits(tok, model, q, ps).numpy()
    np.testing.assert_allclose(order.scores(q, ps), want, atol=1e-4)
    again = pickle.loads(pickle.dumps(order))
    assert "_session" not in again.__dict__
    near, far = np.array([0.95, 0.31], np.float32), np.array([0.6, 0.8], np.float32)
    moved = again.adjust(q, ps, near)
    assert np.abs(moved).max() > 0.5 and abs(float(moved.mean())) < 1e-4
    assert not again.adjust(q, ps, far).any()  # an unknown question: today's order


def test_a_question_unlike_the_training_questions_never_loads_the_model(settings, contracts):
    a = Assistant(settings, "ws")
    far = -np.asarray(a.embedder.embed(["What is the notice period for termination?"])[0], dtype=np.float32)
    gate = sentence_model.CrossEncoderOrder(b"", "", 128, 1.0, far[None, :], 0.9, {})
    marker = {"embedder": a.embedder.name, "chunk_words": settings.chunk_words}
    sentence_model.remember(settings, 1, marker | {"overlap_words": settings.chunk_overlap_words}, gate)
    order = Assistant(settings, "ws").answerer.learned_order
    assert isinstance(order, sentence_model.RegisteredOrder) and order.gate is not None
    got = order.adjust("What is the notice period for termination?", ["a", "b"])
    assert not got.any() and order._model is None  # no registry, no MLflow: today's order
