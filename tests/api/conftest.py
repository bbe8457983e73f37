from __future__ import annotations

from pathlib import Path

import pytest

from aiworks.settings import Settings

from api_helpers import make_pdf


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", embedder="hash")


@pytest.fixture
def contract_pdf(tmp_path: Path) -> Path:
    return make_pdf(
        tmp_path / "files" / "services.pdf",
        [
            "MASTER SERVICES AGREEMENT between Orchid Systems and Pelican Freight.",
            "1. Termination. Either party may terminate this agreement for convenience by giving ninety (90) days "
            "written notice to the other party.",
            "2. Governing Law. This agreement is governed by the laws of the State of Delaware.",
            "3. Fees. The customer shall pay a monthly fee of USD 4,500 within thirty (30) days of each invoice.",
        ],
    )
