"""Table rows in document text → search context that names each cell's column.

Every parser writes a table as one line per row with cells joined by ``" | "`` (PDF tables found by
pdfplumber, DOCX tables); Markdown pipe tables (``| a | b |`` plus a ``|---|---|`` rule) are read as they
are. The chunker makes each data row its own chunk whose ``context`` pairs headers with cells
("Tier: Enterprise | Annual fee (USD): 48,000"), so a question about one cell finds the row that holds it,
while the citation stays the row's exact text.
"""

from __future__ import annotations

import re

_RULE_CELL = re.compile(r"^:?-{3,}:?$")
_NUMBERISH = re.compile(r"^[\s$€£¥%()+\-.,/:\d]*\d[\s$€£¥%()+\-.,/:\dA-Za-z]{0,6}$")


def cells(line: str) -> list[str] | None:
    """The cells of a table row line, or None when the line is not one."""
    if "|" not in line:
        return None
    body = line.strip()
    if body.startswith("|") and body.endswith("|") and len(body) > 1:
        body = body[1:-1]
    parts = [" ".join(p.split()) for p in body.split("|")]
    return parts if len(parts) >= 2 else None


def is_rule(row: list[str]) -> bool:
    """A Markdown header rule (``|---|:--:|``)."""
    return all(_RULE_CELL.match(c) for c in row)


def looks_like_header(row: list[str]) -> bool:
    """Column headers name things: every cell filled, none a number or amount."""
    return all(c and not _NUMBERISH.match(c) for c in row)


def row_context(header: list[str] | None, row: list[str]) -> str:
    if not header or len(header) != len(row):
        return ""
    return " | ".join(f"{h}: {c}" if h else c for h, c in zip(header, row) if c)
