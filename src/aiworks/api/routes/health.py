"""Liveness endpoint shared by every job."""

from __future__ import annotations

from fastapi import APIRouter

from aiworks import __version__
from aiworks.settings import Settings


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health")
    def health() -> dict:
        return {"status": "ok", "version": __version__}

    return router
