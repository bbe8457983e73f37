"""Train → evaluate → track → register, shared by the CLI commands and the benchmark script."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from aiworks.lifecycle.monitoring import build_reference
from aiworks.progress import Progress, counter
from aiworks.settings import Settings
from aiworks.spam.data import load_or_make_split
from aiworks.spam.evaluate import (
    INNER_FOLDS,
    TARGET_FPR,
    CVResult,
    classification_metrics,
    cross_validate,
    fit_with_strict_threshold,
    recall_at_threshold,
    save_plots,
)
from aiworks.spam.features import MONITORED_FEATURES, structure_frame
from aiworks.spam.models import SpamDetector, build_pipeline
from aiworks.spam.types import Corpus, Email, Split

TEST_KEYS = ("accuracy", "precision", "recall", "f1", "mcc", "pr_auc", "recall_at_fpr_0.001")
EXPERIMENT = "spam"
MODEL_NAME = "spam"
SERVED_ALIAS = "champion"  # what the HTTP service loads


@dataclass
class TrainResult:
    detector: SpamDetector
    split: Split
    test: dict[str, float]
    cv: CVResult | None
    test_scores: np.ndarray
    test_labels: np.ndarray
    run_id: str | None = None
    version: int | None = None
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        out = {
            "model": self.detector.family,
            "split": {"corpus": self.split.corpus, "seed": self.split.seed, **self.split.stats},
            "test": {k: v for k, v in self.test.items() if k in TEST_KEYS},
            "cv": {"recall_at_fpr_0.001": self.cv.recall_at_fpr, "folds": self.cv.folds} if self.cv else None,
            "operating_point": {
                "strict_threshold": self.detector.strict_threshold,
                "target_ham_fpr": TARGET_FPR,
                "test_ham_fpr": self.test.get("ham_fpr_at_strict_threshold"),
            },
        }
        if self.cv:
            out["cv_detail"] = self.cv.as_json()
        if self.version is not None:
            out["registered"] = {"name": MODEL_NAME, "version": self.version, "run_id": self.run_id}
        return out


def reference_columns(scores: np.ndarray, emails: list[Email]) -> dict[str, np.ndarray]:
    frame = structure_frame(emails)
    return {"score": np.asarray(scores), **{k: frame[k] for k in MONITORED_FEATURES}}


def fit_detector(
    corpus: Corpus,
    train_idx: np.ndarray,
    family: str,
    params: dict,
    inner_folds: int,
    seed: int,
    tick: Callable[[], None] | None = None,
) -> SpamDetector:
    """Fit on the training part; strict threshold + score reference come from inner out-of-fold scores."""
    emails = [corpus.emails[i] for i in train_idx]
    y = corpus.labels[train_idx]
    model, strict, inner = fit_with_strict_threshold(
        lambda: build_pipeline(family, **params), emails, y, inner_folds, seed, tick
    )
    return SpamDetector(family, model, dict(params), 0.5, strict, build_reference(reference_columns(inner, emails)))


def evaluate_detector(
    detector: SpamDetector, emails: list[Email], y: np.ndarray
) -> tuple[dict[str, float], np.ndarray]:
    scores = detector.scores(emails)
    metrics = classification_metrics(y, scores, detector.threshold)
    if detector.strict_threshold is not None:
        rec, fpr = recall_at_threshold(y, scores, detector.strict_threshold)
        metrics["recall_at_fpr_0.001"] = rec
        metrics["ham_fpr_at_strict_threshold"] = fpr
    return metrics, scores


def train(
    settings: Settings,
    corpus: Corpus,
    family: str,
    params: dict | None = None,
    seed: int = 0,
    folds: int = 5,
    inner_folds: int = INNER_FOLDS,
    register: bool = True,
    track: bool = True,
    progress: Progress | None = None,
) -> TrainResult:
    """The ``aiworks spam train`` pipeline. ``folds=0`` skips cross-validation."""
    params = params or {}
    tick = counter(progress, cv_steps(folds, inner_folds), f"training {family}")
    split, tr, te = load_or_make_split(settings, corpus, seed)
    detector = fit_detector(corpus, tr, family, params, inner_folds, seed, tick)
    test, scores = evaluate_detector(detector, [corpus.emails[i] for i in te], corpus.labels[te])
    detector.metrics = dict(test)
    cv = None
    if folds:
        cv = cross_validate(
            lambda: build_pipeline(family, **params), corpus.emails, corpus.labels, folds, inner_folds, seed, tick
        )
    result = TrainResult(detector, split, test, cv, scores, corpus.labels[te])
    if track:
        log_result(settings, result, params, register)
    return result


def log_result(settings: Settings, result: TrainResult, params: dict, register: bool) -> None:
    from aiworks.lifecycle import registry, tracking

    d = result.detector
    with tracking.run(
        settings,
        EXPERIMENT,
        run_name=d.family,
        params={"model": d.family, "corpus": result.split.corpus, "seed": result.split.seed, **params},
        tags={"job": "spam"},
    ) as run_id:
        tracking.log_metrics({f"test_{k}": v for k, v in result.test.items()})
        if result.cv:
            tracking.log_metrics({f"cv_{k}": v for k, v in result.cv.as_json().items()})
        tracking.log_metrics({"strict_threshold": d.strict_threshold or 0.0})
        with tempfile.TemporaryDirectory() as tmp:
            for p in save_plots(result.test_labels, result.test_scores, Path(tmp), d.threshold, f"{d.family} (test)"):
                tracking.log_artifact(p, "plots")
        result.run_id = run_id
        if register:
            result.version = registry.register(
                settings,
                MODEL_NAME,
                d,
                run_id,
                aliases=("latest", SERVED_ALIAS),
                metadata={
                    "family": d.family,
                    "params": params,
                    "test": result.test,
                    "corpus": result.split.corpus,
                    "strict_threshold": d.strict_threshold,
                    "target_fpr": TARGET_FPR,
                },
            )


SELECT_BY = ("f1", "low_fpr")


def selection_key(result: TrainResult, by: str = "f1") -> tuple[float, ...]:
    """How ``compare`` ranks families. "low_fpr" = spam recall at 0.1% ham FPR: pooled CV when it was run, else the
    test split's (honest thresholds either way), ties broken by test F1; "f1" = test F1 only."""
    if by == "f1":
        return (result.test["f1"],)
    if by != "low_fpr":
        raise ValueError(f"unknown selection {by!r}; choose one of {', '.join(SELECT_BY)}")
    low = result.cv.recall_at_fpr if result.cv else result.test.get("recall_at_fpr_0.001", 0.0)
    return (low, result.test["f1"])


def cv_steps(folds: int, inner_folds: int) -> int:
    """Number of model fits ``train`` performs (for progress bars)."""
    return (inner_folds + 1) * (1 + folds)
