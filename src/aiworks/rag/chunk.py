"""Document text → ``Chunk`` spans: exact slices of the text, packed from whole sentences, preferring
paragraph boundaries, never crossing a page, sized for all-MiniLM-L6-v2 (256 word pieces ≈ 180 words).

Structure the parsers leave in the text is used, never rewritten:
- page furniture (``ParsedDocument.boilerplate``) is skipped: never a chunk, never quoted;
- a heading line ("16. Governing Law and Disputes") is a unit of its own, never glued onto the sentence after
  it; it is not chunked itself but becomes the ``context`` of its section's chunks (with its parents);
- each table row (``a | b`` lines, see ``rag/tables.py``) is its own chunk whose context pairs the column
  headers with its cells; the header row lives only in that context.
"""

from __future__ import annotations

import re

from aiworks.rag import tables
from aiworks.rag.segment import _MD_HEADING, _NUMBERED, heading_depth, is_heading, sentence_spans
from aiworks.rag.types import Chunk, Page, ParsedDocument

_WORD = re.compile(r"\S+")


def _split_long(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    words = [(m.start(), m.end()) for m in _WORD.finditer(text, start, end)]
    return [(words[i][0], words[min(i + max_words, len(words)) - 1][1]) for i in range(0, len(words), max_words)]


def _regions(page: Page, boilerplate: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The page's span minus the furniture inside it."""
    out, pos = [], page.start
    for s, e in boilerplate:
        if e <= page.start or s >= page.end:
            continue
        if s > pos:
            out.append((pos, s))
        pos = max(pos, e)
    if pos < page.end:
        out.append((pos, page.end))
    return out


def _pack(units: list[tuple[int, int, bool, int]], max_words: int, overlap_words: int) -> list[tuple[int, int]]:
    """Sentences → chunk spans of at most ``max_words`` words. A chunk ends at a paragraph boundary when one
    falls in its second half; one that ends mid-paragraph shares up to ``overlap_words`` words of trailing
    sentences with the next one."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        j, words = i, 0
        while j < len(units) and (j == i or words + units[j][3] <= max_words):
            words += units[j][3]
            j += 1
        if j < len(units) and not units[j][2]:
            acc, best = 0, None
            for k in range(i, j):
                acc += units[k][3]
                if k + 1 < j and units[k + 1][2] and acc >= max_words // 2:
                    best = k + 1
            j = best or j
        out.append((units[i][0], units[j - 1][1]))
        if j >= len(units):
            break
        k, overlap = j, 0
        if not units[j][2]:
            while k - 1 > i and overlap + units[k - 1][3] <= overlap_words:
                k -= 1
                overlap += units[k][3]
        i = k
    return out


class _Sections:
    """The heading path ("3. Fees > 3.2 Annual fees") in force at each point of the document."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, str, bool]] = []  # depth, heading, structural (numbered/Markdown/ALL CAPS)

    def enter(self, heading: str) -> None:
        line = " ".join(heading.split())
        structural = bool(_MD_HEADING.match(line) or _NUMBERED.match(line) or line.upper() == line)
        if structural:
            depth = heading_depth(line)
        else:  # a plain "Governing Law" or a defined term: one level under the nearest numbered heading
            depth = next((d for d, _, st in reversed(self.stack) if st), 0) + 1
        while self.stack and self.stack[-1][0] >= depth:
            self.stack.pop()
        self.stack.append((depth, re.sub(r"^#+\s*", "", line), structural))

    def context(self, extra: str = "") -> str:
        return "\n".join(p for p in (" > ".join(h for _, h, _ in self.stack), extra) if p)


def chunk_text(
    text: str,
    pages: list[Page],
    document_id: str,
    max_words: int = 120,
    overlap_words: int = 20,
    boilerplate: list[tuple[int, int]] | None = None,
) -> list[Chunk]:
    """Chunks of the text outside ``boilerplate``: prose sentences packed by ``_pack`` with the heading path
    as context (a heading always starts a chunk; headings with no prose after them on their page are left to
    the context of what follows), and one chunk per table data row with its column headers as context."""
    if max_words < 1:
        raise ValueError("max_words must be positive")
    chunks: list[Chunk] = []
    sections = _Sections()
    header: list[str] | None = None  # column headers of the table being read (kept across a page break)
    regions = [
        (page, lo, hi)
        for page in pages or [Page(1, 0, len(text))]
        for lo, hi in _regions(page, sorted(boilerplate or []))
    ]
    prose: list[tuple[int, int, bool, int, bool]] = []  # start, end, starts paragraph, words, heading
    page = Page(1, 0, len(text))

    def flush(keep_headings: bool = False) -> None:
        if keep_headings and all(u[4] for u in prose):
            return  # only headings so far: they open the chunk of the prose that follows
        if any(not u[4] for u in prose):
            for s, e in _pack([u[:4] for u in prose], max_words, overlap_words):
                chunks.append(Chunk(document_id, len(chunks), s, e, page.number, text[s:e], sections.context()))
        prose.clear()

    for r, (page, lo, hi) in enumerate(regions):  # flush() reads the current ``page``
        spans = sentence_spans(text, lo, hi)
        for n, (s, e, para) in enumerate(spans):
            unit = text[s:e]
            row = tables.cells(unit) if "\n" not in unit else None
            if row is not None:
                flush()
                if tables.is_rule(row):
                    continue
                if n == 0 or not tables.cells(text[spans[n - 1][0] : spans[n - 1][1]]):  # a table's first row
                    nxt = tables.cells(text[spans[n + 1][0] : spans[n + 1][1]]) if n + 1 < len(spans) else None
                    if nxt and (tables.is_rule(nxt) or tables.looks_like_header(row)):
                        header = row  # the header row: only ever context of the rows below it
                        continue
                    if not (header and len(header) == len(row)):
                        header = None  # else a table continued from the previous page keeps its header
                context = sections.context(tables.row_context(header, row))
                chunks.append(Chunk(document_id, len(chunks), s, e, page.number, unit, context))
                continue
            header = None
            heading = para and is_heading(unit)
            if heading:
                flush(keep_headings=True)
                sections.enter(unit)
            count = len(_WORD.findall(text, s, e))
            if count > max_words:
                for i, (ps, pe) in enumerate(_split_long(text, s, e, max_words)):
                    prose.append((ps, pe, para and i == 0, len(_WORD.findall(text, ps, pe)), False))
            else:
                prose.append((s, e, para, count, heading))
        if r == len(regions) - 1 and prose and all(u[4] for u in prose):
            prose[-1] = prose[-1][:4] + (False,)  # trailing headings at the very end are kept as text
        flush()
    return chunks


def chunk_document(doc: ParsedDocument, document_id: str, max_words: int = 120, overlap_words: int = 20) -> list[Chunk]:
    return chunk_text(doc.text, doc.pages, document_id, max_words, overlap_words, doc.boilerplate)
