"""Conversations and follow-ups: the three sample contracts (nda.pdf, services_agreement.pdf, lease.pdf),
ingested once per module with the fast hash embedder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "security"))  # server_helpers
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "api"))  # api_helpers

from aiworks.rag.samples import write_sample_contracts  # noqa: E402
from aiworks.settings import Settings  # noqa: E402


@pytest.fixture(scope="session")
def sample_contracts(tmp_path_factory) -> list[Path]:
    return write_sample_contracts(Path(tmp_path_factory.mktemp("chat-contracts")))


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, sample_contracts):
    from aiworks.rag.assistant import Assistant

    home = Path(tmp_path_factory.mktemp("chat-home"))
    a = Assistant(Settings(home=home, embedder="hash", llm="extractive"), "chat")
    reports = a.ingest(sample_contracts)
    assert all(r.status == "ingested" for r in reports), reports
    return a
