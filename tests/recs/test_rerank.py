"""The two-stage re-ranker: honest carving, a preference only a side feature reveals, the shared interface."""

import numpy as np
import pandas as pd
import pytest

from aiworks.recs.data import Ratings, SideInfo, carve, to_interactions
from aiworks.recs.models import make_model
from aiworks.recs.serving import ServedRecommender

from .conftest import checkerboard_ratings

GENRES, PER_GENRE, USERS = 3, 30, 120
FAST = {"n_estimators": 60, "carvings": 2, "threads": 1, "early_stopping": 10}


def genre_world(seed: int = 0):
    """Each user watches 10 random items of their favourite genre (u % 3) and 5 random items of the others.

    Items are equally popular across genres, so a popularity stage-1 is blind to the preference: only the
    genre features of the re-ranker can reveal it.
    """
    rng = np.random.default_rng(seed)
    items = np.arange(1, GENRES * PER_GENRE + 1)
    genre = (items - 1) // PER_GENRE
    rows = []
    for user in range(1, USERS + 1):
        fav = user % GENRES
        own = rng.choice(items[genre == fav], 10, replace=False)
        other = rng.choice(items[genre != fav], 5, replace=False)
        rows += [(user, int(i), 4, 1000 + int(i)) for i in np.r_[own, other]]
    frame = pd.DataFrame(rows, columns=["user", "item", "rating", "ts"])
    side = SideInfo(
        item_genres=np.eye(GENRES, dtype=np.float32)[genre],
        item_year=np.full(len(items), 1995.0),
        user_age=np.full(USERS, 30.0),
        user_female=np.zeros(USERS),
        user_occupation=np.zeros(USERS, dtype=np.int64),
    )
    ratings = Ratings(frame, np.arange(1, USERS + 1), items, {}, side)
    return to_interactions(frame, ratings), genre


def test_carve_is_a_per_user_partition_that_keeps_values():
    inter = to_interactions(
        *(lambda r: (r.frame.assign(rating=np.arange(len(r.frame)) % 5 + 1), r))(checkerboard_ratings())
    )
    fit, held = carve(inter, 0.75, seed=3)
    assert fit.matrix.multiply(held.matrix).nnz == 0
    assert ((fit.matrix + held.matrix) != inter.matrix).nnz == 0
    counts = np.diff(inter.matrix.indptr)
    assert np.array_equal(np.diff(fit.matrix.indptr), np.round(0.75 * counts))
    for part in (fit, held):  # ratings and timestamps travel with their own interaction
        r, c = part.matrix.nonzero()
        assert np.array_equal(np.asarray(part.values[r, c]).ravel(), np.asarray(inter.values[r, c]).ravel())
        assert np.array_equal(np.asarray(part.timestamps[r, c]).ravel(), np.asarray(inter.timestamps[r, c]).ravel())
    again, _ = carve(inter, 0.75, seed=3)
    other, _ = carve(inter, 0.75, seed=4)
    assert (again.matrix != fit.matrix).nnz == 0 and (other.matrix != fit.matrix).nnz > 0


def test_reranker_learns_a_preference_only_a_feature_reveals():
    inter, genre = genre_world()
    fav = np.arange(1, USERS + 1) % GENRES
    users = list(range(1, USERS + 1))
    pop = make_model("pop").fit(inter)
    ids, _ = pop.recommend(users, n=5)
    blind = np.mean(genre[ids - 1] == fav[:, None])
    model = make_model("rerank", members={"pop": {}}, depth=GENRES * PER_GENRE, **FAST).fit(inter)
    ids, _ = model.recommend(users, n=5)
    learned = np.mean(genre[ids - 1] == fav[:, None])
    assert blind < 0.6  # the stage-1 order is about a third favourite-genre items, by construction
    assert learned >= 0.9
    assert "genre_cos" in model.feature_names_


def test_ranker_labels_come_only_from_the_given_interactions():
    inter, _ = genre_world(seed=1)
    model = make_model("rerank", members={"pop": {}}, depth=20, **FAST)
    x, y, qid, names = model.training_data(inter)
    assert x.shape == (len(y), len(names)) and np.all(np.diff(qid) >= 0)  # XGBoost needs grouped queries
    assert 0.0 < y.mean() < 0.5
    assert set(np.unique(qid // inter.n_users)) == {0, 1}  # one query block per carving


def test_rerank_interface_filtering_and_serving():
    inter, _ = genre_world(seed=2)
    model = make_model("rerank", depth=10, **FAST).fit(inter)
    ids, scores = model.recommend([1, 2, 3], n=40)  # beyond the candidates: stage-1 order fills the rest
    for row, user in enumerate([1, 2, 3]):
        seen = set(inter.item_ids[inter.items_of(inter.user_index[user])])
        assert not set(ids[row]) & seen and len(set(ids[row])) == 40
        assert np.all(np.diff(scores[row]) <= 0)
    similar, _ = model.similar_items(1, n=5)
    assert 1 not in similar and len(similar) == 5
    served = ServedRecommender(model, {}, "rerank", {}, cache_n=20)
    got = [r.item_id for r in served.recommend(1, 10, explain=False).items]
    assert got == list(model.recommend([1], n=10)[0][0])


def test_rerank_without_labels_falls_back_to_stage_one():
    # one interaction per user: carving holds nothing out, so there is no ranker to train
    frame = pd.DataFrame([(u, u % 4 + 1, 4, 1) for u in range(1, 9)], columns=["user", "item", "rating", "ts"])
    inter = to_interactions(frame, Ratings(frame, np.arange(1, 9), np.arange(1, 6)))
    model = make_model("rerank", members={"pop": {}}, **FAST).fit(inter)
    assert model.ranker_ is None
    ids, _ = model.recommend([1], n=2)
    assert 2 not in ids[0] and len(ids[0]) == 2


@pytest.mark.parametrize("ranker", ["xgb", "logistic"])
def test_both_rankers_beat_the_blind_stage_one(ranker):
    inter, genre = genre_world(seed=3)
    fav = np.arange(1, USERS + 1) % GENRES
    model = make_model("rerank", members={"pop": {}}, depth=GENRES * PER_GENRE, ranker=ranker, **FAST).fit(inter)
    ids, _ = model.recommend(list(range(1, USERS + 1)), n=5)
    assert np.mean(genre[ids - 1] == fav[:, None]) >= 0.9


def test_cli_evaluates_and_compares_rerank(tmp_path, movielens_dir):
    import json

    from typer.testing import CliRunner

    from aiworks.cli import app

    home = ["--home", str(tmp_path / "home"), "recs"]
    # saved params (what `recs tune` writes) override the shipped defaults: a small ranker keeps the test fast
    params = tmp_path / "home" / "recs" / "params" / "rerank.json"
    params.parent.mkdir(parents=True)
    params.write_text(json.dumps({"carvings": 2, "n_estimators": 40, "early_stopping": 10, "threads": 1}))
    r = CliRunner().invoke(
        app, [*home, "evaluate", "--data", str(movielens_dir), "--model", "rerank", "--k", "3", "--json"]
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["model"] == "rerank" and out["users"] == 20 and 0.0 <= out["precision"] <= 1.0
    r = CliRunner().invoke(app, [*home, "compare", "--data", str(movielens_dir), "--models", "ease,rerank", "--json"])
    assert r.exit_code == 0, r.output
    assert [row["model"] for row in json.loads(r.stdout.strip().splitlines()[-1])] == ["ease", "rerank"]
    # servable: registered (pickled through the model registry) and answered from the precomputed lists
    r = CliRunner().invoke(app, [*home, "train", "--data", str(movielens_dir), "--model", "rerank"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(app, [*home, "recommend", "--user", "3", "--n", "4", "--json"])
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout.strip().splitlines()[-1])
    assert body["model"] == "rerank" and body["source"] == "model" and len(body["items"]) == 4


def test_a_feature_only_member_scores_candidates_but_proposes_none():
    inter, _ = genre_world(seed=5)
    members = {"pop": {}, "ease": {"l2": 10.0, "depth": 0}}
    model = make_model("rerank", members=members, depth=7, **FAST).fit(inter)
    rows = np.arange(USERS)
    feats = model._features(model.models_, model.train_, rows, model.stats_)
    seen = inter.matrix.toarray() > 0
    pop = np.where(seen, -np.inf, model.models_["pop"].score_rows(rows))
    for u in rows[:10]:
        # candidates are exactly pop's top-7 unseen items (pop ties broken as the stable rank does)
        expected = np.argsort(-pop[u], kind="stable")[:7]
        assert set(feats.items[feats.rows == u]) == set(expected)
    assert {"ease_z", "ease_logrank"} <= set(feats.names)
    # the fusion feature is the candidate generators' only
    assert np.allclose(feats.x[:, feats.names.index("sum_z")], feats.x[:, feats.names.index("pop_z")])
    # a member's own depth overrides the shared one
    model.members = {"pop": {"depth": 3}, "ease": {"l2": 10.0, "depth": 0}}
    feats = model._features(model.models_, model.train_, rows, model.stats_)
    assert np.all(np.bincount(feats.rows) == 3)
