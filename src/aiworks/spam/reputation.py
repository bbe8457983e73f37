"""Sender history: how often the training data saw ham and spam from a message's From address and From domain.

This is the auto-whitelist / sender-reputation idea of real filters (SpamAssassin's AWL and TxRep): mail from
someone who wrote legitimate mail before is rarely spam. It matters most at a 0.1% ham false-positive rate, where
spam posted to mailing lists arrives with exactly the list headers of the ham: the list headers say "ham", but the
poster has never written to the list before (BENCHMARKS.md, "Closing the low-FPR gap (3)").

Training rows are counted leave-one-out (``fit_transform``), otherwise each training message would see itself as
a known sender and the model would learn a signal that new mail never has. From addresses of the corpus collectors
(their anonymised aliases and their own feeds, :func:`aiworks.spam.headers.is_collector`) get no history, like
every other collector trace.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from aiworks.spam.headers import is_collector
from aiworks.spam.parsing import _addr_domain
from aiworks.spam.types import Email

ADDRESS = re.compile(r"[\w.+-]+@[\w.-]+")
COLUMNS = ("from_addr_ham", "from_addr_spam", "from_dom_ham", "from_dom_spam")


def sender_keys(e: Email) -> tuple[str, str]:
    """(address, domain) of the From header, or empty strings when unknown or a collector's own alias."""
    raw = e.from_addr.lower()
    found = ADDRESS.findall(raw)
    addr = found[-1] if found else raw.strip()
    if not addr or is_collector(addr):
        return "", ""
    return addr, _addr_domain(e.from_addr)


class SenderHistory(BaseEstimator, TransformerMixin):
    """Four non-negative columns: log1p(#training ham / spam with the same From address / From domain)."""

    def fit(self, X: Sequence[Email], y=None) -> "SenderHistory":
        self._fit_keys(X, y)
        return self

    def _fit_keys(self, X: Sequence[Email], y) -> list[tuple[str, str]]:
        keys = [sender_keys(e) for e in X]
        labels = np.zeros(len(keys), dtype=int) - 1 if y is None else np.asarray(y, dtype=int)  # no labels: no history
        self.counts_ = {
            (part, cls): Counter(k[part] for k, lab in zip(keys, labels) if lab == cls and k[part])
            for part in (0, 1)
            for cls in (0, 1)
        }
        self.n_features_out_ = len(COLUMNS)
        return keys

    def fit_transform(self, X: Sequence[Email], y=None, **fit_params) -> sparse.csr_matrix:
        """Leave-one-out on the training rows: a message never counts as its own history."""
        keys = self._fit_keys(X, y)
        own = np.full(len(keys), -1) if y is None else np.asarray(y, dtype=int)
        return self._matrix(keys, own)

    def transform(self, X: Sequence[Email]) -> sparse.csr_matrix:
        return self._matrix([sender_keys(e) for e in X], np.full(len(X), -1))

    def _matrix(self, keys: list[tuple[str, str]], own: np.ndarray) -> sparse.csr_matrix:
        out = np.zeros((len(keys), len(COLUMNS)), dtype=np.float32)
        for i, k in enumerate(keys):
            for col, (part, cls) in enumerate(self.counts_):
                if k[part]:
                    n = self.counts_[(part, cls)][k[part]] - (own[i] == cls)
                    out[i, col] = math.log1p(max(n, 0))
        return sparse.csr_matrix(out)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array(COLUMNS, dtype=object)
