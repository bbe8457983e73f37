"""Training-split work on the product path: fusion tuning and the learned ranker ("legal-ranker").

Only document-disjoint training queries are used (full-benchmark queries whose documents are not in mini;
PrivacyQA has none). A seeded subsample of their documents is ingested by ``Assistant.ingest`` into a
``legalbench-train-...`` workspace (embedding cache shared with the evaluation), so candidates, chunking and
fusion are exactly what the assistant serves. Optuna (``lifecycle.tuning``) searches on a document-disjoint
validation split; objective = macro (P@1 + R@32) / 2 of the retrieved passages.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from aiworks.evaluation.dataset import Query, read_document, training_queries
from aiworks.evaluation.runner import evaluate
from aiworks.evaluation.service import (
    EXPERIMENT,
    Corpus,
    Progress,
    as_files,
    ingest_corpus,
    searcher,
)
from aiworks.evaluation.train import build_rank_data, exemplars_of, split_by_document
from aiworks.rag.ltr import ExemplarMemory, LearnedRanker
from aiworks.rag.rank import PassThroughRanker, remember
from aiworks.settings import Settings

MODEL_NAME = "legal-ranker"


@dataclass
class TrainReport:
    version: int | None
    best_params: dict
    valid_score: float
    train_queries: int
    train_documents: int
    sampled: dict[str, int]


def sample_documents(queries: Sequence[Query], per_dataset: dict[str, int], seed: int = 0) -> list[Query]:
    """Keep all queries of at most ``per_dataset[name]`` randomly chosen documents per dataset (embedding budget)."""
    rng = random.Random(seed)
    keep: set[str] = set()
    for name in sorted({q.dataset for q in queries}):
        docs = sorted({q.file for q in queries if q.dataset == name})
        n = per_dataset.get(name, len(docs))
        keep |= set(docs if n >= len(docs) else rng.sample(docs, n))
    return [q for q in queries if q.file in keep]


def training_corpus(
    settings: Settings,
    root: Path,
    datasets: tuple[str, ...],
    per_dataset_docs: dict[str, int],
    embedder_spec: str | None,
    seed: int,
    progress: Progress | None = None,
):
    all_train = training_queries(root, datasets)
    if not all_train:
        raise ValueError("no document-disjoint training queries for these datasets (PrivacyQA has none)")
    queries = sample_documents(all_train, per_dataset_docs, seed)
    files = sorted({q.file for q in queries})
    corpus = ingest_corpus(settings, root, files, "legalbench-train", embedder_spec, progress=progress)
    corpus.assistant.ranker = PassThroughRanker()  # the first stage the ranker learns to reorder
    return corpus, queries, all_train


def objective_value(result) -> float:
    # What the issue targets: tight first passages (P@1) and coverage within 32 (R@32), macro over datasets.
    return 0.5 * result.all["precision"]["1"] + 0.5 * result.all["recall"]["32"]


def score(corpus: Corpus, queries: Sequence[Query]) -> float:
    return objective_value(evaluate(searcher(corpus, cite=False), queries, [1, 32], "train", corpus.chunks, 0.0))


def tune_fusion(
    settings: Settings,
    root: Path,
    trials: int,
    per_dataset_docs: dict[str, int],
    embedder_spec: str | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> dict:
    """Optuna over the retriever's fusion: dense share, candidates per list, RRF constant (no ranker)."""
    from aiworks.lifecycle import tuning

    corpus, queries, _ = training_corpus(
        settings, root, ("contractnli", "maud"), per_dataset_docs, embedder_spec, seed, progress
    )
    retriever = corpus.assistant.retriever
    base = (retriever.dense_weight, retriever.candidates, retriever.rrf_k)
    default = score(corpus, queries)

    def objective(trial) -> float:
        retriever.dense_weight = trial.suggest_float("dense_weight", 0.2, 0.8, step=0.1)
        retriever.candidates = trial.suggest_categorical("candidates", [30, 60, 100])
        retriever.rrf_k = trial.suggest_categorical("rrf_k", [10, 30, 60])
        return score(corpus, queries)

    study = tuning.tune(
        settings,
        EXPERIMENT,
        objective,
        n_trials=trials,
        seed=seed,
        study_name="fusion-tuning",
        progress=(lambda stage, fraction: progress("tuning fusion", round(fraction * trials), trials))
        if progress
        else None,
    )
    retriever.dense_weight, retriever.candidates, retriever.rrf_k = base
    return {
        "default": {"dense_weight": base[0], "candidates": base[1], "rrf_k": base[2], "objective": default},
        "best": dict(study.best_params) | {"objective": float(study.best_value)},
        "train_queries": len(queries),
        "train_documents": len({q.file for q in queries}),
    }


def _fit(
    corpus: Corpus, queries: Sequence[Query], memory: ExemplarMemory, candidates: int, params: dict
) -> LearnedRanker:
    corpus.assistant.ranker = PassThroughRanker()
    data = build_rank_data(
        lambda text, k: as_files(corpus, corpus.assistant.search(text, k).hits), queries, memory, candidates
    )
    ranker = LearnedRanker(**params).fit(data.X, data.y, data.groups, memory)
    ranker.candidate_pool = candidates
    return ranker


def _validate(corpus: Corpus, ranker: LearnedRanker, queries: Sequence[Query]) -> float:
    corpus.assistant.ranker = ranker
    try:
        return score(corpus, queries)
    finally:
        corpus.assistant.ranker = PassThroughRanker()


def train_ranker(
    settings: Settings,
    root: Path,
    datasets: tuple[str, ...],
    per_dataset_docs: dict[str, int],
    trials: int,
    embedder_spec: str | None,
    seed: int = 0,
    register: bool = True,
    progress: Progress | None = None,
) -> TrainReport:
    """Train + tune on the product path's candidates; the chunking travels with the model (``pipeline_``)."""
    from aiworks.lifecycle import registry, tracking, tuning

    corpus, queries, all_train = training_corpus(
        settings, root, datasets, per_dataset_docs, embedder_spec, seed, progress
    )

    def read(f):
        return read_document(root, f)

    fit_q, valid_q = split_by_document(queries, 0.3, seed)
    valid_docs = {q.file for q in valid_q}
    # Exemplars may come from every training document (text only, cheap) except the validation ones.
    tune_memory = ExemplarMemory().fit(exemplars_of([q for q in all_train if q.file not in valid_docs], read))

    def objective(trial) -> float:
        candidates = trial.suggest_categorical("candidates", [50, 100, 200])
        params = {
            "objective": trial.suggest_categorical("objective", ["rank:ndcg", "rank:pairwise"]),
            "n_estimators": trial.suggest_int("n_estimators", 100, 500, step=100),
            "max_depth": trial.suggest_int("max_depth", 3, 8),
            "learning_rate": trial.suggest_float("learning_rate", 0.02, 0.2, log=True),
            "min_child_weight": trial.suggest_float("min_child_weight", 0.5, 10, log=True),
        }
        return _validate(corpus, _fit(corpus, fit_q, tune_memory, candidates, params), valid_q)

    study = tuning.tune(
        settings,
        EXPERIMENT,
        objective,
        n_trials=trials,
        seed=seed,
        study_name="legal-ranker-tuning",
        progress=(lambda stage, fraction: progress("tuning", round(fraction * trials), trials)) if progress else None,
    )
    best = dict(study.best_params)
    candidates = int(best.pop("candidates"))
    memory = ExemplarMemory().fit(exemplars_of(all_train, read))
    cw, ow = settings.chunk_words, settings.chunk_overlap_words
    params = {
        "train_queries": len(queries),
        "train_documents": len({q.file for q in queries}),
        "chunk_words": cw,
        "overlap_words": ow,
        "candidates": candidates,
        "embedder": corpus.assistant.embedder.name,
    } | best
    with tracking.run(settings, EXPERIMENT, run_name="legal-ranker-fit", params=params) as run_id:
        ranker = _fit(corpus, queries, memory, candidates, best)
        ranker.pipeline_ = {"chunk_words": cw, "overlap_words": ow, "candidates": candidates}
        tracking.log_metrics({"valid_objective": study.best_value})
        version = registry.register(settings, MODEL_NAME, ranker, run_id, metadata=params) if register else None
    if version is not None:
        remember(settings, MODEL_NAME, version, cw, ow)
    sampled = {d: len({q.file for q in queries if q.dataset == d}) for d in datasets}
    return TrainReport(
        version,
        {"candidates": candidates} | best,
        float(study.best_value),
        len(queries),
        len({q.file for q in queries}),
        sampled,
    )
