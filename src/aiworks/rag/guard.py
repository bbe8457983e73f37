"""Guards on generated answers: every kept sentence must cite a passage that was really in the context.

- keys the model invented (not among the numbered passages) are dropped;
- sentences left citing nothing are dropped (an uncited claim is not an answer we can stand behind);
- the caller falls back to extractive answering when nothing cited survives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NOT_FOUND = "Not found in the documents."
_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# A sentence ends at . ! ? (optionally followed by citation markers) before whitespace or the end.
_SENTENCE = re.compile(r".+?(?:[.!?](?:\s*\[[\d,;\s]+\])*(?=\s|$)|$)", re.S)


@dataclass
class Claim:
    text: str  # the sentence with its markers removed
    keys: list[int]  # valid keys it cites, in order, no duplicates


@dataclass
class GuardResult:
    claims: list[Claim] = field(default_factory=list)
    invented_keys: set[int] = field(default_factory=set)
    uncited: list[str] = field(default_factory=list)


def split_sentences(reply: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(reply.strip()) if s.strip()]


def filter_citations(reply: str, valid_keys: set[int]) -> GuardResult:
    result = GuardResult()
    for sentence in split_sentences(reply):
        keys: list[int] = []
        for group in _MARKER.findall(sentence):
            for key in map(int, re.split(r"\s*[,;]\s*", group)):
                if key not in valid_keys:
                    result.invented_keys.add(key)
                elif key not in keys:
                    keys.append(key)
        text = re.sub(r"\s+([.!?,;:])", r"\1", _MARKER.sub("", sentence)).strip()
        if not text:
            continue
        if keys:
            result.claims.append(Claim(text=text, keys=keys))
        else:
            result.uncited.append(text)
    return result


def render(claims: list[Claim], renumber: dict[int, int]) -> str:
    """Sentences with their (renumbered) markers appended: ``"... Delaware. [1]"`` style as ``"... [1]"``."""
    parts = []
    for claim in claims:
        marks = "".join(f"[{renumber[k]}]" for k in claim.keys)
        parts.append(f"{claim.text} {marks}")
    return " ".join(parts)
