"""``aiworks serve`` (HTTP API + web UI) and ``aiworks keys`` (workspace-scoped API keys)."""

from __future__ import annotations

import typer

keys_app = typer.Typer(help="API keys: each key opens exactly one workspace.", no_args_is_help=True)


@keys_app.command("create")
def keys_create(
    ctx: typer.Context,
    workspace: str = typer.Option(..., "--workspace", "-w", help="The workspace this key may use"),
) -> None:
    """Create a key for WORKSPACE (created if missing). The key is printed once; only its hash is stored."""
    from aiworks.api.auth import KeyStore
    from aiworks.cli_support import settings_of
    from aiworks.settings import WORKSPACE_RULE, valid_workspace

    settings = settings_of(ctx)
    if not valid_workspace(workspace):
        typer.echo(f"Error: invalid workspace name '{workspace}' ({WORKSPACE_RULE})", err=True)
        raise typer.Exit(2)
    settings.workspace_dir(workspace).mkdir(parents=True, exist_ok=True)
    key, token = KeyStore.for_settings(settings).create(workspace)
    typer.echo(token)
    typer.echo(f"key id {key.id} for workspace '{workspace}' — store it now, it cannot be shown again.", err=True)


@keys_app.command("list")
def keys_list(ctx: typer.Context) -> None:
    """List keys (ids and workspaces, never the secrets)."""
    from rich.console import Console
    from rich.table import Table

    from aiworks.api.auth import KeyStore
    from aiworks.cli_support import settings_of

    keys = KeyStore.for_settings(settings_of(ctx)).keys()
    if not keys:
        typer.echo("no API keys (a server bound to 127.0.0.1 runs in local single-user mode)")
        return
    table = Table("id", "workspace", "created", "state")
    for k in keys:
        table.add_row(k.id, k.workspace, k.created_at, "revoked" if k.revoked else "active")
    Console().print(table)


@keys_app.command("revoke")
def keys_revoke(ctx: typer.Context, key_id: str = typer.Argument(..., help="id shown by `aiworks keys list`")) -> None:
    """Revoke a key; a running server refuses it from its next request."""
    from aiworks.api.auth import KeyStore
    from aiworks.cli_support import settings_of

    if not KeyStore.for_settings(settings_of(ctx)).revoke(key_id):
        typer.echo(f"Error: no active key with id '{key_id}'", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id}")


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")

    @app.command()
    def serve(
        ctx: typer.Context,
        host: str = typer.Option(None, help="Bind address (default 127.0.0.1)"),
        port: int = typer.Option(None, help="Port (default 8000)"),
    ) -> None:
        """Serve the HTTP API (OpenAPI at /docs) and the web UI."""
        import uvicorn

        from aiworks.api.app import STATIC_DIR, create_app
        from aiworks.api.auth import auth_banner
        from aiworks.cli_support import settings_of

        settings = settings_of(ctx)
        if host:
            settings.host = host
        if port:
            settings.port = port
        typer.echo(f"aiworks serving on http://{settings.host}:{settings.port}  (API docs: /docs)")
        typer.echo(auth_banner(settings))
        if not (STATIC_DIR / "index.html").exists():
            typer.echo("Web UI not built (run `make web`); the API is available.")
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
