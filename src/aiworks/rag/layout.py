"""Text built together with one glyph box per character (the ``Layout`` the UI highlights from).

Shared by the PDF text-layer path (``rag/pdf.py``) and OCR (``rag/ocr.py``): both append characters with
their boxes in PDF points from the page's top-left, and whitespace the parser inserts gets NaN boxes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

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
