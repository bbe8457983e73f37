"""Steps the UI tests share: open the app on a fresh workspace, drop real files, ask and wait for the answer.

Every step drives the built UI in Debian's Chromium against a real ``aiworks serve`` (see test_browser)."""

from __future__ import annotations

import base64
from pathlib import Path

from test_browser import DROP_FILE

MIME = {".pdf": "application/pdf", ".txt": "text/plain", ".md": "text/markdown"}
DROP_ANY = DROP_FILE.replace("'application/pdf'", "mime").replace("([b64, name])", "([b64, name, mime])")


def open_workspace(page, url: str, name: str) -> None:
    page.goto(url)
    page.get_by_text("Local single-user mode").wait_for()
    page.fill("#new-ws", name)
    page.keyboard.press("Enter")
    page.locator(f"select#ws option[value={name}]").wait_for(state="attached")


def drop(page, path: Path, *, wait: bool = True) -> None:
    """Drop one file on the upload zone; with ``wait``, until it is listed as a document."""
    data = page.evaluate_handle(
        DROP_ANY, [base64.b64encode(path.read_bytes()).decode(), path.name, MIME.get(path.suffix, "")]
    )
    page.dispatch_event(".dropzone", "drop", {"dataTransfer": data})
    if wait:
        page.locator("[data-testid=document]", has_text=path.name).wait_for()


def ask(page, question: str) -> object:
    """Ask in the thread and return the locator of the new, finished turn."""
    before = page.locator("[data-testid=turn]").count()
    page.fill("#question", question)
    page.keyboard.press("Enter")
    turn = page.locator("[data-testid=turn]").nth(before)
    turn.and_(page.locator("[data-state=done]")).wait_for()
    page.get_by_role("button", name="Ask", exact=True).wait_for()  # the stream has finished
    return turn


def csp_watch(page) -> list[str]:
    """Collect every Content-Security-Policy refusal (the server's CSP is strict; the UI must need none)."""
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    return blocked
