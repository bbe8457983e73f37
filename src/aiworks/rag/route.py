"""Document routing: which document(s) does a question talk about?

LegalBench-RAG-style questions (and users naming a contract) say which document they mean: "Consider the
Acquisition Agreement between Parent "X" and Target "Y"; ...". The router scores every document with BM25
over its file name (weighted up, because names carry the parties) plus its opening text (title, parties),
using only the part of the question that describes the document when there is one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote

import numpy as np

_TOKEN = re.compile(r"[a-z0-9]+")


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


class BM25:
    """Okapi BM25 over a sparse term matrix (scikit-learn's CountVectorizer does the counting).

    ``score(query)`` returns one score per indexed text; query terms are counted once each.
    """

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b

    def fit(self, texts: Sequence[str]) -> "BM25":
        from sklearn.feature_extraction.text import CountVectorizer

        self.vectorizer_ = CountVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None)
        tf = self.vectorizer_.fit_transform(texts).tocsc().astype(np.float32)
        n = tf.shape[0]
        df = np.diff(tf.indptr)
        self.idf_ = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        lengths = np.asarray(tf.sum(axis=1)).ravel()
        norm = self.k1 * (1 - self.b + self.b * lengths / max(lengths.mean(), 1e-9))
        tf = tf.tocoo()
        # Pre-compute the per-(doc, term) BM25 weight once so a query is one sparse column sum.
        data = tf.data * (self.k1 + 1) / (tf.data + norm[tf.row]) * self.idf_[tf.col]
        from scipy.sparse import csc_matrix

        self.weights_ = csc_matrix((data, (tf.row, tf.col)), shape=tf.shape)
        self.n_ = n
        return self

    def term_ids(self, query: str) -> np.ndarray:
        vocab = self.vectorizer_.vocabulary_
        return np.array(sorted({vocab[t] for t in tokenize(query) if t in vocab}), dtype=np.int64)

    def score(self, query: str, rows: np.ndarray | None = None) -> np.ndarray:
        ids = self.term_ids(query)
        n = self.n_ if rows is None else len(rows)
        if len(ids) == 0:
            return np.zeros(n, dtype=np.float32)
        # Column slicing a CSC matrix touches only the query terms' postings; row-slicing first would copy
        # the whole matrix, so score everything and then pick the rows.
        scores = np.asarray(self.weights_[:, ids].sum(axis=1)).ravel().astype(np.float32)
        return scores if rows is None else scores[rows]


def document_part(question: str) -> str:
    """The part of a question that names the document: "Consider <description>; <question>" → description."""
    head, sep, _ = question.partition(";")
    if sep and head.strip().lower().startswith("consider"):
        return head.strip()[len("consider"):]
    return question


def _name_text(name: str) -> str:
    # File names are often URL-encoded ("Model%20NDA%20(by%20SWA).txt") or CamelCase ("NDA-SqillerBetaTesters"):
    # decode and split so the party names become tokens.
    name = re.sub(r"\.\w+$", "", unquote(name))
    split = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    return name if split == name else f"{name} {split}"


@dataclass(frozen=True)
class Route:
    document_id: str
    score: float


class DocumentRouter:
    """BM25 over file name (repeated ``name_weight`` times) + the first ``opening_chars`` of each document."""

    def __init__(self, opening_chars: int = 2000, name_weight: int = 3, k1: float = 1.2, b: float = 0.75) -> None:
        self.opening_chars = opening_chars
        self.name_weight = name_weight
        self.k1 = k1
        self.b = b

    def fit(self, document_ids: Sequence[str], names: Sequence[str], texts: Sequence[str]) -> "DocumentRouter":
        profiles = [
            " ".join([_name_text(name)] * self.name_weight) + " " + text[: self.opening_chars]
            for name, text in zip(names, texts)
        ]
        self.document_ids_ = list(document_ids)
        self.bm25_ = BM25(self.k1, self.b).fit(profiles)
        return self

    def scores(self, question: str) -> np.ndarray:
        return self.bm25_.score(document_part(question))

    def route(self, question: str, top: int = 1) -> list[Route]:
        s = self.scores(question)
        order = np.argsort(-s, kind="stable")[:top]
        return [Route(self.document_ids_[i], float(s[i])) for i in order]
