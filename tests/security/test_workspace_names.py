"""One workspace-name rule: the CLI, the key store and the HTTP API accept and refuse the same names."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aiworks.api.app import create_app
from aiworks.cli import app as cli
from aiworks.rag.assistant import Assistant
from aiworks.settings import Settings, valid_workspace

NAMES = ["acme", "acme-2", "a_b", "0", "Acme", "ACME", "acme.v2", "-acme", "../etc", "a" * 63, "a" * 64]


@pytest.mark.parametrize("name", NAMES)
def test_cli_api_and_keys_agree(tmp_path, name):
    settings = Settings(home=tmp_path / "home", embedder="hash")
    ok = valid_workspace(name)
    assert ok == (name in ("acme", "acme-2", "a_b", "0", "a" * 63))
    try:
        Assistant(settings, name)
        cli_ok = True
    except ValueError as exc:
        cli_ok = False
        assert "invalid workspace name" in str(exc)
    api = TestClient(create_app(settings), base_url="http://127.0.0.1")
    api_ok = api.post("/api/workspaces", json={"name": name}).status_code in (200, 201)
    keys = CliRunner().invoke(cli, ["--home", str(settings.home), "keys", "create", "--workspace", name])
    assert cli_ok == api_ok == (keys.exit_code == 0) == ok


def test_uppercase_gets_a_hint(tmp_path):
    with pytest.raises(ValueError, match="did you mean 'acme'"):
        Assistant(Settings(home=tmp_path, embedder="hash"), "Acme")
