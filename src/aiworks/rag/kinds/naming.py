"""Which documents does a question name? ("Summarize the NDA", "the NDA and the office lease")

The workspace router (rag/routing.py) names a document only on rare evidence, which suits lookups over
hundreds of contracts but misses "the office lease" when a lease amendment also says "office lease". A
summary or a per-document question must name its documents, so this matcher is more eager: each part of the
question ("... of the NDA" / "and the office lease") picks the document(s) whose file name or title it
matches best, by idf-weighted words, with a bonus for the whole name or title, its acronym ("MSA") or a common
alias ("NDA" for a confidentiality or non-disclosure agreement). Words like "agreement" and "summarize" name
nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from aiworks.rag.route import name_text, tokenize
from aiworks.rag.types import DocumentInfo

_PARTS = re.compile(r"\band\b|,|;|\bversus\b|\bvs\.?|\bcompared (?:to|with)\b", re.IGNORECASE)
_GENERIC = frozenset(
    "a an the of to in on for and or with what which who how is are was does do under give me summarize summarise "
    "summary overview key terms main points provisions outline brief this that these those each both all every "
    "agreement agreements contract contracts document documents doc docs file pdf docx txt md scanned copy "
    "governing law say says about between parties party".split()
)
_ALIASES = {
    "nda": ("confidentiality", "non", "disclosure", "nondisclosure"),
    "msa": ("master", "services"),
    "sow": ("statement", "work"),
    "saas": ("subscription", "software"),
    "lease": ("tenancy",),
}
PHRASE_BONUS = 3.0


def _title(opening: str) -> str:
    for line in opening.splitlines():
        if line.strip():
            return line.strip()[:120]
    return ""


def _profile(doc: DocumentInfo, opening: str) -> tuple[set[str], list[str]]:
    """(words naming the document, whole phrases: file name, title and their acronyms)."""
    name = " ".join(tokenize(name_text(doc.name)))
    title = " ".join(tokenize(_title(opening)))
    words = set(name.split()) | set(title.split())
    phrases = [p for p in (name, title) if len(p.split()) >= 2]
    for p in phrases:
        acronym = "".join(w[0] for w in p.split() if w not in ("of", "to", "and", "the"))
        if len(acronym) >= 2:
            words.add(acronym)
    for alias, meaning in _ALIASES.items():
        if alias in words or any(m in words for m in meaning if len(m) > 3):
            words.add(alias)
    return words - _GENERIC, phrases


def named_documents(question: str, docs: Sequence[DocumentInfo], opening: Callable[[str], str]) -> list[DocumentInfo]:
    """The documents the question names, in the order it names them ([] when it names none)."""
    profiles = [_profile(d, opening(d.id)) for d in docs]
    df: dict[str, int] = {}
    for words, _ in profiles:
        for w in words:
            df[w] = df.get(w, 0) + 1
    n = len(docs)
    out: list[DocumentInfo] = []
    for part in _PARTS.split(question):
        tokens = [t for t in tokenize(part) if t not in _GENERIC]
        if not tokens:
            continue
        text = " ".join(tokenize(part))
        scores = []
        for (words, phrases), doc in zip(profiles, docs):
            s = sum(math.log(1 + n / df[t]) for t in set(tokens) if t in words)
            if s > 0 and any(f" {p} " in f" {text} " for p in phrases):
                s += PHRASE_BONUS
            if s > 0:  # on a tie, the document whose file name the words cover best ("the lease": the lease)
                name = set(tokenize(name_text(doc.name)))
                s += 0.1 * len(name & set(tokens)) / max(1, len(name))
            scores.append(s)
        best = max(scores, default=0.0)
        if best <= 0:
            continue
        for d, s in zip(docs, scores):
            if s >= best - 1e-9 and d not in out:
                out.append(d)
    return out


def without_names(question: str, docs: Sequence[DocumentInfo], opening: Callable[[str], str]) -> str:
    """The question without the words that name ``docs`` ("Which law governs the confidentiality agreement"
    → "Which law governs the agreement"), so a document's title is not taken for the clause asked about."""
    words: set[str] = set()
    for d in docs:
        words |= _profile(d, opening(d.id))[0]
    return re.sub(r"[A-Za-z0-9]+", lambda m: "" if m.group(0).lower() in words else m.group(0), question)
