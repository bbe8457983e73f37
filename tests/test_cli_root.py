from typer.testing import CliRunner

from aiworks.cli import app
from aiworks.settings import Settings


def test_help_lists_jobs():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "serve" in result.output


def test_settings_home_and_workspace(tmp_path):
    s = Settings(home=tmp_path, workspace="acme")
    assert s.workspace_dir() == tmp_path / "workspaces" / "acme"
    assert s.tracking_uri.startswith("sqlite:///")


def test_openapi_docs_are_served_without_a_cdn(tmp_path):
    from fastapi.testclient import TestClient

    from aiworks.api.app import create_app

    client = TestClient(create_app(Settings(home=tmp_path, embedder="hash")), base_url="http://127.0.0.1")
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text and "unpkg" not in page.text
    script = [part.split('"')[0] for part in page.text.split('src="')[1:]][0]
    assert client.get(script).status_code == 200
