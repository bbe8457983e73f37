"""Screen re-ranker configurations on a *validation* split (never the test part).

    nice -n 10 python benchmarks/rerank_screen.py --data ../shared/bench/recsys/ml-100k \
        --configs '[{"carvings": 4, "ratio": 0.85}, {"_model": "blend"}]' [--seed 42] [--mix 0 0.3 0.5]

The outer split (seed) gives a 75 % training part; a validation split is carved from it (75/25 per user, as
`recs tune` does). Each configuration is fitted on the validation split's 56 % fit part -- the re-ranker carves its
own ranker-training labels from *that* -- and scored on the validation part. Appends one JSON line per
configuration to benchmarks/results/recs_rerank_screen.jsonl. ``--mix`` scores one fitted re-ranker at several
``stage1_weight`` values (a scoring-time parameter), so those lines share the fit and differ only in the mix.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from aiworks.recs.data import load_movielens, make_split, validation_split
from aiworks.recs.evaluate import evaluate, score_model
from aiworks.recs.models import make_model

OUT = Path(__file__).parent / "results" / "recs_rerank_screen.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("../shared/bench/recsys/ml-100k"))
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--configs", required=True, help="JSON list of rerank params; '_model' picks another family")
    ap.add_argument("--mix", type=float, nargs="*", default=None, help="stage1_weight values scored per fit")
    ap.add_argument("--code", default=None, help="note on the code version, logged with each line")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    ratings = load_movielens(args.data)
    val = validation_split(ratings, make_split(ratings, seed=args.seed).train, seed=args.seed)
    for cfg in json.loads(args.configs):
        name = cfg.pop("_model", "rerank")
        model = make_model(name, **cfg)
        res = evaluate(model, val, 10, name=name)
        mixes = args.mix if (args.mix and name == "rerank") else [None]
        for w in mixes:
            params = dict(cfg)
            if w is not None:
                model.stage1_weight = params["stage1_weight"] = w
                m = score_model(model, val, 10)
            else:
                m = res.metrics
            line = {"split": f"validation of seed {args.seed}", "model": name, "params": params,
                    "precision": round(m.precision, 4), "recall": round(m.recall, 4), "ndcg": round(m.ndcg, 4),
                    "fit_seconds": round(res.fit_seconds, 1), "ranker_rounds": getattr(model, "best_iteration_", None)}
            if args.code:
                line["code"] = args.code
            print(json.dumps(line), flush=True)
            with args.out.open("a") as f:
                f.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
