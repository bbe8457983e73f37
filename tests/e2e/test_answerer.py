"""Which model answered, in Debian's Chromium: the header names the configured answerer (GET /api/session), and
when that LLM server is unreachable (a real refused connection, nothing listening) the answer says it was written
by the extractive answerer and shows the fallback warning, with its citations still clickable."""

from __future__ import annotations

import pytest
from test_browser import ARTIFACTS, browser_page  # noqa: F401 - the fixture is used by name
from ui_steps import ask, csp_watch, drop, open_workspace

from aiworks.api.server import free_port, running_server
from aiworks.settings import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_unreachable_llm_falls_back_visibly(browser_page, tmp_path, request):  # noqa: F811
    from aiworks.rag.samples import write_sample_contracts

    page = browser_page
    pdf = next(p for p in write_sample_contracts(tmp_path / "samples") if p.name == "nda.pdf")
    dead = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    settings = Settings(
        home=tmp_path / "home", embedder="hash", port=0, llm="openai-compatible:tiny", llm_base_url=dead
    )
    settings.llm_timeout_s = 5
    with running_server(settings) as url:
        blocked = csp_watch(page)
        try:
            open_workspace(page, url, "llm")
            assert page.get_by_test_id("answerer").inner_text() == "Model: openai-compatible:tiny"
            drop(page, pdf)
            turn = ask(page, "What law governs the NDA?")
            assert turn.get_by_test_id("answered-by").inner_text() == "Answered by extractive"
            warning = turn.get_by_test_id("answer-warnings").inner_text()
            assert "openai-compatible:tiny" in warning and "extractive" in warning
            assert "Delaware" in turn.get_by_test_id("answer").inner_text()
            turn.get_by_test_id("citation").first.click()
            page.locator(".pdf-page[data-state=ready] .hl").first.wait_for()
            assert blocked == []
        except BaseException:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
            raise
