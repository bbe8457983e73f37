"""How related two contract words are in contract drafting: the second test of the abstention's key-term check
(rag/answer.py ``absent``; the rule's ``related`` bar is rag/abstain.py's).

A key term of the question ("late") with no close word by MiniLM similarity still counts as present when an
evidence word is this related to it ("overdue"). The table ships with the package (rag/data/cuad_related.tsv.gz:
stem pairs with their PPMI-SVD cosine over CUAD contracts, built by aiworks.evaluation.related_terms from text
that no benchmark evaluates); it is loaded on first use (12k pairs, about 10 ms).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "data" / "cuad_related.tsv.gz"


@lru_cache(maxsize=1)
def table(path: Path = TABLE) -> dict[str, dict[str, float]]:
    """stem → {related stem: similarity}; empty when the file is missing (the check then reads MiniLM alone)."""
    out: dict[str, dict[str, float]] = {}
    try:
        text = gzip.decompress(path.read_bytes()).decode()
    except OSError:
        return out
    for line in text.splitlines():
        if line.startswith("#") or not line:
            continue
        a, b, s = line.split("\t")
        out.setdefault(a, {})[b] = out.setdefault(b, {})[a] = float(s)
    return out


def relatedness(term: str, stems: Iterable[str]) -> float:
    """The highest similarity of ``term`` (a stem) to any of ``stems`` in the table (0 when none is listed)."""
    near = table().get(term)
    if not near:
        return 0.0
    return max((near[s] for s in stems if s in near), default=0.0)
