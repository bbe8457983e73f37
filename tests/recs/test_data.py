import numpy as np
import pandas as pd
import pytest

from aiworks.recs.data import load_movielens, make_split, stratified_split, to_interactions, validation_split

from .conftest import checkerboard_ratings


def _frame(n_users=30, seed=0):
    rng = np.random.default_rng(seed)
    rows = [
        (u, i, int(rng.integers(1, 6)), 1000 + i)
        for u in range(n_users)
        for i in rng.choice(200, size=int(rng.integers(5, 40)), replace=False)
    ]
    return pd.DataFrame(rows, columns=["user", "item", "rating", "ts"])


def test_stratified_split_keeps_75_percent_of_every_user():
    frame = _frame()
    train, test = stratified_split(frame, 0.75, seed=7)
    assert len(train) + len(test) == len(frame)
    assert not set(map(tuple, train[["user", "item"]].values)) & set(map(tuple, test[["user", "item"]].values))
    sizes = frame.groupby("user").size()
    assert (train.groupby("user").size() == np.round(0.75 * sizes)).all()
    again, _ = stratified_split(frame, 0.75, seed=7)
    other, _ = stratified_split(frame, 0.75, seed=8)
    assert again.equals(train)
    assert not other.equals(train)


def test_validation_split_is_carved_from_training_only():
    ratings = checkerboard_ratings()
    split = make_split(ratings, seed=3)
    val = validation_split(ratings, split.train, seed=3)
    train_pairs = set(zip(*split.train.matrix.nonzero()))
    val_pairs = set(zip(*val.train.matrix.nonzero())) | set(zip(*val.test.matrix.nonzero()))
    assert val_pairs == train_pairs
    assert not val_pairs & set(zip(*split.test.matrix.nonzero()))


def test_threshold_and_catalogue():
    ratings = checkerboard_ratings()
    frame = ratings.frame.assign(rating=[1, 5] * (len(ratings.frame) // 2))
    inter = to_interactions(frame, ratings, threshold=4)
    assert inter.matrix.nnz == len(frame) // 2
    # the catalogue includes the cold user and every item even without interactions
    assert inter.n_users == 21 and inter.n_items == 20


def test_loader_reads_movielens_layout(movielens_dir):
    ratings = load_movielens(movielens_dir)
    assert len(ratings.frame) == 180
    assert 21 in ratings.user_ids  # from u.user, no ratings
    assert ratings.titles[101] == "Movie 101 (1995)"


def test_loader_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="u.data"):
        load_movielens(tmp_path / "nope")
