"""Screen ideas for the 0.1%-ham-FPR gap of the mlp family → benchmarks/results/spam_screen.json.

Cheap "oracle" screen: the 5 outer folds of ``cross_validate`` (seed 0), every feature fitted on the training fold
only, pooled out-of-fold scores, recall at the pooled ROC point (optimistic: threshold picked on the same scores).
Winners are confirmed with the honest nested number (``--nested``: thresholds from inner folds of the training
part only). Parsed corpus and per-fold base feature matrices are cached under /tmp (``--cache``). The base features
are the mlp family's *before* this screen (no sender history); the variants live in ``spam_screen_variants.py``.

    nice -n 10 python benchmarks/spam_screen.py --bench ../shared/bench/spam --variants base,sender_clean --nested 2,5
    nice -n 10 python benchmarks/spam_screen.py --bench ../shared/bench/spam --variants emb_concat   # MiniLM
    nice -n 10 python benchmarks/spam_screen.py --bench ../shared/bench/spam --cascade   # after base + emb_concat
"""

from __future__ import annotations

import argparse
import json
import pickle
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedKFold

RESULTS = Path(__file__).parent / "results" / "spam_screen.json"


def load(bench: Path, cache: Path):
    cache.mkdir(parents=True, exist_ok=True)
    p = cache / "corpus.pkl"
    if p.exists():
        return pickle.loads(p.read_bytes())
    from aiworks.spam.data import load_corpus

    corpus = load_corpus(bench / "spamassassin")
    p.write_bytes(pickle.dumps(corpus))
    return corpus


def log_row(name: str, row: dict) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data.setdefault("rows", {})[name] = row
    data["protocol"] = ("SpamAssassin dedup (5,919), StratifiedKFold(5, shuffle, seed 0); oracle = recall at the "
                        "pooled out-of-fold ROC point (0.1% ham FPR, optimistic); nested = thresholds from inner "
                        "folds of each training part (honest); 2-core CPU, 2026-11-25")
    RESULTS.write_text(json.dumps(data, indent=2))
    print(f"[{name}] {json.dumps(row)}", flush=True)


def summarize(y: np.ndarray, s: np.ndarray) -> dict:
    from aiworks.spam.evaluate import classification_metrics, oracle_recall_at_fpr, threshold_at_fpr

    t = threshold_at_fpr(s[y == 0])
    m = classification_metrics(y, 1 / (1 + np.exp(-np.clip(s, -50, 50))) if s.min() < 0 or s.max() > 1 else s)
    return {"oracle": round(oracle_recall_at_fpr(y, s), 4), "missed_at_oracle": int((s[y == 1] <= t).sum()),
            "oof_f1@0.5": round(m["f1"], 4), "pr_auc": round(m["pr_auc"], 5)}


# ---------------------------------------------------------------- cached base features (the mlp family's union)
class FoldData:
    """Training/test part of one (outer or inner) fold with the mlp's feature union fitted on the training part."""

    def __init__(self, key: str, E, y, tr, te, cache: Path):
        from scipy import sparse

        self.E_tr, self.E_te = [E[i] for i in tr], [E[i] for i in te]
        self.y_tr, self.y_te, self.tr, self.te = y[tr], y[te], tr, te
        p = cache / f"feat_{key}.pkl"
        if p.exists():
            self.X_tr, self.X_te, self.names = pickle.loads(p.read_bytes())
        else:
            from aiworks.spam.models import build_pipeline

            feats = build_pipeline("mlp", sender_history=False).named_steps["features"]  # the pre-screen family
            self.X_tr = sparse.csr_matrix(feats.fit_transform(self.E_tr, self.y_tr), dtype=np.float32)
            self.X_te = sparse.csr_matrix(feats.transform(self.E_te), dtype=np.float32)
            self.names = np.concatenate([
                [f"{n}__{v}" for v in t.named_steps["tfidf"].get_feature_names_out()] if n != "structure"
                else [f"structure__{v}" for v in t.named_steps["raw"].get_feature_names_out()]
                for n, t in feats.transformer_list])
            p.write_bytes(pickle.dumps((self.X_tr, self.X_te, self.names)))


def folds_of(y: np.ndarray, k: int, seed: int = 0):
    return list(StratifiedKFold(k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))


def mlp(seed: int = 0, **kw):
    from aiworks.spam.mlp import TorchMLPClassifier

    return TorchMLPClassifier(**{"ham_weight": 3.0, "random_state": seed, **kw})


# ---------------------------------------------------------------- protocol: oracle screen and nested CV
class Screen:
    def __init__(self, bench: Path, cache: Path, folds: int = 5, seed: int = 0):
        self.cache, self.seed = cache, seed
        corpus = load(bench, cache)
        self.E, self.y = corpus.emails, corpus.labels
        self.outer = folds_of(self.y, folds, seed)
        self._fd: dict[str, FoldData] = {}

    def fold(self, k: int, inner: int | None = None, j: int | None = None) -> FoldData:
        key = f"o{k}" if inner is None else f"o{k}_i{inner}_{j}"
        if key not in self._fd:
            tr, te = self.outer[k]
            if inner is not None:  # inner fold j of the outer training part (same rule as evaluate.cross_validate)
                itr, ite = folds_of(self.y[tr], inner, self.seed)[j]
                tr, te = tr[itr], tr[ite]
            self._fd[key] = FoldData(key, self.E, self.y, tr, te, self.cache)
        return self._fd[key]

    def oof(self, name: str, fn) -> np.ndarray:
        """Pooled outer out-of-fold scores of ``fn(FoldData) -> test scores`` (cached per variant name)."""
        p = self.cache / f"oof_{name}.npy"
        if p.exists():
            return np.load(p)
        s = np.zeros(len(self.y))
        for k in range(len(self.outer)):
            fd = self.fold(k)
            s[fd.te] = fn(fd)
        np.save(p, s)
        return s

    def nested(self, name: str, fn, inner: int, outer_scores: np.ndarray | None = None, rule=None) -> dict:
        """Honest pooled recall: each outer fold's threshold from inner OOF ham scores of its training part."""
        from aiworks.spam.evaluate import threshold_at_fpr

        rule = rule or (lambda inner_scores, inner_y, fd: threshold_at_fpr(inner_scores[inner_y == 0]))
        s = self.oof(name, fn) if outer_scores is None else outer_scores
        flagged = np.zeros(len(self.y), dtype=bool)
        for k in range(len(self.outer)):
            p = self.cache / f"inner_{name}_o{k}_i{inner}.npz"
            if p.exists():
                z = np.load(p)
                si, yi = z["s"], z["y"]
            else:
                tr = self.outer[k][0]
                si, yi = np.zeros(len(tr)), self.y[tr]
                for j in range(inner):
                    fd = self.fold(k, inner, j)
                    si[folds_of(yi, inner, self.seed)[j][1]] = fn(fd)
                np.savez(p, s=si, y=yi)
            te = self.outer[k][1]
            flagged[te] = s[te] > rule(si, yi, self.fold(k))
        y = self.y
        return {"nested": round(float(flagged[y == 1].mean()), 4), "ham_fpr": round(float(flagged[y == 0].mean()), 5),
                "ham_fp": int(flagged[y == 0].sum()), "missed": int((~flagged[y == 1]).sum())}


def v_base(fd: FoldData, seed: int = 0, **kw) -> np.ndarray:
    return mlp(seed, **kw).fit(fd.X_tr, fd.y_tr).decision_function(fd.X_te)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", type=Path, default=Path("../shared/bench/spam"))
    ap.add_argument("--cache", type=Path, default=Path("/tmp/spam4_cache"))
    ap.add_argument("--variants", default="base")
    ap.add_argument("--nested", default="", help="comma list of inner-fold counts for the honest number, e.g. 2,5")
    ap.add_argument("--cascade", action="store_true", help="measure the MiniLM cascade's routed share and cost")
    ap.add_argument("--crossfit", type=int, default=None, metavar="SEED", help="cross-fitted MLP bag vs one model")
    args = ap.parse_args()
    from spam_screen_round4 import crossfit  # registers the fourth screen's variants too
    from spam_screen_variants import VARIANTS, cascade_cost, embeddings, v_emb

    S = Screen(args.bench, args.cache)
    if args.cascade:
        log_row("cascade_minilm", cascade_cost(S))
        return
    if args.crossfit is not None:
        t0 = time.time()
        log_row(f"crossfit_bag_seed{args.crossfit}", {**crossfit(S, args.crossfit), "seconds": round(time.time() - t0, 1)})
        return
    if "emb" in args.variants:
        Z = embeddings(S)
        VARIANTS.update({"emb_concat": lambda fd: v_emb(fd, Z), "emb_concat_x3": lambda fd: v_emb(fd, Z, 3.0),
                         "emb_logreg": lambda fd: v_emb(fd, Z, mode="logreg")})
    for name in args.variants.split(","):
        t0 = time.time()
        try:
            row = summarize(S.y, S.oof(name, VARIANTS[name]))
            for inner in filter(None, args.nested.split(",")):
                row[f"inner{inner}"] = S.nested(name, VARIANTS[name], int(inner))
        except Exception as exc:  # a failed variant is information too
            row = {"error": repr(exc)}
        row["seconds"] = round(time.time() - t0, 1)
        log_row(name, row)


if __name__ == "__main__":
    main()
