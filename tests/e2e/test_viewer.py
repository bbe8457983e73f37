"""The document viewer in Debian's Chromium: a whole PDF page by page (prev/next, page number), zoom, and a
citation opened at a zoom other than 100 % still highlights exactly the cited glyphs."""

from __future__ import annotations

import pytest
from test_browser import ARTIFACTS, DRAWN_BOXES, _squash, browser_page, text_under_boxes  # noqa: F401
from ui_steps import ask, csp_watch, drop, open_workspace

from aiworks.api.server import running_server
from aiworks.settings import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

READY = "() => [...document.querySelectorAll('.pdf-page')].every(p => p.dataset.state === 'ready')"


def _shown(page) -> list[int]:
    page.wait_for_function(READY)
    return [int(n) for n in page.locator(".pdf-page").evaluate_all("ps => ps.map(p => p.dataset.page)")]


def _width(page) -> float:
    page.wait_for_function(READY)
    return page.locator(".pdf-page").first.bounding_box()["width"]


def test_viewer_pages_through_a_document_and_zooms(browser_page, tmp_path, request):  # noqa: F811
    from aiworks.rag.samples import write_sample_contracts

    page = browser_page
    pdf = next(p for p in write_sample_contracts(tmp_path / "samples") if p.name == "nda.pdf")
    settings = Settings(home=tmp_path / "home", embedder="hash", port=0)
    with running_server(settings) as url:
        blocked = csp_watch(page)
        try:
            open_workspace(page, url, "view")
            drop(page, pdf)
            page.get_by_role("button", name="Open nda.pdf").click()
            assert _shown(page) == [1]
            assert page.get_by_test_id("viewer-total").inner_text() == "of 2"
            assert page.get_by_test_id("viewer-prev").is_disabled()
            page.get_by_test_id("viewer-next").click()
            page.locator(".pdf-page[data-page='2']").wait_for()
            assert _shown(page) == [2]
            assert page.get_by_test_id("viewer-next").is_disabled()
            page.get_by_test_id("viewer-prev").click()
            page.locator(".pdf-page[data-page='1']").wait_for()
            page.get_by_test_id("viewer-page").fill("2")
            page.get_by_test_id("viewer-page").press("Enter")
            page.locator(".pdf-page[data-page='2']").wait_for()
            page.get_by_test_id("viewer-page").fill("99")  # past the end: the last page
            page.get_by_test_id("viewer-page").press("Enter")
            page.wait_for_function("() => document.getElementById('viewer-page').value === '2'")
            assert _shown(page) == [2]

            fit = _width(page)
            page.get_by_test_id("zoom-in").click()
            page.get_by_test_id("zoom-in").click()
            page.get_by_test_id("zoom-level").get_by_text("150%").wait_for()
            page.wait_for_function(
                f"() => document.querySelector('.pdf-page').getBoundingClientRect().width > {fit * 1.2}"
            )
            assert _width(page) == pytest.approx(fit * 1.5, rel=0.02)

            # a citation opens at its page, at the current zoom, with exactly its glyphs highlighted
            turn = ask(page, "What law governs the NDA?")
            citation = turn.get_by_test_id("citation").first
            quote = citation.get_by_test_id("citation-quote").inner_text()
            citation.click()
            page.locator(".pdf-page .hl").first.wait_for()
            page.wait_for_function(READY)
            assert _width(page) == pytest.approx(fit * 1.5, rel=0.02)
            assert _squash(text_under_boxes(pdf, page.evaluate(DRAWN_BOXES))) == _squash(quote)
            assert page.locator("#viewer-title").inner_text().startswith("[1] nda.pdf — page")

            page.get_by_test_id("zoom-level").click()  # back to fit
            page.get_by_test_id("zoom-level").get_by_text("100%").wait_for()
            page.wait_for_function(
                f"() => document.querySelector('.pdf-page').getBoundingClientRect().width < {fit * 1.1}"
            )
            assert blocked == []
        except BaseException:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
            raise


def test_text_document_opens_whole_with_the_cited_span_marked(browser_page, tmp_path, request):  # noqa: F811
    page = browser_page
    doc = tmp_path / "supply.txt"
    clauses = [f"{n}. Clause {n}: the supplier delivers batch {n} on Monday." for n in range(1, 40)]
    clauses[30] = "31. Payment: invoices are payable within forty-five (45) days of receipt."
    doc.write_text("SUPPLY AGREEMENT\n\n" + "\n\n".join(clauses) + "\n", encoding="utf-8")
    settings = Settings(home=tmp_path / "home", embedder="hash", port=0)
    with running_server(settings) as url:
        blocked = csp_watch(page)
        try:
            open_workspace(page, url, "text")
            drop(page, doc)
            page.get_by_role("button", name="Open supply.txt").click()
            view = page.locator(".text-view")
            view.wait_for()
            assert view.inner_text().strip() == doc.read_text(encoding="utf-8").strip()  # the whole document
            assert page.get_by_test_id("viewer-next").count() == 0  # one text, no pages to turn
            size = view.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
            page.get_by_test_id("zoom-in").click()
            assert view.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") == pytest.approx(size * 1.25)

            turn = ask(page, "When are invoices payable?")
            citation = turn.get_by_test_id("citation").first
            quote = citation.get_by_test_id("citation-quote").inner_text()
            citation.click()
            mark = page.locator(".text-view mark")
            mark.wait_for()
            assert _squash(mark.inner_text()) == _squash(quote) and "forty-five (45) days" in quote
            assert view.inner_text().strip() == doc.read_text(encoding="utf-8").strip()
            assert blocked == []
        except BaseException:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
            raise
