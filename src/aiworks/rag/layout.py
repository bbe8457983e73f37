"""Text built together with one glyph box per character (the ``Layout`` the UI highlights from).

Shared by the PDF text-layer path (``rag/pdf.py``) and OCR (``rag/ocr.py``): both append characters with
their boxes in PDF points from the page's top-left, and whitespace the parser inserts gets NaN boxes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from aiworks.rag.types import HighlightBox

NAN4 = (float("nan"),) * 4
Box = tuple[float, float, float, float]


@dataclass
class Layout:
    """Glyph box (x0, top, x1, bottom; NaN for inserted whitespace) of every document character."""

    boxes: np.ndarray  # (len(text), 4) float32
    page_sizes: list[tuple[float, float]] = field(default_factory=list)  # (width, height) per page
    ocr_confidence: dict[int, float] = field(default_factory=dict)  # 1-based page → mean word confidence 0-100


class TextBuilder:
    """Accumulates text together with one box per character."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.boxes: list[Box] = []

    def add(self, text: str, box: Box = NAN4) -> None:
        self.parts.append(text)
        self.boxes.extend([box] * len(text))

    def text(self) -> str:
        return "".join(self.parts)


def highlight_boxes(layout_file: Path, start: int, end: int) -> list[HighlightBox]:
    """Boxes covering ``text[start:end]`` on the rendered PDF pages (one per text line), from a document's
    stored ``layout.npz``; [] when the document has no layout (not a PDF)."""
    if not layout_file.exists():
        return []
    with np.load(layout_file) as data:
        boxes, sizes, spans = data["boxes"], data["page_sizes"], data["page_spans"]
    start, end = max(0, start), min(end, len(boxes))
    out: list[HighlightBox] = []
    for page_no, (p_start, p_end) in enumerate(spans, start=1):
        lo, hi = max(start, int(p_start)), min(end, int(p_end))
        if lo >= hi:
            continue
        part = boxes[lo:hi]
        part = part[np.isfinite(part).all(axis=1)]
        width, height = (float(v) for v in sizes[page_no - 1])
        lines: list[list[float]] = []  # x0, top, x1, bottom
        for x0, top, x1, bottom in part.tolist():
            for line in lines:
                if abs(line[1] - top) < 0.5 * (bottom - top) and abs(line[3] - bottom) < 0.5 * (bottom - top):
                    line[0], line[1] = min(line[0], x0), min(line[1], top)
                    line[2], line[3] = max(line[2], x1), max(line[3], bottom)
                    break
            else:
                lines.append([x0, top, x1, bottom])
        out.extend(
            HighlightBox(page_no, round(a, 2), round(b, 2), round(c, 2), round(d, 2), width, height)
            for a, b, c, d in lines
        )
    return out
