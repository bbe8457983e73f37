"""Fourth low-FPR screen (2026-12-01): thread history, and a cross-fitted MLP bag with thresholds of its own.

Both build on the current mlp family (base features + sender history), inside ``spam_screen.py``'s protocol:

    nice -n 10 python benchmarks/spam_screen.py --variants sender_clean,sender_thread      # oracle, seed 0
    nice -n 10 python benchmarks/spam_screen.py --crossfit 0                               # bag vs single model
"""

from __future__ import annotations

import re

import numpy as np

from spam_screen import FoldData, Screen, folds_of, mlp
from spam_screen_variants import VARIANTS, sender_hist

# ---------------------------------------------------------------- idea 7: thread history (subject continuity)
_SUBJECT_PREFIX = re.compile(r"^\s*((re|fwd?|aw|sv)\s*(\[\d+\])?\s*:\s*|\[[^\]]{1,40}\]\s*)+", re.I)


def thread_key(e) -> str:
    """Subject without reply/forward prefixes and list tags ("[ILUG]"): the conversation it belongs to."""
    s = " ".join(_SUBJECT_PREFIX.sub("", e.subject.lower()).split())
    return s if len(s) > 3 else ""


def thread_hist(E_tr, y_tr, E_q, self_rows: bool) -> np.ndarray:
    """log1p counts of training ham / spam in the same conversation (normalised subject), leave-one-out for the
    training rows. Why it might help: 59 % of list ham *without* In-Reply-To shares its subject with other ham
    (thread starters, recurring digests), against 2 % of list spam, so a list post that starts a thread nobody
    answered looks like the missed list spam."""
    from collections import Counter

    keys_tr = [thread_key(e) for e in E_tr]
    cnt = {c: Counter(k for k, lab in zip(keys_tr, y_tr) if lab == c and k) for c in (0, 1)}
    out = np.zeros((len(E_q), 2), dtype=np.float32)
    for i, e in enumerate(E_q):
        k = keys_tr[i] if self_rows else thread_key(e)
        if k:
            for c in (0, 1):
                out[i, c] = np.log1p(max(cnt[c][k] - (1 if self_rows and y_tr[i] == c else 0), 0))
    return out


def _with_history(fd: FoldData, thread: bool):
    from scipy import sparse

    F_tr, F_te = sender_hist(fd.E_tr, fd.y_tr, fd.E_tr, True), sender_hist(fd.E_tr, fd.y_tr, fd.E_te, False)
    if thread:
        F_tr = np.hstack([F_tr, thread_hist(fd.E_tr, fd.y_tr, fd.E_tr, True)])
        F_te = np.hstack([F_te, thread_hist(fd.E_tr, fd.y_tr, fd.E_te, False)])
    return (sparse.hstack([fd.X_tr, sparse.csr_matrix(F_tr)], format="csr"),
            sparse.hstack([fd.X_te, sparse.csr_matrix(F_te)], format="csr"))


def v_sender_thread(fd: FoldData, seed: int = 0) -> np.ndarray:
    X_tr, X_te = _with_history(fd, thread=True)
    return mlp(seed).fit(X_tr, fd.y_tr).decision_function(X_te)


VARIANTS.update({f"sender_thread_seed{i}": (lambda fd, i=i: v_sender_thread(fd, i)) for i in range(1, 3)})
VARIANTS["sender_thread"] = v_sender_thread


# ---------------------------------------------------------------- idea 8: cross-fitted bag
def crossfit(S: Screen, seed: int = 0, inner: int = 5) -> dict:
    """Per outer fold, ``inner`` MLPs on the inner folds of the training part (features fitted on the whole
    training part). The bag scores the outer test fold with the mean of those MLPs, so its threshold comes from
    out-of-fold scores of the very models it averages (the single final model is trained on more rows than the
    models that set its threshold: the scale shift that costs the nested number ~0.3 points). The same inner
    thresholds applied to one MLP on the whole training part are the control."""
    from aiworks.spam.evaluate import oracle_recall_at_fpr, threshold_at_fpr

    y = S.y
    scores = {"bag": np.zeros(len(y)), "single_final": np.zeros(len(y))}
    flagged = {name: np.zeros(len(y), dtype=bool) for name in scores}
    for k in range(len(S.outer)):
        fd = S.fold(k)
        X_tr, X_te = _with_history(fd, thread=False)
        oof, te = np.zeros(len(fd.y_tr)), []
        for j, (itr, ite) in enumerate(folds_of(fd.y_tr, inner, S.seed)):
            m = mlp(seed + 10 * j).fit(X_tr[itr], fd.y_tr[itr])
            oof[ite] = m.decision_function(X_tr[ite])
            te.append(m.decision_function(X_te))
        scores["bag"][fd.te] = np.mean(te, axis=0)
        scores["single_final"][fd.te] = mlp(seed).fit(X_tr, fd.y_tr).decision_function(X_te)
        t = threshold_at_fpr(oof[fd.y_tr == 0])
        for name in scores:
            flagged[name][fd.te] = scores[name][fd.te] > t
    return {name: {"oracle": round(oracle_recall_at_fpr(y, s), 4), "nested": round(float(flagged[name][y == 1].mean()), 4),
                   "ham_fp": int(flagged[name][y == 0].sum()), "missed": int((~flagged[name][y == 1]).sum())}
            for name, s in scores.items()} | {"seed": seed, "inner": inner}
