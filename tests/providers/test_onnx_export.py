"""The install-time export: the manifest records a passed fp32 check, and a missing export explains itself."""

import json

import pytest

from aiworks.providers import onnx_embedder as ox
from aiworks.providers.embedders import load_embedder
from aiworks.settings import Settings


def test_installed_export_passed_its_check():
    info = ox.manifest()
    assert info, f"no ONNX export at {ox.export_dir()}: run `python -m aiworks.providers.onnx_export`"
    check = info["fp32_check"]
    assert check["passed"] and check["chunk_cos_min"] >= 0.9999 and check["sentence_cos_min"] >= 0.9999
    assert info["max_tokens"] == 256 and info["probes"] >= 8
    assert json.loads((ox.export_dir() / "tokenizer.json").read_text())["model"]["type"] == "WordPiece"


def test_missing_export_says_how_to_create_it(tmp_path, monkeypatch):
    monkeypatch.setenv("AIWORKS_MODELS_DIR", str(tmp_path))
    with pytest.raises(ox.ModelNotExported, match="python -m aiworks.providers.onnx_export"):
        load_embedder(Settings(), "minilm-onnx")
    with pytest.raises(ValueError, match="unknown ONNX variant"):
        ox.model_file("fp16")


def test_truncates_at_256_tokens_not_the_shipped_128():
    tok = ox.load_tokenizer(ox.export_dir() / "tokenizer.json")
    enc = tok.encode_batch(["word " * 600, "short"])
    assert [len(e.ids) for e in enc] == [256, 3]  # truncated at 256; no fixed padding


@pytest.mark.slow
def test_export_check_fails_loudly_on_a_wrong_graph(tmp_path, monkeypatch):
    """A graph that does not match PyTorch must fail the export and leave nothing installed."""
    from aiworks.providers import onnx_export

    monkeypatch.setenv("AIWORKS_MODELS_DIR", str(tmp_path))
    real = onnx_export._export_fp32

    def broken(src, dest):  # the real export, then one weight perturbed
        import numpy as np
        import onnx
        from onnx import numpy_helper

        real(src, dest)
        model = onnx.load(str(dest))
        init = max(model.graph.initializer, key=lambda t: np.prod(t.dims))
        arr = numpy_helper.to_array(init).copy()
        arr *= 1.5
        init.CopyFrom(numpy_helper.from_array(arr, init.name))
        onnx.save(model, str(dest))

    monkeypatch.setattr(onnx_export, "_export_fp32", broken)
    with pytest.raises(SystemExit, match="ONNX export check FAILED"):
        onnx_export.export(force=True, int8=False)
    assert not (tmp_path / ox.MODEL_NAME).exists()
