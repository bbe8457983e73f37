"""Every registered embedder through one contract: shape, dtype, unit norm, determinism (alone vs in a batch,
any order), similar texts closer than unrelated ones, and span vectors (late chunking) close to the span's
own embedding. The ONNX exports are checked against PyTorch (the install-time check, re-run here)."""

import numpy as np
import pytest

from aiworks.providers.embedders import (
    EMBEDDERS,
    embed_with_spans,
    embedder_space,
    load_embedder,
)
from aiworks.settings import Settings

TEXTS = [
    "Either party may terminate this Agreement upon thirty (30) days' written notice.",
    "This Agreement may be ended by either party with 30 days notice in writing.",
    "The monthly rent is payable on the first business day of each month.",
    "Tier: Enterprise | Annual fee (USD): 48,000",
    "Confidential Information shall be returned or destroyed on request. " * 40,  # past 256 tokens
]
SPECS = ["hash", pytest.param("minilm", marks=pytest.mark.slow), "minilm-onnx", "minilm-onnx:int8"]


@pytest.fixture(scope="module", params=SPECS)
def embedder(request):
    return load_embedder(Settings(), request.param)


def test_registered_beside_each_other():
    assert {"minilm", "minilm-onnx", "hash"} <= set(EMBEDDERS.kinds())


def test_shape_dtype_unit_norm(embedder):
    v = embedder.embed(TEXTS)
    assert v.shape == (len(TEXTS), embedder.dim) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert embedder.embed([]).shape == (0, embedder.dim)
    assert isinstance(embedder.name, str) and embedder_space(embedder)


def test_deterministic_alone_in_batch_and_any_order(embedder):
    batch = embedder.embed(TEXTS)
    alone = np.stack([embedder.embed([t])[0] for t in TEXTS])
    reversed_ = embedder.embed(TEXTS[::-1])[::-1]
    assert np.allclose(batch, alone, atol=1e-5) and np.allclose(batch, reversed_, atol=1e-5)
    if embedder.name != "minilm":  # PyTorch's padded batches differ in the last float bits (~1e-7)
        # bit-for-bit: re-ingesting a file, or a content-addressed cache, sees the same vector for a text
        assert np.array_equal(batch, alone) and np.array_equal(batch, reversed_)


def test_paraphrase_closer_than_unrelated(embedder):
    if embedder.name.startswith("hash"):
        pytest.skip("lexical hashing knows no paraphrases")
    v = embedder.embed(TEXTS[:3])
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_span_vectors_from_the_same_pass(embedder):
    text = TEXTS[0] + " " + TEXTS[2]
    spans = [[(0, len(TEXTS[0])), (len(TEXTS[0]) + 1, len(text))]]
    vecs, span_vecs = embed_with_spans(embedder, [text], spans)
    assert np.allclose(vecs, embedder.embed([text]), atol=1e-6)
    assert span_vecs[0].shape == (2, embedder.dim)
    assert np.allclose(np.linalg.norm(span_vecs[0], axis=1), 1.0, atol=1e-5)
    own = embedder.embed([TEXTS[0], TEXTS[2]])
    sims = span_vecs[0] @ own.T
    assert sims[0, 0] > sims[0, 1] and sims[1, 1] > sims[1, 0]  # each span is nearest its own sentence
    # a span beyond the 256-token truncation still gets a (separately embedded) vector
    long = TEXTS[4]
    _, tail = embed_with_spans(embedder, [long], [[(len(long) - 60, len(long))]])
    assert np.allclose(np.linalg.norm(tail[0], axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_onnx_fp32_matches_pytorch_and_shares_its_space():
    torch_e, onnx_e = load_embedder(Settings(), "minilm"), load_embedder(Settings(), "minilm-onnx")
    cos = (torch_e.embed(TEXTS) * onnx_e.embed(TEXTS)).sum(axis=1)
    assert cos.min() >= 0.9999
    assert embedder_space(torch_e) == embedder_space(onnx_e)
    assert embedder_space(load_embedder(Settings(), "minilm-onnx:int8")) != embedder_space(onnx_e)
