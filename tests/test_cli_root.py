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
