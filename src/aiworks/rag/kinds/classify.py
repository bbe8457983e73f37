"""Which kind of question is this? The kind decides how it is answered; the user never picks a mode.

- ``summary``: "Summarize the NDA", "Give me an overview of the lease", "What are the key terms of ...";
- ``comparison``: a question across documents: a superlative over them ("which contract has the longest
  notice period") or a question about each / all / which of them ("what law governs each agreement",
  "which agreements restrict soliciting employees");
- ``per_document``: any other question over several documents the user named (``--doc a --doc b``, or two
  document names joined by "and" / "both" / "each" in the question): answered once per document;
- ``lookup``: everything else, answered exactly as before this package existed.

Plain patterns, not a model: they must hold offline, be predictable, and never take a lookup question away
from the path the contract QA benchmark measures (checked by running it before and after).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from aiworks.rag.kinds.fields import FIELDS, Field

_SUMMARY = re.compile(
    r"\b(?:summari[sz]e|summary|summarise|overview|key (?:terms|points|provisions)|main (?:terms|points)"
    r"|outline the|brief me|tl;?dr)\b",
    re.IGNORECASE,
)
_DOCS = r"(?:contracts?|agreements?|documents?|leases?|ndas?|files?|deals?)"
_HIGHER = r"longest|longer|highest|higher|largest|larger|biggest|most|greatest|latest|newest|maximum"
_LOWER = r"shortest|shorter|lowest|lower|smallest|smaller|least|fewest|earliest|oldest|minimum"
_SUPERLATIVE = re.compile(rf"\b(?P<hi>{_HIGHER})\b|\b(?P<lo>{_LOWER})\b", re.IGNORECASE)
_THE = r"(?:of\s+(?:the|these|those|our|my|its)\s+)?"
_WHICH = re.compile(rf"\b(?:which|what)\s+{_THE}{_DOCS}\b", re.IGNORECASE)
_ACROSS = re.compile(
    rf"{_WHICH.pattern}|\b(?:each|every|all|across|both|any|none)\s+(?:of\s+)?(?:the\s+|these\s+|our\s+)?{_DOCS}"
    rf"|\bcompare\b|\bcomparison\b|\bin\s+which\s+{_DOCS}\b|\b{_DOCS}\s+(?:that|which)\b",
    re.IGNORECASE,
)
_JOINED = re.compile(
    r"\b(?:both|versus|vs\.?|compared? (?:to|with)|each of)\b|\band (?:the|in|under|for)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Kind:
    kind: str  # "lookup" | "summary" | "comparison" | "per_document"
    field: Field | None = None  # the clause asked about (None: not one the offline answerer knows)
    direction: str = ""  # comparisons: "max" | "min" (a winner is named) | "" (each document is listed)
    superlative: str = ""  # the question's word for it ("longest", "most recent"), used in the answer


def field_for(question: str) -> Field | None:
    """The field a question asks about: the one whose ``ask`` pattern matches the longest text (most specific)."""
    best, best_len = None, 0
    for field in FIELDS:
        rx = field.ask_re
        if rx is None:
            continue
        for m in rx.finditer(question):
            if len(m.group(0)) > best_len:
                best, best_len = field, len(m.group(0))
    return best


def classify(question: str, chosen: int, named: Callable[[], int]) -> Kind:
    """``chosen``: documents the caller picked (--doc, the UI's picker); ``named()``: how many documents the
    question names (only called when it could matter: it reads the documents' titles)."""
    if _SUMMARY.search(question):
        return Kind("summary")
    if _ACROSS.search(question) is not None:
        superlative = _SUPERLATIVE.search(question)
        if superlative is not None and _WHICH.search(question):
            direction = "max" if superlative.group("hi") else "min"
            return Kind("comparison", field_for(question), direction, superlative.group(0).lower())
        return Kind("comparison", field_for(question))
    if chosen >= 2 or (chosen == 0 and _JOINED.search(question) is not None and named() >= 2):
        return Kind("per_document", field_for(question))
    return Kind("lookup")
