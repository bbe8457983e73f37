"""Tables in Debian's Chromium against a real server: a comparison answer's table and the clause-extraction view
render one cell per document and clause; clicking a cited cell opens its passage with exactly the cited glyphs
highlighted (like a citation click), and the extraction table downloads as CSV."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest
from test_browser import ARTIFACTS, DRAWN_BOXES, _squash, browser_page, text_under_boxes  # noqa: F401
from ui_steps import ask, csp_watch, drop, open_workspace

from aiworks.api.server import running_server
from aiworks.rag.kinds.cli import render_csv
from aiworks.rag.types import Cell, Citation, Table
from aiworks.settings import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

_CITATION_FIELDS = [f.name for f in dataclasses.fields(Citation)]
READY = "() => [...document.querySelectorAll('.pdf-page')].every(p => p.dataset.state === 'ready')"


def _highlighted(page, pdf) -> str:
    page.locator(".pdf-page .hl").first.wait_for()
    page.wait_for_function(READY)
    return _squash(text_under_boxes(pdf, page.evaluate(DRAWN_BOXES)))


def test_comparison_and_extraction_tables_open_their_cited_passages(browser_page, tmp_path, request):  # noqa: F811
    from aiworks.rag.samples import write_sample_contracts

    page = browser_page
    pdfs = {p.name: p for p in write_sample_contracts(tmp_path / "samples")}
    settings = Settings(home=tmp_path / "home", embedder="hash", port=0)
    with running_server(settings) as url:
        blocked = csp_watch(page)
        try:
            open_workspace(page, url, "tables")
            for pdf in pdfs.values():
                drop(page, pdf)

            turn = ask(page, "What law governs each agreement?")
            table = turn.get_by_test_id("cited-table")
            assert table.locator("tbody tr").count() == 3
            assert "comparison" in turn.get_by_test_id("answered-by").inner_text()
            cell = table.locator("tbody tr", has_text="lease.pdf").locator("[data-testid=table-cell]").nth(1)
            assert cell.inner_text().startswith("Illinois")
            key = cell.get_attribute("data-citation")
            assert key
            quote = turn.locator(f"[data-testid=citation][data-key='{key}'] [data-testid=citation-quote]").inner_text()
            cell.get_by_role("button").click()
            assert page.locator("#viewer-title").inner_text().startswith(f"[{key}] lease.pdf — page")
            assert _highlighted(page, pdfs["lease.pdf"]) == _squash(quote)
            assert "selected" in (cell.get_by_role("button").get_attribute("class") or "")
            assert "selected" in (turn.locator(f"[data-testid=citation][data-key='{key}']").get_attribute("class"))

            page.get_by_test_id("tab-extract").click()
            fields = page.get_by_test_id("extract-fields")
            fields.get_by_label("Governing law").check()
            fields.get_by_label("Security deposit").check()
            with page.expect_response(lambda r: r.url.endswith("/extract") and r.request.method == "POST") as resp:
                page.get_by_test_id("extract-run").click()
            body = resp.value.json()
            result = page.get_by_test_id("extract-result")
            result.wait_for()
            assert result.locator("th").all_inner_texts() == ["Document", "Governing law", "Security deposit"]
            assert result.locator("tbody tr").count() == 3
            deposit = result.locator("tbody tr", has_text="lease.pdf").locator("[data-testid=table-cell]").nth(2)
            assert "USD 9,000" in deposit.inner_text()
            cited = next(c for c in body["citations"] if c["key"] == int(deposit.get_attribute("data-citation")))
            deposit.get_by_role("button").click()
            page.locator("#viewer-title", has_text=f"[{cited['key']}] lease.pdf").wait_for()
            assert _highlighted(page, pdfs["lease.pdf"]) == _squash(cited["quote"])
            # a field a document does not state is an uncited, empty cell
            nda_deposit = result.locator("tbody tr", has_text="nda.pdf").locator("[data-testid=table-cell]").nth(2)
            assert nda_deposit.get_attribute("data-citation") == "" and nda_deposit.get_by_role("button").count() == 0

            with page.expect_download() as info:
                page.get_by_test_id("extract-csv").click()
            assert info.value.suggested_filename == "tables-clauses.csv"
            raw = open(info.value.path(), encoding="utf-8", newline="").read()
            rows = list(csv.reader(io.StringIO(raw)))
            assert rows[0] == [
                "Document",
                "Governing law",
                "Governing law (source)",
                "Security deposit",
                "Security deposit (source)",
            ]
            lease = next(r for r in rows if r[0] == "lease.pdf")
            assert lease[1] == "Illinois" and lease[2].startswith("lease.pdf p.2 chars ")
            assert lease[3].startswith("USD 9,000") and lease[4].startswith("lease.pdf p.")
            # byte for byte what `aiworks extract --format csv` writes for the same result
            table = Table(body["table"]["columns"], [[Cell(**c) for c in row] for row in body["table"]["rows"]])
            citations = [Citation(**{k: c[k] for k in _CITATION_FIELDS}) for c in body["citations"]]
            assert raw == render_csv(table, citations)
            assert len(rows) == 4 and blocked == []
        except BaseException:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
            raise
