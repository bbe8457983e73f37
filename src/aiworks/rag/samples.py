"""Sample contracts written by this project (fpdf2), for the demo, tests and benchmarks.

Three multi-page PDFs: a mutual NDA, a services agreement (with a fee table) and a commercial lease (with a
rent table). This module is the writer; their wording and the questions about them are in ``sample_texts.py``
(re-exported here, where the demo, tests and benchmarks import them from).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from aiworks.rag.sample_texts import (
    CALIBRATION_ANSWERABLE,
    CALIBRATION_UNANSWERABLE,
    DEMO_QUESTIONS,
    SAMPLES,
    UNANSWERABLE_QUESTIONS,
)

__all__ = [
    "CALIBRATION_ANSWERABLE",
    "CALIBRATION_UNANSWERABLE",
    "DEMO_QUESTIONS",
    "SAMPLES",
    "UNANSWERABLE_QUESTIONS",
    "write_contract",
    "write_sample_contracts",
]


def _pdf():
    from fpdf import FPDF

    class _Contract(FPDF):
        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.cell(0, 10, f"Page {self.page_no()}", align="C")

    pdf = _Contract(format="A4")
    # fixed metadata: regenerating the samples gives identical bytes, so re-ingesting them is a no-op
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=timezone.utc))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(20, 20, 20)
    return pdf


def write_contract(blocks: list, dest: Path) -> Path:
    pdf = _pdf()
    pdf.add_page()
    for heading, body in blocks:
        if heading == "PAGE":
            pdf.add_page()
        elif heading == "TABLE":
            pdf.set_font("Helvetica", size=10)
            with pdf.table(first_row_as_headings=True, line_height=7) as table:
                for row in body:
                    cells = table.row()
                    for cell in row:
                        cells.cell(cell)
            pdf.ln(4)
        elif body is None:  # document title
            pdf.set_font("Helvetica", style="B", size=15)
            pdf.cell(0, 10, heading, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        else:
            if heading:
                pdf.set_font("Helvetica", style="B", size=11)
                pdf.cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", size=11)
            pdf.multi_cell(0, 6, body, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    dest.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(dest))
    return dest


def write_sample_contracts(dest: Path) -> list[Path]:
    """Write the three sample contracts into ``dest`` and return their paths."""
    dest = Path(dest)
    return [write_contract(blocks, dest / name) for name, blocks in SAMPLES.items()]
