"""Build the domain word relations the abstention's key-term check reads (rag/related.py), from contract text
that is never evaluated: the CUAD contracts of LegalBench-RAG (462 commercial contracts, CC BY 4.0; no CUAD
query is in the reported mini set, and the generated contract set is never read).

Why: the check asks whether each key term of a question has a close word in the retrieved evidence, by
single-word MiniLM similarity; general-purpose word vectors miss contract paraphrases ("late" / "overdue",
"excused" / "force majeure", "penalty" / "fine") as often as they pass near-topic words. Words that occur in
the same contexts across many contracts are what contract drafters use for one another.

How: stemmed words (``rag.evidence.words`` + ``stem``, as the check sees them; no numbers, 3+ letters) seen at
least ``MIN_COUNT`` times; co-occurrence counts within ``WINDOW`` words; positive PMI with context smoothing
0.75; a rank-``DIM`` truncated SVD (fixed seed); cosine of the rows. Kept: each pair at or above ``FLOOR`` (the
calibration's grid starts above it), written as ``word<TAB>word<TAB>similarity`` lines, gzip'd, into the package
(rag/data/cuad_related.tsv.gz) so that a user needs no corpus.

    python -m aiworks.evaluation.related_terms --cuad ../shared/bench/legalbench-rag/corpus/cuad
"""

from __future__ import annotations

import argparse
import gzip
from collections import Counter
from pathlib import Path

import numpy as np

from aiworks.rag.evidence import stem, words
from aiworks.rag.related import TABLE

MIN_COUNT, VOCAB, WINDOW, DIM, FLOOR = 10, 20_000, 5, 200, 0.6


def tokens(text: str) -> list[str]:
    return [stem(w) for w in words(text) if len(w) > 2 and not w[0].isdigit()]


def vectors(docs: list[list[str]]) -> tuple[list[str], np.ndarray]:
    """The vocabulary and its unit PPMI-SVD vectors."""
    from scipy import sparse
    from sklearn.utils.extmath import randomized_svd

    counts = Counter(w for d in docs for w in d)
    vocab = [w for w, c in counts.most_common(VOCAB) if c >= MIN_COUNT]
    index = {w: i for i, w in enumerate(vocab)}
    rows, cols = [], []
    for d in docs:
        ids = np.array([index.get(w, -1) for w in d])
        for off in range(1, WINDOW + 1):
            a, b = ids[:-off], ids[off:]
            keep = (a >= 0) & (b >= 0)
            rows.append(a[keep])
            cols.append(b[keep])
    n = len(vocab)
    r, c = np.concatenate(rows), np.concatenate(cols)
    m = sparse.coo_matrix((np.ones(len(r)), (r, c)), shape=(n, n)).tocsr()
    m = (m + m.T).tocoo()
    total = m.sum()
    row_sum = np.asarray(m.tocsr().sum(1)).ravel()
    ctx = row_sum**0.75
    ctx /= ctx.sum()
    pmi = np.log(m.data / total / (row_sum[m.row] / total) / ctx[m.col])
    pos = pmi > 0
    ppmi = sparse.coo_matrix((pmi[pos], (m.row[pos], m.col[pos])), shape=(n, n)).tocsr()
    u, s, _ = randomized_svd(ppmi, DIM, random_state=0)
    v = u * np.sqrt(s)
    return vocab, v / (np.linalg.norm(v, axis=1, keepdims=True) + 1e-9)


def pairs(vocab: list[str], v: np.ndarray, floor: float = FLOOR) -> list[tuple[str, str, float]]:
    out = []
    for i in range(len(vocab)):
        sims = v[i + 1 :] @ v[i]
        for j in np.nonzero(sims >= floor)[0]:
            out.append((vocab[i], vocab[i + 1 + j], round(float(sims[j]), 3)))
    return out


def build(cuad: Path, out: Path = TABLE) -> int:
    files = sorted(cuad.glob("*.txt"))
    if not files:
        raise SystemExit(f"no CUAD .txt files under {cuad}")
    vocab, v = vectors([tokens(p.read_text(errors="ignore")) for p in files])
    found = pairs(vocab, v)
    out.parent.mkdir(parents=True, exist_ok=True)
    head = (
        f"# word relations from {len(files)} CUAD contracts (CC BY 4.0, via LegalBench-RAG): PPMI-SVD cosine, "
        f"window {WINDOW}, dim {DIM}, min count {MIN_COUNT}, pairs >= {FLOOR}; aiworks.evaluation.related_terms\n"
    )
    body = "".join(f"{a}\t{b}\t{s}\n" for a, b, s in found)
    out.write_bytes(gzip.compress((head + body).encode(), mtime=0))
    return len(found)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cuad", type=Path, required=True, help="the folder of CUAD .txt contracts")
    ap.add_argument("--out", type=Path, default=TABLE)
    args = ap.parse_args()
    print(f"{build(args.cuad, args.out)} pairs -> {args.out}")


if __name__ == "__main__":
    main()
