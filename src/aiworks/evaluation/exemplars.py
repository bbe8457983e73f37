"""Train, tune and register the exemplar expander (``rag/exemplars.py``) on document-disjoint training data.

Building needs no training documents: only the training questions and their gold passages are embedded (with
the assistant's embedder, through the content-addressed cache). Tuning the fusion weight needs candidates, so
a sample of training documents is ingested by ``Assistant.ingest`` (``tune.training_corpus``) and each training
query is searched through ``Assistant.search`` with its own document's gold passages left out of the
prototype, so it looks exactly as it will on an unseen document. PrivacyQA has no training questions: it is
never used here, and stays the check that the expander keeps out of the way of questions it never saw.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aiworks.evaluation.dataset import Query, read_document, training_queries
from aiworks.evaluation.metrics import precision_recall
from aiworks.evaluation.service import EXPERIMENT, Progress, searcher
from aiworks.rag.exemplars import Example, ExemplarExpander
from aiworks.rag.rank import remember
from aiworks.settings import Settings

MODEL_NAME = "legal-exemplars"
WEIGHTS = (0.25, 0.5, 1.0, 2.0)  # the exemplar list's fusion share, tried on the training split
BLENDS = (0.0, 0.5, 1.0, 2.0)  # how far the answerer's query vector moves towards the prototype, tried after
MIN_MATCH = 0.9  # fixed before any number was seen: a near-duplicate of a training question, not a paraphrase


@dataclass
class ExemplarReport:
    version: int | None
    weight: float
    min_match: float
    objective: dict[str, float]  # weight (or "none") -> training objective (retrieved passages)
    blend: float
    cited_objective: dict[str, float]  # blend -> training objective of what ``ask`` cites, then the passages
    train_queries: int  # questions the model was built from
    tune_queries: int
    tune_documents: dict[str, int]


def build(queries: Sequence[Query], root: Path, embedder, min_match: float = MIN_MATCH) -> ExemplarExpander:
    """One example per training query: the unit mean of its gold passages' embeddings."""
    texts: dict[str, str] = {}
    parts = sorted({q.question for q in queries})
    qvecs = dict(zip(parts, embedder.embed(parts)))
    golds = [[texts.setdefault(q.file, read_document(root, q.file))[s.start : s.end] for s in q.gold] for q in queries]
    flat = [t for g in golds for t in g]
    vecs = embedder.embed(flat) if flat else np.zeros((0, embedder.dim), np.float32)
    examples, i = [], 0
    for q, g in zip(queries, golds):
        examples.append(Example(q.question, q.file, np.asarray(vecs[i : i + len(g)]).mean(axis=0)))
        i += len(g)
    return ExemplarExpander(min_match=min_match).fit(qvecs, examples)


class _LeaveDocumentOut:
    """The expander as the retriever sees it while one training query is scored: without its own document."""

    def __init__(self, model: ExemplarExpander, weight: float, blend: float = 0.0) -> None:
        self.model, self.weight, self.blend = model, weight, blend
        self.document: str | None = None

    def expand(self, qvec: np.ndarray) -> np.ndarray | None:
        return self.model.expand(qvec, self.document)


def objective(search, queries: Sequence[Query], wrapper: _LeaveDocumentOut, progress=None, label="") -> float:
    """Macro over datasets of (P@1 + R@32) / 2 of the retrieved passages (the fusion tuning's objective),
    each query scored with its own document left out of the prototypes."""
    per: dict[str, list[float]] = defaultdict(list)
    for i, q in enumerate(queries):
        wrapper.document = q.file
        spans = search(q.text, 32)
        value = 0.5 * precision_recall(spans[:1], q.gold).precision + 0.5 * precision_recall(spans, q.gold).recall
        per[q.dataset].append(value)
        if progress:
            progress(label, i + 1, len(queries))
    return float(np.mean([np.mean(v) for v in per.values()])) if per else 0.0


def train_exemplars(
    settings: Settings,
    root: Path,
    per_dataset_docs: dict[str, int],
    embedder_spec: str | None = None,
    seed: int = 0,
    register: bool = True,
    progress: Progress | None = None,
) -> ExemplarReport:
    from aiworks.evaluation.tune import training_corpus
    from aiworks.lifecycle import registry, tracking

    corpus, tune_q, all_train = training_corpus(
        settings, root, ("contractnli", "maud"), per_dataset_docs, embedder_spec, seed, progress
    )
    assistant = corpus.assistant
    model = build(all_train, root, assistant.embedder)
    wrapper = _LeaveDocumentOut(model, 0.0)
    search = searcher(corpus, cite=False)
    scores: dict[str, float] = {}
    for weight in (None, *WEIGHTS):
        assistant.retriever.expander = None if weight is None else wrapper
        wrapper.weight = weight or 0.0
        name = "none" if weight is None else str(weight)
        scores[name] = objective(search, tune_q, wrapper, progress, f"tuning exemplar weight {name}")
    best = max(WEIGHTS, key=lambda w: scores[str(w)])
    # then the answerer's query vector (what the user is shown first: the cited ranking, through ``ask``)
    wrapper.weight, assistant.retriever.expander = best, wrapper
    cite = searcher(corpus, cite=True)
    cited: dict[str, float] = {}
    for blend in BLENDS:
        wrapper.blend = blend
        cited[str(blend)] = objective(cite, tune_q, wrapper, progress, f"tuning answer blend {blend}")
    assistant.retriever.expander = None
    model.weight, model.blend = best, max(BLENDS, key=lambda b: cited[str(b)])
    cw, ow = settings.chunk_words, settings.chunk_overlap_words
    model.pipeline_ = {
        "chunk_words": cw,
        "overlap_words": ow,
        "embedder": assistant.embedder.name,
        "min_match": model.min_match,
        "weight": best,
        "blend": model.blend,
    }
    sampled = {d: len({q.file for q in tune_q if q.dataset == d}) for d in ("contractnli", "maud")}
    params = dict(model.pipeline_) | {"train_queries": len(all_train), "tune_queries": len(tune_q)}
    version = None
    if register:
        with tracking.run(settings, EXPERIMENT, run_name="legal-exemplars-fit", params=params) as run_id:
            tracking.log_metrics(
                {f"objective_{k}": v for k, v in scores.items()} | {f"cited_blend_{k}": v for k, v in cited.items()}
            )
            version = registry.register(
                settings, MODEL_NAME, model, run_id, metadata=params | {"objective": scores, "cited": cited}
            )
        remember(settings, MODEL_NAME, version, cw, ow)
    return ExemplarReport(
        version, best, model.min_match, scores, model.blend, cited, len(all_train), len(tune_q), sampled
    )


def build_only(settings: Settings, root: Path, embedder) -> ExemplarExpander:
    """The model from every training query (no tuning); used by tests and diagnostics."""
    return build(training_queries(root, ("contractnli", "maud")), root, embedder)
