"""The generated contract QA set (aiworks.evaluation.contracts) and the extractive answerer on it.

Fast: the hash embedder wherever the assertion does not need semantics (the MiniLM numbers are
benchmarks/bench_qa.py's business)."""

from __future__ import annotations

import shutil

import pytest

from aiworks.evaluation.contracts import generate, load_questions
from aiworks.evaluation.contracts.facts import make_facts
from aiworks.rag.assistant import Assistant
from aiworks.rag.segment import is_heading
from aiworks.rag.evidence import not_an_answer
from aiworks.rag.parse import parse_file
from aiworks.settings import Settings

HAS_TESSERACT = shutil.which("tesseract") is not None


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def contract_set(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("contracts"), seed=0)


@pytest.fixture(scope="module")
def assistant(contract_set, tmp_path_factory):
    settings = Settings(home=tmp_path_factory.mktemp("home"), embedder="hash", llm="extractive")
    a = Assistant(settings, "qa")
    files = [p for p in contract_set.files if HAS_TESSERACT or "scanned" not in p.name]
    reports = a.ingest(files)
    assert all(r.status == "ingested" for r in reports), reports
    return a


def test_the_set_has_what_the_benchmark_promises(contract_set):
    qs = contract_set.questions
    assert len([q for q in qs if q.answerable]) >= 45 and len(qs) >= 60
    assert len([q for q in qs if not q.answerable]) >= 15
    assert len({q.id for q in qs}) == len(qs)
    names = {p.name: p for p in contract_set.files}
    assert any(n.endswith(".docx") for n in names)
    import pypdfium2 as pdfium

    pages = {n: len(pdfium.PdfDocument(str(p))) for n, p in names.items() if n.endswith(".pdf")}
    assert max(pages.values()) >= 40  # one long agreement
    scanned = pdfium.PdfDocument(str(names["lease_amendment_scanned.pdf"]))
    assert not scanned[0].get_textpage().get_text_range().strip()  # image only: no text layer
    for q in qs:
        assert q.question and "{" not in q.question
        if q.answerable:
            assert q.document in names and q.gold


@pytest.mark.parametrize("seed", [0, 1])
def test_every_gold_span_is_in_the_parsed_text_exactly_once(tmp_path, seed):
    cs = generate(tmp_path, seed)
    for path in cs.files:
        if "scanned" in path.name:
            continue  # OCR: next test
        doc = parse_file(path)
        text = _norm(doc.text)
        for q in cs.questions:
            if q.document == path.name:
                for gold in q.gold:
                    assert text.count(_norm(gold)) == 1, (q.id, gold)
        if path.suffix == ".pdf":
            assert doc.boilerplate, path.name  # running headers / footers / page numbers recognised


@pytest.mark.skipif(not HAS_TESSERACT, reason="tesseract not installed (make system-deps)")
def test_the_scanned_amendment_is_read_by_ocr_with_its_gold_spans(contract_set):
    path = next(p for p in contract_set.files if "scanned" in p.name)
    text = _norm(parse_file(path).text)
    for q in contract_set.questions:
        if q.document == path.name:
            assert all(_norm(g) in text for g in q.gold), (q.id, q.gold, text[:300])


def test_seeds_change_parties_values_and_wording(tmp_path):
    a, b = make_facts(0), make_facts(1)
    assert a["saas_vendor"] != b["saas_vendor"] or a["fee_enterprise"] != b["fee_enterprise"]
    reported = [q.question for q in generate(tmp_path / "a", 0).questions if not q.answerable]
    training = [q.question for q in generate(tmp_path / "b", 1).questions if not q.answerable]
    assert not set(reported) & set(training)  # calibration never sees a reported unanswerable question


def test_new_question_kinds_load_with_their_own_fields(tmp_path):
    extra = tmp_path / "q.yaml"
    extra.write_text(
        '- id: cmp-1\n  kind: comparison\n  category: comparison\n  question: "Which contract has '
        'the longest notice period, {saas_vendor} or {msa_provider}?"\n  documents: [a.pdf, b.pdf]\n'
        "  winner: a.pdf\n",
        encoding="utf-8",
    )
    (q,) = load_questions(make_facts(0), extra)
    assert q.kind == "comparison" and q.answerable and q.extra == {"documents": ["a.pdf", "b.pdf"], "winner": "a.pdf"}
    assert make_facts(0)["saas_vendor"] in q.question


def test_a_table_question_cites_the_row_that_holds_the_value(assistant, contract_set):
    fee = contract_set.facts["fee_enterprise"]
    answer = assistant.ask("What is the annual fee for the Enterprise tier?")
    assert not answer.abstained
    row = [c for c in answer.citations[:2] if fee in c.quote]
    assert row and _norm(row[0].quote).startswith("Enterprise |"), answer.answer
    assert not any("Annual fee (USD)" in c.quote for c in answer.citations)  # never the header row


@pytest.mark.parametrize(
    "question",
    [
        "What does the force majeure clause of the NDA say?",
        "What is the non-compete period in the mutual confidentiality agreement?",
        "What are the source code escrow arrangements in the subscription agreement?",
    ],
)
def test_a_clause_question_whose_key_terms_are_nowhere_abstains(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained and not answer.citations, answer.answer


def test_a_named_document_is_where_the_answer_comes_from(assistant, contract_set):
    answer = assistant.ask("What law governs the NDA?")
    assert not answer.abstained and answer.citations[0].document == "mutual_nda.docx"
    assert f"State of {contract_set.facts['nda_law']}" in _norm(answer.citations[0].quote)


def test_no_answer_is_a_heading_title_or_page_furniture(assistant, contract_set):
    furniture = {"SOFTWARE SUBSCRIPTION AGREEMENT - CONFIDENTIAL", "Master Services Agreement"}
    answered = 0
    for q in contract_set.questions:
        answer = assistant.ask(q.question)
        for c in answer.citations:
            quote = _norm(c.quote)
            assert not is_heading(c.quote) and not not_an_answer(c.quote), (q.id, quote)
            assert not any(quote.startswith(f) for f in furniture), (q.id, quote)
            assert not quote.startswith(("Page ", "Confidential - page", "- ")), (q.id, quote)
            assert assistant.document_text(c.document_id)[c.start : c.end] == c.quote
        answered += not answer.abstained
    assert answered >= 30


@pytest.mark.parametrize(
    "line",
    [
        "12. Force Majeure",
        "SCHEDULE 2 - RATE CARD",
        "Page 3 of 7",
        "- 2 -",
        '"Authorised User"',
        "Confidential - page 12",
    ],
)
def test_not_an_answer(line):
    assert not_an_answer(line)


@pytest.mark.parametrize(
    "line",
    [
        "Invoices are payable within thirty (30) days of the invoice date.",
        "Enterprise | Unlimited | 90,000 | 24x7 phone and email",
    ],
)
def test_is_an_answer(line):
    assert not not_an_answer(line)


@pytest.mark.slow
def test_minilm_cites_the_row_first_and_abstains_on_a_missing_clause(contract_set, tmp_path):
    a = Assistant(Settings(home=tmp_path / "home", embedder="minilm", llm="extractive"), "qa")
    a.ingest([p for p in contract_set.files if "saas" in p.name or "nda" in p.name])
    fee = contract_set.facts["fee_enterprise"]
    answer = a.ask("What is the annual fee for the Enterprise tier?")
    assert not answer.abstained and fee in answer.citations[0].quote, answer.answer
    assert a.ask("What does the force majeure clause of the NDA say?").abstained
    law = a.ask("Which law governs the software subscription agreement?")
    assert not law.abstained and f"State of {contract_set.facts['saas_law']}" in " ".join(
        law.citations[0].quote.split()
    )
