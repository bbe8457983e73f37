"""A workspace records the embedder that built it and never mixes or queries vectors of another one."""

import json

import pytest
from typer.testing import CliRunner

from aiworks.cli import app
from aiworks.rag.assistant import Assistant
from aiworks.rag.catalog import EmbedderMismatch


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("AIWORKS_LLM", "extractive")
    runner = CliRunner()

    def run(embedder, *args):
        monkeypatch.setenv("AIWORKS_EMBEDDER", embedder)
        return runner.invoke(app, ["--home", str(tmp_path / "home"), *args])

    return run


def test_other_embedder_is_refused_until_reindexed(cli, contracts, settings):
    assert cli("minilm-onnx:int8", "ingest", str(contracts[0].parent), "--json").exit_code == 0
    meta = Assistant(settings.model_copy(update={"embedder": "minilm-onnx:int8"})).catalog.meta()
    assert meta["embedder"] == "minilm-onnx:int8" and meta["dim"] == "384"

    refused = cli("minilm-onnx", "ask", "What law governs the NDA?")
    assert refused.exit_code == 2
    assert "built with embedder 'minilm-onnx:int8'" in refused.output and "reindex" in refused.output
    refused = cli("minilm-onnx", "ingest", str(contracts[0]))  # nor extended with other vectors
    assert refused.exit_code == 2
    assert cli("minilm-onnx", "docs", "list", "--json").exit_code == 0  # listing needs no vectors

    done = cli("hash", "reindex", "--embedder", "minilm-onnx")
    assert done.exit_code == 0, done.output
    assert "re-embedded 3 document(s) with minilm-onnx" in done.output
    answer = cli("minilm-onnx", "ask", "What law governs the NDA?", "--json")
    assert answer.exit_code == 0, answer.output
    assert json.loads(answer.stdout)["citations"]
    assert cli("minilm-onnx:int8", "ask", "What law governs the NDA?").exit_code == 2  # now the old one is refused


def test_interrupted_reindex_is_refused(contracts, settings):
    a = Assistant(settings)
    a.ingest(contracts)
    a.catalog.set_meta(state="reindexing", reindex_to="hash:256")
    with pytest.raises(EmbedderMismatch, match="interrupted re-embed"):
        Assistant(settings)


def test_empty_workspace_takes_any_embedder(settings):
    Assistant(settings.model_copy(update={"embedder": "minilm-onnx:int8"}))
    other = Assistant(settings.model_copy(update={"embedder": "minilm-onnx"}))
    assert other.catalog.meta()["embedder"] == "minilm-onnx"


def test_pytorch_model_may_query_an_onnx_fp32_workspace(settings, contracts):
    """The fp32 export shares the PyTorch model's vector space (checked at install): no re-embed needed."""
    from aiworks.rag.catalog import bind_embedder

    a = Assistant(settings.model_copy(update={"embedder": "minilm-onnx"}))
    a.ingest(contracts[:1])
    bind_embedder(a.catalog, "default", "minilm", "all-MiniLM-L6-v2", 384)  # the PyTorch embedder's record
    with pytest.raises(EmbedderMismatch):
        bind_embedder(a.catalog, "default", "minilm-onnx:int8", "all-MiniLM-L6-v2/int8", 384)
