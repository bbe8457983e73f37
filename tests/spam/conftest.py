"""Fixtures for the spam tests: a tiny synthetic corpus on disk and Settings rooted in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from spam_samples import write_corpus

from aiworks.settings import Settings


@pytest.fixture()
def corpus_dir(tmp_path) -> Path:
    return write_corpus(tmp_path / "corpus", n=40)


@pytest.fixture()
def settings(tmp_path) -> Settings:
    return Settings(home=tmp_path / "home")
