"""LegalBench-RAG loader: queries with gold character spans, the corpus, and the honest training split.

Layout (see ../shared/bench/legalbench-rag/SOURCE.md): ``corpus/<dataset>/<file>.txt``,
``benchmarks/<dataset>.json`` (full query sets) and ``mini/<dataset>.json`` (the paper's 194-query subsets).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DATASETS = ("contractnli", "maud", "privacy_qa")  # CUAD's query file is missing upstream (see SOURCE.md)


class BenchmarkError(ValueError):
    """Bad benchmark path / subset / dataset name (reported to the user without a traceback)."""


@dataclass(frozen=True)
class Span:
    file: str  # "<dataset>/<file>.txt", relative to corpus/
    start: int
    end: int  # exclusive


@dataclass(frozen=True)
class Query:
    dataset: str
    text: str
    gold: tuple[Span, ...]

    @property
    def file(self) -> str:
        """The one document the gold spans point to (checked upstream: no multi-document tests)."""
        return self.gold[0].file

    @property
    def description(self) -> str:
        """``Consider <description>; <question>`` → the description (what names the document)."""
        head, _, _ = self.text.partition(";")
        return head.removeprefix("Consider").strip()

    @property
    def question(self) -> str:
        _, sep, tail = self.text.partition(";")
        return tail.strip() if sep else self.text.strip()


def _check_root(root: Path) -> Path:
    root = Path(root)
    if not (root / "corpus").is_dir() or not (root / "benchmarks").is_dir():
        raise BenchmarkError(f"{root} is not a LegalBench-RAG folder (expected corpus/ and benchmarks/ inside)")
    return root


def parse_datasets(spec: str | None) -> tuple[str, ...]:
    if not spec:
        return DATASETS
    names = tuple(n.strip() for n in spec.split(",") if n.strip())
    unknown = [n for n in names if n not in DATASETS]
    if unknown:
        raise BenchmarkError(f"unknown dataset(s) {', '.join(unknown)}; choose from {', '.join(DATASETS)}")
    return names


def _read_tests(path: Path, dataset: str) -> list[Query]:
    tests = json.loads(path.read_text(encoding="utf-8"))["tests"]
    return [
        Query(
            dataset=dataset,
            text=t["query"],
            gold=tuple(Span(s["file_path"], int(s["span"][0]), int(s["span"][1])) for s in t["snippets"]),
        )
        for t in tests
    ]


def load_queries(root: Path, subset: str, datasets: tuple[str, ...] = DATASETS) -> list[Query]:
    """``subset`` is "mini" (reported protocol) or "full" (every query of benchmarks/)."""
    root = _check_root(root)
    folder = {"mini": "mini", "full": "benchmarks"}.get(subset)
    if folder is None:
        raise BenchmarkError(f"unknown subset {subset!r}; choose mini or full")
    out: list[Query] = []
    for name in datasets:
        path = root / folder / f"{name}.json"
        if not path.is_file():
            raise BenchmarkError(f"missing {path}")
        out += _read_tests(path, name)
    return out


def training_queries(root: Path, datasets: tuple[str, ...] = DATASETS) -> list[Query]:
    """Full-benchmark queries whose documents are NOT among the mini documents (document-disjoint).

    PrivacyQA's mini subset already covers all of its documents, so it contributes nothing here and stays a
    pure held-out check.
    """
    mini_files = {q.file for q in load_queries(root, "mini", datasets)}
    return [q for q in load_queries(root, "full", datasets) if q.file not in mini_files]


def corpus_files(root: Path, subset: str, queries: list[Query]) -> list[str]:
    """The documents to index: mini = only those the queries touch (the paper's protocol); full = all 714."""
    root = _check_root(root)
    if subset == "full":
        return sorted(str(p.relative_to(root / "corpus")) for p in (root / "corpus").rglob("*.txt"))
    return sorted({q.file for q in queries})


def read_document(root: Path, file: str) -> str:
    return (Path(root) / "corpus" / file).read_text(encoding="utf-8")
