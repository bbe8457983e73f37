"""The document panel and the layout in Debian's Chromium: Remove asks first (nothing is deleted until the user
confirms), the upload log clears without touching the documents, every answer says which answerer wrote it, and
on a phone-sized screen the Ask panel comes first with nothing wider than the screen."""

from __future__ import annotations

import pytest
from test_browser import ARTIFACTS, browser_page  # noqa: F401 - the fixture is used by name
from ui_steps import ask, csp_watch, drop, open_workspace

from aiworks.api.server import running_server
from aiworks.settings import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_remove_confirms_and_the_upload_log_clears(browser_page, tmp_path, request):  # noqa: F811
    from aiworks.rag.samples import write_sample_contracts

    page = browser_page
    pdfs = {p.name: p for p in write_sample_contracts(tmp_path / "samples")}
    settings = Settings(home=tmp_path / "home", embedder="hash", port=0)
    deletes: list[str] = []
    with running_server(settings) as url:
        blocked = csp_watch(page)
        page.on("request", lambda r: deletes.append(r.url) if r.method == "DELETE" else None)
        try:
            open_workspace(page, url, "panel")
            drop(page, pdfs["nda.pdf"])
            drop(page, pdfs["lease.pdf"])
            drop(page, pdfs["nda.pdf"], wait=False)  # the same bytes again: logged as a duplicate
            page.locator("[data-testid=upload-row][data-phase=duplicate]").wait_for()
            assert page.get_by_test_id("upload-row").count() == 3

            page.get_by_role("button", name="Clear log").click()
            assert page.get_by_test_id("upload-row").count() == 0
            assert page.get_by_test_id("clear-log").count() == 0  # no log, no button
            assert page.get_by_test_id("document").count() == 2  # the documents stay

            nda = page.locator("[data-testid=document]", has_text="nda.pdf")
            nda.get_by_role("button", name="Remove nda.pdf").click()
            nda.get_by_test_id("confirm-remove").wait_for()
            page.get_by_role("button", name="Cancel").click()
            assert page.get_by_test_id("confirm-remove").count() == 0
            assert page.get_by_test_id("document").count() == 2 and deletes == []

            nda.get_by_role("button", name="Remove nda.pdf").click()
            page.get_by_role("button", name="Yes, remove nda.pdf").click()
            page.locator("[data-testid=document]", has_text="nda.pdf").wait_for(state="detached")
            assert page.get_by_test_id("document").all_inner_texts()[0].startswith("lease.pdf")
            assert len(deletes) == 1 and "/documents/" in deletes[0]
            assert blocked == []
        except BaseException:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
            raise


def test_narrow_screen_puts_ask_first_and_answers_name_their_answerer(browser_page, tmp_path, request):  # noqa: F811
    from aiworks.rag.samples import write_sample_contracts

    page = browser_page
    pdf = next(p for p in write_sample_contracts(tmp_path / "samples") if p.name == "lease.pdf")
    settings = Settings(home=tmp_path / "home", embedder="hash", port=0)
    with running_server(settings) as url:
        blocked = csp_watch(page)
        page.set_viewport_size({"width": 390, "height": 844})
        try:
            open_workspace(page, url, "phone")
            assert page.get_by_test_id("answerer").inner_text() == "Model: extractive"  # the configured answerer
            drop(page, pdf)
            turn = ask(page, "How much is the security deposit under the lease?")
            assert turn.get_by_test_id("answered-by").inner_text() == "Answered by extractive"
            turn.get_by_test_id("citation").first.click()
            page.locator(".pdf-page[data-state=ready] .hl").first.wait_for()

            def top(selector: str) -> float:
                return page.locator(selector).first.bounding_box()["y"]

            assert top("#question") < top("[data-testid=viewer]") < top("#docs-title")
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
            narrow = page.locator(".pdf-page").bounding_box()["width"]
            assert narrow <= 390
            page.set_viewport_size({"width": 1500, "height": 1000})  # wide: documents | ask | viewer, side by side
            page.wait_for_function("() => document.documentElement.scrollWidth <= 1500")
            ys = [top("section[aria-labelledby=docs-title]"), top(".work"), top("[data-testid=viewer]")]
            assert max(ys) - min(ys) < 5, ys
            # the page is re-fitted to the wider viewer, its highlight redrawn
            page.wait_for_function(
                f"() => document.querySelector('.pdf-page').getBoundingClientRect().width > {narrow + 100}"
            )
            page.locator(".pdf-page[data-state=ready] .hl").first.wait_for()
            assert blocked == []
        except BaseException:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
            raise
