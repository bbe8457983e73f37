"""Stage-1 analysis for the re-ranker on a *validation* split (never the test part): candidate recall and fusion.

    nice -n 10 python benchmarks/recs_candidates.py --data ../shared/bench/recsys/ml-100k [--seed 42]

For the validation split of seed ``--seed`` (as rerank_screen.py carves it) every generator is fitted on the fit
part and asked: what share of the held-out items lies in its top-n (candidate recall), how do unions / fused
top-n lists of several generators compare *at equal candidate-set size*, and does adding a generator's z-scores to
EASE + ALS move P@10 / R@10 (the cheap test of an ensemble signal). RP3beta, user-kNN and the Mult-DAE are
analysis-only generators defined here; the rest are the shipped families. Prints a report; writes nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from aiworks.recs.data import load_movielens, make_split, validation_split
from aiworks.recs.models import make_model
from aiworks.recs.models.features import _user_knn_scores
from aiworks.recs.models.rerank import RerankRecommender


def rp3beta(train, rows, beta: float = 0.5, keep: int = 200) -> np.ndarray:
    """RP3beta (Paudel et al. 2017): 3-step random walk user->item->user->item, divided by popularity^beta."""
    x = train.matrix.tocsr().astype(np.float64)
    p_ui = sp.diags(1 / np.maximum(np.asarray(x.sum(1)).ravel(), 1)) @ x
    p_iu = sp.diags(1 / np.maximum(np.asarray(x.sum(0)).ravel(), 1)) @ x.T.tocsr()
    w = (p_iu @ p_ui).toarray() / np.power(np.maximum(np.asarray(x.sum(0)).ravel(), 1), beta)[None, :]
    np.fill_diagonal(w, 0)
    np.put_along_axis(w, np.argpartition(-w, keep, axis=1)[:, keep:], 0.0, axis=1)
    return np.asarray(x[rows] @ w)


def mult_dae(train, rows, hidden: int = 200, epochs: int = 100, dropout: float = 0.5) -> np.ndarray:
    """Mult-DAE (Liang et al. 2018), untuned: the denoising sibling of the shipped ``multvae``."""
    import torch
    from torch.nn import functional as F

    torch.manual_seed(0)
    torch.set_num_threads(1)
    x = torch.tensor(train.matrix.toarray(), dtype=torch.float32)
    enc, dec = torch.nn.Linear(x.shape[1], hidden), torch.nn.Linear(hidden, x.shape[1])
    opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=1e-3)
    gen = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        order = torch.randperm(x.shape[0], generator=gen)
        for start in range(0, len(order), 128):
            b = x[order[start : start + 128]]
            out = dec(torch.tanh(enc(F.dropout(F.normalize(b, dim=1), dropout, True))))
            loss = -(F.log_softmax(out, 1) * b).sum(1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        return dec(torch.tanh(enc(F.normalize(x[torch.as_tensor(rows)], dim=1)))).numpy().astype(np.float64)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("../shared/bench/recsys/ml-100k"))
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    ratings = load_movielens(args.data)
    val = validation_split(ratings, make_split(ratings, seed=args.seed).train, seed=args.seed)
    train = val.train
    users = np.flatnonzero(np.diff(val.test.matrix.indptr) > 0)
    seen = train.matrix[users].toarray() > 0
    held = val.test.matrix[users].toarray() > 0

    scores = {name: np.asarray(make_model(name, **p).fit(train).score_rows(users), np.float64)
              for name, p in RerankRecommender.DEFAULT_MEMBERS.items()}
    scores["multvae"] = np.asarray(make_model("multvae").fit(train).score_rows(users), np.float64)
    scores["timepop"] = np.asarray(make_model("timepop", bandwidth=31.6).fit(train).score_rows(users), np.float64)
    scores["pop"] = np.tile(np.asarray(train.matrix.sum(0), np.float64).ravel(), (len(users), 1))
    scores["rp3beta"] = rp3beta(train, users)
    scores["uknn"] = _user_knn_scores(train, users, seen, 50)
    scores["dae"] = mult_dae(train, users)

    def rank(s):
        order = np.argsort(-np.where(seen, -np.inf, s), axis=1, kind="stable")
        r = np.empty_like(order)
        np.put_along_axis(r, order, np.arange(s.shape[1])[None, :], axis=1)
        return r

    def z(s):
        u = np.where(seen, np.nan, s)
        return (s - np.nanmean(u, 1, keepdims=True)) / (np.nanstd(u, 1, keepdims=True) + 1e-9)

    ranks = {k: rank(v) for k, v in scores.items()}
    zs = {k: z(v) for k, v in scores.items()}

    def report(label, cand):
        cand = cand & ~seen
        print(f"  {label:58s} size {cand.sum(1).mean():5.1f}  recall {(cand & held).sum() / held.sum():.4f}")

    print(f"validation of seed {args.seed}: candidate recall (share of held-out items inside the candidates)")
    for k in ranks:
        report(f"{k} top-70", ranks[k] < 70)
    unions = [{"ease": 50, "als": 50, "itemknn": 50}, {"ease": 50, "als": 60}, {"ease": 50, "als": 50, "rp3beta": 45},
              {"ease": 50, "als": 50, "uknn": 40}, {"ease": 50, "als": 50, "timepop": 20},
              {"ease": 50, "als": 50, "itemknn": 30, "dae": 30}, {"ease": 45, "als": 45, "multvae": 45}]
    for depths in unions:
        report("union " + " ".join(f"{k}:{n}" for k, n in depths.items()),
               np.any([ranks[k] < n for k, n in depths.items()], axis=0))
    for extra in ("", "itemknn", "rp3beta", "uknn", "timepop", "dae", "multvae"):
        fused = zs["ease"] + zs["als"] + (zs[extra] if extra else 0)
        report(f"top-71 of z(ease)+z(als){' + z(' + extra + ')' if extra else ''}", rank(fused) < 71)

    base = np.any([ranks[k] < 50 for k in ("ease", "als", "itemknn")], axis=0) & ~seen
    pop = np.asarray(train.matrix.sum(0)).ravel()
    missed, caught = np.nonzero(held & ~base)[1], np.nonzero(held & base)[1]
    print(f"missed held-out items: median popularity {np.median(pop[missed]):.0f} (inside: {np.median(pop[caught]):.0f}),"
          f" share with < 30 interactions {np.mean(pop[missed] < 30):.2f}")
    count = seen.sum(1)
    for lo, hi in zip([0, *np.quantile(count, [0.25, 0.5, 0.75])], [*np.quantile(count, [0.25, 0.5, 0.75]), np.inf]):
        m = (count >= lo) & (count < hi)
        print(f"  users with {lo:.0f}-{hi:.0f} fit interactions: candidate recall {(base & held)[m].sum() / held[m].sum():.3f}")

    def p_r(s):
        top = np.argpartition(-np.where(seen, -np.inf, s), 10, axis=1)[:, :10]
        hits = np.take_along_axis(held, top, axis=1).sum(1)
        return f"{hits.mean() / 10:.4f} / {(hits / held.sum(1)).mean():.4f}"

    print("P@10 / R@10 of z-score fusions (validation)")
    for k in zs:
        print(f"  {k:10s} alone {p_r(zs[k])}")
    base_z = zs["ease"] + zs["als"]
    print(f"  ease+als   {p_r(base_z)}")
    for k in ("itemknn", "rp3beta", "uknn", "timepop", "pop", "dae", "multvae"):
        print(f"  + {k:8s} " + "  ".join(f"w={w}: {p_r(base_z + w * zs[k])}" for w in (0.25, 0.5, 1.0, 1.5)))


if __name__ == "__main__":
    main()
