"""Backends under one contract: every test here runs against the embedded default (LanceDB + SQLite) and
PostgreSQL (the real server: the session fixture ``pg_url`` in tests/conftest.py)."""

from __future__ import annotations

import uuid

import pytest

from aiworks.settings import Settings


@pytest.fixture(params=["embedded", "postgres"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def workspace() -> str:
    return "t" + uuid.uuid4().hex[:12]  # tests share one database: each gets its own workspace


@pytest.fixture
def settings(backend, tmp_path, request) -> Settings:
    url = request.getfixturevalue("pg_url") if backend == "postgres" else None
    return Settings(home=tmp_path / "home", embedder="hash", llm="extractive", database_url=url)


@pytest.fixture
def open_backends(settings, workspace):
    """``open_backends(dim, workspace=None) -> (catalog, store)`` through the factory the Assistant uses."""
    from aiworks.rag.backends import open_backends as factory

    def make(dim: int = 8, ws: str | None = None):
        ws = ws or workspace
        return factory(settings, ws, settings.workspace_dir(ws), dim)

    return make
