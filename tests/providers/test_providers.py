import numpy as np
import pytest

from aiworks.providers.embedders import EMBEDDERS, HashEmbedder, load_embedder
from aiworks.providers.llms import LLMS, ScriptedLLM, load_llm
from aiworks.providers.registry import Registry, UnknownProvider, parse_spec
from aiworks.settings import Settings


def test_parse_spec_keeps_colons_in_the_argument():
    assert parse_spec("openai-compatible:llama3:8b").arg == "llama3:8b"
    assert parse_spec(" MiniLM ").kind == "minilm" and parse_spec("minilm").arg is None
    with pytest.raises(ValueError):
        parse_spec("")


def test_registry_resolves_and_rejects():
    reg: Registry[str] = Registry("thing")
    reg.register("echo")(lambda arg, settings: f"echo {arg}")
    assert reg.create("echo:hi") == "echo hi"
    with pytest.raises(UnknownProvider, match="known: echo"):
        reg.create("nope")
    assert {"minilm", "hash"} <= set(EMBEDDERS.kinds())
    assert {"extractive", "openai-compatible", "anthropic", "scripted"} <= set(LLMS.kinds())


def test_hash_embedder_is_deterministic_normalised_and_lexical():
    e = load_embedder(Settings(), "hash:128")
    assert isinstance(e, HashEmbedder) and e.dim == 128
    v = e.embed(["governing law of Delaware", "Delaware law of governing", "monthly rent", ""])
    assert v.dtype == np.float32 and v.shape == (4, 128)
    assert np.allclose(np.linalg.norm(v[:3], axis=1), 1.0) and not v[3].any()
    assert v[0] @ v[1] == pytest.approx(1.0, abs=1e-6)  # same words, any order
    assert v[0] @ v[2] < 0.5
    assert np.array_equal(HashEmbedder(128).embed(["x y"]), e.embed(["x y"]))


def test_scripted_llm_replays_and_records():
    llm = ScriptedLLM(["one", "two"])
    assert [llm.complete("s", "p1"), llm.complete("s", "p2"), llm.complete("s", "p3")] == ["one", "two", "two"]
    assert llm.prompts[0] == ("s", "p1")
    assert load_llm(Settings(), "scripted:hello").complete("s", "p") == "hello"
    assert load_llm(Settings()).generative is False


@pytest.mark.slow
def test_minilm_loads_offline_from_the_package():
    e = load_embedder(Settings(embedder="minilm"))
    v = e.embed(["What law governs the agreement?", "This NDA is governed by Delaware law.", "Rent is due monthly."])
    assert v.shape == (3, 384) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2]
    assert load_embedder(Settings(embedder="minilm")).model is e.model  # one model per process
