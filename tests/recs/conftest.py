"""Small synthetic interaction data whose right answers are known.

Checkerboard: users 1..10 (group A) interacted with every group-A item (ids 101..110) except one ("their missing
item", 101 + (u - 1) % 10); users 11..20 likewise for group-B items 111..120. Nobody crosses groups. Any sensible
collaborative model must therefore rank the user's own missing item first and never favour the other group.
User 21 is in the catalogue (u.user) but has no ratings: the cold-start case.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aiworks.recs.data import Ratings, to_interactions

GROUP_A = list(range(101, 111))
GROUP_B = list(range(111, 121))
COLD_USER = 21


def missing_item(user: int) -> int:
    group = GROUP_A if user <= 10 else GROUP_B
    return group[(user - 1) % 10]


def checkerboard_frame() -> pd.DataFrame:
    rows = []
    for user in range(1, 21):
        group = GROUP_A if user <= 10 else GROUP_B
        for pos, item in enumerate(group):
            if item != missing_item(user):
                rows.append((user, item, 4, 880_000_000 + 86_400 * pos + user))
    return pd.DataFrame(rows, columns=["user", "item", "rating", "ts"])


def checkerboard_ratings() -> Ratings:
    frame = checkerboard_frame()
    titles = {i: f"Movie {i}" for i in GROUP_A + GROUP_B}
    return Ratings(frame, np.arange(1, COLD_USER + 1), np.array(GROUP_A + GROUP_B), titles)


@pytest.fixture
def board():
    ratings = checkerboard_ratings()
    return ratings, to_interactions(ratings.frame, ratings)


def write_movielens(folder: Path, frame: pd.DataFrame, n_users: int, items: list[int]) -> Path:
    """A MovieLens-shaped folder (u.data, u.item, u.user) from a ratings frame."""
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / "u.data", sep="\t", header=False, index=False)
    (folder / "u.item").write_text(
        "".join(f"{i}|Movie {i} (1995)|01-Jan-1995||http://x|0|0\n" for i in items), encoding="latin-1"
    )
    (folder / "u.user").write_text("".join(f"{u}|30|M|other|00000\n" for u in range(1, n_users + 1)))
    return folder


@pytest.fixture
def movielens_dir(tmp_path: Path) -> Path:
    return write_movielens(tmp_path / "ml", checkerboard_frame(), COLD_USER, GROUP_A + GROUP_B)
