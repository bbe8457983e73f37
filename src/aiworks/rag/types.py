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


@dataclass(frozen=True)
class DocWarning:
    """Something the user should know about one document: an OCR page of low confidence, a passage that
    addresses an AI system (possible prompt injection), a guessed text encoding, ..."""

    kind: str  # e.g. "ocr", "low-confidence-ocr", "injection", "encoding"
    message: str
    page: int | None = None  # 1-based, when the warning is about one page


@dataclass
class ParsedDocument:
    name: str  # display name (file name)
    text: str
    pages: list[Page]
    sha256: str  # of the original file bytes
    kind: str  # "pdf" | "docx" | "txt" | "md"
    # Spans of ``text`` that are page furniture (running headers/footers, page numbers): they stay in the text
    # so offsets remain exact, but the chunker skips them, so they are never indexed, retrieved or quoted.
    boilerplate: list[tuple[int, int]] = field(default_factory=list)
    warnings: list[DocWarning] = field(default_factory=list)

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
    # Search-only context (section heading, table column headers): prepended to ``text`` for embedding and
    # BM25, never part of a citation.
    context: str = ""


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


@dataclass(frozen=True)
class Cell:
    """One table cell: its text and the ``key`` of the citation that supports it (None: nothing to cite)."""

    text: str
    citation: int | None = None


@dataclass
class Table:
    """A comparison / extraction table (rag/kinds): one row per document, every value cell cited."""

    columns: list[str]
    rows: list[list[Cell]]

    def to_json(self) -> dict:
        return {"columns": list(self.columns), "rows": [[asdict(c) for c in row] for row in self.rows]}


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    answered_by: str = "extractive"  # "extractive" or the LLM spec that wrote the answer
    warnings: list[str] = field(default_factory=list)  # e.g. the LLM was unreachable and quotes were returned
    conversation_id: str | None = None  # the conversation this answer belongs to (rag/conversations.py)
    resolved_question: str | None = None  # the standalone question answered (a follow-up resolved); else question
    kind: str = "lookup"  # "lookup" | "summary" | "comparison" | "per_document" (rag/kinds decides)
    table: Table | None = None  # comparisons, summaries, per-document answers: cells cite ``citations`` keys
    # an abstention's closest passages (rag/closest.py): exact spans shown as possibly not answering, never citations
    closest: list[Citation] = field(default_factory=list)

    def to_json(self) -> dict:
        """The stable ``--json`` / HTTP shape (tested); fields are only ever added."""
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [asdict(c) for c in self.citations],
            "timings_ms": dict(self.timings_ms),
            "answered_by": self.answered_by,
            "warnings": list(self.warnings),
            "conversation_id": self.conversation_id,
            "resolved_question": self.resolved_question if self.resolved_question is not None else self.question,
            "kind": self.kind,
            "table": self.table.to_json() if self.table is not None else None,
            "closest": [asdict(c) for c in self.closest],
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
    warnings: tuple[DocWarning, ...] = ()


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
