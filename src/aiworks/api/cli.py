"""``aiworks serve``: the HTTP API and web UI."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        ctx: typer.Context,
        host: str = typer.Option(None, help="Bind address (default 127.0.0.1)"),
        port: int = typer.Option(None, help="Port (default 8000)"),
    ) -> None:
        """Serve the HTTP API (OpenAPI at /docs) and the web UI."""
        import uvicorn

        from aiworks.api.app import create_app
        from aiworks.cli import settings_of

        settings = settings_of(ctx)
        if host:
            settings.host = host
        if port:
            settings.port = port
        typer.echo(f"aiworks serving on http://{settings.host}:{settings.port}  (API docs: /docs)")
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
