"""HTTP routes of the recommender: per-user top-n and similar items, from the registered served model.

The served model is loaded from the registry on first use and kept for the life of the app (restart or
rebuild the app to serve a newly registered version, so requests never pay a registry lookup). Unknown ids -> 404,
no registered model -> 503 (retried on the next request, so training while serving works).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from aiworks.settings import Settings


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


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/recs", tags=["recs"], responses={
        404: {"description": "Unknown user or item id"},
        503: {"description": "No recommender registered yet (run `aiworks recs train`)"}})
    cache: dict[str, object] = {}

    def served():
        from aiworks.recs.service import load_served

        if "model" not in cache:
            try:
                cache["model"] = load_served(settings)
            except LookupError as exc:
                raise HTTPException(503, detail=str(exc)) from exc
        return cache["model"]

    @router.get("/users/{user_id}", response_model=UserRecsOut)
    def user_recs(user_id: int, n: int = Query(10, ge=1, le=200), explain: bool = True) -> UserRecsOut:
        from aiworks.recs.service import UnknownId

        model = served()
        try:
            out = model.recommend(user_id, n, explain=explain)
        except UnknownId as exc:
            raise HTTPException(404, detail=str(exc)) from exc
        items = [RecItem(item=r.item_id, title=r.title, score=r.score, because=r.because) for r in out.items]
        return UserRecsOut(user=out.user_id, source=out.source, model=model.model_name, items=items)

    @router.get("/items/{item_id}/similar", response_model=SimilarOut)
    def similar(item_id: int, n: int = Query(10, ge=1, le=200)) -> SimilarOut:
        from aiworks.recs.service import UnknownId

        model = served()
        try:
            found = model.similar(item_id, n)
            title = model.title(item_id)
        except UnknownId as exc:
            raise HTTPException(404, detail=str(exc)) from exc
        items = [RecItem(item=r.item_id, title=r.title, score=r.score) for r in found]
        return SimilarOut(item=item_id, title=title, model=model.model_name, similar=items)

    return router
