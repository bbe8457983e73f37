"""FastAPI application factory: ``create_app(settings)``.

Every job contributes one router from ``api/routes/<job>.py`` built with the same Settings object;
the built React UI (``api/static``) is served at ``/`` when present.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from fastapi.staticfiles import StaticFiles

from aiworks import __version__
from aiworks.settings import Settings

STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    from aiworks.api.routes import health, rag, recs, spam
    from aiworks.api.service import AssistantService

    # Created now, so its job runner starts with the app; closed when the server shuts down, so a job that has
    # just finished also gets its staged file deleted before the process exits.
    service = AssistantService(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        service.close()

    # FastAPIOffline serves Swagger UI / ReDoc from the installed package: /docs works with no internet.
    app: FastAPI = FastAPIOffline(title="aiworks", version=__version__, lifespan=lifespan)
    app.state.settings = settings
    for router in (health.build_router(settings), rag.build_router(settings, service)):
        app.include_router(router)
    for module in (spam, recs):
        app.include_router(module.build_router(settings))

    if (STATIC_DIR / "index.html").exists():
        app.mount("/", StaticFiles(directory=STATIC_DIR, html=True), name="ui")
    from aiworks.api.middleware import SecurityMiddleware

    # Host/Origin checks, auth and size limits before any body is read; security headers on every response.
    app.add_middleware(SecurityMiddleware, settings=settings)
    return app
