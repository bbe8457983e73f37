"""Document text → ``Chunk`` spans: exact slices of the text, packed from whole sentences, preferring
paragraph boundaries, never crossing a page, sized for all-MiniLM-L6-v2 (256 word pieces ≈ 180 words).
"""

from __future__ import annotations

import re

from aiworks.rag.types import Chunk, Page

_PARAGRAPH = re.compile(r"\n[ \t\f]*\n\s*")  # blank line; the page separator "\n\f\n" matches too
_SENTENCE_END = re.compile(r"[.!?;][\"'\u201d)\]]*\s+(?=[\"'\u201c(\[]?[A-Z0-9])")
_WORD = re.compile(r"\S+")
# A period after these does not end a sentence (legal text is full of them).
_ABBREVIATIONS = {
    "inc", "ltd", "llc", "co", "corp", "no", "nos", "sec", "secs", "art", "para", "cl", "st", "mr", "mrs", "ms",
    "dr", "prof", "vs", "v", "e.g", "i.e", "etc", "u.s", "u.k", "approx", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig", "pp", "p", "plc", "gmbh", "s.a", "n.a", "cf", "al",
}


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at ``dot`` belongs to an abbreviation or list number ("Inc.", "1.", "(a).")."""
    if text[dot] != ".":
        return False
    start = dot
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "(\"'":
        start -= 1
    token = text[start:dot].lower()
    if not token:
        return False
    if token in _ABBREVIATIONS or re.fullmatch(r"[a-z]|\d+(\.\d+)*|[ivxlc]+", token):
        return True
    return False


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Table rows (``a | b``) are units of their own; runs of ordinary lines stay together."""
    out: list[tuple[int, int]] = []
    pos, run_start = start, start
    while pos <= end:
        nl = text.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        if "|" in text[pos:line_end]:
            if run_start < pos:
                out.append((run_start, pos))
            out.append((pos, line_end))
            run_start = line_end + 1
        if nl < 0:
            break
        pos = nl + 1
    if run_start < end:
        out.append((run_start, end))
    return out


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, bool]]:
    """``(start, end, starts_paragraph)`` of each sentence in ``text[start:end]``, whitespace trimmed."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int, bool]] = []
    block_start = start
    boundaries = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text, start, end)] + [(end, end)]
    for block_end, next_start in boundaries:
        first = True
        for lo, hi in _line_spans(text, block_start, block_end):
            cut = lo
            for m in _SENTENCE_END.finditer(text, lo, hi):
                if _is_abbreviation(text, m.start()):
                    continue
                s, e = _strip(text, cut, m.end())
                if e > s:
                    spans.append((s, e, first))
                    first = False
                cut = m.end()
            s, e = _strip(text, cut, hi)
            if e > s:
                spans.append((s, e, first))
                first = False
        block_start = next_start
    return spans


def _split_long(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    words = [(m.start(), m.end()) for m in _WORD.finditer(text, start, end)]
    return [(words[i][0], words[min(i + max_words, len(words)) - 1][1]) for i in range(0, len(words), max_words)]


def chunk_text(text: str, pages: list[Page], document_id: str, max_words: int = 120,
               overlap_words: int = 20) -> list[Chunk]:
    """Pack sentences into chunks of at most ``max_words`` words (a sentence longer than that is cut at
    word boundaries). Chunks end at a paragraph boundary when one falls in their second half; a chunk that
    ends mid-paragraph shares up to ``overlap_words`` words of trailing sentences with the next one."""
    if max_words < 1:
        raise ValueError("max_words must be positive")
    chunks: list[Chunk] = []
    for page in pages or [Page(1, 0, len(text))]:
        units: list[tuple[int, int, bool, int]] = []
        for s, e, para in sentence_spans(text, page.start, page.end):
            n = len(_WORD.findall(text, s, e))
            if n > max_words:
                for i, (ps, pe) in enumerate(_split_long(text, s, e, max_words)):
                    units.append((ps, pe, para and i == 0, len(_WORD.findall(text, ps, pe))))
            else:
                units.append((s, e, para, n))
        i = 0
        while i < len(units):
            j, words = i, 0
            while j < len(units) and (j == i or words + units[j][3] <= max_words):
                words += units[j][3]
                j += 1
            if j < len(units) and not units[j][2]:
                # prefer to end where a paragraph ends, if that keeps the chunk at least half full
                acc, best = 0, None
                for k in range(i, j):
                    acc += units[k][3]
                    if k + 1 < j and units[k + 1][2] and acc >= max_words // 2:
                        best = k + 1
                j = best or j
            s, e = units[i][0], units[j - 1][1]
            chunks.append(Chunk(document_id=document_id, index=len(chunks), start=s, end=e, page=page.number,
                                text=text[s:e]))
            if j >= len(units):
                break
            k, overlap = j, 0
            if not units[j][2]:
                while k - 1 > i and overlap + units[k - 1][3] <= overlap_words:
                    k -= 1
                    overlap += units[k][3]
            i = k
    return chunks
