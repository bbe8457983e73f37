"""Contract blocks → files: PDF (fpdf2) with running headers/footers, DOCX (python-docx), scanned PDF (the
page drawn into a noisy, slightly rotated image with Pillow, then embedded with no text layer).

A document is a ``Spec``: a list of blocks, each a tuple whose first item names its kind:
``("title", text)``, ``("heading", text)``, ``("para", text)``, ``("table", rows)`` (first row = column
headers), ``("deflist", [(term, definition), ...])``, ``("columns", [para, ...])`` (two-column text),
``("page",)`` (page break). The layout options vary by document so the set does not share one look.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

Block = tuple


@dataclass
class Spec:
    name: str  # file name, e.g. "master_services_agreement.pdf"
    blocks: list[Block]
    header: str = ""  # running header on every page but the first
    footer: str = "Page {page} of {pages}"  # running footer; {page}/{pages} filled in
    font: str = "Helvetica"  # a core font: Helvetica | Times | Courier
    size: float = 10.5
    table_font: float = 9.5
    facts: dict = field(default_factory=dict)


def _latin1(text: str) -> str:
    """Core PDF fonts are Latin-1: replace the few typographic characters our wording may contain."""
    return (
        text.replace("\u2013", "-")
        .replace("\u2014", "-")
        .replace("\u2019", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def write_pdf(spec: Spec, dest: Path) -> Path:
    from fpdf import FPDF

    class _Doc(FPDF):
        def header(self) -> None:
            if spec.header and self.page_no() > 1:
                self.set_font(spec.font, style="I", size=8)
                self.cell(0, 6, _latin1(spec.header), align="R", new_x="LMARGIN", new_y="NEXT")
                self.ln(4)

        def footer(self) -> None:
            if spec.footer:
                self.set_y(-14)
                self.set_font(spec.font, size=8)
                text = spec.footer.replace("{page}", str(self.page_no())).replace("{pages}", "{nb}")
                self.cell(0, 8, _latin1(text), align="C")

    pdf = _Doc(format="A4")
    pdf.alias_nb_pages("{nb}")
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))  # identical bytes for the same seed
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(22, 18, 22)
    pdf.add_page()
    line = spec.size * 0.55
    for block in spec.blocks:
        kind = block[0]
        if kind == "page":
            pdf.add_page()
        elif kind == "title":
            pdf.set_font(spec.font, style="B", size=spec.size + 5)
            pdf.multi_cell(0, line + 3, _latin1(block[1]), align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        elif kind == "heading":
            if pdf.will_page_break(30):
                pdf.add_page()
            pdf.ln(1)
            pdf.set_font(spec.font, style="B", size=spec.size + 0.5)
            pdf.multi_cell(0, line + 1, _latin1(block[1]), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "para":
            pdf.set_font(spec.font, size=spec.size)
            pdf.multi_cell(0, line, _latin1(block[1]), align="J", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.5)
        elif kind == "table":
            pdf.set_font(spec.font, size=spec.table_font)
            if pdf.will_page_break(8 * len(block[1])):
                pdf.add_page()
            with pdf.table(first_row_as_headings=True, line_height=spec.table_font * 0.6) as table:
                for row in block[1]:
                    cells = table.row()
                    for cell in row:
                        cells.cell(_latin1(cell))
            pdf.ln(4)
        elif kind == "deflist":
            for term, definition in block[1]:
                pdf.set_font(spec.font, style="B", size=spec.size)
                pdf.multi_cell(0, line, _latin1(f'"{term}"'), new_x="LMARGIN", new_y="NEXT")
                pdf.set_font(spec.font, size=spec.size)
                pdf.set_x(pdf.l_margin + 8)
                pdf.multi_cell(0, line, _latin1(definition), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1.5)
            pdf.ln(2)
        elif kind == "columns":
            pdf.set_font(spec.font, size=spec.size - 0.5)
            with pdf.text_columns(ncols=2, gutter=8, text_align="J") as cols:
                for para in block[1]:
                    cols.write(_latin1(para) + "\n\n")
            pdf.ln(3)
        else:
            raise ValueError(f"unknown block kind {kind!r}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(dest))
    return dest


def write_docx(spec: Spec, dest: Path) -> Path:
    import docx
    from docx.shared import Pt

    document = docx.Document()
    document.core_properties.created = datetime(2026, 1, 1, tzinfo=UTC)
    document.styles["Normal"].font.size = Pt(spec.size)
    for block in spec.blocks:
        kind = block[0]
        if kind == "title":
            document.add_heading(block[1], level=0)
        elif kind == "heading":
            document.add_heading(block[1], level=1)
        elif kind == "para":
            document.add_paragraph(block[1])
        elif kind == "columns":
            for para in block[1]:
                document.add_paragraph(para)
        elif kind == "deflist":
            for term, definition in block[1]:
                p = document.add_paragraph()
                p.add_run(f'"{term}" ').bold = True
                p.add_run(definition)
        elif kind == "table":
            rows = block[1]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        elif kind == "page":
            document.add_page_break()
    if spec.header:
        document.sections[0].header.paragraphs[0].text = spec.header
    dest.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(dest))
    return dest


def _font(size: int, bold: bool = False):
    from pathlib import Path as _P

    import matplotlib
    from PIL import ImageFont

    name = "DejaVuSerif-Bold.ttf" if bold else "DejaVuSerif.ttf"
    return ImageFont.truetype(str(_P(matplotlib.get_data_path()) / "fonts" / "ttf" / name), size)


def write_scanned_pdf(spec: Spec, dest: Path, seed: int = 0, dpi: int = 200) -> Path:
    """Each page an image only (no text layer), as a photocopied, signed amendment would arrive."""
    import textwrap

    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    body, bold = _font(int(dpi * 0.15)), _font(int(dpi * 0.17), bold=True)
    margin, y = int(dpi * 0.9), int(dpi * 0.9)
    img = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(img)
    chars = int((width - 2 * margin) / (body.getlength("n") * 1.02))
    for block in spec.blocks:
        kind, text = block[0], block[1] if len(block) > 1 else ""
        if kind == "page":
            continue
        font = bold if kind in ("title", "heading") else body
        lines = textwrap.wrap(text, chars) if kind == "para" else [text]
        for ln in lines:
            x = (width - font.getlength(ln)) / 2 if kind == "title" else margin
            draw.text((x, y), ln, fill=rng.randint(10, 40), font=font)
            y += int(font.size * 1.45)
        y += int(body.size * (1.2 if kind == "title" else 0.7))
    img = img.rotate(rng.uniform(-0.6, 0.6), fillcolor=250, resample=Image.BICUBIC)
    noise = Image.effect_noise((width, height), 18).point(lambda v: 255 if v > 60 else 0)
    img = Image.composite(img, Image.new("L", (width, height), 215), noise).filter(ImageFilter.GaussianBlur(0.4))
    png = dest.with_suffix(".scan.png")
    dest.parent.mkdir(parents=True, exist_ok=True)
    img.save(png)
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))
    pdf.add_page()
    pdf.image(str(png), x=0, y=0, w=210, h=297)
    pdf.output(str(dest))
    png.unlink()
    return dest


def write(spec: Spec, dest_dir: Path, seed: int = 0) -> Path:
    dest = Path(dest_dir) / spec.name
    if spec.name.endswith(".docx"):
        return write_docx(spec, dest)
    if spec.facts.get("scanned"):
        return write_scanned_pdf(spec, dest, seed)
    return write_pdf(spec, dest)
