"""Files → ``ParsedDocument``: full text with exact page offsets (PDF via pdfplumber, DOCX, TXT/MD).

PDF text is rebuilt from pdfplumber's TextMap so that every output character is tied to its glyph box
(kept as a ``Layout`` for highlighting). Tables are detected per page and emitted as rows of cells
(``cell | cell``), placed where they sit on the page, instead of the interleaved characters plain text
extraction gives. Problems a user can fix raise ``ParseError`` with a kind and a one-line message.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from aiworks.rag.types import PAGE_SEPARATOR, Page, ParsedDocument

SUPPORTED = {".pdf": "pdf", ".docx": "docx", ".txt": "txt", ".md": "md", ".markdown": "md"}
_NAN4 = (float("nan"),) * 4


class ParseError(Exception):
    """A file that cannot be ingested; ``kind`` is one of encrypted/corrupt/empty/scanned/unsupported."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message

    def __reduce__(self):  # picklable, so errors cross the parse worker process boundary intact
        return (ParseError, (self.kind, self.message))


@dataclass
class Layout:
    """Glyph box (x0, top, x1, bottom; NaN for inserted whitespace) of every document character."""

    boxes: np.ndarray  # (len(text), 4) float32
    page_sizes: list[tuple[float, float]] = field(default_factory=list)  # (width, height) per page


class _Text:
    """Accumulates text together with one box per character."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.boxes: list[tuple[float, float, float, float]] = []

    def add(self, text: str, box: tuple[float, float, float, float] = _NAN4) -> None:
        self.parts.append(text)
        self.boxes.extend([box] * len(text))

    def text(self) -> str:
        return "".join(self.parts)


def detect_kind(path: Path) -> str:
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise ParseError("unsupported", f"unsupported file type {path.suffix or '(none)'!r}; "
                                        f"supported: {', '.join(sorted(SUPPORTED))}")
    return kind


def parse_file(path: Path, name: str | None = None) -> ParsedDocument:
    return parse_with_layout(path, name)[0]


def parse_with_layout(path: Path, name: str | None = None) -> tuple[ParsedDocument, Layout | None]:
    path = Path(path)
    kind = detect_kind(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError("unreadable", str(exc)) from exc
    if not data.strip():
        raise ParseError("empty", "the file is empty")
    layout = None
    if kind == "pdf":
        pages, layout = _pdf_pages(path)
    elif kind == "docx":
        pages = [_docx_text(path, data)]
    else:
        pages = [_plain_text(data)]
    text, page_spans = _join(pages)
    if not text.strip():
        raise ParseError("empty", "no text found in the file")
    doc = ParsedDocument(name=name or path.name, text=text, pages=page_spans,
                         sha256=hashlib.sha256(data).hexdigest(), kind=kind)
    return doc, layout


def _join(pages: list[str]) -> tuple[str, list[Page]]:
    spans, offset = [], 0
    for number, page_text in enumerate(pages, start=1):
        spans.append(Page(number=number, start=offset, end=offset + len(page_text)))
        offset += len(page_text) + len(PAGE_SEPARATOR)
    return PAGE_SEPARATOR.join(pages), spans


# ---------------------------------------------------------------- PDF
def _pdf_pages(path: Path) -> tuple[list[str], Layout]:
    """Text pages go through PDFium (C++, ~15x faster than pdfminer, which made parsing cost as much CPU as
    embedding); pages with drawn lines or rectangles (possible tables) go through pdfplumber's table finder."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ParseError("encrypted", "the PDF is password-protected; remove the password and retry") from exc
        raise ParseError("corrupt", f"not a readable PDF ({exc})") from exc
    texts: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []
    sizes: list[tuple[float, float]] = []
    has_images = False
    plumber = None
    try:
        for number in range(len(pdf)):
            page = pdf[number]
            width, height = page.get_size()
            kinds = {obj.type for obj in page.get_objects()}
            has_images = has_images or raw.FPDF_PAGEOBJ_IMAGE in kinds
            if raw.FPDF_PAGEOBJ_PATH in kinds:
                if plumber is None:
                    plumber = _open_plumber(path)
                built = _pdf_page(plumber.pages[number])
            else:
                built = _pdfium_page(page, height)
            texts.append(built.text())
            if number:
                boxes.extend([_NAN4] * len(PAGE_SEPARATOR))
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
        if has_images:
            raise ParseError("scanned", "the PDF has no text layer (scanned images?); OCR is not supported")
        raise ParseError("empty", "the PDF contains no text")
    return texts, Layout(np.asarray(boxes, dtype=np.float32).reshape(-1, 4), sizes)


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


def _pdfium_page(page, height: float) -> _Text:
    """PDFium's text (one char per glyph, ``\r\n`` between lines) → lines with boxes in top-left coordinates."""
    textpage = page.get_textpage()
    try:
        raw_text = textpage.get_text_range()
        lines: list[tuple[float, float, list]] = []
        current: list = []
        for i, ch in enumerate(raw_text):
            if ch in "\r\n":
                if current:
                    lines.append(current)
                current = []
                continue
            left, bottom, right, top = textpage.get_charbox(i, loose=True)  # font-height boxes: even lines
            box = (left, height - top, right, height - bottom) if not ch.isspace() else _NAN4
            current.append((" " if ch.isspace() else ch, box))
        if current:
            lines.append(current)
    finally:
        textpage.close()
    out = _Text()
    spans = []
    for line in lines:
        while line and line[0][0] == " ":
            line.pop(0)
        while line and line[-1][0] == " ":
            line.pop()
        glyphs = [b for _, b in line if b is not _NAN4]
        if glyphs:
            spans.append((min(b[1] for b in glyphs), max(b[3] for b in glyphs), line))
    heights = [b - t for t, b, _ in spans]
    line_h = float(np.median(heights)) if heights else 10.0
    prev_bottom = None
    for top, bottom, line in spans:
        if prev_bottom is not None:
            out.add("\n\n" if top - prev_bottom > 0.9 * line_h else "\n")
        for ch, box in line:
            out.add(ch, box)
        prev_bottom = bottom
    return out


def _inside(obj: dict, bbox: tuple[float, float, float, float]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _pdf_page(page) -> _Text:
    tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
    bboxes = [t.bbox for t in tables]
    base = page
    if bboxes:
        base = page.filter(lambda o: o.get("object_type") != "char" or not any(_inside(o, b) for b in bboxes))
    # Blocks sorted top-down: ("line", top, bottom, chars) from the text map; ("table", top, bottom, table).
    blocks = [("line", top, bottom, line) for top, bottom, line in _textmap_lines(base)]
    blocks += [("table", t.bbox[1], t.bbox[3], t) for t in tables]
    blocks.sort(key=lambda b: b[1])
    heights = [b[2] - b[1] for b in blocks if b[0] == "line"]
    line_h = float(np.median(heights)) if heights else 10.0
    out = _Text()
    prev = None
    for kind, top, bottom, payload in blocks:
        if prev is not None:
            # A vertical gap larger than a line height (or a table edge) marks a paragraph break.
            para = kind == "table" or prev[0] == "table" or top - prev[2] > 0.9 * line_h
            out.add("\n\n" if para else "\n")
        if kind == "line":
            for ch, box in payload:
                out.add(ch, box)
        else:
            _table_text(payload, out)
        prev = (kind, top, bottom)
    return out


def _textmap_lines(page) -> list[tuple[float, float, list]]:
    lines: list[tuple[float, float, list]] = []
    current: list = []

    def flush() -> None:
        glyphs = [b for _, b in current if b is not _NAN4]
        text = "".join(c for c, _ in current)
        if text.strip() and glyphs:
            lines.append((min(b[1] for b in glyphs), max(b[3] for b in glyphs), current[:]))
        current.clear()

    for chars, obj in page.get_textmap().tuples:
        if chars == "\n" and obj is None:
            flush()
            continue
        box = (obj["x0"], obj["top"], obj["x1"], obj["bottom"]) if obj is not None else _NAN4
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


def _table_text(table, out: _Text) -> None:
    cells_text = table.extract()
    for r, (row, values) in enumerate(zip(table.rows, cells_text)):
        if r:
            out.add("\n")
        for c, (cell_box, value) in enumerate(zip(row.cells, values)):
            if c:
                out.add(" | ")
            value = " ".join((value or "").split())
            box = tuple(float(v) for v in cell_box) if cell_box else _NAN4
            out.add(value, box)


# ---------------------------------------------------------------- DOCX / plain text
def _docx_text(path: Path, data: bytes) -> str:
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ParseError("encrypted", "password-protected (or legacy .doc) Office file; save it as a plain .docx")
    from aiworks.rag.archive import check_archive  # zip-bomb limits, from the directory only (security hook)

    check_archive(path, verify=True)
    try:
        import docx
        from docx.table import Table

        document = docx.Document(str(path))
        blocks: list[str] = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                rows = [" | ".join(" ".join(cell.text.split()) for cell in row.cells) for row in item.rows]
                blocks.append("\n".join(rows))
            elif item.text.strip():
                blocks.append(item.text.strip())
    except Exception as exc:
        raise ParseError("corrupt", f"not a readable DOCX ({type(exc).__name__})") from exc
    return "\n\n".join(blocks)


def _plain_text(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ParseError("unsupported", "binary content in a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")
