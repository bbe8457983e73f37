"""The Ask panel's document picker in Debian's Chromium: restricting a question to one document sends its id as
``document_ids`` and every citation then comes from that document."""

from __future__ import annotations

import base64
import json

import pytest
from test_browser import ARTIFACTS, DROP_FILE, browser_page  # noqa: F401 - the fixture is used by name
from ui_steps import ask

from aiworks.api.server import running_server
from aiworks.settings import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_picker_restricts_the_question_to_the_chosen_document(browser_page, tmp_path, request):  # noqa: F811
    from aiworks.rag.samples import write_sample_contracts

    page = browser_page
    pdfs = {p.name: p for p in write_sample_contracts(tmp_path / "samples")}
    settings = Settings(home=tmp_path / "home", embedder="hash", port=0)
    bodies: list[dict] = []
    with running_server(settings) as url:
        page.on("request", lambda r: bodies.append(json.loads(r.post_data)) if r.url.endswith("/ask/stream") else None)
        try:
            page.goto(url)
            page.get_by_text("Local single-user mode").wait_for()
            page.fill("#new-ws", "pick")
            page.keyboard.press("Enter")
            page.locator("select#ws option[value=pick]").wait_for(state="attached")
            for name in ("nda.pdf", "lease.pdf"):
                data = page.evaluate_handle(DROP_FILE, [base64.b64encode(pdfs[name].read_bytes()).decode(), name])
                page.dispatch_event(".dropzone", "drop", {"dataTransfer": data})
                page.locator("[data-testid=document]", has_text=name).wait_for()

            picker = page.get_by_test_id("doc-picker")
            picker.wait_for()
            lease_id = picker.locator("option", has_text="lease.pdf").get_attribute("value")
            picker.select_option(label="lease.pdf")
            page.locator("#ask-docs-help", has_text="1 of 2 documents").wait_for()

            turn = ask(page, "What law governs the lease?")
            heads = turn.locator("[data-testid=citation] .cite-head").all_inner_texts()
            assert heads and all("lease.pdf" in h for h in heads), heads
            assert bodies[-1] == {"question": "What law governs the lease?", "document_ids": [lease_id]}

            page.get_by_role("button", name="all", exact=True).click()  # back to every document
            page.locator("#ask-docs-help", has_text="all documents").wait_for()
            turn = ask(page, "What law governs the NDA?")  # a second turn in the same thread
            assert "document_ids" not in bodies[-1]
            assert any("nda.pdf" in h for h in turn.locator("[data-testid=citation] .cite-head").all_inner_texts())
        except BaseException:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
            raise
