"""Learned passage ranker: features of (question, candidate passage) → XGBoost learning-to-rank.

Signals the ranker sees, all computable from the question and the retriever's hits (so it plugs into the
assistant's ``Ranker`` protocol unchanged): the retriever's fused score and rank, TF-IDF similarity and term
overlap with the question, passage length and position, the neighbouring passages' scores (answers span
adjacent chunks), and an *exemplar* signal: similarity to the gold passages that answered the most similar
training questions. Legal questions recur ("What is the Definition of 'Knowledge'"), so passages answering the
same question in other contracts are strong evidence; the question-match similarity is a feature too, so the
model learns to ignore exemplars when no training question resembles the new one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from aiworks.numeric import rank_desc
from aiworks.rag.route import document_part, tokenize
from aiworks.rag.types import Hit

# The retriever contributes only its *order* (rank), not its raw score: fused scores differ between the
# evaluation's first stage and the assistant's, ranks mean the same thing in both.
FEATURES = (
    "rank",
    "inv_rank",
    "q_cos",
    "q_overlap",
    "proto",
    "proto_rank",
    "q_match",
    "proto_x_match",
    "length",
    "log_start",
    "rel_start",
    "prev_inv_rank",
    "next_inv_rank",
    "prev_proto",
    "next_proto",
    "prev_q_cos",
    "next_q_cos",
)


def question_part(query: str) -> str:
    """ "Consider <document>; <question>" → "<question>" (the part that says what passage is wanted)."""
    return query.partition(";")[2].strip() if document_part(query) != query else query


@dataclass(frozen=True)
class Exemplar:
    question: str
    document: str  # which document answered it (for leave-document-out training features)
    passage: str  # gold text


class ExemplarMemory:
    """TF-IDF index of training questions and the centroid of their gold passages (per distinct question)."""

    def fit(self, exemplars: Sequence[Exemplar]) -> "ExemplarMemory":
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer_ = TfidfVectorizer(
            tokenizer=tokenize, lowercase=False, token_pattern=None, sublinear_tf=True, min_df=1
        )
        self.vectorizer_.fit([e.passage for e in exemplars] + [e.question for e in exemplars])
        by_q: dict[str, list[Exemplar]] = defaultdict(list)
        for e in exemplars:
            by_q[e.question.lower()].append(e)
        self.questions_ = list(by_q)
        self.question_vecs_ = self.vectorizer_.transform(self.questions_)
        # Per question: the passage vectors and their documents, summed lazily so one document can be left out.
        self.passages_ = [self.vectorizer_.transform([e.passage for e in by_q[q]]) for q in self.questions_]
        self.documents_ = [np.array([e.document for e in by_q[q]]) for q in self.questions_]
        return self

    def passages(self, texts: Sequence[str]):
        """(TF-IDF rows, token sets) of passages, memoised per text: the same chunks come back query after
        query, and tokenising them is most of the ranker's latency."""
        from scipy.sparse import vstack

        cache = self.__dict__.setdefault("_cache", {})
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            if len(cache) > 200_000:
                cache.clear()
            rows = self.vectorizer_.transform(missing)
            for i, t in enumerate(missing):
                cache[t] = (rows[i], frozenset(tokenize(t)))
        got = [cache[t] for t in texts]
        return vstack([g[0] for g in got], format="csr"), [g[1] for g in got]

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_cache"}  # never pickle the memo

    def centroid(self, question: str, exclude_document: str | None = None):
        """(match similarity, L2-normalised gold centroid of the best-matching training question)."""
        sims = (self.question_vecs_ @ self.vectorizer_.transform([question]).T).toarray().ravel()
        best = int(np.argmax(sims)) if len(sims) else -1
        if best < 0:
            return 0.0, None
        keep = self.documents_[best] != exclude_document
        if not keep.any():
            return 0.0, None
        c = np.asarray(self.passages_[best][keep].sum(axis=0)).ravel()
        n = np.linalg.norm(c)
        return float(sims[best]), (c / n if n else c)


def features(
    memory: ExemplarMemory, query: str, hits: Sequence[Hit], exclude_document: str | None = None
) -> np.ndarray:
    """(len(hits), len(FEATURES)) float32 matrix; hits are in retriever order."""
    n = len(hits)
    if n == 0:
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    question = question_part(query)
    vec = memory.vectorizer_
    texts = [h.chunk.text for h in hits]
    chunk_m, token_sets = memory.passages(texts)
    q_vec = vec.transform([question])
    q_cos = (chunk_m @ q_vec.T).toarray().ravel()
    q_terms = set(tokenize(question))
    overlap = np.array([len(q_terms & toks) / max(len(q_terms), 1) for toks in token_sets])
    match, centroid = memory.centroid(question, exclude_document)
    proto = chunk_m @ centroid if centroid is not None else np.zeros(n)
    proto = np.asarray(proto).ravel()
    rank = np.arange(n, dtype=np.float64)
    start = np.array([h.chunk.start for h in hits], dtype=np.float64)
    end_max = max(h.chunk.end for h in hits)
    # Neighbours: the chunk right before/after in the same document, when the retriever also returned it.
    where = {(h.chunk.document_id, h.chunk.index): i for i, h in enumerate(hits)}
    prev = np.array([where.get((h.chunk.document_id, h.chunk.index - 1), -1) for h in hits])
    nxt = np.array([where.get((h.chunk.document_id, h.chunk.index + 1), -1) for h in hits])

    def pick(values: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return np.where(idx >= 0, values[np.maximum(idx, 0)], 0.0)

    inv_rank = 1.0 / (1.0 + rank)
    cols = [
        rank,
        inv_rank,
        q_cos,
        overlap,
        proto,
        rank_desc(proto),
        np.full(n, match),
        proto * match,
        np.array([len(t) for t in texts], dtype=np.float64),
        np.log1p(start),
        start / max(end_max, 1),
        pick(inv_rank, prev),
        pick(inv_rank, nxt),
        pick(proto, prev),
        pick(proto, nxt),
        pick(q_cos, prev),
        pick(q_cos, nxt),
    ]
    return np.column_stack(cols).astype(np.float32)


class LearnedRanker:
    """XGBoost ``rank:*`` model over ``features``; implements the assistant's ``Ranker`` protocol."""

    # How many fused candidates the assistant should hand over: the model was trained to lift answers from
    # deep in the retriever's list, which it cannot do if it only ever sees the final top-k.
    candidate_pool = 100
    # The chunking (and candidate pool) the model was trained with; set by training, absent until then.
    pipeline_: dict[str, int]

    def __init__(
        self,
        objective: str = "rank:ndcg",
        n_estimators: int = 300,
        max_depth: int = 6,
        learning_rate: float = 0.05,
        min_child_weight: float = 1.0,
        subsample: float = 0.8,
        min_match: float = 0.5,
        random_state: int = 0,
    ) -> None:
        self.objective = objective
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.min_child_weight = min_child_weight
        self.subsample = subsample
        # Out-of-distribution guard: the model only ever saw questions whose template recurs in training
        # (match similarity ~1). For a question unlike every training question it has no basis to reorder,
        # so it keeps the retriever's order instead of guessing.
        self.min_match = min_match
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: np.ndarray, groups: Sequence[int], memory: ExemplarMemory) -> "LearnedRanker":
        """``X``/``y``: stacked feature rows and graded labels; ``groups``: rows per query, in order."""
        from xgboost import XGBRanker

        self.model_ = XGBRanker(
            objective=self.objective,
            n_estimators=self.n_estimators,
            max_depth=self.max_depth,
            learning_rate=self.learning_rate,
            min_child_weight=self.min_child_weight,
            subsample=self.subsample,
            random_state=self.random_state,
            n_jobs=2,
            tree_method="hist",
        )
        self.model_.fit(X, y, group=list(groups))
        self.memory_ = memory
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        if not len(X):
            return np.zeros(0)
        # inplace_predict skips DMatrix construction: ~10x faster than .predict for a few hundred rows.
        booster = self.model_.get_booster()
        booster.set_param({"nthread": 1})
        return booster.inplace_predict(X)

    def knows(self, query: str) -> bool:
        """Does a training question resemble this one closely enough for the model to be trusted?"""
        return self.memory_.centroid(question_part(query))[0] >= getattr(self, "min_match", 0.0)

    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        if not hits:
            return []
        if not self.knows(query):
            return list(hits)
        scores = self.predict(features(self.memory_, query, hits))
        order = np.argsort(-scores, kind="stable")
        return [replace(hits[i], score=float(scores[i])) for i in order]


def load_registered(settings, uri: str = "models:/legal-ranker/latest") -> LearnedRanker | None:
    """The registered learned ranker, or None when the tracking store has no such model (callers fall back
    honestly). Only called once registration left its marker (``rag/rank.py``), so the ask path imports
    MLflow only then; the store is wherever the settings track (``<home>/mlflow.db``, an explicit
    tracking URI or PostgreSQL via AIWORKS_DATABASE_URL), never guessed from a file under the home."""
    from aiworks.lifecycle.registry import ModelNotFound, load

    try:
        model = load(settings, uri)
    except ModelNotFound:
        return None
    return model if hasattr(model, "rerank") else None
