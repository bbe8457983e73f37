"""Generated contracts with the structure real ones have: running headers and footers, numbered section
headings, pricing tables (ruled PDF tables, DOCX tables, Markdown pipe tables), DOCX header/footer parts."""

from __future__ import annotations

from pathlib import Path

HEADER = "SOFTWARE LICENSE AGREEMENT - CONFIDENTIAL"
FEES = [
    ["Tier", "Annual fee (USD)", "Named users", "Support"],
    ["Starter", "6,000", "10", "Email"],
    ["Professional", "18,500", "50", "Email and phone"],
    ["Enterprise", "48,000", "Unlimited", "24/7 dedicated"],
]
FILLER = (
    "The parties shall perform their obligations under this section in good faith and in accordance with "
    "applicable law, and each party shall keep complete and accurate records of its performance. "
)
SECTIONS = [
    ("1. Definitions", "Capitalised terms have the meanings given in this section. " + FILLER * 3),
    (
        "2. License Grant",
        "Licensor grants Customer a non-exclusive, non-transferable license to use the "
        "Software during the Term for its internal business purposes. " + FILLER * 3,
    ),
    (
        "3. Fees",
        (
            "Customer shall pay the annual fee for its tier set out in the table below. The annual fee is "
            "invoiced in advance and is payable within thirty (30) days of the invoice date."
        ),
    ),
    ("TABLE", FEES),
    ("4. Term", "This Agreement starts on the Effective Date and continues for three (3) years. " + FILLER * 4),
    (
        "5. Confidentiality",
        "Each party shall protect the other party's Confidential Information with at least "
        "reasonable care. " + FILLER * 5,
    ),
    (
        "6. Warranties",
        "Licensor warrants that the Software will perform materially as described in the "
        "Documentation for ninety (90) days after delivery. " + FILLER * 5,
    ),
    (
        "7. Limitation of Liability",
        "Neither party's total liability shall exceed the fees paid in the twelve "
        "(12) months before the claim. " + FILLER * 5,
    ),
    (
        "16. Governing Law and Disputes",
        "This Agreement is governed by the laws of the State of New York, and "
        "the courts of New York County have exclusive jurisdiction. " + FILLER * 2,
    ),
]


def write_license_pdf(dest: Path, page_label: str = "of", ruled: bool = True) -> Path:
    """A multi-page PDF: running header, "Page N of M" (or "- N -") footer, headings, a fee table (ruled, or
    with no lines at all: then only the gaps between columns show it is a table)."""
    from fpdf import FPDF
    from fpdf.enums import TableBordersLayout

    class Doc(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", size=8)
            self.cell(0, 6, HEADER, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(4)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            label = f"Page {self.page_no()} of {{nb}}" if page_label == "of" else f"- {self.page_no()} -"
            self.cell(0, 10, label, align="C")

    pdf = Doc(format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=15)
    pdf.cell(0, 10, "SOFTWARE LICENSE AGREEMENT", align="C", new_x="LMARGIN", new_y="NEXT")
    for heading, body in SECTIONS:
        if heading == "TABLE":
            pdf.set_font("Helvetica", size=10)
            borders = TableBordersLayout.ALL if ruled else TableBordersLayout.NONE
            with pdf.table(first_row_as_headings=True, line_height=7, borders_layout=borders) as table:
                for row in body:
                    cells = table.row()
                    for cell in row:
                        cells.cell(cell)
            pdf.ln(4)
            continue
        pdf.set_font("Helvetica", style="B", size=11)
        pdf.cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, body, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    dest.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(dest))
    return dest


def write_license_docx(dest: Path) -> Path:
    """The same agreement as a DOCX: header and footer parts (with a PAGE field), headings, a fee table."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()
    section = d.sections[0]
    section.header.paragraphs[0].text = HEADER
    footer = section.footer.paragraphs[0]
    footer.add_run("Page ")
    run = footer.add_run()
    for tag, attr in (
        ("w:fldChar", {"w:fldCharType": "begin"}),
        ("w:instrText", None),
        ("w:fldChar", {"w:fldCharType": "end"}),
    ):
        el = OxmlElement(tag)
        if attr:
            for k, v in attr.items():
                el.set(qn(k), v)
        else:
            el.text = "PAGE"
        run._r.append(el)
    d.add_heading("SOFTWARE LICENSE AGREEMENT", level=0)
    for heading, body in SECTIONS:
        if heading == "TABLE":
            table = d.add_table(rows=len(body), cols=len(body[0]))
            for r, row in enumerate(body):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
            continue
        d.add_heading(heading, level=1)
        d.add_paragraph(body)
        d.add_page_break()
    d.save(dest)
    return dest


def write_license_md(dest: Path) -> Path:
    lines = ["# Software License Agreement", ""]
    for heading, body in SECTIONS:
        if heading == "TABLE":
            lines += ["| " + " | ".join(body[0]) + " |", "|" + "---|" * len(body[0])]
            lines += ["| " + " | ".join(row) + " |" for row in body[1:]]
        else:
            lines += [f"## {heading}", "", body]
        lines.append("")
    dest.write_text("\n".join(lines), encoding="utf-8")
    return dest


SCANNED_LINES = [
    "9. Audit Rights",
    "Licensor may audit Customer's use of the Software once in any",
    "twelve (12) month period, on at least fifteen (15) business days'",
    "written notice.",
    "",
    "10. Export Control",
    "Customer shall comply with all export laws that apply to",
    "the Software and shall not export it to an embargoed country.",
]


def scanned_page_image(lines: list[str], size: int = 34, blur: float = 0.0):
    """An A4 page at 200 dpi with the lines drawn in Pillow's bundled font, as a scanner would deliver it."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    img = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=size)
    y = 200
    for line in lines:
        draw.text((160, y), line, fill=0, font=font)
        y += int(size * 1.6)
    return img.filter(ImageFilter.GaussianBlur(blur)) if blur else img


def write_mixed_pdf(dest: Path, scanned_lines: list[str] = SCANNED_LINES, **image_kw) -> Path:
    """Page 1 has a text layer; page 2 is only an image of a scanned page (no text layer)."""
    import io

    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "8. Support\nLicensor shall answer support requests within one business day.")
    pdf.add_page()
    buf = io.BytesIO()
    scanned_page_image(scanned_lines, **image_kw).save(buf, format="PNG")
    pdf.image(buf, x=0, y=0, w=210, h=297)
    pdf.output(str(dest))
    return dest


def write_long_pdf(dest: Path, pages: int = 60, rate_rows: int = 70) -> Path:
    """A long agreement: a rate table that runs over a page break, then numbered clauses to ``pages`` pages,
    running header, "Page N of M" footer."""
    from fpdf import FPDF

    class Doc(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", size=8)
            self.cell(0, 6, HEADER, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(4)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Doc(format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=11)
    pdf.cell(0, 7, "1. Rate Card", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    with pdf.table(first_row_as_headings=True, line_height=7) as table:
        for row in [["Role", "Hourly rate (USD)"]] + [[f"Role {i}", f"{100 + i}"] for i in range(rate_rows)]:
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    clause = 2
    while pdf.page_no() < pages:
        pdf.set_font("Helvetica", style="B", size=11)
        pdf.cell(0, 7, f"{clause}. Clause Number {clause}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, f"Obligation {clause} applies. " + FILLER * 2, new_x="LMARGIN", new_y="NEXT")
        clause += 1
    pdf.output(str(dest))
    return dest
