import re

import docx
import pytest

from aiworks.rag.chunk import chunk_text
from aiworks.rag.segment import sentence_spans
from aiworks.rag.parse import ParseError, parse_file, parse_with_layout
from aiworks.rag.types import PAGE_SEPARATOR


def test_pdf_pages_offsets_and_tables(contracts):
    for path in contracts:
        doc, layout = parse_with_layout(path)
        assert len(doc.pages) >= 2 and doc.kind == "pdf"
        # pages tile the text exactly, joined by the fixed separator
        assert PAGE_SEPARATOR.join(doc.text[p.start : p.end] for p in doc.pages) == doc.text
        assert [p.number for p in doc.pages] == list(range(1, len(doc.pages) + 1))
        assert layout.boxes.shape == (len(doc.text), 4)
        assert f"Page {len(doc.pages)}" in doc.text[doc.pages[-1].start :]
    lease = parse_file(contracts[2])
    # the rent table comes out as rows of cells, in place between clauses 3 and 4
    assert "Year 2 | 3,090 | 37,080" in lease.text
    assert (
        lease.text.index("3. Rent")
        < lease.text.index("Lease year | Monthly rent (USD)")
        < lease.text.index("4. Late Payment")
    )
    # and the table's characters do not also appear interleaved as plain text
    assert "Year 2 3,090" not in lease.text
    assert lease.page_at(lease.text.index("security deposit")) == 2


@pytest.mark.parametrize("kind", ["encrypted", "corrupt", "empty", "scanned", "unsupported"])
def test_bad_files_raise_clear_errors(bad_files, kind):
    with pytest.raises(ParseError) as err:
        parse_file(bad_files[kind])
    assert err.value.kind == kind


def test_docx_and_text(tmp_path):
    d = docx.Document()
    d.add_paragraph("Governing law. This contract is governed by Swiss law.")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Item", "Price"
    table.cell(1, 0).text, table.cell(1, 1).text = "Widget", "CHF 10"
    d.add_paragraph("Term. Two years.")
    d.save(tmp_path / "c.docx")
    doc = parse_file(tmp_path / "c.docx")
    assert doc.kind == "docx" and "Item | Price\nWidget | CHF 10" in doc.text
    assert doc.text.index("Swiss") < doc.text.index("Widget") < doc.text.index("Two years")
    (tmp_path / "n.md").write_bytes(b"# Notes\r\n\r\nPayment is due in 30 days.\r\n")
    md = parse_file(tmp_path / "n.md")
    assert md.kind == "md" and md.text == "# Notes\n\nPayment is due in 30 days.\n" and len(md.pages) == 1


def test_sentences_respect_legal_abbreviations():
    text = "Acme Inc. shall pay 1.5% per month. See Sec. 4.2 of the U.S. rules.\n\nNew paragraph here."
    sents = [text[s:e] for s, e, _ in sentence_spans(text)]
    assert sents == ["Acme Inc. shall pay 1.5% per month.", "See Sec. 4.2 of the U.S. rules.", "New paragraph here."]
    assert [p for _, _, p in sentence_spans(text)] == [True, False, True]


def test_chunks_are_exact_bounded_and_sentence_aligned(contracts):
    doc = parse_file(contracts[0])
    chunks = chunk_text(doc.text, doc.pages, "d1", max_words=40, overlap_words=10)
    assert len(chunks) > 4
    sents = sentence_spans(doc.text)
    ends = {e for _, e, _ in sents}
    long_sentences = [(s, e) for s, e, _ in sents if len(doc.text[s:e].split()) > 40]
    assert long_sentences  # the case of a sentence cut at word boundaries is exercised
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
        assert len(c.text.split()) <= 40 or " " not in c.text.strip()
        page = doc.pages[c.page - 1]
        assert page.start <= c.start < c.end <= page.end  # never crosses a page
        # ends on a sentence boundary, unless it is a word-cut piece of an over-long sentence
        assert c.end in ends or any(s < c.end < e for s, e in long_sentences)
    # the union of chunks covers every word of the document
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    words = [m.start() for m in re.finditer(r"\S+", doc.text) if doc.text[m.start()] != "\f"]
    assert all(w in covered for w in words)


def test_chunks_overlap_by_whole_sentences_within_a_paragraph():
    text = " ".join(f"Sentence number {i} has six words." for i in range(30))
    chunks = chunk_text(text, [], "d", max_words=30, overlap_words=12)
    assert len(chunks) > 3
    for a, b in zip(chunks, chunks[1:]):
        shared = text[b.start : a.end]
        assert 0 < len(shared.split()) <= 12 and shared.endswith(".")


def test_overlong_sentence_is_split_at_words():
    text = " ".join(f"w{i}" for i in range(500)) + "."
    chunks = chunk_text(text, [], "d", max_words=180, overlap_words=0)
    assert [len(c.text.split()) for c in chunks] == [180, 180, 140]
    assert all(text[c.start : c.end] == c.text for c in chunks)
