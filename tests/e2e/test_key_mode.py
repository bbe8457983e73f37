"""The UI on a server that requires API keys (Debian's Chromium): after the key is entered, every request the new
views make carries it — the PDF viewer's file, the conversation list, the Markdown export (a download fetched
with the key, since a plain link could not send it) and the extraction."""

from __future__ import annotations

import pytest
from test_browser import ARTIFACTS, browser_page  # noqa: F401 - the fixture is used by name
from ui_steps import ask, csp_watch, drop

from aiworks.api.auth import KeyStore
from aiworks.api.server import running_server
from aiworks.settings import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_key_mode_views_send_the_key(browser_page, tmp_path, request):  # noqa: F811
    from aiworks.rag.samples import write_sample_contracts

    page = browser_page
    pdf = next(p for p in write_sample_contracts(tmp_path / "samples") if p.name == "nda.pdf")
    settings = Settings(home=tmp_path / "home", embedder="hash", port=0)
    settings.workspace_dir("acme").mkdir(parents=True)
    _, key = KeyStore.for_settings(settings).create("acme")
    refused: list[str] = []
    page.on("response", lambda r: refused.append(r.url) if r.status in (401, 403) else None)
    with running_server(settings) as url:
        blocked = csp_watch(page)
        try:
            page.goto(url)
            page.get_by_text("API key required").wait_for()
            page.fill("#key", key)
            page.get_by_role("button", name="Use key").click()
            page.get_by_text("API key for “acme”").wait_for()
            drop(page, pdf)
            turn = ask(page, "What law governs the NDA?")
            turn.get_by_test_id("citation").first.click()
            page.locator(".pdf-page[data-state=ready] .hl").first.wait_for()
            page.get_by_test_id("conversation").first.wait_for()
            with page.expect_download() as info:
                page.get_by_test_id("export-md").click()
            assert "## 1. What law governs the NDA?" in open(info.value.path(), encoding="utf-8").read()

            page.get_by_test_id("tab-extract").click()
            page.get_by_test_id("extract-fields").get_by_label("Governing law").check()
            page.get_by_test_id("extract-run").click()
            page.get_by_test_id("extract-result").get_by_text("Delaware").wait_for()
            assert refused == [] and blocked == []
        except BaseException:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
            raise
