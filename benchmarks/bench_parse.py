"""Parsing benchmark (writes benchmarks/results/parse.json): what the parse stages cost per page.

1. text PDFs: the bench_rag corpus (8 copies of the three sample contracts, and 8 files of ~13 pages),
   parse + chunk (``index.parse_and_chunk``, the work the ingest worker does), pages/s; CPU seconds are
   split into PDF text extraction, furniture detection and chunking. CPU time (not wall time) of this process
   is the measure, so that the shared machine's load matters less; wall time is reported beside it.
2. OCR: image-only pages (text drawn with Pillow, 200 dpi scans) through Tesseract at 300 dpi, pages/s wall
   and Tesseract's CPU seconds per page, plus the recognised share of the drawn words.

    PYTHONPATH=src python benchmarks/bench_parse.py [--copies 8] [--ocr-pages 4] [--repeats 3]

Run it with PYTHONPATH at an older checkout's src to get the "before" row (stages it lacks are skipped).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

if "PYTHONPATH" not in os.environ:  # else: measure the checkout PYTHONPATH names (e.g. an older one)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from aiworks.rag.index import parse_and_chunk
from aiworks.rag.parse import parse_file
from aiworks.rag.samples import SAMPLES, write_contract

RESULTS = Path(__file__).resolve().parent / "results" / "parse.json"
WORDS = [
    "licensor",
    "customer",
    "agreement",
    "term",
    "fee",
    "payment",
    "notice",
    "days",
    "written",
    "party",
    "software",
    "confidential",
    "obligations",
    "warranty",
    "liability",
    "termination",
    "invoice",
    "annual",
    "support",
    "renewal",
]


def corpus(dest: Path, copies: int, long: bool = False) -> list[Path]:
    """bench_rag's corpus (not imported from it: bench_rag puts this checkout's src first on sys.path)."""

    def vary(blocks, i):
        return [(h, b.replace("Party", f"Party-{i}") if isinstance(b, str) else b) for h, b in blocks]

    if long:
        merged = [block for _ in range(2) for blocks in SAMPLES.values() for block in blocks + [("PAGE", None)]]
        return [write_contract(vary(merged, i), dest / f"long_{i}.pdf") for i in range(copies)]
    return [
        write_contract(vary(blocks, i), dest / f"{Path(name).stem}_{i}.pdf")
        for i in range(copies)
        for name, blocks in SAMPLES.items()
    ]


def bench_text(copies: int, repeats: int) -> dict:
    out = {}
    for label, long in (("contracts", False), ("long_contracts", True)):
        paths = corpus(Path(tempfile.mkdtemp(prefix="bench_parse_")), copies, long)
        pages = sum(len(parse_file(p).pages) for p in paths)
        cpu, wall = [], []
        for _ in range(repeats):
            c, w = time.process_time(), time.perf_counter()
            for p in paths:
                parse_and_chunk(p, p.name, "x", 120, 20)
            cpu.append(time.process_time() - c)
            wall.append(time.perf_counter() - w)
        row = {
            "files": len(paths),
            "pages": pages,
            "cpu_s": round(min(cpu), 3),
            "wall_s": round(min(wall), 3),
            "pages_per_cpu_s": round(pages / min(cpu), 1),
            "pages_per_wall_s": round(pages / min(wall), 1),
        }
        row["stages_cpu_s"] = stages(paths)
        out[label] = row
    return out


def stages(paths: list[Path]) -> dict | None:
    try:
        from aiworks.rag.chunk import chunk_document
        from aiworks.rag.furniture import find_boilerplate
        from aiworks.rag.pdf import pdf_pages
    except ImportError:  # an older checkout
        return None
    from aiworks.rag.parse import _join

    t = {"pdf": 0.0, "furniture": 0.0, "chunk": 0.0}
    for p in paths:
        c = time.process_time()
        texts, _, _ = pdf_pages(p)
        t["pdf"] += time.process_time() - c
        text, spans = _join(texts)
        c = time.process_time()
        find_boilerplate(text, spans)
        t["furniture"] += time.process_time() - c
        doc = parse_file(p)
        c = time.process_time()
        chunk_document(doc, "x")
        t["chunk"] += time.process_time() - c
    return {k: round(v, 3) for k, v in t.items()}


def scanned_pdf(dest: Path, pages: int) -> tuple[Path, list[str]]:
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    pdf, drawn = FPDF(format="A4"), []
    font = ImageFont.load_default(size=30)
    for n in range(pages):
        img = Image.new("L", (1654, 2339), 255)
        draw = ImageDraw.Draw(img)
        for line in range(40):
            words = [WORDS[(n * 7 + line * 3 + i) % len(WORDS)] for i in range(9)]
            drawn += words
            draw.text((150, 150 + line * 50), " ".join(words), fill=0, font=font)
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        pdf.add_page()
        pdf.image(buf, x=0, y=0, w=210, h=297)
    pdf.output(str(dest))
    return dest, drawn


def bench_ocr(pages: int) -> dict | None:
    try:
        from aiworks.rag import ocr
    except ImportError:  # an older checkout
        return None
    if pages < 1 or not ocr.available():
        return None
    path, drawn = scanned_pdf(Path(tempfile.mkdtemp(prefix="bench_ocr_")) / "scan.pdf", pages)
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    w = time.perf_counter()
    doc = parse_file(path)
    wall = time.perf_counter() - w
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    tess_cpu = (after.ru_utime + after.ru_stime) - (child.ru_utime + child.ru_stime)
    got = doc.text.split()
    hits = sum(1 for a, b in zip(sorted(got), sorted(drawn)) if a == b)
    return {
        "pages": pages,
        "wall_s": round(wall, 2),
        "pages_per_wall_s": round(pages / wall, 2),
        "tesseract_cpu_s_per_page": round(tess_cpu / pages, 2),
        "words_drawn": len(drawn),
        "words_read": len(got),
        "word_match_share": round(hits / len(drawn), 3),
        "warnings": [w.kind for w in doc.warnings],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--ocr-pages", type=int, default=4)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg_1m_start": round(os.getloadavg()[0], 2),
        "text_pdf": bench_text(args.copies, args.repeats),
        "ocr": bench_ocr(args.ocr_pages),
    }
    result["loadavg_1m_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
