"""Nested 5-fold CV of the "ensemble" family that also scores every weighting of its members for free.

Same outer/inner StratifiedKFold (seed 0) and threshold rule as ``evaluate.cross_validate``: each member is fitted
once per (outer fold, inner fold / final fit) on a feature union fitted on that training part only; a weighting's
score is the weighted mean of the members' scaled logits, exactly what ``LogitAverageClassifier`` computes, so the
row for weights (1, 1, 1) *is* ``--model ensemble`` and (1, 0, 0) is the MLP on the ensemble's features.

    nice -n 10 python benchmarks/spam_ensemble_cv.py --bench ../shared/bench/spam --inner-folds 2
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedKFold

WEIGHTINGS = {"ensemble (mlp+nb+logreg)": (1, 1, 1), "mlp only": (1, 0, 0), "mlp+nb": (1, 1, 0),
              "mlp+logreg": (1, 0, 1), "nb+logreg": (0, 1, 1), "nb only": (0, 1, 0), "logreg only": (0, 0, 1),
              "mlp 2 : nb 1 : logreg 1": (2, 1, 1)}


def member_logits(emails_tr, y_tr, emails_te):
    from aiworks.spam.models import build_pipeline

    pipe = build_pipeline("ensemble").fit(emails_tr, y_tr)
    X = pipe.named_steps["features"].transform(emails_te)
    return pipe.named_steps["clf"].member_logits(X)  # already divided by the training-data scales


def main() -> None:
    from aiworks.spam.data import load_corpus
    from aiworks.spam.evaluate import classification_metrics, oracle_recall_at_fpr, threshold_at_fpr

    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", type=Path, default=Path("../shared/bench/spam"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--inner-folds", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "spam_ensemble_cv.json",
                    help="rows as JSON; raw out-of-fold member logits go next to it as .npz (not committed)")
    args = ap.parse_args()
    corpus = load_corpus(args.bench / "spamassassin")
    E, y = corpus.emails, corpus.labels
    t0 = time.time()
    outer = np.zeros((len(y), 3))
    inner_ham: list[np.ndarray] = []  # per outer fold: inner OOF member logits of its training ham
    tests: list[np.ndarray] = []
    skf = StratifiedKFold(args.folds, shuffle=True, random_state=args.seed)
    for k, (tr, te) in enumerate(skf.split(np.zeros(len(y)), y)):
        Etr, ytr = [E[i] for i in tr], y[tr]
        inner = np.zeros((len(tr), 3))
        iskf = StratifiedKFold(args.inner_folds, shuffle=True, random_state=args.seed)
        for itr, ite in iskf.split(np.zeros(len(ytr)), ytr):
            inner[ite] = member_logits([Etr[i] for i in itr], ytr[itr], [Etr[i] for i in ite])
        outer[te] = member_logits(Etr, ytr, [E[i] for i in te])
        inner_ham.append(inner[ytr == 0])
        tests.append(te)
        print(f"outer fold {k} done at {time.time() - t0:.0f}s", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(args.out.with_suffix(".npz"), y=y, outer=outer, **{f"inner_ham_{k}": h for k, h in enumerate(inner_ham)},
             **{f"test_{k}": t for k, t in enumerate(tests)})
    rows = {}
    for name, w in WEIGHTINGS.items():
        w = np.asarray(w, float) / sum(w)
        s = outer @ w
        flagged = np.zeros(len(y), dtype=bool)
        for ham, te in zip(inner_ham, tests):
            flagged[te] = s[te] > threshold_at_fpr(ham @ w)
        p = 1 / (1 + np.exp(-np.clip(s, -50, 50)))
        m = classification_metrics(y, p)
        rows[name] = {"weights": list(WEIGHTINGS[name]), "recall_at_fpr_0.001": float(flagged[y == 1].mean()),
                      "ham_fpr": float(flagged[y == 0].mean()), "oracle_recall_at_fpr_0.001": oracle_recall_at_fpr(y, s),
                      "oof_f1": m["f1"], "oof_pr_auc": m["pr_auc"]}
        print(name, json.dumps(rows[name]), flush=True)
    args.out.write_text(json.dumps({"folds": args.folds, "inner_folds": args.inner_folds, "seed": args.seed,
                                    "n": len(y), "seconds": round(time.time() - t0, 1), "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
