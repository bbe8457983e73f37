"""Document structure on real generated files: running headers/footers as boilerplate, headings as context,
table rows as chunks with their column headers, text encodings."""

from __future__ import annotations

import re

import pytest

from aiworks.rag.assistant import Assistant
from aiworks.rag.chunk import chunk_document
from aiworks.rag.segment import is_heading, sentence_spans
from aiworks.rag.embed import search_head
from aiworks.rag.index import context_prefix
from aiworks.rag.parse import ParseError, decode_text, parse_file
from aiworks.rag.types import PAGE_SEPARATOR

from .structured_docs import (
    FEES,
    HEADER,
    write_license_docx,
    write_license_md,
    write_license_pdf,
)

WRITERS = {
    "pdf": write_license_pdf,
    "docx": write_license_docx,
    "md": write_license_md,
    "pdf-borderless": lambda dest: write_license_pdf(dest, ruled=False),
}


def _path(tmp_path, kind):
    return WRITERS[kind](tmp_path / f"license.{kind.split('-')[0]}")


def _doc(tmp_path, kind):
    return parse_file(_path(tmp_path, kind))


@pytest.mark.parametrize("style", ["of", "dash"])
def test_running_headers_and_page_numbers_are_boilerplate_never_chunked(tmp_path, style):
    doc = parse_file(write_license_pdf(tmp_path / "license.pdf", page_label=style))
    n = len(doc.pages)
    assert n >= 3
    furniture = [doc.text[s:e] for s, e in doc.boilerplate]
    numbers = [f"Page {i} of {n}" if style == "of" else f"- {i} -" for i in range(1, n + 1)]
    assert furniture.count(HEADER) == n and all(x in furniture for x in numbers)
    assert set(furniture) <= {HEADER, *numbers}  # nothing else: the title and headings are not furniture
    assert PAGE_SEPARATOR.join(doc.text[p.start : p.end] for p in doc.pages) == doc.text  # text stays whole
    assert context_prefix(doc) == "license - SOFTWARE LICENSE AGREEMENT\n"  # the title, not the running header
    chunks = chunk_document(doc, "d")
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
        assert HEADER not in c.text and not any(s < c.end and c.start < e for s, e in doc.boilerplate)
        assert not re.search(r"Page \d+ of \d+|- \d+ -", c.text + c.context)
    # every other word is in a chunk, except the table's header row (it lives in the rows' context) and a
    # heading left alone at the foot of a page (its section goes on overleaf, where it is the chunks' context)
    covered = {i for c in chunks for i in range(c.start, c.end)}
    header_row = doc.text.index(" | ".join(FEES[0]))
    skipped = [(s, e) for s, e in doc.boilerplate] + [(header_row, header_row + len(" | ".join(FEES[0])))]
    orphan = doc.text.index("5. Confidentiality")
    assert doc.page_at(orphan) == 1 and orphan not in covered
    assert any(c.context == "5. Confidentiality" and c.page == 2 for c in chunks)
    skipped.append((orphan, orphan + len("5. Confidentiality")))
    words = [m.start() for m in re.finditer(r"[^\s\f]+", doc.text) if not any(s <= m.start() < e for s, e in skipped)]
    assert words and all(w in covered for w in words)


def test_docx_header_and_footer_parts_are_left_out_of_the_body(tmp_path):
    doc = _doc(tmp_path, "docx")
    assert HEADER not in doc.text and "PAGE" not in doc.text  # header part and footer page field
    assert doc.text.startswith("SOFTWARE LICENSE AGREEMENT\n\n1. Definitions")


@pytest.mark.parametrize("kind", ["pdf", "pdf-borderless", "docx", "md"])
def test_every_table_row_is_a_chunk_with_its_column_headers(tmp_path, kind):
    doc = _doc(tmp_path, kind)
    chunks = chunk_document(doc, "d")
    rows = [c for c in chunks if "|" in c.text]
    assert len(rows) == len(FEES) - 1  # data rows only: the header row is never a chunk of its own
    for row, cells in zip(rows, FEES[1:]):
        assert [x.strip() for x in row.text.strip("| ").split("|")] == cells
        assert doc.text[row.start : row.end] == row.text
        expected = " | ".join(f"{h}: {v}" for h, v in zip(FEES[0], cells))
        assert row.context.endswith("3. Fees\n" + expected)
    enterprise = rows[-1]
    assert "Tier: Enterprise | Annual fee (USD): 48,000" in enterprise.context
    # what gets embedded and indexed: document prefix, then the context line, then the exact row
    head = search_head(context_prefix(doc), enterprise)
    assert head.endswith(enterprise.context + "\n") and (head + enterprise.text).count("48,000") == 2


@pytest.mark.parametrize("kind", ["pdf", "docx", "md"])
def test_headings_are_units_of_their_own_and_chunk_context(tmp_path, kind):
    doc = _doc(tmp_path, kind)
    sents = [doc.text[s:e] for s, e, _ in sentence_spans(doc.text)]
    heading = next(s for s in sents if "Governing Law and Disputes" in s)
    assert heading.lstrip("# ") == "16. Governing Law and Disputes" and is_heading(heading)
    after = sents[sents.index(heading) + 1]
    assert after.startswith("This Agreement is governed by the laws of the State of New York")
    chunk = next(c for c in chunk_document(doc, "d") if "State of New York" in c.text)
    assert chunk.context.endswith("16. Governing Law and Disputes")
    assert chunk.text.lstrip("# ").startswith("16. Governing Law and Disputes")  # a chunk starts at its heading


@pytest.mark.parametrize(
    "line",
    [
        "16. Governing Law and Disputes",
        "2. Term",
        "ARTICLE V",
        "## Fees",
        "SOFTWARE LICENSE AGREEMENT",
        "Governing Law",
        "Section 4.2 Payment Terms",
        "EXHIBIT A - PRICING",
    ],
)
def test_is_heading(line):
    assert is_heading(line)


@pytest.mark.parametrize(
    "line",
    [
        "1. The Supplier shall deliver the goods within ten days.",
        "This Agreement is governed by the laws of New York.",
        "Tier | Annual fee",
        "Payment is due in 30 days",
        "and the courts of New York County have",
        "Either party may terminate this Agreement for convenience by giving the other",
    ],
)
def test_is_not_heading(line):
    assert not is_heading(line)


@pytest.mark.parametrize("kind", ["pdf", "pdf-borderless", "docx", "md"])
def test_table_cell_question_cites_the_row_that_holds_the_number(tmp_path, settings, kind):
    a = Assistant(settings, "ws")
    report = a.ingest([_path(tmp_path, kind)])[0]
    assert report.status == "ingested", report
    answer = a.ask("What is the annual fee of the Enterprise tier?")
    # the row is cited (MiniLM cites it first: slow test below; the crude hash embedder may rank the sentence
    # "Customer shall pay the annual fee for its tier ..." just above it)
    row = [c for c in answer.citations if "48,000" in c.quote]
    assert not answer.abstained and row and row[0].quote.strip("| ").startswith("Enterprise | 48,000"), answer.answer
    assert a.document_text(row[0].document_id)[row[0].start : row[0].end] == row[0].quote
    assert not any("Annual fee (USD)" in c.quote for c in answer.citations)  # never the header row
    assert not any(is_heading(c.quote) or HEADER in c.quote for c in answer.citations)


def test_heading_is_never_glued_to_the_answer(tmp_path, settings):
    a = Assistant(settings, "ws")
    a.ingest([write_license_pdf(tmp_path / "license.pdf")])
    answer = a.ask("Which law governs the license agreement?")
    assert answer.citations and "New York" in answer.citations[0].quote
    assert all("Governing Law and Disputes" not in c.quote for c in answer.citations)


@pytest.mark.slow
def test_table_cell_question_with_minilm(tmp_path):
    from aiworks.settings import Settings

    a = Assistant(Settings(home=tmp_path / "home", embedder="minilm", llm="extractive"), "ws")
    a.ingest([write_license_pdf(tmp_path / "license.pdf"), write_license_docx(tmp_path / "license.docx")])
    for question, value in [
        ("What is the annual fee of the Enterprise tier?", "48,000"),
        ("How much does the Professional tier cost per year?", "18,500"),
    ]:
        top = a.ask(question).citations[0]
        assert value in top.quote and "|" in top.quote, (question, top.quote)


# ---------------------------------------------------------------- encodings
FRENCH = "Le locataire paiera le loyer à Zürich; la caution déjà versée reste acquise au bailleur.\n"
JAPANESE = "本契約は日本法に準拠する。甲は乙に対し、毎月末日までに賃料を支払うものとする。\n"


@pytest.mark.parametrize(
    ("text", "encoding", "warned"),
    [
        (FRENCH, "utf-8", False),
        (FRENCH, "utf-8-sig", False),
        (FRENCH, "latin-1", True),
        (FRENCH, "cp1252", True),
        (FRENCH * 3, "utf-16", False),
        (JAPANESE * 3, "shift_jis", True),
        (JAPANESE * 3, "utf-8", False),
    ],
)
def test_decode_text_detects_encodings(text, encoding, warned):
    decoded, warning = decode_text(text.encode(encoding))
    assert decoded == text
    assert (warning is not None) == warned
    if warned:
        assert warning.kind == "encoding" and "not UTF-8" in warning.message


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        bytes(range(256)) * 8,
        b"\xff\xfe\xfa binary \xc3\x28 more",
    ],
)
def test_decode_text_refuses_binary(data):
    with pytest.raises(ParseError) as err:
        decode_text(data)
    assert err.value.kind == "unsupported" and "binary" in err.value.message


def test_cli_and_api_accept_the_same_text_files_with_the_same_message(tmp_path, settings):
    import io

    from aiworks.api.uploads import UploadError, check_upload

    latin = tmp_path / "bail.txt"
    latin.write_bytes(FRENCH.encode("latin-1") * 20)
    sjis = tmp_path / "keiyaku.txt"
    sjis.write_bytes(JAPANESE.encode("shift_jis") * 10)
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 16)
    reports = {r.path: r for r in Assistant(settings, "ws").ingest([latin, sjis, binary])}
    for path in (latin, sjis):
        assert reports[str(path)].status == "ingested"
        assert [w.kind for w in reports[str(path)].warnings] == ["encoding"]
        assert check_upload(io.BytesIO(path.read_bytes()), path.name, 1 << 20).kind == "txt"
    a = Assistant(settings, "ws")
    text = a.document_text(reports[str(sjis)].document_id)
    assert text.startswith(JAPANESE.strip()) and "�" not in text
    assert "Zürich" in a.document_text(reports[str(latin)].document_id)
    with pytest.raises(UploadError) as err:
        check_upload(io.BytesIO(binary.read_bytes()), binary.name, 1 << 20)
    assert reports[str(binary)].status == "error" and reports[str(binary)].error == str(err.value)


def test_sixty_page_agreement_furniture_and_a_table_over_a_page_break(tmp_path):
    from .structured_docs import write_long_pdf

    doc = parse_file(write_long_pdf(tmp_path / "long.pdf"))
    n = len(doc.pages)
    assert n == 60
    furniture = [doc.text[s:e] for s, e in doc.boilerplate]
    assert sorted(furniture) == sorted([HEADER] * n + [f"Page {i} of {n}" for i in range(1, n + 1)])
    chunks = chunk_document(doc, "d")
    rows = [c for c in chunks if "|" in c.text]
    assert len(rows) == 70 and {c.page for c in rows} == {1, 2, 3}  # the table runs over two page breaks
    for i, row in enumerate(rows):
        assert row.context == f"1. Rate Card\nRole: Role {i} | Hourly rate (USD): {100 + i}"
    assert not any(HEADER in c.text or re.search(r"Page \d+ of", c.text) for c in chunks)


def test_heading_path_nests_plain_headings_under_numbered_ones():
    from aiworks.rag.chunk import chunk_text
    from aiworks.rag.types import Page

    text = (
        '1. Definitions\n\n"Service"\nthe hosted platform described in the Order Form.\n\n"Downtime"\nany period '
        "in which the Service cannot be accessed.\n\n2. Fees\nCustomer shall pay the fees.\n\n2.1 Late Payment\n"
        "Late amounts bear interest at 1% per month.\n\n3. Term\nThree years."
    )
    chunks = chunk_text(text, [Page(1, 0, len(text))], "d")
    assert [(c.context, c.text.split("\n")[-1]) for c in chunks] == [
        ('1. Definitions > "Service"', "the hosted platform described in the Order Form."),
        ('1. Definitions > "Downtime"', "any period in which the Service cannot be accessed."),
        ("2. Fees", "Customer shall pay the fees."),
        ("2. Fees > 2.1 Late Payment", "Late amounts bear interest at 1% per month."),
        ("3. Term", "Three years."),
    ]
    assert chunks[0].text.startswith("1. Definitions\n\n") and all(text[c.start : c.end] == c.text for c in chunks)
