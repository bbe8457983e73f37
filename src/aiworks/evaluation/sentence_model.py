"""Train, check and register the learned citation order (``rag/sentence_model.py``) on training data only.

Data: ``sentence_train.legalbench_rows`` with each LegalBench TRAINING question's best ``POOL`` candidates by
``score`` (``--pool``), labelled by character precision against the gold spans. PrivacyQA has no training
questions and MAUD's sample is small: the model learns ContractNLI's questions only, and its gate keeps it to
questions like them (``rag/sentence_model.py``).

Model: all-MiniLM-L6-v2 (the bundled weights) with a one-logit head on the pooled [CLS], read as a
cross-encoder over (question, context + sentence). On two shared CPU cores a full fine-tune does not fit,
so the bottom ``FROZEN`` layers stay as pre-trained and their outputs are computed once; the top layers and
the head learn with a listwise softmax loss over each question's candidates (``EPOCHS`` of a ``SCHEDULE``-epoch
linear decay). Validated on a document-disjoint split of the training questions (``--validate``): fitted on
60 % of the ContractNLI training documents, P@1 of the first eligible sentence on the other 40 % and on MAUD,
for each blend ``WEIGHTS``; the weight is chosen on held-out ContractNLI. The final model (every ContractNLI
training document) is exported to ONNX, quantised to int8 when that keeps its first choice, and registered.

    python -m aiworks.evaluation.sentence_model --benchmark ../shared/bench/legalbench-rag --home TRAIN_HOME \\
        [--register-home HOME (default: AIWORKS_HOME)] [--validate] [--out benchmarks/results/sentence_model.json]
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import numpy as np

from aiworks.evaluation.sentence_train import Row
from aiworks.rag.sentences import alone

POOL = 6  # candidates per question trained on (by ``score``: the eligible ones first)
KEPT = 24  # candidates per question kept from the data run (scoring reaches every eligible one up to this)
MAX_LENGTH = 128  # question + context + sentence, in word pieces
FROZEN, EPOCHS, SCHEDULE = 4, 3, 6
LR, HEAD_LR = 1e-4, 1e-3
WEIGHT = 0.1  # chosen on held-out training documents (--validate)
WEIGHTS = (0.01, 0.02, 0.05, 0.1, 0.3)


def passage(r: Row, i: int) -> str:
    return alone(r.extra["contexts"][i], r.extra["texts"][i])


def _mask(attention):
    import torch

    return (1.0 - attention[:, None, None, :].float()) * torch.finfo(torch.float32).min


class _Split:
    """A MiniLM sequence classifier as frozen bottom layers (run once per pair) + trainable top."""

    def __init__(self, threads: int = 2) -> None:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        from aiworks.providers.embedders import minilm_model_path

        torch.set_num_threads(threads)
        path = str(minilm_model_path())
        self.tok = AutoTokenizer.from_pretrained(path)
        self.model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=1)

    def bottom(self, question: str, passages: list[str]):
        import torch

        m = self.model
        b = self.tok(
            [question] * len(passages), passages, truncation="only_second", max_length=MAX_LENGTH,
            padding=True, return_tensors="pt",
        )  # fmt: skip
        with torch.no_grad():
            h = m.bert.embeddings(input_ids=b["input_ids"], token_type_ids=b["token_type_ids"])
            mask = _mask(b["attention_mask"])
            for layer in m.bert.encoder.layer[:FROZEN]:
                h = layer(h, attention_mask=mask)
        return h.half(), b["attention_mask"]

    def top(self, h, attention):
        m, mask, h = self.model, _mask(attention), h.float()
        for layer in m.bert.encoder.layer[FROZEN:]:
            h = layer(h, attention_mask=mask)
        return m.classifier(m.bert.pooler(h)).squeeze(-1)


def fit(rows: list[Row], epochs: int = EPOCHS, seed: int = 0, log=print) -> _Split:
    """Listwise fit on the rows whose pool holds differently labelled candidates."""
    import torch

    random.seed(seed)
    torch.manual_seed(seed)
    net = _Split()
    rows = [r for r in rows if len(set(r.extra["labels"][:POOL])) > 1]
    cached = [
        net.bottom(r.extra["question"], [passage(r, j) for j in range(min(POOL, len(r.extra["texts"])))]) for r in rows
    ]
    m = net.model
    body = [p for layer in m.bert.encoder.layer[FROZEN:] for p in layer.parameters()]
    head = list(m.bert.pooler.parameters()) + list(m.classifier.parameters())
    opt = torch.optim.AdamW([{"params": body, "lr": LR}, {"params": head, "lr": HEAD_LR}], weight_decay=0.01)
    steps = SCHEDULE * ((len(rows) + 3) // 4)
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 1 - s / steps))
    order, t0 = list(range(len(rows))), time.perf_counter()
    m.train()
    for epoch in range(epochs):
        random.shuffle(order)
        total = 0.0
        for i in range(0, len(order), 4):
            loss = torch.zeros(())
            for j in order[i : i + 4]:
                z = net.top(*cached[j])
                y = torch.tensor(rows[j].extra["labels"][: len(z)], dtype=torch.float32)
                loss = loss - (y / y.sum() * torch.log_softmax(z, 0)).sum()
            (loss / 4).backward()
            opt.step()
            sched.step()
            opt.zero_grad()
            total += float(loss.detach())
        log(f"epoch {epoch}: loss {total / max(1, len(rows)):.3f} ({time.perf_counter() - t0:.0f} s)")
    m.eval()
    return net


def scores(net: _Split, rows: list[Row]) -> list[np.ndarray]:
    """Per row: logits of its eligible candidates (at least ``POOL``)."""
    import torch

    out = []
    with torch.no_grad():
        for r in rows:
            n = min(len(r.extra["texts"]), max(POOL, r.extra["eligible"]))
            out.append(net.top(*net.bottom(r.extra["question"], [passage(r, j) for j in range(n)])).numpy())
    return out


def p1(rows: list[Row], xs: list[np.ndarray] | None, weight: float) -> dict[str, float]:
    """P@1 per dataset of the first eligible sentence by ``rank_score`` (shipped weights) + ``weight`` x the
    model's score standardised over the eligible ones (what ``rank`` does)."""
    from aiworks.rag.sentence_model import standardised
    from aiworks.rag.sentences import DENSE_SHARE, NEAR_WEIGHT

    per: dict[str, list[float]] = {}
    for i, r in enumerate(rows):
        s = DENSE_SHARE * r.own + (1 - DENSE_SHARE) * r.lexical + NEAR_WEIGHT * r.near
        labels = r.labels
        if xs is not None and weight and len(s) > 1:
            n = min(len(s), len(xs[i]))  # more eligible candidates than were kept: the first KEPT
            s, labels, x = s[:n], labels[:n], xs[i][:n]
            s = s + weight * standardised(x)
        per.setdefault(r.source, []).append(float(labels[int(np.argmax(s))]))
    return {k: round(float(np.mean(v)), 4) for k, v in per.items()}


def export_onnx(tok, model, int8: bool = True) -> tuple[bytes, str]:
    """(ONNX graph bytes, tokenizer.json text) of a sequence classifier; dynamic int8 when ``int8``."""
    from aiworks.providers.onnx_export import export_bert, quantise_int8

    with tempfile.TemporaryDirectory(prefix="xenc-") as tmp:
        fp32 = Path(tmp) / "model.onnx"
        export_bert(model, fp32, "logits", {0: "batch"})
        path = fp32
        if int8:
            path = Path(tmp) / "model.int8.onnx"
            quantise_int8(fp32, path)
        tok.save_pretrained(tmp)
        return path.read_bytes(), (Path(tmp) / "tokenizer.json").read_text()


def _logits(tok, model, question: str, passages: list[str]):
    batch = tok(
        [question] * len(passages), passages, truncation="only_second", max_length=MAX_LENGTH,
        padding=True, return_tensors="pt",
    )  # fmt: skip
    return model(**batch).logits.squeeze(-1)


def build_order(net: _Split, rows: list[Row], embedder, settings, weight: float = WEIGHT, log=print):
    """The registrable model: ONNX (int8 when it keeps the fp32 graph's first choice on >= 98 % of ``rows``),
    the tokenizer, the gate's training question vectors and what it was trained on."""
    from aiworks.rag.sentence_model import CrossEncoderOrder

    questions = sorted({r.extra["question"] for r in rows})
    qv = np.asarray(embedder.embed(questions), dtype=np.float32)
    qv /= np.maximum(np.linalg.norm(qv, axis=1, keepdims=True), 1e-12)
    pipeline = {
        "embedder": embedder.name,
        "chunk_words": settings.chunk_words,
        "overlap_words": settings.chunk_overlap_words,
        "max_length": MAX_LENGTH,
        "weight": weight,
        "min_match": 0.9,
        "questions": len(questions),
    }
    probe = [r for r in rows if r.extra["eligible"] > 1][:200]
    graphs = {}
    for int8 in (False, True):
        onnx, tokenizer = export_onnx(net.tok, net.model, int8)
        graphs[int8] = CrossEncoderOrder(onnx, tokenizer, MAX_LENGTH, weight, qv, 0.9, dict(pipeline))
    first = {k: [int(np.argmax(g.scores(r.extra["question"], [passage(r, j) for j in range(r.extra["eligible"])])))
                 for r in probe] for k, g in graphs.items()}  # fmt: skip
    agree = float(np.mean([a == b for a, b in zip(first[False], first[True])])) if probe else 1.0
    chosen = graphs[agree >= 0.98]
    chosen.pipeline_ |= {"int8": agree >= 0.98, "int8_first_choice_agreement": round(agree, 4)}
    log(f"int8 keeps the fp32 first choice on {agree:.1%} of {len(probe)} training questions")
    return chosen


def register_order(settings, model, metrics: dict) -> int:
    from aiworks.evaluation.service import EXPERIMENT
    from aiworks.lifecycle import registry, tracking
    from aiworks.rag.sentence_model import MODEL_NAME, remember

    params = {k: v for k, v in model.pipeline_.items()}
    with tracking.run(settings, EXPERIMENT, run_name="legal-sentence-order-fit", params=params) as run_id:
        tracking.log_metrics({k: v for k, v in metrics.items() if isinstance(v, float)})
        version = registry.register(settings, MODEL_NAME, model, run_id, metadata=params | {"metrics": metrics})
    remember(settings, version, {k: params[k] for k in ("embedder", "chunk_words", "overlap_words")}, model)
    return version


def validate(rows: list[Row], log=print) -> dict:
    """Fit on 60 % of the ContractNLI training documents; P@1 on the other 40 % and on MAUD per weight."""
    cn = sorted({r.group for r in rows if r.source == "contractnli"})
    docs = set(list(np.random.default_rng(0).permutation(cn))[: int(0.6 * len(cn))])
    train = [r for r in rows if r.source == "contractnli" and r.group in docs]
    test = [r for r in rows if not (r.source == "contractnli" and r.group in docs)]
    xs = scores(fit(train, log=log), test)
    out: dict = {"shipped": p1(test, None, 0.0)} | {str(w): p1(test, xs, w) for w in WEIGHTS}
    out["chosen"] = max(WEIGHTS, key=lambda w: out[str(w)].get("contractnli", 0.0))
    return out


def main() -> None:
    import argparse
    import json
    import os
    from datetime import UTC, datetime

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from aiworks.evaluation.sentence_train import legalbench_rows
    from aiworks.providers.cache import cached
    from aiworks.providers.embedders import load_embedder
    from aiworks.settings import Settings

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--benchmark", type=Path, default=Path("../shared/bench/legalbench-rag"))
    ap.add_argument("--home", type=Path, required=True, help="a home WITHOUT a registered expander (data)")
    ap.add_argument("--register-home", type=Path, default=None, help="where to register (default: the settings')")
    ap.add_argument("--validate", action="store_true", help="also the held-out split check (one more fit)")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/sentence_model.json"))
    args = ap.parse_args()
    t0 = time.perf_counter()
    rows = [r for r in legalbench_rows(Settings(home=args.home), args.benchmark, True, KEPT) if r.extra]
    report: dict = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "load_average": os.getloadavg()}
    weight = WEIGHT
    if args.validate:
        report["validation"] = validate(rows)
        weight = report["validation"]["chosen"]
    final = [r for r in rows if r.source == "contractnli"]
    settings = Settings(home=args.register_home) if args.register_home else Settings()
    embedder = cached(load_embedder(settings), settings.home / "cache" / "embeddings")
    model = build_order(fit(final), final, embedder, settings, weight)
    report |= {"pipeline": model.pipeline_, "train_questions": len(final)}
    report["version"] = register_order(settings, model, report.get("validation", {}).get(str(weight), {}))
    report["seconds"] = round(time.perf_counter() - t0, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
