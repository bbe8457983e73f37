"""Serving: registry round trip, cold start, 404/503, through a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest

from aiworks.lifecycle import registry, tracking
from aiworks.recs.models import make_model
from aiworks.recs.serving import REGISTERED_NAME, ServedRecommender
from aiworks.settings import Settings

from .conftest import COLD_USER, GROUP_A, checkerboard_ratings, missing_item


def _register(settings: Settings) -> ServedRecommender:
    from aiworks.recs.data import to_interactions

    ratings = checkerboard_ratings()
    model = make_model("ease", l2=1.0).fit(to_interactions(ratings.frame, ratings))
    served = ServedRecommender(model, ratings.titles, "ease", {"l2": 1.0})
    with tracking.run(settings, "recs-test") as run_id:
        registry.register(settings, REGISTERED_NAME, served, run_id)
    return served


@pytest.fixture
def server(tmp_path):
    """A real HTTP server over the app factory; yields (base_url, settings)."""
    import uvicorn

    from aiworks.api.app import create_app

    settings = Settings(home=tmp_path / "home")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", settings
    srv.should_exit = True
    thread.join(timeout=10)


def test_service_cold_start_and_explanations():
    import pandas as pd

    from aiworks.recs.data import to_interactions

    ratings = checkerboard_ratings()
    # 115 becomes the most watched item and 103 the second, so the popularity fallback has a known order
    extra = pd.DataFrame(
        [(u, 115, 5, 1) for u in (1, 2, 3)] + [(u, 103, 5, 1) for u in (12, 13)], columns=ratings.frame.columns
    )
    frame = pd.concat([ratings.frame, extra]).drop_duplicates(["user", "item"])
    served = ServedRecommender(
        make_model("ease", l2=1.0).fit(to_interactions(frame, ratings)), ratings.titles, "ease", {}
    )
    warm = served.recommend(4, n=2)
    assert warm.source == "model" and warm.items[0].item_id == missing_item(4)
    # the explanation names seen items of the same group (group A titles are "Movie 101".."Movie 110")
    assert warm.items[0].because and all(int(t.split()[1]) in GROUP_A for t in warm.items[0].because)
    cold = served.recommend(COLD_USER, n=2)
    assert cold.source == "popularity"
    assert [r.item_id for r in cold.items] == [115, 103]


def test_routes_503_then_recommendations_cold_start_and_404(server):
    base, settings = server
    # generous: the first request creates the MLflow store (migrations take tens of seconds on a loaded box)
    with httpx.Client(base_url=base, timeout=180) as http:
        r = http.get("/recs/users/3")
        assert r.status_code == 503 and "recs train" in r.json()["detail"]

        _register(settings)
        r = http.get("/recs/users/3", params={"n": 3})
        assert r.status_code == 200
        body = r.json()
        assert body["source"] == "model" and body["model"] == "ease"
        assert len(body["items"]) == 3 and body["items"][0]["item"] == missing_item(3)
        assert body["items"][0]["title"] == f"Movie {missing_item(3)}"

        r = http.get(f"/recs/users/{COLD_USER}", params={"n": 4})
        assert r.status_code == 200 and r.json()["source"] == "popularity" and len(r.json()["items"]) == 4

        r = http.get("/recs/users/999")
        assert r.status_code == 404 and "999" in r.json()["detail"]
        assert http.get("/recs/users/3", params={"n": 0}).status_code == 422

        r = http.get("/recs/items/101/similar", params={"n": 4})
        assert r.status_code == 200
        assert {x["item"] for x in r.json()["similar"]} <= set(GROUP_A) - {101}
        r = http.get("/recs/items/5000/similar")
        assert r.status_code == 404 and "5000" in r.json()["detail"]


def test_precomputed_lists_match_live_scoring():
    from aiworks.recs.data import to_interactions

    ratings = checkerboard_ratings()
    model = make_model("itemknn").fit(to_interactions(ratings.frame, ratings))
    served = ServedRecommender(model, ratings.titles, "itemknn", {}, cache_n=3)
    for user in (2, 15):
        live_ids, _ = model.recommend([user], n=6)
        assert [r.item_id for r in served.recommend(user, n=3).items] == list(live_ids[0][:3])  # cached path
        assert [r.item_id for r in served.recommend(user, n=6).items] == list(live_ids[0])  # beyond the cache
