from __future__ import annotations

import time
from pathlib import Path

import pytest

from aiworks.settings import Settings


def make_pdf(path: Path, paragraphs: list[str]) -> Path:
    """A real text PDF (fpdf2, core font), one paragraph per block."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for para in paragraphs:
        pdf.multi_cell(0, 6, para)
        pdf.ln(3)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def wait_job(get, workspace: str, job_id: str, timeout_s: float = 60.0) -> dict:
    """Poll GET /jobs/{id} (``get`` is client.get) until the job finishes."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = get(f"/api/workspaces/{workspace}/jobs/{job_id}").json()
        if job["status"] in ("done", "error"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish in {timeout_s}s: {job}")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", embedder="hash")


@pytest.fixture
def contract_pdf(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "files" / "services.pdf", [
        "MASTER SERVICES AGREEMENT between Orchid Systems and Pelican Freight.",
        "1. Termination. Either party may terminate this agreement for convenience by giving ninety (90) days "
        "written notice to the other party.",
        "2. Governing Law. This agreement is governed by the laws of the State of Delaware.",
        "3. Fees. The customer shall pay a monthly fee of USD 4,500 within thirty (30) days of each invoice.",
    ])
