"""FastAPI application factory: ``create_app(settings)``.

Every job contributes one router from ``api/routes/<job>.py`` built with the same Settings object;
the built React UI (``api/static``) is served at ``/`` when present.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from fastapi.staticfiles import StaticFiles

from aiworks import __version__
from aiworks.settings import Settings

STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    # FastAPIOffline serves Swagger UI / ReDoc from the installed package: /docs works with no internet.
    app: FastAPI = FastAPIOffline(title="aiworks", version=__version__)
    app.state.settings = settings

    from aiworks.api.routes import health, rag, recs, spam

    for module in (health, rag, spam, recs):
        app.include_router(module.build_router(settings))

    if (STATIC_DIR / "index.html").exists():
        app.mount("/", StaticFiles(directory=STATIC_DIR, html=True), name="ui")
    from aiworks.api.middleware import SecurityMiddleware

    # Host/Origin checks, auth and size limits before any body is read; security headers on every response.
    app.add_middleware(SecurityMiddleware, settings=settings)
    return app
