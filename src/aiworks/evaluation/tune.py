"""Train, tune and register the learned ranker ("legal-ranker") on the document-disjoint training split.

Flow: training queries (full-benchmark queries whose documents are not in mini) → a seeded subsample of their
documents is indexed with the assistant's chunker/embedder → routed hybrid retrieval gives candidates →
features + gold-overlap labels → Optuna tunes fusion + XGBoost knobs on a document-disjoint validation split →
the best configuration is refit on all sampled training documents, tracked in MLflow and registered.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aiworks.evaluation.dataset import Query, read_document, training_queries
from aiworks.evaluation.pipeline import PipelineConfig, Searcher
from aiworks.evaluation.runner import evaluate
from aiworks.evaluation.service import EXPERIMENT, Built, Progress, build
from aiworks.evaluation.train import build_rank_data, exemplars_of, split_by_document
from aiworks.rag.ltr import ExemplarMemory, LearnedRanker
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


def _objective_value(result) -> float:
    # What the issue targets: tight first passages (P@1) and coverage within 32 (R@32), macro over datasets.
    return 0.5 * result.all["precision"]["1"] + 0.5 * result.all["recall"]["32"]


def _fit(built: Built, config: PipelineConfig, queries: Sequence[Query], memory: ExemplarMemory,
         params: dict) -> LearnedRanker:
    first = PipelineConfig("first stage", mode=config.mode, route_top=config.route_top, rrf_k=config.rrf_k,
                           dense_weight=config.dense_weight)
    searcher = Searcher(built.index, built.router, built.embedder, first, cache=built.cache)
    data = build_rank_data(searcher.search, queries, memory, config.candidates)
    return LearnedRanker(**params).fit(data.X, data.y, data.groups, memory)


def _validate(built: Built, config: PipelineConfig, ranker: LearnedRanker, queries: Sequence[Query]) -> float:
    s = Searcher(built.index, built.router, built.embedder, config, ranker=ranker, cache=built.cache)
    return _objective_value(evaluate(s.search, queries, [1, 32], "valid", len(built.index.chunks_), 0.0))


def train_ranker(settings: Settings, root: Path, datasets: tuple[str, ...], chunk_words: int, overlap_words: int,
                 per_dataset_docs: dict[str, int], trials: int, embedder_spec: str | None, seed: int = 0,
                 register: bool = True, progress: Progress | None = None, first_stage: str = "bm25") -> TrainReport:
    """``first_stage``: the in-document retriever whose candidates the ranker learns to reorder. "bm25" needs
    no embeddings (the embedding budget on 2 shared cores is the bottleneck); the ranker only sees its ranks,
    so it also reorders hybrid candidates at evaluation/serving time."""
    from aiworks.lifecycle import registry, tracking, tuning

    all_train = training_queries(root, datasets)
    if not all_train:
        raise ValueError("no document-disjoint training queries for these datasets (PrivacyQA has none)")
    queries = sample_documents(all_train, per_dataset_docs, seed)
    files = sorted({q.file for q in queries})
    built = build(settings, root, files, chunk_words, overlap_words, embedder_spec, dense=first_stage != "bm25",
                  progress=progress)
    read = lambda f: read_document(root, f)  # noqa: E731
    fit_q, valid_q = split_by_document(queries, 0.3, seed)
    valid_docs = {q.file for q in valid_q}
    # Exemplars may come from every training document (text only, cheap) except the validation ones.
    tune_memory = ExemplarMemory().fit(exemplars_of([q for q in all_train if q.file not in valid_docs], read))

    def objective(trial) -> float:
        config = PipelineConfig("tuned", mode=first_stage, route_top=1, ranker=True,
                                candidates=trial.suggest_categorical("candidates", [100, 200, 300, 400]))
        params = dict(objective=trial.suggest_categorical("objective", ["rank:ndcg", "rank:pairwise"]),
                      n_estimators=trial.suggest_int("n_estimators", 100, 500, step=100),
                      max_depth=trial.suggest_int("max_depth", 3, 8),
                      learning_rate=trial.suggest_float("learning_rate", 0.02, 0.2, log=True),
                      min_child_weight=trial.suggest_float("min_child_weight", 0.5, 10, log=True))
        ranker = _fit(built, config, fit_q, tune_memory, params)
        return _validate(built, config, ranker, valid_q)

    study = tuning.tune(settings, EXPERIMENT, objective, n_trials=trials, seed=seed, study_name="legal-ranker-tuning",
                        progress=(lambda stage, fraction: progress("tuning", round(fraction * trials), trials)) if progress else None)
    best = dict(study.best_params)
    pipe = {"candidates": best.pop("candidates")}
    config = PipelineConfig("learned ranker", mode=first_stage, route_top=1, ranker=True, **pipe)
    memory = ExemplarMemory().fit(exemplars_of(all_train, read))
    params = {"train_queries": len(queries), "train_documents": len(files), "chunk_words": chunk_words,
              "overlap_words": overlap_words, "first_stage": first_stage} | pipe | best
    with tracking.run(settings, EXPERIMENT, run_name="legal-ranker-fit", params=params) as run_id:
        ranker = _fit(built, config, queries, memory, best)
        ranker.pipeline_ = {"chunk_words": chunk_words, "overlap_words": overlap_words} | pipe
        tracking.log_metrics({"valid_objective": study.best_value})
        version = registry.register(settings, MODEL_NAME, ranker, run_id, metadata=params) if register else None
    sampled = {d: len({q.file for q in queries if q.dataset == d}) for d in datasets}
    return TrainReport(version, pipe | best, float(study.best_value), len(queries), len(files), sampled)
