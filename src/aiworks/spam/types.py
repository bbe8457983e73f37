"""Typed records passed between the spam pipeline stages (parse → features → model → evaluate)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Email:
    """One message after MIME parsing and leakage stripping: everything features may look at."""

    id: str
    subject: str = ""
    body: str = ""  # text/plain parts plus HTML parts converted to text
    headers: tuple[tuple[str, str], ...] = ()  # kept headers (lower-case name, decoded value)
    from_addr: str = ""
    reply_to: str = ""
    n_parts: int = 1
    n_html_parts: int = 0
    n_text_parts: int = 0
    html_chars: int = 0  # raw HTML markup length, to compute an HTML ratio
    attachments: tuple[str, ...] = ()  # content types (and extensions) of attachments
    urls: tuple[str, ...] = ()  # hrefs + URLs in text, de-duplicated
    defects: tuple[str, ...] = ()  # why parsing was partial (bad charset, broken base64, ...)
    source: str = ""  # corpus group (e.g. "easy-ham-1", "enron3")
    date: str = ""  # ISO date when known (Enron file names), for time-ordered splits

    def header(self, name: str) -> str:
        name = name.lower()
        return next((v for k, v in self.headers if k == name), "")


@dataclass
class Corpus:
    """Labelled emails (1 = spam, 0 = ham) with stable ids, deduplicated by :func:`data.deduplicate`."""

    name: str
    emails: list[Email]
    labels: np.ndarray
    n_duplicates_dropped: int = 0
    n_malformed: int = 0

    def __len__(self) -> int:
        return len(self.emails)

    def subset(self, index: np.ndarray | list[int]) -> "Corpus":
        idx = np.asarray(index, dtype=int)
        return Corpus(self.name, [self.emails[i] for i in idx], self.labels[idx])

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.emails]


@dataclass
class Split:
    """Index arrays into a Corpus; saved as ids so later runs reuse the exact same split."""

    corpus: str
    seed: int
    train_ids: list[str]
    test_ids: list[str]
    stats: dict = field(default_factory=dict)
