"""PDF → per-page texts with one glyph box per character (the ``Layout``), tables as rows of cells.

Text pages go through PDFium (C++, ~15x faster than pdfminer, which made parsing cost as much CPU as
embedding); pages with drawn lines or rectangles (possible tables) go through pdfplumber's table finder, whose
rows come out as ``cell | cell`` lines where they sit on the page (the chunker turns each row into a unit with
its column headers). Tables drawn without ruling lines are recognised on text pages by their column gaps
(three or more aligned columns over three or more lines). Pages with no text layer but images are OCR'd with
Tesseract (``rag/ocr.py``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from aiworks.rag import ocr
from aiworks.rag.errors import ParseError
from aiworks.rag.layout import NAN4, Layout, TextBuilder
from aiworks.rag.types import PAGE_SEPARATOR, DocWarning

LOW_CONFIDENCE = 60.0  # mean Tesseract word confidence (0-100) under which a page is reported


def pdf_pages(path: Path) -> tuple[list[str], Layout, list[DocWarning]]:
    import pypdfium2 as pdfium
    from pypdfium2 import raw

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ParseError("encrypted", "the PDF is password-protected; remove the password and retry") from exc
        raise ParseError("corrupt", f"not a readable PDF ({exc})") from exc
    texts: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []
    sizes: list[tuple[float, float]] = []
    scanned: list[int] = []  # 1-based pages without a text layer but with images
    confidence: dict[int, float] = {}
    has_images = False
    plumber = None
    tesseract = ocr.available()
    try:
        for number in range(len(pdf)):
            page = pdf[number]
            width, height = page.get_size()
            kinds = {obj.type for obj in page.get_objects()}
            images = raw.FPDF_PAGEOBJ_IMAGE in kinds
            has_images = has_images or images
            if raw.FPDF_PAGEOBJ_PATH in kinds:
                if plumber is None:
                    plumber = _open_plumber(path)
                built = _plumber_page(plumber.pages[number])
            else:
                built = _pdfium_page(page, height)
            if images and not built.text().strip():
                scanned.append(number + 1)
                if tesseract:
                    built, confidence[number + 1] = ocr.ocr_page(page)
            texts.append(built.text())
            if number:
                boxes.extend([NAN4] * len(PAGE_SEPARATOR))
            boxes.extend(built.boxes)
            sizes.append((float(width), float(height)))
    except ParseError:
        raise
    except Exception as exc:
        raise ParseError("corrupt", f"not a readable PDF ({type(exc).__name__}: {str(exc)[:120]})") from exc
    finally:
        pdf.close()
        if plumber is not None:
            plumber.close()
    if not texts or not any(t.strip() for t in texts):
        if has_images and not tesseract:
            raise ParseError(
                "scanned", f"the PDF has no text layer (scanned images?) and OCR needs Tesseract: {ocr.INSTALL_HINT}"
            )
        if has_images:
            raise ParseError("scanned", "the PDF has no text layer and OCR found no text in its images")
        raise ParseError("empty", "the PDF contains no text")
    layout = Layout(np.asarray(boxes, dtype=np.float32).reshape(-1, 4), sizes, confidence)
    return texts, layout, _ocr_warnings(scanned, confidence, tesseract)


def _ocr_warnings(scanned: list[int], confidence: dict[int, float], tesseract: bool) -> list[DocWarning]:
    if not scanned:
        return []
    if not tesseract:
        return [
            DocWarning(
                "ocr",
                f"page {p} has no text layer and was not OCR'd (Tesseract is missing: {ocr.INSTALL_HINT})",
                page=p,
            )
            for p in scanned
        ]
    pages = ", ".join(f"{p} ({confidence[p]:.0f}%)" for p in scanned)
    out = [
        DocWarning(
            "ocr",
            f"{len(scanned)} page(s) without a text layer were OCR'd, confidence per page: "
            f"{pages}; quotes from them may contain recognition errors",
        )
    ]
    out += [
        DocWarning(
            "low-confidence-ocr",
            f"page {p}: OCR confidence {c:.0f}% (under {LOW_CONFIDENCE:.0f}%); its text may be wrong or missing",
            page=p,
        )
        for p, c in sorted(confidence.items())
        if c < LOW_CONFIDENCE
    ]
    return out


def _open_plumber(path: Path):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        return pdfplumber.open(path)
    except Exception as exc:  # pdfplumber wraps pdfminer's errors in PdfminerException(original)
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc.__cause__
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise ParseError("encrypted", "the PDF is password-protected; remove the password and retry") from exc
        raise ParseError("corrupt", f"not a readable PDF ({type(inner or exc).__name__})") from exc


def _pdfium_page(page, height: float) -> TextBuilder:
    """PDFium's text (one char per glyph, ``\r\n`` between lines) → lines with boxes in top-left coordinates."""
    textpage = page.get_textpage()
    try:
        raw_text = textpage.get_text_range()
        lines: list[list] = []
        current: list = []
        for i, ch in enumerate(raw_text):
            if ch in "\r\n":
                if current:
                    lines.append(current)
                current = []
                continue
            left, bottom, right, top = textpage.get_charbox(i, loose=True)  # font-height boxes: even lines
            box = (left, height - top, right, height - bottom) if not ch.isspace() else NAN4
            current.append((" " if ch.isspace() else ch, box))
        if current:
            lines.append(current)
    finally:
        textpage.close()
    spans = []
    for line in lines:
        while line and line[0][0] == " ":
            line.pop(0)
        while line and line[-1][0] == " ":
            line.pop()
        glyphs = [b for _, b in line if b is not NAN4]
        if glyphs:
            spans.append((min(b[1] for b in glyphs), max(b[3] for b in glyphs), line))
    return _emit_lines(_borderless_tables([("line", top, bottom, line) for top, bottom, line in spans]))


def _segments(line: list, gap: float) -> list[tuple[int, int, float, float]]:
    """Runs of a line's glyphs split where the horizontal gap exceeds ``gap``: (start, end, x0, x1)."""
    segs, start, prev, last = [], 0, None, -1
    for i, (_, box) in enumerate(line):
        if box is NAN4:
            continue
        if prev is not None and box[0] - prev[2] > gap:
            segs.append((start, last + 1))
            start = i
        prev, last = box, i
    if last >= 0:
        segs.append((start, last + 1))
    out = []
    for a, b in segs:
        xs = [box for _, box in line[a:b] if box is not NAN4]
        out.append((a, b, min(x[0] for x in xs), max(x[2] for x in xs)))
    return out


def _borderless_tables(blocks: list[tuple]) -> list[tuple]:
    """Tables drawn without ruling lines: three or more consecutive lines, each split by wide gaps (more than a
    line height) into the same number (at least three) of column runs that overlap the runs of the line above.
    Their lines become ``("table-row", ...)`` blocks whose cells are joined by `` | ``, as ruled tables are."""
    heights = [b[2] - b[1] for b in blocks]
    line_h = float(np.median(heights)) if heights else 10.0
    segs = [_segments(b[3], max(8.0, line_h)) for b in blocks]

    def continues(i: int) -> bool:  # line i is a row of the same table as line i - 1
        a, b = segs[i - 1], segs[i]
        return (
            len(a) == len(b) >= 3
            and blocks[i][1] - blocks[i - 1][2] < 1.5 * line_h
            and all(x[2] <= y[3] and y[2] <= x[3] for x, y in zip(a, b))
        )

    out, i = list(blocks), 0
    while i < len(blocks):
        j = i + 1
        while j < len(blocks) and continues(j):
            j += 1
        if j - i >= 3 and len(segs[i]) >= 3:
            for k in range(i, j):
                line, row = blocks[k][3], []
                for n, (a, b, _, _) in enumerate(segs[k]):
                    if n:
                        row.append((" ", NAN4))
                        row.append(("|", NAN4))
                        row.append((" ", NAN4))
                    cell = line[a:b]
                    row.extend(("/" if ch == "|" else ch, box) for ch, box in cell)
                out[k] = ("table-row", blocks[k][1], blocks[k][2], row)
        i = j
    return out


def _emit_lines(blocks: list[tuple]) -> TextBuilder:
    """Blocks sorted top-down, ``("line", top, bottom, [(char, box)])`` or ``("table", top, bottom, table)``;
    a vertical gap larger than a line height (or a table edge) marks a paragraph break."""
    heights = [b[2] - b[1] for b in blocks if b[0] != "table"]
    line_h = float(np.median(heights)) if heights else 10.0
    out = TextBuilder()
    prev = None
    for kind, top, bottom, payload in blocks:
        if prev is not None:
            para = (
                "table" in (kind, prev[0])
                or (kind == "table-row") != (prev[0] == "table-row")
                or (kind != "table-row" and top - prev[2] > 0.9 * line_h)
            )
            out.add("\n\n" if para else "\n")
        if kind in ("line", "table-row"):
            for ch, box in payload:
                out.add(ch, box)
        else:
            _table_text(payload, out)
        prev = (kind, top, bottom)
    return out


def _inside(obj: dict, bbox: tuple[float, float, float, float]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _plumber_page(page) -> TextBuilder:
    tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
    bboxes = [t.bbox for t in tables]
    base = page
    if bboxes:
        base = page.filter(lambda o: o.get("object_type") != "char" or not any(_inside(o, b) for b in bboxes))
    blocks = [("line", top, bottom, line) for top, bottom, line in _textmap_lines(base)]
    blocks += [("table", t.bbox[1], t.bbox[3], t) for t in tables]
    blocks.sort(key=lambda b: b[1])
    return _emit_lines(blocks)


def _textmap_lines(page) -> list[tuple[float, float, list]]:
    lines: list[tuple[float, float, list]] = []
    current: list = []

    def flush() -> None:
        glyphs = [b for _, b in current if b is not NAN4]
        text = "".join(c for c, _ in current)
        if text.strip() and glyphs:
            lines.append((min(b[1] for b in glyphs), max(b[3] for b in glyphs), current[:]))
        current.clear()

    for chars, obj in page.get_textmap().tuples:
        if chars == "\n" and obj is None:
            flush()
            continue
        box = (obj["x0"], obj["top"], obj["x1"], obj["bottom"]) if obj is not None else NAN4
        current.extend((c, box) for c in chars)  # ligatures expand to several characters, same glyph box
    flush()
    # strip leading/trailing layout spaces of each line so the text has no ragged whitespace
    cleaned = []
    for top, bottom, line in lines:
        while line and line[0][0].isspace():
            line.pop(0)
        while line and line[-1][0].isspace():
            line.pop()
        cleaned.append((top, bottom, line))
    return cleaned


def _table_text(table, out: TextBuilder) -> None:
    cells_text = table.extract()
    for r, (row, values) in enumerate(zip(table.rows, cells_text)):
        if r:
            out.add("\n")
        for c, (cell_box, value) in enumerate(zip(row.cells, values)):
            if c:
                out.add(" | ")
            value = " ".join((value or "").replace("|", "/").split())  # a "|" inside a cell would split it
            box = tuple(float(v) for v in cell_box) if cell_box else NAN4
            out.add(value, box)
