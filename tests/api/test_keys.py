"""``aiworks keys`` and the access rule: local mode only on loopback with no key issued."""

from __future__ import annotations

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aiworks.api.app import create_app
from aiworks.api.auth import KeyStore, auth_banner
from aiworks.cli import app as cli


def test_keys_cli_create_list_revoke(tmp_path):
    home = tmp_path / "home"
    runner = CliRunner()
    created = runner.invoke(cli, ["--home", str(home), "keys", "create", "--workspace", "acme"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[0]
    assert token.startswith("aiw_") and len(token) > 30
    # only the hash is stored
    assert token not in (home / "api_keys.json").read_text()
    assert (home / "workspaces" / "acme").is_dir()

    store = KeyStore(home / "api_keys.json")
    key = store.lookup(token)
    assert key is not None and key.workspace == "acme"

    listed = runner.invoke(cli, ["--home", str(home), "keys", "list"])
    assert listed.exit_code == 0 and key.id in listed.output and token not in listed.output

    revoked = runner.invoke(cli, ["--home", str(home), "keys", "revoke", key.id])
    assert revoked.exit_code == 0
    assert store.lookup(token) is None
    again = runner.invoke(cli, ["--home", str(home), "keys", "revoke", key.id])
    assert again.exit_code == 1 and "no active key" in again.output


def test_keys_cli_rejects_bad_workspace_name(tmp_path):
    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "keys", "create", "--workspace", "../etc"])
    assert result.exit_code == 2
    assert "invalid workspace name" in result.output
    assert not (tmp_path / "api_keys.json").exists()


def test_local_mode_only_on_loopback_without_keys(settings):
    assert "Local single-user mode" in auth_banner(settings)
    local = TestClient(create_app(settings), base_url="http://127.0.0.1")
    assert local.get("/api/session").json()["mode"] == "local"
    assert local.get("/api/workspaces").status_code == 200

    exposed = settings.model_copy(update={"host": "0.0.0.0"})
    assert "API keys required" in auth_banner(exposed)
    remote = TestClient(create_app(exposed), base_url="http://127.0.0.1")
    assert remote.get("/api/workspaces").status_code == 401
    assert remote.get("/api/session").json() == {
        "mode": "keys",
        "authenticated": False,
        "workspace": None,
        "max_upload_mb": settings.max_upload_mb,
        "answerer": "extractive",
    }

    # Issuing a key switches even a loopback server to key-only access.
    _, token = KeyStore.for_settings(settings).create("acme")
    assert local.get("/api/workspaces").status_code == 401
    assert local.get("/api/workspaces", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert local.get("/api/workspaces", headers={"X-API-Key": "aiw_wrong"}).status_code == 401


def test_serve_says_how_it_authenticates(tmp_path, monkeypatch):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **kw: calls.append((host, port)))
    home = tmp_path / "home"
    runner = CliRunner()
    local = runner.invoke(cli, ["--home", str(home), "serve", "--port", "8123"])
    assert local.exit_code == 0, local.output
    assert "http://127.0.0.1:8123" in local.output and "Local single-user mode" in local.output
    exposed = runner.invoke(cli, ["--home", str(home), "serve", "--host", "0.0.0.0"])
    assert "API keys required" in exposed.output and "aiworks keys create" in exposed.output
    assert calls == [("127.0.0.1", 8123), ("0.0.0.0", 8000)]
