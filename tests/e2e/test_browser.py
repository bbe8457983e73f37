"""The real flow in Debian's Chromium: create a workspace, drop a PDF, wait for ingestion, ask, click the
citation, and check that the text under the drawn highlight is exactly the cited quote.

The check maps the rectangles the browser actually drew back to PDF points and collects the PDF's glyphs
(pdfplumber) whose centres fall inside them, so it fails if the server's boxes, the client's scaling or the
rendered page drift apart by even one character.
"""

from __future__ import annotations

import base64
import os
import time
from pathlib import Path

import pytest

from aiworks.api.app import STATIC_DIR
from aiworks.api.server import running_server
from aiworks.settings import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(os.environ.get("AIWORKS_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))

# Per rendered page: its number, its size (CSS px) and the drawn highlight rectangles relative to it.
DRAWN_BOXES = """() => [...document.querySelectorAll('.pdf-page')].map((page) => {
  const p = page.getBoundingClientRect();
  const boxes = [...page.querySelectorAll('.hl')].map((e) => {
    const r = e.getBoundingClientRect();
    return [r.left - p.left, r.top - p.top, r.right - p.left, r.bottom - p.top];
  });
  return { page: Number(page.dataset.page), width: p.width, height: p.height, boxes };
})"""


def text_under_boxes(pdf: Path, drawn_pages: list[dict]) -> str:
    """The PDF's own characters (pdfplumber glyph boxes) whose centre lies under a drawn highlight."""
    import pdfplumber

    out = []
    with pdfplumber.open(pdf) as doc:
        for drawn in sorted(drawn_pages, key=lambda d: d["page"]):
            page = doc.pages[drawn["page"] - 1]
            sx, sy = page.width / drawn["width"], page.height / drawn["height"]
            boxes = [(x0 * sx, t * sy, x1 * sx, b * sy) for x0, t, x1, b in drawn["boxes"]]
            chars = sorted(page.chars, key=lambda c: (round(c["top"]), c["x0"]))
            out.extend(
                c["text"]
                for c in chars
                if any(
                    x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and t <= (c["top"] + c["bottom"]) / 2 <= b
                    for x0, t, x1, b in boxes
                )
            )
    return "".join(out)


DROP_FILE = """([b64, name]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const dt = new DataTransfer();
  dt.items.add(new File([bytes], name, { type: 'application/pdf' }));
  return dt;
}"""


def _squash(s: str) -> str:
    return "".join(s.split())  # line breaks and spaces are layout, not glyphs; every other character counts


@pytest.fixture
def browser_page():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed at /usr/bin/chromium (make system-deps)")
    if not (STATIC_DIR / "index.html").exists():
        pytest.skip("web UI not built (make web)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.set_default_timeout(60_000)
        yield page
        browser.close()


def test_upload_ask_and_see_cited_passage_highlighted(browser_page, tmp_path, request):
    from aiworks.rag.samples import DEMO_QUESTIONS, write_sample_contracts

    page = browser_page
    question, file_name, _ = DEMO_QUESTIONS[1]
    pdf = next(p for p in write_sample_contracts(tmp_path / "samples") if p.name == file_name)
    settings = Settings(home=tmp_path / "home", embedder="hash", port=0)
    outside: list[str] = []
    with running_server(settings) as url:
        page.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:")) else outside.append(r.url))
        # the server's CSP must not block anything the UI or its pdf.js worker does (Chromium logs each refusal)
        blocked: list[str] = []
        page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', (e) => "
            "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + "
            "e.blockedURI))"
        )
        try:
            page.goto(url)
            page.get_by_text("Local single-user mode").wait_for()
            page.fill("#new-ws", "e2e")
            page.keyboard.press("Enter")
            page.locator("select#ws option[value=e2e]").wait_for(state="attached")

            data = page.evaluate_handle(DROP_FILE, [base64.b64encode(pdf.read_bytes()).decode(), pdf.name])
            page.dispatch_event(".dropzone", "drop", {"dataTransfer": data})
            page.locator("[data-testid=upload-row][data-phase=done]").wait_for()
            page.locator("[data-testid=document]", has_text=pdf.name).wait_for()

            page.fill("#question", question)
            page.keyboard.press("Enter")
            citation = page.locator("[data-testid=citation]").first
            citation.wait_for()
            page.get_by_role("button", name="Ask", exact=True).wait_for()  # stream finished
            assert page.get_by_test_id("answer").inner_text().strip()
            quote = citation.get_by_test_id("citation-quote").inner_text()

            citation.click()
            page.locator(".pdf-page[data-state=ready]").first.wait_for()
            page.wait_for_function(
                "[...document.querySelectorAll('.pdf-page')].every(p => p.dataset.state === 'ready')"
            )
            assert page.locator(".pdf-page .hl").count() > 0
            highlighted = text_under_boxes(pdf, page.evaluate(DRAWN_BOXES))
            assert _squash(highlighted) == _squash(quote)

            # an abstention says so and shows the closest passages, labelled, whose click highlights like a citation
            page.fill("#question", "Which football club won the league?")
            page.keyboard.press("Enter")
            turn = page.locator("[data-testid=turn][data-state=done]").nth(1)
            turn.wait_for()
            assert "do not clearly answer" in turn.inner_text()
            assert turn.get_by_test_id("citation").count() == 0  # nothing is cited
            closest = turn.get_by_test_id("closest")
            assert "Closest passages" in closest.inner_text() and "may not answer" in closest.inner_text()
            passage = closest.get_by_test_id("closest-passage").first
            near = passage.get_by_test_id("closest-quote").inner_text()
            assert _squash(near) != _squash(quote)  # another passage than the citation above, so the check bites
            passage.click()
            deadline = time.monotonic() + 20
            while _squash(text_under_boxes(pdf, page.evaluate(DRAWN_BOXES))) != _squash(near):
                assert time.monotonic() < deadline, "the closest passage was not highlighted"
                time.sleep(0.2)
            assert outside == [], f"the UI reached beyond the local server: {outside}"
            assert blocked == [], f"the CSP blocked part of the UI: {blocked}"
            assert "frame-ancestors 'none'" in page.evaluate(
                "async () => (await fetch('/')).headers.get('content-security-policy')"
            )
        except BaseException:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot = ARTIFACTS / f"{request.node.name}.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot saved to {shot}")
            raise
