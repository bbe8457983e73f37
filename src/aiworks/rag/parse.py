"""Files → ``ParsedDocument``: full text with exact page offsets, page furniture and warnings.

PDF (``rag/pdf.py``: text layer with glyph boxes, tables as ``cell | cell`` rows, OCR for scanned pages),
DOCX (body paragraphs and tables in order), TXT/MD (encoding detected by ``decode_text``). Running headers,
footers and page numbers are found by ``rag/furniture.py`` and recorded as ``boilerplate`` spans. Problems a
user can fix raise ``ParseError`` with a kind and a one-line message.
"""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

from aiworks.rag.errors import ParseError
from aiworks.rag.furniture import find_boilerplate
from aiworks.rag.layout import Layout
from aiworks.rag.types import PAGE_SEPARATOR, DocWarning, Page, ParsedDocument

SUPPORTED = {".pdf": "pdf", ".docx": "docx", ".txt": "txt", ".md": "md", ".markdown": "md"}
BINARY_MESSAGE = "binary content, not text (supported: PDF, DOCX, and text files in any common encoding)"
# When several encodings decode the bytes equally cleanly, the usual Western ones win (charset-normalizer
# otherwise picks e.g. cp775 for French Latin-1 text, turning "à" into "Ó").
_PREFERRED = ("cp1252", "latin_1", "iso8859_15")

__all__ = ["SUPPORTED", "Layout", "ParseError", "decode_text", "detect_kind", "parse_file", "parse_with_layout"]


def detect_kind(path: Path) -> str:
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise ParseError(
            "unsupported",
            f"unsupported file type {path.suffix or '(none)'!r}; supported: {', '.join(sorted(SUPPORTED))}",
        )
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
    layout, warnings = None, []
    if kind == "pdf":
        from aiworks.rag.pdf import pdf_pages

        pages, layout, warnings = pdf_pages(path)
    elif kind == "docx":
        pages = [_docx_text(path, data)]
    else:
        text, warning = decode_text(data)
        pages = [text.replace("\r\n", "\n").replace("\r", "\n")]
        warnings = [warning] if warning else []
    text, page_spans = _join(pages)
    if not text.strip():
        raise ParseError("empty", "no text found in the file")
    doc = ParsedDocument(
        name=name or path.name,
        text=text,
        pages=page_spans,
        sha256=hashlib.sha256(data).hexdigest(),
        kind=kind,
        boilerplate=find_boilerplate(text, page_spans),
        warnings=warnings,
    )
    return doc, layout


def _join(pages: list[str]) -> tuple[str, list[Page]]:
    spans, offset = [], 0
    for number, page_text in enumerate(pages, start=1):
        spans.append(Page(number=number, start=offset, end=offset + len(page_text)))
        offset += len(page_text) + len(PAGE_SEPARATOR)
    return PAGE_SEPARATOR.join(pages), spans


# ---------------------------------------------------------------- text encodings
def _mostly_text(text: str) -> bool:
    """No NULs, and under 2 % control/unassigned/private-use characters (tabs, newlines, form feeds aside)."""
    if "\x00" in text:
        return False
    bad = sum(1 for ch in text if ch not in "\t\n\r\f" and unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs"))
    bad += text.count("\u2028") + text.count("\ufffd")
    return bad <= 0.02 * max(1, len(text))


def decode_text(data: bytes) -> tuple[str, DocWarning | None]:
    """Bytes of a text file → (text, warning). UTF-8 (with or without BOM) and BOM-marked UTF-16/32 decode
    silently; anything else is detected with charset-normalizer and reported as a guessed ``encoding`` warning.
    Raises ``ParseError("unsupported", BINARY_MESSAGE)`` for content that is no text in any encoding. The CLI
    and the HTTP upload check (``api/uploads.py``) both call this, so they accept the same files."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise ParseError("unsupported", BINARY_MESSAGE) from None
            if not _mostly_text(text):
                raise ParseError("unsupported", BINARY_MESSAGE)
            return text, None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if not _mostly_text(text):
            raise ParseError("unsupported", BINARY_MESSAGE)
        return text, None
    if b"\x00" in data:
        raise ParseError("unsupported", BINARY_MESSAGE)
    import charset_normalizer

    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise ParseError("unsupported", BINARY_MESSAGE)
    best = matches[0]
    clean = [m for m in matches if m.chaos <= best.chaos + 0.1]
    chosen = next((m for enc in _PREFERRED for m in clean if m.encoding == enc), best)
    text = str(chosen)
    if not _mostly_text(text):
        raise ParseError("unsupported", BINARY_MESSAGE)
    return text, DocWarning(
        "encoding", f"not UTF-8: decoded as {chosen.encoding} (detected; check accented or non-Latin characters)"
    )


# ---------------------------------------------------------------- DOCX
def _docx_text(path: Path, data: bytes) -> str:
    """Body paragraphs and tables in document order. Header and footer parts (running headers, page-number
    fields) are not part of the body and are left out: they repeat on every printed page and hold no terms."""
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
                rows = [
                    " | ".join(" ".join(cell.text.replace("|", "/").split()) for cell in row.cells) for row in item.rows
                ]
                blocks.append("\n".join(rows))
            elif item.text.strip():
                blocks.append(item.text.strip())
    except Exception as exc:
        raise ParseError("corrupt", f"not a readable DOCX ({type(exc).__name__})") from exc
    return "\n\n".join(blocks)
