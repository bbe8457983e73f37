"""OCR of PDF pages without a text layer: PDFium renders the page, Tesseract reads it (``tsv`` output).

Tesseract's word boxes (pixels at ``DPI``) are converted to PDF points from the page's top-left, the same
space as the text layer's glyph boxes, so highlighting a cited passage works on scanned pages too. Each
character gets an even share of its word's box. The page confidence is Tesseract's word confidence averaged
over the recognised characters. Tesseract runs as a subprocess (the Debian ``tesseract-ocr`` package, installed
by ``make system-deps``) with one thread: ingestion already runs parsing beside embedding.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess

from aiworks.rag.errors import ParseError
from aiworks.rag.layout import TextBuilder

DPI = 300
TIMEOUT_S = 120  # per page; a page that takes longer is reported, not waited on forever
INSTALL_HINT = "install it with `apt-get install tesseract-ocr tesseract-ocr-eng` (or `make system-deps`)"


def binary() -> str | None:
    return os.environ.get("AIWORKS_TESSERACT") or shutil.which("tesseract")


def available() -> bool:
    exe = binary()
    return bool(exe) and os.access(exe, os.X_OK)


def ocr_page(page, dpi: int = DPI, lang: str = "eng") -> tuple[TextBuilder, float]:
    """Text of one pypdfium2 page with per-character boxes in PDF points, and its confidence (0-100)."""
    scale = dpi / 72.0
    image = page.render(scale=scale, grayscale=True).to_pil()
    buf = io.BytesIO()
    image.save(buf, format="PPM")  # uncompressed: encoding a PNG of an A4 page at 300 dpi costs ~0.3 s
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        run = subprocess.run(
            [binary() or "tesseract", "stdin", "stdout", "-l", lang, "--dpi", str(dpi), "tsv"],
            input=buf.getvalue(),
            capture_output=True,
            timeout=TIMEOUT_S,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ParseError("scanned", f"OCR of a page took more than {TIMEOUT_S} s") from exc
    if run.returncode != 0:
        raise ParseError("scanned", f"Tesseract failed: {run.stderr.decode(errors='replace').strip()[:200]}")
    return words_to_text(run.stdout.decode("utf-8", errors="replace"), scale)


def words_to_text(tsv: str, scale: float) -> tuple[TextBuilder, float]:
    """Tesseract TSV → lines of words ("\\n" between lines, "\\n\\n" between paragraphs) and the confidence."""
    out = TextBuilder()
    prev_line = prev_par = None
    conf_sum = chars = 0.0
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        word = " ".join(cols[11].split())
        conf = float(cols[10])
        if not word or conf < 0:
            continue
        par, line = (cols[2], cols[3]), (cols[2], cols[3], cols[4])
        if prev_line is not None:
            out.add("\n\n" if par != prev_par else "\n" if line != prev_line else " ")
        prev_line, prev_par = line, par
        left, top, width, height = (float(v) / scale for v in cols[6:10])
        step = width / len(word)
        for i, ch in enumerate(word):
            out.add(ch, (left + i * step, top, left + (i + 1) * step, top + height))
        conf_sum += conf * len(word)
        chars += len(word)
    return out, (conf_sum / chars if chars else 0.0)
