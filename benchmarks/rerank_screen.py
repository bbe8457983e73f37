"""Screen re-ranker configurations on a *validation* split (never the test part).

    nice -n 10 python benchmarks/rerank_screen.py --data ../shared/bench/recsys/ml-100k \
        --configs '[{"carvings": 4, "ratio": 0.85}, {"_model": "blend"}]' [--seed 42]

The outer split (seed) gives a 75 % training part; a validation split is carved from it (75/25 per user, as
`recs tune` does). Each configuration is fitted on the validation split's 56 % fit part -- the re-ranker carves its
own ranker-training labels from *that* -- and scored on the validation part. Appends one JSON line per
configuration to benchmarks/results/recs_rerank_screen.jsonl.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from aiworks.recs.data import load_movielens, make_split, validation_split
from aiworks.recs.evaluate import evaluate
from aiworks.recs.models import make_model

OUT = Path(__file__).parent / "results" / "recs_rerank_screen.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("../shared/bench/recsys/ml-100k"))
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--configs", required=True, help="JSON list of rerank params; '_model' picks another family")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    ratings = load_movielens(args.data)
    val = validation_split(ratings, make_split(ratings, seed=args.seed).train, seed=args.seed)
    for cfg in json.loads(args.configs):
        name = cfg.pop("_model", "rerank")
        model = make_model(name, **cfg)
        res = evaluate(model, val, 10, name=name)
        m = res.metrics
        line = {"split": f"validation of seed {args.seed}", "model": name, "params": cfg, "precision": round(m.precision, 4),
                "recall": round(m.recall, 4), "ndcg": round(m.ndcg, 4), "fit_seconds": round(res.fit_seconds, 1),
                "ranker_rounds": getattr(model, "best_iteration_", None)}
        print(json.dumps(line), flush=True)
        with args.out.open("a") as f:
            f.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
