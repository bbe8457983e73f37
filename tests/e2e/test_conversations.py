"""Conversations in Debian's Chromium against a real server: a follow-up is asked in the same conversation (its
id is sent) and the thread keeps the earlier answer; the list is newest first; a conversation is renamed, survives
a server restart, reopens with its citations clickable, exports as Markdown with its citations, and is deleted
only after a confirmation."""

from __future__ import annotations

import json

import pytest
from test_browser import ARTIFACTS, browser_page  # noqa: F401 - the fixture is used by name
from ui_steps import ask, csp_watch, drop, open_workspace

from aiworks.api.server import running_server
from aiworks.settings import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _titles(page) -> list[str]:
    return page.get_by_test_id("conversation-open").all_inner_texts()


def test_thread_follow_up_list_rename_restart_export_delete(browser_page, tmp_path, request):  # noqa: F811
    from aiworks.rag.samples import write_sample_contracts

    page = browser_page
    pdfs = {p.name: p for p in write_sample_contracts(tmp_path / "samples")}
    settings = Settings(home=tmp_path / "home", embedder="hash", port=0)
    bodies: list[dict] = []
    page.on("request", lambda r: bodies.append(json.loads(r.post_data)) if r.url.endswith("/ask/stream") else None)
    blocked = csp_watch(page)
    try:
        with running_server(settings) as url:
            open_workspace(page, url, "conv")
            drop(page, pdfs["nda.pdf"])
            drop(page, pdfs["lease.pdf"])
            first = ask(page, "What law governs the NDA?")
            assert "nda.pdf" in first.locator(".cite-head").first.inner_text()
            page.get_by_test_id("conversation").first.wait_for()
            conversation_id = page.get_by_test_id("conversation").first.get_attribute("data-id")
            assert "conversation_id" not in bodies[-1]

            follow = ask(page, "And the lease?")
            assert bodies[-1]["conversation_id"] == conversation_id
            assert follow.get_by_test_id("resolved-question").inner_text() == (
                "Answered as: “What law governs the lease?”"
            )
            assert all("lease.pdf" in h for h in follow.locator(".cite-head").all_inner_texts())
            # the earlier answer is still there, above the follow-up
            assert page.get_by_test_id("turn").count() == 2
            assert "Delaware" in first.get_by_test_id("answer").inner_text()
            page.get_by_test_id("conversation").filter(has_text="2 turns").wait_for()

            page.get_by_test_id("new-conversation").click()
            assert page.get_by_test_id("turn").count() == 0
            ask(page, "How much is the security deposit under the lease?")
            assert "conversation_id" not in bodies[-1]
            page.wait_for_function("() => document.querySelectorAll('[data-testid=conversation]').length === 2")
            assert _titles(page)[0].startswith("How much is the security deposit")  # newest first

            older = page.locator(f"[data-testid=conversation][data-id='{conversation_id}']")
            older.get_by_role("button", name="Rename").click()
            page.get_by_test_id("rename-input").fill("Governing law")
            page.get_by_test_id("rename-input").press("Enter")
            older.get_by_text("Governing law").wait_for()

        with running_server(settings) as url:  # a restart: the same home, the same port, a new process state
            page.reload()
            page.get_by_test_id("conversation").nth(1).wait_for()
            assert "Governing law" in _titles(page)
            page.get_by_role("button", name="Governing law", exact=True).click()
            page.get_by_test_id("turn").nth(1).wait_for()
            turns = page.get_by_test_id("turn")
            assert turns.count() == 2
            assert turns.nth(0).get_by_test_id("turn-question").inner_text() == "What law governs the NDA?"
            assert page.get_by_test_id("thread-title").inner_text() == "Governing law"
            lease_citation = turns.nth(1).get_by_test_id("citation").first
            lease_quote = lease_citation.get_by_test_id("citation-quote").inner_text()
            lease_citation.click()
            page.locator(".pdf-page[data-state=ready] .hl").first.wait_for()
            assert page.locator("#viewer-title").inner_text().startswith("[1] lease.pdf")

            ask(page, "What law governs it?")  # continues the reopened conversation
            assert bodies[-1]["conversation_id"] == conversation_id

            with page.expect_download() as info:
                page.get_by_test_id("export-md").click()
            markdown = open(info.value.path(), encoding="utf-8").read()
            assert markdown.startswith("# Governing law")
            assert "## 1. What law governs the NDA?" in markdown and "## 2. And the lease?" in markdown
            assert "## 3. What law governs it?" in markdown
            assert " ".join(lease_quote.split()) in markdown and "lease.pdf, page" in markdown

            row = page.locator(f"[data-testid=conversation][data-id='{conversation_id}']")
            row.get_by_role("button", name="Delete Governing law").click()
            assert page.get_by_test_id("conversation").count() == 2  # not yet: it asks first
            row.get_by_test_id("confirm-delete").click()
            row.wait_for(state="detached")
            assert page.get_by_test_id("turn").count() == 0  # the open thread was the deleted one
            left = page.evaluate("async () => (await fetch('/api/workspaces/conv/conversations')).json()")
            assert [c["id"] for c in left] != [] and conversation_id not in [c["id"] for c in left]
            assert blocked == []
    except BaseException:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        raise
