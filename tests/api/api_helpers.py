"""Helpers shared by the API tests (a unique module name: test dirs share one import namespace)."""

from __future__ import annotations

import time
from pathlib import Path


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
