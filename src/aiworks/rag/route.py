"""Text helpers shared by routing (``rag/routing.py``) and the learned ranker (``rag/ltr.py``).

LegalBench-RAG-style questions (and users naming a contract) say which document they mean: "Consider the
Acquisition Agreement between Parent "X" and Target "Y"; ...": ``document_part`` is that description, and
``name_text`` turns a file name into the words it carries (URL-decoded, CamelCase split).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_TOKEN = re.compile(r"[a-z0-9]+")


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def document_part(question: str) -> str:
    """The part of a question that names the document: "Consider <description>; <question>" → description."""
    head, sep, _ = question.partition(";")
    if sep and head.strip().lower().startswith("consider"):
        return head.strip()[len("consider") :]
    return question


def name_text(name: str) -> str:
    # File names are often URL-encoded ("Model%20NDA%20(by%20SWA).txt") or CamelCase ("NDA-SqillerBetaTesters"):
    # decode and split so the party names become tokens.
    name = re.sub(r"\.\w+$", "", unquote(name))
    split = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    return name if split == name else f"{name} {split}"
