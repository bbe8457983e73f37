"""OCR of scanned PDF pages through the real Tesseract: text, boxes in PDF points, confidence, warnings."""

from __future__ import annotations

import json

import numpy as np
import pytest

from aiworks.rag import ocr
from aiworks.rag.assistant import Assistant
from aiworks.rag.parse import ParseError, parse_with_layout

from .structured_docs import write_mixed_pdf

pytestmark = pytest.mark.skipif(not ocr.available(), reason="Tesseract missing: run `make system-deps`")


def test_mixed_pdf_scanned_page_is_ocrd_with_boxes_and_confidence(tmp_path):
    doc, layout = parse_with_layout(write_mixed_pdf(tmp_path / "mixed.pdf"))
    page2 = doc.text[doc.pages[1].start : doc.pages[1].end]
    assert "Licensor shall answer support requests" in doc.text[: doc.pages[0].end]  # the text layer, untouched
    assert "10. Export Control" in page2 and "embargoed country" in page2
    assert layout.boxes.shape == (len(doc.text), 4)
    assert layout.ocr_confidence.keys() == {2} and layout.ocr_confidence[2] > 80
    # every OCR'd character has a box inside the page, in PDF points (A4 = 595 x 842)
    width, height = layout.page_sizes[1]
    ink = [i for i in range(doc.pages[1].start, doc.pages[1].end) if not doc.text[i].isspace()]
    boxes = layout.boxes[ink]
    assert np.isfinite(boxes).all()
    assert (boxes[:, 0] >= 0).all() and (boxes[:, 2] <= width).all() and (boxes[:, 3] <= height).all()
    # the image was drawn from x=160 px at 200 dpi, the first line at y=200 px: 57.6 pt and 72 pt
    first = layout.boxes[doc.text.index("9. Audit")]
    assert abs(first[0] - 57.6) < 6 and abs(first[1] - 72) < 8
    assert [w.kind for w in doc.warnings] == ["ocr"]
    assert (
        f"page(s) without a text layer were OCR'd, confidence per page: 2 ({layout.ocr_confidence[2]:.0f}%)"
        in doc.warnings[0].message
    )


def test_low_confidence_page_is_reported_in_the_ingest_report(tmp_path, settings):
    path = write_mixed_pdf(tmp_path / "blurred.pdf", size=14, blur=1.6)
    report = Assistant(settings, "ws").ingest([path])[0]
    assert report.status == "ingested"
    low = [w for w in report.warnings if w.kind == "low-confidence-ocr"]
    assert len(low) == 1 and low[0].page == 2 and "confidence" in low[0].message


def test_cli_ingest_report_prints_ocr_warnings(tmp_path, settings):
    from typer.testing import CliRunner

    from aiworks.cli import app

    path = write_mixed_pdf(tmp_path / "blurred.pdf", size=14, blur=1.6)
    env = {"AIWORKS_EMBEDDER": "hash", "AIWORKS_LLM": "extractive", "COLUMNS": "200"}
    result = CliRunner().invoke(app, ["--home", str(settings.home), "ingest", str(path)], env=env)
    assert result.exit_code == 0, result.output
    assert "low-confidence-ocr" in result.output and "page 2" in result.output
    as_json = CliRunner().invoke(app, ["--home", str(tmp_path / "h2"), "ingest", str(path), "--json"], env=env)
    kinds = [w["kind"] for w in json.loads(as_json.output)[0]["warnings"]]
    assert "low-confidence-ocr" in kinds


def test_question_about_a_scanned_page_is_answered_and_highlighted(tmp_path, settings):
    a = Assistant(settings, "ws")
    a.ingest([write_mixed_pdf(tmp_path / "license_scan.pdf")])
    answer = a.ask("How much notice does the licensor give before an audit?")
    top = answer.citations[0]
    assert not answer.abstained and top.page == 2 and "fifteen (15) business days" in " ".join(top.quote.split())
    assert a.document_text(top.document_id)[top.start : top.end] == top.quote
    boxes = a.highlight(top.document_id, top.start, top.end)
    assert boxes and all(b.page == 2 and 0 <= b.x0 < b.x1 <= b.page_width for b in boxes)


def test_without_tesseract_scanned_pdf_says_how_to_install(tmp_path, monkeypatch):
    import io

    from fpdf import FPDF

    from .structured_docs import scanned_page_image

    pdf = FPDF(format="A4")
    pdf.add_page()
    buf = io.BytesIO()
    scanned_page_image(["1. Parties", "This page was scanned."]).save(buf, format="PNG")
    pdf.image(buf, x=0, y=0, w=210, h=297)
    pdf.output(str(tmp_path / "scan.pdf"))
    monkeypatch.setenv("AIWORKS_TESSERACT", str(tmp_path / "no-such-tesseract"))
    with pytest.raises(ParseError) as err:
        parse_with_layout(tmp_path / "scan.pdf")
    assert err.value.kind == "scanned" and "apt-get install tesseract-ocr" in err.value.message
    # a mixed PDF still ingests its text pages, with a warning about the page it could not read
    doc, _ = parse_with_layout(write_mixed_pdf(tmp_path / "mixed.pdf"))
    assert "support requests" in doc.text
    assert [(w.kind, w.page) for w in doc.warnings] == [("ocr", 2)] and "Tesseract" in doc.warnings[0].message
