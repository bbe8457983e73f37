"""Page furniture: running headers, footers and page numbers, found as lines repeated across pages.

A line near the top or bottom of a page (its first or last ``ZONE`` non-empty lines) is furniture when the
same line, with every run of digits treated as equal ("Page 3 of 60" = "Page 41 of 60"), sits in the same zone
on at least ``MIN_SHARE`` of the pages (and on at least two); a bare page number ("3", "- 3 -", "Page 3",
"Page 3 of 60", "3/60") in a zone is furniture on its own in a document of two or more pages. The spans stay in
the document text (offsets stay exact); the chunker skips them, so they are never indexed, retrieved or quoted.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from aiworks.rag.types import Page

ZONE = 3
MIN_SHARE = 0.4
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"(?i)^[\s\-\u2013\u2014\[\(]*(page|p\.|pg\.?|seite|página|page no\.?)?\s*"
    r"(\d+|[ivxlc]+)(\s*(of|/|von|de)\s*\d+)?[\s\-\u2013\u2014\]\)]*$"
)


def _lines(text: str, page: Page) -> list[tuple[int, int]]:
    out, pos = [], page.start
    for line in text[page.start : page.end].split("\n"):
        s, e = pos, pos + len(line)
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
        pos += len(line) + 1
    return out


def _key(line: str) -> str:
    return _DIGITS.sub("#", " ".join(line.lower().split()))


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line.strip())) and len(line.strip()) <= 24


def find_boilerplate(text: str, pages: list[Page]) -> list[tuple[int, int]]:
    """Sorted ``(start, end)`` spans of running headers/footers and page numbers."""
    if len(pages) < 2:
        return []
    zones = []  # per page: (top lines, bottom lines)
    for page in pages:
        lines = _lines(text, page)
        top = lines[:ZONE]
        bottom = lines[-ZONE:] if len(lines) > ZONE else []
        bottom = [ln for ln in bottom if ln not in top]
        zones.append((top, bottom))
    counts: Counter = Counter()
    for top, bottom in zones:
        counts.update({("top", _key(text[s:e])) for s, e in top})
        counts.update({("bottom", _key(text[s:e])) for s, e in bottom})
    need = max(2, math.ceil(MIN_SHARE * len(pages)))
    spans = []
    for top, bottom in zones:
        for where, lines in (("top", top), ("bottom", bottom)):
            for s, e in lines:
                line = text[s:e]
                if counts[(where, _key(line))] >= need or is_page_number(line):
                    spans.append((s, e))
    return sorted(spans)
