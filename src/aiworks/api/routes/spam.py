"""HTTP routes of this job."""

from __future__ import annotations

from fastapi import APIRouter

from aiworks.settings import Settings


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter()
    return router
