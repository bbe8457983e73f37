"""Fit and check the citation order (rag/sentences.py: ``DENSE_SHARE``, ``NEAR_WEIGHT``) on training data only.

Data: LegalBench-RAG TRAINING questions (document-disjoint from mini; ContractNLI + MAUD, PrivacyQA has none),
answered through the product path (``Assistant.search`` → masking → the extractive answerer's candidates) in a
``legalbench-train`` workspace, and the generated contract training sets (seeds 1-3; seed 0 is the reported set).
Per question: the candidates the answerer may cite (``score`` within its margin of the best, the product rule)
and each one's label (character precision against the gold spans; for contracts, whether it holds the gold text).

Measured: cited P@1 of the first sentence (on every training question, as if answered, and on those the answerer
does answer), and for contracts whether one of the top-2 holds the gold (what bench_qa scores). The weights are
picked on a grid, and checked with document-grouped 5-fold cross-validation (weights chosen on 4 folds, scored on
the 5th). Use a home WITHOUT a registered exemplar expander (it was trained on these questions).

    python -m aiworks.evaluation.sentence_train --benchmark ../shared/bench/legalbench-rag [--home DIR]
        [--out benchmarks/results/sentence_scorer.json]

``legalbench_rows(..., top=N)`` also keeps each row's best N candidates by ``score`` with their text: the data the
learned citation order trains on (evaluation/sentence_model.py).
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from aiworks.evaluation.dataset import Span, training_queries
from aiworks.evaluation.metrics import precision_recall
from aiworks.rag import sentences
from aiworks.rag.injection import mask_hits
from aiworks.settings import Settings

GRID = {"dense_share": (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 1.0), "near_weight": (0.0, 0.1, 0.2, 0.3)}
CONTRACT_SEEDS = (1, 2, 3)


@dataclass
class Row:
    source: str  # "contractnli" | "maud" | "contracts"
    group: str  # the document (cross-validation folds never split one)
    answered: bool
    labels: np.ndarray  # per eligible candidate, in ``score`` order
    lexical: np.ndarray
    own: np.ndarray  # own-sentence similarity
    near: np.ndarray
    extra: dict = field(default_factory=dict)


def _row(answerer, asked: str, hits, vec, label, source: str, group: str, top: int = 0) -> Row | None:
    d = answerer.diagnose(asked, hits, vec)
    cands = d["candidates"]
    if not cands:
        return None
    answered = not answerer.answer(asked, hits, vec).abstained
    elig = sentences.eligible(cands, answerer.threshold, answerer.margin) or cands[:1]
    qvec = vec if vec is not None else answerer.embedder.embed([asked])[0]
    row = Row(
        source,
        group,
        answered,
        np.array([label(c) for c in elig], dtype=float),
        np.array([c.lexical for c in elig]),
        sentences.own_similarity(answerer.embedder, elig, qvec),
        sentences.near_matches(asked, elig, d["naming"]),
    )
    if top:  # the wider pool a learned order would train on (evaluation/sentence_model.py): the best ``top`` by score
        pool = cands[:top]
        row.extra = {
            "question": asked,
            "texts": [c.text for c in pool],
            "contexts": [c.context for c in pool],
            "labels": [label(c) for c in pool],
            "scores": [c.score for c in pool],
            "lexical": [c.lexical for c in pool],
            "own": sentences.own_similarity(answerer.embedder, pool, qvec).tolist(),
            "near": sentences.near_matches(asked, pool, d["naming"]).tolist(),
            "eligible": len(elig),  # ``score`` order: the eligible sentences are the pool's first ones
        }
    return row


def legalbench_rows(settings: Settings, root: Path, all_contractnli: bool = False, top: int = 0) -> list[Row]:
    """The training sample the other training jobs use (40 ContractNLI + 8 MAUD documents); with
    ``all_contractnli`` every ContractNLI training document (small) too, in a workspace of its own; ``top``:
    also keep the best ``top`` candidates by ``score`` with their text (``Row.extra``)."""
    from aiworks.evaluation.service import ingest_corpus
    from aiworks.evaluation.tune import sample_documents

    every = training_queries(root)
    queries = sample_documents(every, {"maud": 8, "contractnli": 40}, 0)
    if all_contractnli:
        seen = set(queries)
        queries += [q for q in every if q.dataset == "contractnli" and q not in seen]
    files = sorted({q.file for q in queries})
    corpus = ingest_corpus(settings, root, files, "legalbench-train-cnli" if all_contractnli else "legalbench-train")
    a, file_of = corpus.assistant, corpus.file_of
    rows = []
    for q in queries:
        r = a.search(q.text)
        asked = r.question if r.routed and r.question else q.text
        vec = r.query_vector if r.answer_vector is None else r.answer_vector

        def label(c, gold=list(q.gold)) -> float:
            span = Span(file_of.get(c.hit.chunk.document_id, c.hit.chunk.document_id), c.start, c.end)
            return precision_recall([span], gold).precision

        row = _row(a.answerer, asked, mask_hits(r.hits), vec, label, q.dataset, q.file, top)
        if row is not None:
            rows.append(row)
    return rows


def contract_rows(seed: int, work: Path) -> list[Row]:
    from aiworks.evaluation.contracts import generate
    from aiworks.rag.assistant import Assistant

    contract_set = generate(work / f"docs{seed}", seed)
    a = Assistant(Settings(home=work / f"home{seed}"), "qa")
    a.ingest(contract_set.files)
    answerer = getattr(a.answerer, "fallback", a.answerer)
    norm = " ".join
    rows = []
    for q in contract_set.questions:
        if q.kind != "fact":
            continue  # unanswerable questions have nothing to order (abstention is not decided here)
        r = a.search(q.question)
        asked = r.question if r.routed and r.question else q.question.strip()
        vec = r.query_vector if r.answer_vector is None else r.answer_vector

        def label(c, q=q) -> float:
            text = norm(c.text.split())
            return float(c.hit.document_name == q.document and all(norm(g.split()) in text for g in q.gold))

        row = _row(answerer, asked, mask_hits(r.hits), vec, label, "contracts", f"{seed}:{q.document}")
        if row is not None:
            rows.append(row)
    return rows


def order(row: Row, params: tuple[float, float] | None) -> np.ndarray:
    """Candidate indices, first cited first; ``None`` = today's ``score`` order."""
    if params is None:
        return np.arange(len(row.labels))
    dense_share, near_weight = params
    s = dense_share * row.own + (1 - dense_share) * row.lexical + near_weight * row.near
    return np.argsort(-s, kind="stable")


Pick = Callable[[Row], "tuple[float, float] | None"]


def measure(rows: list[Row], pick: Pick) -> dict:
    """P@1 per LegalBench dataset (every question / those answered), contracts top-1 and top-2 (answered)."""
    out: dict = {}
    for src in ("contractnli", "maud", "contracts"):
        sel = [r for r in rows if r.source == src]
        if not sel:
            continue
        orders = [order(r, pick(r)) for r in sel]
        top1 = [float(r.labels[o[0]]) for r, o in zip(sel, orders)]
        ans = [t for t, r in zip(top1, sel) if r.answered]
        block: dict[str, float | None] = {"n": len(sel), "answered": len(ans), "p1_all": round(float(np.mean(top1)), 4)}
        block["p1_answered"] = round(float(np.mean(ans)), 4) if ans else None
        if src == "contracts":
            top2 = [float(r.labels[o[:2]].max()) for r, o in zip(sel, orders) if r.answered]
            block["top2_answered"] = round(float(np.mean(top2)), 4) if top2 else None
        out[src] = block
    lb = [out[s]["p1_all"] for s in ("contractnli", "maud") if s in out]
    out["legalbench_macro_p1_all"] = round(float(np.mean(lb)), 4) if lb else 0.0
    return out


def fixed(params: tuple[float, float] | None) -> Pick:
    return lambda row: params


def best_params(rows: list[Row]) -> tuple[float, float]:
    """The grid point with the best LegalBench macro P@1 among those that keep contract top-2 at today's level."""
    base = measure(rows, fixed(None)).get("contracts", {}).get("top2_answered") or 0.0
    scored = []
    for p in itertools.product(GRID["dense_share"], GRID["near_weight"]):
        m = measure(rows, fixed(p))
        ok = (m.get("contracts", {}).get("top2_answered") or 0.0) >= base - 1e-9
        scored.append((ok, m["legalbench_macro_p1_all"], -p[1], p))  # ties: the smaller near weight
    return max(scored)[3]


def cross_validate(rows: list[Row], folds: int = 5) -> dict:
    """Weights chosen on 4 document-disjoint folds, scored on the 5th; every row scored once, held out."""
    groups = sorted({r.group for r in rows})
    fold_of = {g: i % folds for i, g in enumerate(np.random.default_rng(0).permutation(groups))}
    chosen = {f: best_params([r for r in rows if fold_of[r.group] != f]) for f in range(folds)}
    return {
        "folds": folds,
        "chosen_per_fold": [dict(zip(("dense_share", "near_weight"), chosen[f])) for f in range(folds)],
        "today": measure(rows, fixed(None)),
        "held_out": measure(rows, lambda r: chosen[fold_of[r.group]]),
    }


def main() -> None:
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    ap = argparse.ArgumentParser()
    ap.add_argument("--benchmark", type=Path, default=Path("../shared/bench/legalbench-rag"))
    ap.add_argument("--home", type=Path, default=None, help="reuse its embedding cache (no registered expander!)")
    ap.add_argument("--all-contractnli", action="store_true", help="every ContractNLI training document, not 40")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/sentence_scorer.json"))
    args = ap.parse_args()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sentences-") as tmp:
        home = args.home or Path(tmp) / "home"
        rows = legalbench_rows(Settings(home=home), args.benchmark, args.all_contractnli)
        for seed in CONTRACT_SEEDS:
            rows += contract_rows(seed, Path(tmp))
    p = best_params(rows)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average": os.getloadavg(),
        "data": {
            "all_contractnli": args.all_contractnli,
            "legalbench_training_questions": sum(r.source != "contracts" for r in rows),
            "contract_questions": sum(r.source == "contracts" for r in rows),
            "contract_seeds": CONTRACT_SEEDS,
        },
        "grid": GRID,
        "shipped": {"dense_share": sentences.DENSE_SHARE, "near_weight": sentences.NEAR_WEIGHT},
        "best_on_all_training": {"dense_share": p[0], "near_weight": p[1]},
        "today": measure(rows, fixed(None)),
        "shipped_weights": measure(rows, fixed((sentences.DENSE_SHARE, sentences.NEAR_WEIGHT))),
        "shipped_without_near": measure(rows, fixed((sentences.DENSE_SHARE, 0.0))),
        "own_similarity_only": measure(rows, fixed((1.0, 0.0))),
        "cross_validation": cross_validate(rows),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: result[k] for k in ("best_on_all_training", "today", "shipped_weights")}, indent=2))
    print(json.dumps(result["cross_validation"], indent=2))


if __name__ == "__main__":
    main()
