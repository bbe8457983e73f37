"""MovieLens loading, implicit-feedback conversion and the Microsoft Recommenders split.

Everything downstream works on :class:`Interactions`: a users x items CSR matrix over a *fixed catalogue*
(every user and item of the data set, including those absent from a split), so that train, validation and
test matrices share one index and the ranking is always over the full item catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp


@dataclass(frozen=True)
class SideInfo:
    """Item and user attributes aligned with the catalogue order (NaN / -1 where unknown); used by the re-ranker."""

    item_genres: np.ndarray  # n_items x n_genres, 0/1
    item_year: np.ndarray  # n_items, release year
    user_age: np.ndarray  # n_users
    user_female: np.ndarray  # n_users, 1.0 = F, 0.0 = M
    user_occupation: np.ndarray  # n_users, integer code (-1 unknown)


@dataclass(frozen=True)
class Ratings:
    """Explicit ratings plus the catalogue they live in (raw MovieLens ids)."""

    frame: pd.DataFrame  # columns: user, item, rating, ts
    user_ids: np.ndarray  # every known user id, sorted
    item_ids: np.ndarray  # every known item id, sorted
    titles: dict[int, str] = field(default_factory=dict)
    side: SideInfo | None = None


@dataclass
class Interactions:
    """Binary user x item matrix over a fixed catalogue, plus each interaction's timestamp."""

    matrix: sp.csr_matrix  # float32, 1.0 where the user interacted
    timestamps: sp.csr_matrix  # same sparsity pattern, unix seconds (for sequence models)
    user_ids: np.ndarray
    item_ids: np.ndarray
    values: sp.csr_matrix | None = None  # same pattern, the explicit rating (None: unknown)
    side: SideInfo | None = None

    def __post_init__(self) -> None:
        self.user_index = {int(u): i for i, u in enumerate(self.user_ids)}
        self.item_index = {int(i): j for j, i in enumerate(self.item_ids)}

    @property
    def n_users(self) -> int:
        return self.matrix.shape[0]

    @property
    def n_items(self) -> int:
        return self.matrix.shape[1]

    def items_of(self, user_row: int) -> np.ndarray:
        m = self.matrix
        return m.indices[m.indptr[user_row] : m.indptr[user_row + 1]]


def load_movielens(path: Path) -> Ratings:
    """Load ML-100K (``u.data`` + ``u.item`` + ``u.user``) from ``path``; never copied anywhere."""
    path = Path(path)
    data = path / "u.data"
    if not data.exists():
        raise FileNotFoundError(f"{data} not found: point --data at an ml-100k folder (u.data, u.item)")
    frame = pd.read_csv(data, sep="\t", names=["user", "item", "rating", "ts"], dtype="int64")
    titles: dict[int, str] = {}
    items = set(frame["item"].unique().tolist())
    users = set(frame["user"].unique().tolist())
    if (path / "u.item").exists():
        # Latin-1 per the GroupLens README; only id and title are needed.
        meta = pd.read_csv(path / "u.item", sep="|", header=None, encoding="latin-1", usecols=[0, 1])
        titles = dict(zip(meta[0].astype(int), meta[1].astype(str)))
        items |= set(titles)
    if (path / "u.user").exists():
        users |= set(pd.read_csv(path / "u.user", sep="|", header=None, usecols=[0])[0].astype(int))
    user_ids, item_ids = np.array(sorted(users)), np.array(sorted(items))
    return Ratings(frame, user_ids, item_ids, titles, _side_info(path, user_ids, item_ids))


def _side_info(path: Path, user_ids: np.ndarray, item_ids: np.ndarray) -> SideInfo | None:
    """Genres and release year (u.item), age, gender and occupation (u.user); None when either file is incomplete."""
    try:
        items = pd.read_csv(path / "u.item", sep="|", header=None, encoding="latin-1")
        users = pd.read_csv(path / "u.user", sep="|", header=None, names=["user", "age", "gender", "occ", "zip"])
    except (FileNotFoundError, pd.errors.EmptyDataError):
        return None
    if items.shape[1] < 6:
        return None
    items = items.set_index(0).reindex(item_ids)
    genres = items.iloc[:, 4:].fillna(0).to_numpy(dtype=np.float32)
    year = pd.to_datetime(items[2], format="%d-%b-%Y", errors="coerce").dt.year.to_numpy(dtype=np.float64)
    users = users.set_index("user").reindex(user_ids)
    occupation = users["occ"].astype("category").cat.codes.to_numpy(dtype=np.int64)
    female = users["gender"].map({"F": 1.0, "M": 0.0}).to_numpy(dtype=np.float64)
    return SideInfo(genres, year, users["age"].to_numpy(dtype=np.float64), female, occupation)


def to_interactions(frame: pd.DataFrame, ratings: Ratings, threshold: float = 0.0) -> Interactions:
    """Binary interactions from ratings >= ``threshold`` (0 = every rating counts, as MS Recommenders does)."""
    kept = frame[frame["rating"] >= threshold]
    uidx = {int(u): i for i, u in enumerate(ratings.user_ids)}
    iidx = {int(i): j for j, i in enumerate(ratings.item_ids)}
    rows = kept["user"].map(uidx).to_numpy()
    cols = kept["item"].map(iidx).to_numpy()
    shape = (len(ratings.user_ids), len(ratings.item_ids))
    ones = np.ones(len(kept), dtype=np.float32)
    matrix = sp.csr_matrix((ones, (rows, cols)), shape=shape)
    matrix.data[:] = 1.0  # duplicates (if any) stay binary
    ts = sp.csr_matrix((kept["ts"].to_numpy().astype(np.float64), (rows, cols)), shape=shape)
    values = sp.csr_matrix((kept["rating"].to_numpy().astype(np.float32), (rows, cols)), shape=shape)
    return Interactions(matrix, ts, ratings.user_ids, ratings.item_ids, values, ratings.side)


def carve(interactions: Interactions, ratio: float = 0.75, seed: int = 0) -> tuple[Interactions, Interactions]:
    """Per-user random ratio split of an interaction matrix (the stratified split, done on the matrix itself).

    Used inside models that need their own held-out part (the re-ranker's training labels); keeps timestamps,
    rating values and side information with each part.
    """
    rng = np.random.default_rng(seed)
    m = interactions.matrix.tocsr().copy()
    m.sort_indices()  # every matrix of the pattern is sorted the same way, so one mask fits them all
    keep = np.zeros(m.nnz, dtype=bool)
    for u in range(m.shape[0]):
        lo, hi = m.indptr[u], m.indptr[u + 1]
        if hi > lo:
            keep[lo + rng.permutation(hi - lo)[: int(np.round(ratio * (hi - lo)))]] = True

    def part(mask: np.ndarray) -> Interactions:
        def sub(x: sp.csr_matrix | None) -> sp.csr_matrix | None:
            if x is None:
                return None
            x = x.tocsr().copy()
            x.sort_indices()
            x.data = np.where(mask, x.data, 0).astype(x.dtype)
            x.eliminate_zeros()
            return x

        return Interactions(
            sub(m),
            sub(interactions.timestamps),
            interactions.user_ids,
            interactions.item_ids,
            sub(interactions.values),
            interactions.side,
        )

    return part(keep), part(~keep)


def stratified_split(frame: pd.DataFrame, ratio: float = 0.75, seed: int = 42) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-user random split: each user keeps round(ratio * n) of their ratings for training.

    Mirrors ``recommenders.datasets.python_splitters.python_stratified_split``: shuffle with the seed, then cut
    every user's group at round(ratio * n), so every user appears in both parts.
    """
    if not 0.0 < ratio < 1.0:
        raise ValueError("ratio must be in (0, 1)")
    shuffled = frame.sample(frac=1.0, random_state=seed)
    position = shuffled.groupby("user").cumcount().to_numpy()
    size = shuffled.groupby("user")["user"].transform("size").to_numpy()
    in_train = position < np.round(ratio * size)
    return shuffled[in_train].sort_index(), shuffled[~in_train].sort_index()


@dataclass
class InteractionSplit:
    """One train/test split over a shared catalogue."""

    train: Interactions
    test: Interactions
    ratings: Ratings
    seed: int


def make_split(ratings: Ratings, seed: int = 42, ratio: float = 0.75, threshold: float = 0.0) -> InteractionSplit:
    """Split explicit ratings, then binarise both parts with the same threshold."""
    train_df, test_df = stratified_split(ratings.frame, ratio, seed)
    return InteractionSplit(
        to_interactions(train_df, ratings, threshold), to_interactions(test_df, ratings, threshold), ratings, seed
    )


def validation_split(ratings: Ratings, train: Interactions, seed: int, ratio: float = 0.75) -> InteractionSplit:
    """Carve a validation split out of *training* interactions only (tuning never sees the test part)."""
    coo = train.matrix.tocoo()
    frame = pd.DataFrame(
        {
            "user": train.user_ids[coo.row],
            "item": train.item_ids[coo.col],
            "rating": 1 if train.values is None else np.asarray(train.values[coo.row, coo.col]).ravel().astype("int64"),
            "ts": np.asarray(train.timestamps[coo.row, coo.col]).ravel().astype("int64"),
        }
    )
    fit_df, val_df = stratified_split(frame, ratio, seed + 1000)
    return InteractionSplit(to_interactions(fit_df, ratings), to_interactions(val_df, ratings), ratings, seed)
