"""Routing as a product stage: which document(s) of the workspace does a question name?

Built from the workspace catalog (file name + opening text of every document)
and rebuilt only when the catalog changes (its version = the set of (id, sha256) rows). A question is routed
only on *distinctive* evidence: query terms that occur in few documents' profiles and hit a document's file
name (the best-matching names win), or, when no name matches, at least two terms found in one document's
opening and in no other profile. "What is the governing law?" in a
workspace of NDAs names no document and searches them all; "What does the Acme NDA say about notice?" or
"Consider the NDA between CopAcc and ToP Mentors; ..." focuses on the named one(s).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from aiworks.rag.route import document_part, name_text, tokenize
from aiworks.rag.types import DocumentInfo

RARE = 10  # a naming term occurs in at most 1/RARE of the documents' profiles (name + opening)
MAX_ROUTED = 4  # more "named" documents than this means the question names none in particular
KEEP_SHARE = 0.75  # documents whose name matches at least this share of the best match are named too
_GENERIC = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "and",
        "or",
        "is",
        "are",
        "was",
        "be",
        "do",
        "does",
        "did",
        "what",
        "which",
        "who",
        "when",
        "where",
        "why",
        "how",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "as",
        "if",
        "any",
        "all",
        "can",
        "could",
        "shall",
        "should",
        "will",
        "would",
        "may",
        "must",
        "not",
        "no",
        "about",
        "under",
        "into",
        "each",
        "such",
        "other",
        "document",
        "documents",
        "agreement",
        "agreements",
        "contract",
        "contracts",
        "say",
        "says",
        "said",
        "clause",
        "section",
        "party",
        "parties",
        "tell",
        "me",
        "between",
        "consider",
    ]
)


@dataclass(frozen=True)
class RouteDecision:
    document_ids: list[str]  # [] = search the whole workspace
    query: str  # the text to search passages with (the document-naming part removed when there is one)


def _version(docs: Sequence[DocumentInfo]) -> tuple:
    return tuple(sorted((d.id, d.sha256) for d in docs))


class WorkspaceRouter:
    """Per-workspace router; ``opening`` reads a document's text (only called when the catalog changed)."""

    def __init__(
        self,
        documents: Callable[[], list[DocumentInfo]],
        opening: Callable[[str], str],
        opening_chars: int = 2000,
    ) -> None:
        self._documents = documents
        self._opening = opening
        self.opening_chars = opening_chars
        self._lock = threading.Lock()
        self._built: tuple | None = None  # (version, ids, name token sets, profile token sets, df)

    def _state(self):
        docs = self._documents()
        version = _version(docs)
        with self._lock:
            if self._built is not None and self._built[0] == version:
                return self._built
            if len(docs) < 2:
                self._built = (version, None, [], [], {})
                return self._built
            openings = [self._opening(d.id)[: self.opening_chars] for d in docs]
            ids = [d.id for d in docs]
            names = [set(tokenize(name_text(d.name))) for d in docs]
            profiles = [n | set(tokenize(o)) for n, o in zip(names, openings)]
            df: dict[str, int] = {}
            for p in profiles:
                for t in p:
                    df[t] = df.get(t, 0) + 1
            self._built = (version, ids, names, profiles, df)
            return self._built

    def route(self, question: str) -> RouteDecision:
        part = document_part(question)
        search_text = question.partition(";")[2].strip() if part != question else question
        _, ids, names, profiles, df = self._state()
        if ids is None:
            return RouteDecision([], search_text)
        n = len(names)
        rare = max(1, n // RARE)
        # An explicit description ("Consider <description>; ...") may name a document by a common word
        # ("Keep"'s privacy policy): there, rarity among the file names is enough.
        explicit = part != question
        name_df = {t: sum(t in nm for nm in names) for t in tokenize(part)} if explicit else {}
        terms = {
            t
            for t in tokenize(part)
            if t not in _GENERIC
            and len(t) > 1
            and 0 < df.get(t, 0)
            and (df[t] <= rare or 0 < name_df.get(t, 0) <= rare)
        }
        idf = {t: math.log(1 + n / df[t]) for t in terms}
        # 1. names: the documents whose file name shares the most (idf-weighted) terms with the question;
        #    a term shared by several names ("the NDA" with two NDAs) picks all of them
        named = np.array([sum(idf[t] for t in terms & names[i]) for i in range(n)])
        if named.max(initial=0.0) > 0:
            picked = [i for i in np.argsort(-named, kind="stable") if named[i] >= KEEP_SHARE * named.max()]
        else:
            # 2. openings (title, parties): only terms no other document's profile has, at least two of them
            unique = {t for t in terms if df[t] == 1}
            picked = [i for i in range(n) if len(unique & profiles[i]) >= 2]
        if not picked or len(picked) > MAX_ROUTED:
            return RouteDecision([], search_text)
        return RouteDecision([ids[i] for i in picked], search_text)
