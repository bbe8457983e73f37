"""Sentences and headings of document text, as exact spans: where one sentence ends (legal abbreviations such
as "Inc." or "Sec. 2." do not end one), and which lines are headings ("16. Governing Law", "ARTICLE V"). The
chunker packs these units into chunks; the answerer and the support check quote them."""

from __future__ import annotations

import re

_PARAGRAPH = re.compile(r"\n[ \t\f]*\n\s*")  # blank line; the page separator "\n\f\n" matches too
_SENTENCE_END = re.compile(r"[.!?;][\"'\u201d)\]]*\s+(?=[\"'\u201c(\[]?[A-Z0-9])")
# A period after these does not end a sentence (legal text is full of them).
_ABBREVIATIONS = {
    "inc",
    "ltd",
    "llc",
    "co",
    "corp",
    "no",
    "nos",
    "sec",
    "secs",
    "art",
    "para",
    "cl",
    "st",
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "vs",
    "v",
    "e.g",
    "i.e",
    "etc",
    "u.s",
    "u.k",
    "approx",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "fig",
    "pp",
    "p",
    "plc",
    "gmbh",
    "s.a",
    "n.a",
    "cf",
    "al",
}
_NUMBERED = re.compile(
    r"^(?:(?:section|article|clause|schedule|exhibit|annex|appendix|part)\s+)?"
    r"(\d+(?:\.\d+)*\.?|[IVXLC]+\.?|[A-Z]\.)(?:\s+[-\u2013\u2014:]?\s*|$)",
    re.IGNORECASE,
)
_MD_HEADING = re.compile(r"^(#{1,6})\s+\S")
_SMALL = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with", "-", "&"}


def is_heading(text: str) -> bool:
    """True for a title or section heading standing alone: "16. Governing Law and Disputes", "ARTICLE V",
    "## Fees", "SOFTWARE LICENSE AGREEMENT", "Governing Law". Used by the chunker (headings become context) and
    by the extractive answerer (a heading is never an answer on its own)."""
    line = " ".join(text.split())
    if not line or "\n" in text.strip() or "|" in line or len(line) > 100 or len(line.split()) > 14:
        return False
    if _MD_HEADING.match(line):
        return True
    if line[-1] in ",;" or (line[-1] in ".:" and not _NUMBERED.fullmatch(line + " ")):
        return False
    m = _NUMBERED.match(line)
    rest = line[m.end() :] if m else line
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'\u2019-]*", rest)]
    if not words:
        return bool(m) and bool(re.match(r"(?i)(section|article|clause|schedule|exhibit|annex|appendix|part)\b", line))
    if all(w.isupper() for w in words if len(w) > 1) and any(len(w) > 1 for w in words):
        return True  # ALL CAPS
    significant = [w for w in words if w.lower() not in _SMALL]
    capitalised = sum(w[0].isupper() for w in significant) / max(1, len(significant))
    if m:  # a numbered line: "2. Term", "16. Governing Law and Disputes" (not "1. The Supplier shall ...")
        return capitalised >= 0.6 and len(words) <= 10
    return capitalised == 1.0 and len(words) <= 8 and not re.search(r"\d", rest)


def heading_depth(text: str) -> int:
    line = " ".join(text.split())
    md = _MD_HEADING.match(line)
    if md:
        return len(md.group(1))
    m = _NUMBERED.match(line)
    if m and re.match(r"\d", m.group(1)):
        return m.group(1).rstrip(".").count(".") + 1
    return 1


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
    return token in _ABBREVIATIONS or bool(re.fullmatch(r"[a-z]|\d+(\.\d+)*|[ivxlc]+", token))


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Heading lines at the top of a block and table rows (``a | b``) are units of their own; runs of
    ordinary lines stay together."""
    out: list[tuple[int, int]] = []
    pos, run_start, leading = start, start, True
    while pos <= end:
        nl = text.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        line = text[pos:line_end]
        if "|" in line or (leading and nl >= 0 and is_heading(line)):
            if run_start < pos:
                out.append((run_start, pos))
            out.append((pos, line_end))
            run_start = line_end + 1
        else:
            leading = False
        if nl < 0:
            break
        pos = nl + 1
    if run_start < end:
        out.append((run_start, end))
    return out


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, bool]]:
    """``(start, end, starts_paragraph)`` of each sentence in ``text[start:end]``, whitespace trimmed. Heading
    lines and table rows are spans of their own (and each starts a paragraph)."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int, bool]] = []
    block_start = start
    boundaries = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text, start, end)] + [(end, end)]
    for block_end, next_start in boundaries:
        first = True
        for lo, hi in _line_spans(text, block_start, block_end):
            unit = "|" in text[lo:hi] and "\n" not in text[lo:hi]
            first = first or unit or (hi < block_end and is_heading(text[lo:hi]))
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
                first = unit
        block_start = next_start
    return spans
