"""Movie recommender: MovieLens loading and the MS Recommenders split (data), ranking metrics (metrics),
model families behind one interface (models), fit-and-score (evaluate), Optuna spaces (tuning), the served
model with cold start and explanations (service), and the ``aiworks recs`` commands (cli)."""
