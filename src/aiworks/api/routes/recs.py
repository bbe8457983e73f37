"""HTTP routes of the recommender: per-user top-n and similar items, from the registered served model.

The served model is loaded from the registry on first use and kept for the life of the app (restart or
rebuild the app to serve a newly registered version, so requests never pay a registry lookup). Unknown ids -> 404,
no registered model -> 503 (retried on the next request, so training while serving works).

The routes are module-level functions; the loaded model lives on ``app.state`` and reaches them as an
``Annotated`` dependency.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel

from aiworks.settings import Settings

if TYPE_CHECKING:
    from aiworks.recs.serving import ServedRecommender

_LOAD_LOCK = threading.Lock()


class RecItem(BaseModel):
    item: int
    title: str
    score: float
    because: list[str] = []


class UserRecsOut(BaseModel):
    user: int
    source: str  # "model" or "popularity" (cold start)
    model: str
    items: list[RecItem]


class SimilarOut(BaseModel):
    item: int
    title: str
    model: str
    similar: list[RecItem]


def served_model(request: Request) -> ServedRecommender:
    """The app's served recommender, loaded from the registry on first use (503 while none is registered)."""
    from aiworks.recs.serving import load_served

    app_state = request.app.state
    with _LOAD_LOCK:
        model = getattr(app_state, "recs_model", None)
        if model is None:
            try:
                model = app_state.recs_model = load_served(app_state.settings)
            except LookupError as exc:
                raise HTTPException(503, detail=str(exc)) from exc
    return model


Served = Annotated["ServedRecommender", Depends(served_model)]
router = APIRouter(
    prefix="/recs",
    tags=["recs"],
    responses={
        404: {"description": "Unknown user or item id"},
        503: {"description": "No recommender registered yet (run `aiworks recs train`)"},
    },
)


def build_router(settings: Settings) -> APIRouter:
    """The recommender router; its routes read ``settings`` from ``app.state.settings`` (set by ``create_app``)."""
    return router


@router.get("/users/{user_id}", response_model=UserRecsOut)
def user_recs(model: Served, user_id: int, n: int = Query(10, ge=1, le=200), explain: bool = True) -> UserRecsOut:
    from aiworks.recs.serving import UnknownId

    try:
        out = model.recommend(user_id, n, explain=explain)
    except UnknownId as exc:
        raise HTTPException(404, detail=str(exc)) from exc
    items = [RecItem(item=r.item_id, title=r.title, score=r.score, because=r.because) for r in out.items]
    return UserRecsOut(user=out.user_id, source=out.source, model=model.model_name, items=items)


@router.get("/items/{item_id}/similar", response_model=SimilarOut)
def similar(model: Served, item_id: int, n: int = Query(10, ge=1, le=200)) -> SimilarOut:
    from aiworks.recs.serving import UnknownId

    try:
        found = model.similar(item_id, n)
        title = model.title(item_id)
    except UnknownId as exc:
        raise HTTPException(404, detail=str(exc)) from exc
    items = [RecItem(item=r.item_id, title=r.title, score=r.score) for r in found]
    return SimilarOut(item=item_id, title=title, model=model.model_name, similar=items)
