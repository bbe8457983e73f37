"""Typed records passed between the assistant's stages (parse → chunk → embed → store → retrieve → answer).

Offsets are the backbone of citations: every ``start``/``end`` is a character offset into the
document's full extracted text (pages joined with ``PAGE_SEPARATOR``), so ``text[start:end]`` is
always the exact quoted passage. No stage rewrites text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

PAGE_SEPARATOR = "\n\f\n"  # fixed, so offsets are reproducible from the per-page texts


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    start: int  # offset of the page's first character in the document text
    end: int  # exclusive


@dataclass
class ParsedDocument:
    name: str  # display name (file name)
    text: str
    pages: list[Page]
    sha256: str  # of the original file bytes
    kind: str  # "pdf" | "docx" | "txt" | "md"

    def page_at(self, offset: int) -> int:
        for page in self.pages:
            if page.start <= offset < page.end:
                return page.number
        return self.pages[-1].number if self.pages else 1


@dataclass(frozen=True)
class Chunk:
    document_id: str
    index: int  # position within the document
    start: int
    end: int
    page: int  # page of ``start``
    text: str  # == document text[start:end]


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    document_name: str
    score: float  # fused / ranker score; higher is better


@dataclass(frozen=True)
class Citation:
    key: int
    document: str
    document_id: str
    page: int
    start: int
    end: int
    quote: str
    score: float


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict:
        """The stable ``--json`` / HTTP shape (tested)."""
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [asdict(c) for c in self.citations],
            "timings_ms": dict(self.timings_ms),
        }


@dataclass(frozen=True)
class DocumentInfo:
    id: str
    name: str
    sha256: str
    kind: str
    pages: int
    chunks: int
    chars: int
    ingested_at: str  # ISO-8601 UTC


FileStatus = Literal["ingested", "replaced", "unchanged", "error"]


@dataclass(frozen=True)
class FileReport:
    path: str
    status: FileStatus
    document_id: str | None = None
    pages: int = 0
    chunks: int = 0
    error: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class HighlightBox:
    """A rectangle to draw over a rendered PDF page, in PDF points from the page's top-left."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    page_width: float
    page_height: float
