"""Real files for the assistant tests: generated contracts (fpdf2) and one of every bad-file kind."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from aiworks.rag.samples import write_sample_contracts
from aiworks.settings import Settings


@pytest.fixture(scope="session")
def contracts_dir(tmp_path_factory) -> Path:
    return Path(tmp_path_factory.mktemp("contracts"))


@pytest.fixture(scope="session")
def _contracts(contracts_dir) -> list[Path]:
    return write_sample_contracts(contracts_dir)


@pytest.fixture
def contracts(_contracts, tmp_path) -> list[Path]:
    """A private copy per test, so tests may modify files."""
    dest = tmp_path / "contracts"
    dest.mkdir()
    return [Path(shutil.copy(p, dest / p.name)) for p in _contracts]


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(home=tmp_path / "home", embedder="hash", llm="extractive")


def _text_pdf(path: Path, text: str, **encryption) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, text)
    if encryption:
        pdf.set_encryption(**encryption)
    pdf.output(str(path))
    return path


def make_bad_files(folder: Path) -> dict[str, Path]:
    """One file per failure kind the assistant must report (kind → path)."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    files["encrypted"] = _text_pdf(
        folder / "locked.pdf", "Secret terms of the deal.", owner_password="owner", user_password="open-sesame"
    )
    good = _text_pdf(folder / "tmp.pdf", "This text is fine but the file gets cut in half.")
    data = good.read_bytes()
    good.unlink()
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage\xff" * 50 + data[len(data) // 2 :][:40])
    files["corrupt"] = folder / "corrupt.pdf"
    (folder / "empty.pdf").write_bytes(b"")
    files["empty"] = folder / "empty.pdf"
    # a scanned page in which OCR finds no text (a photo: smooth shading and a filled shape)
    img = Image.linear_gradient("L").resize((600, 200)).convert("RGB")
    ImageDraw.Draw(img).ellipse((250, 50, 350, 150), fill=(90, 120, 90))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(buf, x=10, y=10, w=180)
    pdf.output(str(folder / "scanned.pdf"))
    files["scanned"] = folder / "scanned.pdf"
    (folder / "budget.xlsx").write_bytes(b"PK\x03\x04 not really a spreadsheet")
    files["unsupported"] = folder / "budget.xlsx"
    return files


@pytest.fixture
def bad_files(tmp_path) -> dict[str, Path]:
    return make_bad_files(tmp_path / "bad")
