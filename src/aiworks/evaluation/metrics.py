"""LegalBench-RAG's character-level precision@k / recall@k.

Per query: precision@k = gold characters covered by the top-k retrieved spans / characters retrieved;
recall@k = gold characters covered / gold characters; spans only meet within the same file.
One deliberate difference from upstream: retrieved spans are merged per file before counting, so a character
retrieved twice (overlapping chunks) counts once; upstream sums overlaps span by span, which lets recall exceed 1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aiworks.evaluation.dataset import Span

MERGE_NOTE = "retrieved spans are merged per file before counting (upstream does not, which lets recall exceed 1)"


def merge_spans(spans: Iterable[Span]) -> dict[str, list[tuple[int, int]]]:
    """Union of half-open intervals per file, sorted and non-overlapping (touching intervals join)."""
    by_file: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for s in spans:
        if s.end > s.start:
            by_file[s.file].append((s.start, s.end))
    merged: dict[str, list[tuple[int, int]]] = {}
    for file, ivs in by_file.items():
        ivs.sort()
        out = [ivs[0]]
        for a, b in ivs[1:]:
            if a <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], b))
            else:
                out.append((a, b))
        merged[file] = out
    return merged


def _length(merged: dict[str, list[tuple[int, int]]]) -> int:
    return sum(b - a for ivs in merged.values() for a, b in ivs)


def _intersection(x: dict[str, list[tuple[int, int]]], y: dict[str, list[tuple[int, int]]]) -> int:
    total = 0
    for file in x.keys() & y.keys():
        a, b = x[file], y[file]
        i = j = 0
        while i < len(a) and j < len(b):  # sweep two sorted disjoint interval lists
            lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
            total += max(0, hi - lo)
            if a[i][1] < b[j][1]:
                i += 1
            else:
                j += 1
    return total


@dataclass(frozen=True)
class PR:
    precision: float
    recall: float


def precision_recall(retrieved: Sequence[Span], gold: Sequence[Span]) -> PR:
    """Character precision/recall of ``retrieved`` (already cut to the top k) against ``gold``."""
    r, g = merge_spans(retrieved), merge_spans(gold)
    covered = _intersection(r, g)
    n_ret, n_gold = _length(r), _length(g)
    return PR(covered / n_ret if n_ret else 0.0, covered / n_gold if n_gold else 0.0)


def at_ks(retrieved: Sequence[Span], gold: Sequence[Span], ks: Sequence[int]) -> dict[int, PR]:
    return {k: precision_recall(retrieved[:k], gold) for k in ks}
