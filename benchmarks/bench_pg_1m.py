"""Hybrid retrieval at scale (1M chunks by default), pgvector vs LanceDB → benchmarks/results/pg_retrieval_<n>.json.

Same corpus construction as ``bench_pg.py retrieval`` (real MiniLM vectors of LegalBench-RAG chunks plus blends of
two; distinct corpus texts, tiled past ~125k), but the built stores are kept (``--workspace``, ``--lance-dir``) so a
1M build (about an hour here) is paid once and queried many times; ``--build-only`` builds and exits.
Per backend: the hybrid pair as the product issues it (``search_lists``: dense and keyword halves, concurrently
where the store says so) vs one after the other, p50/p95 and the dense/keyword split, ANN recall@30 against exact
search at several ef_search / nprobes, and the keyword half's top-30 agreement with exact BM25 (training queries).

  AIWORKS_DATABASE_URL=... python benchmarks/bench_pg_1m.py --n 1000000 --workspace bench-1m --lance-dir /tmp/l1m
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_pg import RESULTS, _corpus_texts, _keyword_agreement, _load_lance, _load_pg, _rows, _training_queries


def _ms(xs: list[float]) -> dict:
    xs = sorted(xs)
    return {"p50_ms": round(statistics.median(xs), 2), "p95_ms": round(xs[int(0.95 * len(xs))], 2)}


def _pg_store(url: str, workspace: str, n: int, vec, texts, work_mem: str):
    from aiworks import pg
    from aiworks.rag.stores import pg_segment
    from aiworks.rag.stores.postgres import PgStore

    with pg.transaction(url) as conn:
        row = conn.execute("SELECT n_chunks FROM aiworks_workspaces WHERE name = %s", (workspace,)).fetchone()
    if row is not None and row[0] == n:
        store, t0 = PgStore(url, workspace, vec.shape[1]), time.perf_counter()
        with pg.transaction(url) as conn:
            packed = pg_segment.generation(conn, workspace) is not None
        if not packed:  # built before packed postings: compact now
            store.compact()
        return store, {"reused": True, **({} if packed else {"compact_s": round(time.perf_counter() - t0, 1)})}
    if row is not None:
        raise SystemExit(f"workspace {workspace} holds {row[0]} chunks, not {n}: drop it first")
    return _load_pg(url, workspace, vec, texts, work_mem)


def _lance_store(path: Path, n: int, vec, texts):
    from aiworks.rag.stores.lance import LanceStore

    if path.exists():
        store = LanceStore(path, vec.shape[1])
        if store.count() == n:
            return store, {"reused": True}
        raise SystemExit(f"{path} holds {store.count()} chunks, not {n}")
    return _load_lance(path, vec, texts)


def _rebuild_hnsw(url: str, store, spec: str, work_mem: str) -> dict:
    """Replace the chunk table's HNSW index by one built with ``spec`` = "m:ef_construction"."""
    from aiworks import pg

    m, efc = (int(x) for x in spec.split(":"))
    name = store.table.replace("c_", "f_") + "_hnsw"
    t0 = time.perf_counter()
    with pg.pool(url).connection() as conn:
        conn.autocommit = True
        conn.execute(f"SET maintenance_work_mem = '{work_mem}'")
        conn.execute(f"DROP INDEX IF EXISTS {name}")
        conn.execute(
            f"CREATE INDEX {name} ON {store.table} USING hnsw (embedding vector_cosine_ops) "
            f"WITH (m = {m}, ef_construction = {efc})"
        )
    out = {"m": m, "ef_construction": efc, "index_s": round(time.perf_counter() - t0, 1)}
    print(f"  hnsw rebuilt: {out} (load {os.getloadavg()})", flush=True)
    return out


def _measure(store, label: str, qv, qt, exact: list[set[int]], args) -> dict:
    from aiworks.rag.stores.base import search_lists

    def ids(hits) -> set[int]:
        return {int(h.chunk.document_id[3:]) * 40 + h.chunk.index for h in hits}

    out: dict = {}
    if label == "postgres" and args.ef_hybrid:
        store.ef_search = out["ef_search"] = args.ef_hybrid
    if label == "lancedb" and args.nprobes_hybrid:
        store.nprobes = out["nprobes"] = args.nprobes_hybrid
    cold = []
    for q, t in zip(qv, qt):  # a first pass over every query: the keyword half's first sight of its terms
        t0 = time.perf_counter()
        store.text_search(str(t), 30)
        cold.append((time.perf_counter() - t0) * 1e3)
        store.vector_search(q, 30)
    out["keyword_first_pass"] = _ms(cold)
    seq, par, dense_ms, kw_ms = [], [], [], []
    for i, (q, t) in enumerate(zip(qv, qt)):  # the pair both ways, which one first alternating per query
        for concurrent in (i % 2 == 0, i % 2 == 1):
            t0 = time.perf_counter()
            if concurrent:
                search_lists(store, q, str(t), 30)
                par.append((time.perf_counter() - t0) * 1e3)
                continue
            store.vector_search(q, 30)
            t1 = time.perf_counter()
            store.text_search(str(t), 30)
            t2 = time.perf_counter()
            dense_ms.append((t1 - t0) * 1e3)
            kw_ms.append((t2 - t1) * 1e3)
            seq.append((t2 - t0) * 1e3)
    out["hybrid"] = _ms(par)
    out["hybrid_sequential"] = _ms(seq)
    out["dense"] = _ms(dense_ms)
    out["keyword"] = _ms(kw_ms)
    sweep = {}
    for knob in args.ef if label == "postgres" else args.nprobes:
        setattr(store, "ef_search" if label == "postgres" else "nprobes", knob)
        ms, rec = [], []
        for q, ex in zip(qv, exact):
            t0 = time.perf_counter()
            hits = store.vector_search(q, 30)
            ms.append((time.perf_counter() - t0) * 1e3)
            rec.append(len(ids(hits) & ex) / 30)
        sweep[str(knob)] = {**_ms(ms), "recall_at_30": round(float(statistics.mean(rec)), 4)}
        print(f"  {label} {'ef_search' if label == 'postgres' else 'nprobes'} {knob}: {sweep[str(knob)]}", flush=True)
    setattr(store, "ef_search" if label == "postgres" else "nprobes", None)
    out["ann_sweep"] = sweep
    print(f"{label}: {json.dumps({k: v for k, v in out.items() if k != 'ann_sweep'})}", flush=True)
    return out


def main() -> None:
    import numpy as np

    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--workspace", default="bench-ret-1m")
    ap.add_argument("--lance-dir", type=Path, default=Path("/tmp/aiworks_bench_lance_1m"))
    ap.add_argument("--cache", type=Path, default=Path("/tmp/aiworks_bench_pg_minilm.npz"))
    ap.add_argument("--bench", type=Path, default=Path("../shared/bench/legalbench-rag"))
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--agree-queries", type=int, default=100, help="training queries of the keyword agreement check")
    ap.add_argument("--work-mem", default="3GB", help="maintenance_work_mem of the index builds")
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--backends", default="postgres,lancedb")
    ap.add_argument("--ef", type=lambda v: [int(x) for x in v.split(",")], default=[100, 256, 400, 800])
    ap.add_argument("--nprobes", type=lambda v: [int(x) for x in v.split(",")], default=[10, 20, 40])
    ap.add_argument(
        "--depths",
        type=lambda v: [tuple(int(y) for y in x.split(":")) for x in v.split(",")],
        default=[(0, 0, 0), (1000, 200, 50000)],
        help="depth:rescore:budget triples of the keyword agreement check (0:0:0 the default, packed postings)",
    )
    ap.add_argument("--ef-hybrid", type=int, default=0, help="pgvector ef_search of the hybrid runs (0: the store's)")
    ap.add_argument("--nprobes-hybrid", type=int, default=0, help="LanceDB nprobes of the hybrid runs (0: default)")
    ap.add_argument("--hnsw", default="", help="m:ef_construction: rebuild the pgvector index with these first")
    ap.add_argument("--skip-agreement", action="store_true", help="no keyword agreement check (exact BM25 is slow)")
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    url = os.environ["AIWORKS_DATABASE_URL"]
    t0 = time.perf_counter()
    data = np.load(args.cache)
    real, qv_all, qt_all = data["vectors"], data["queries"], data["query_texts"]
    vec, tx = _rows(args.n, real, _corpus_texts(args.bench, args.n))
    backends = args.backends.split(",")
    builds, stores = {}, {}
    for label in backends:
        t1 = time.perf_counter()
        if label == "postgres":
            stores[label], builds[label] = _pg_store(url, args.workspace, args.n, vec, tx, args.work_mem)
        else:
            stores[label], builds[label] = _lance_store(args.lance_dir, args.n, vec, tx)
        if label == "postgres" and args.hnsw:
            builds[label]["hnsw"] = _rebuild_hnsw(url, stores[label], args.hnsw, args.work_mem)
        builds[label]["wall_s"] = round(time.perf_counter() - t1, 1)
        print(f"{label} built: {builds[label]} (load {os.getloadavg()})", flush=True)
    out: dict = {"chunks": args.n, "real_vectors": len(real), "builds": builds, "backends": {}}
    if not args.build_only:
        pick = np.random.default_rng(1).choice(len(qv_all), size=min(args.queries, len(qv_all)), replace=False)
        qv, qt = qv_all[pick], qt_all[pick]
        sims = np.concatenate([vec[i : i + 200_000] @ qv.T for i in range(0, len(vec), 200_000)])
        exact = [set(np.argsort(-sims[:, j])[:30].tolist()) for j in range(len(qv))]
        out["queries"] = len(qv)
        for label in backends:
            out["backends"][label] = _measure(stores[label], label, qv, qt, exact, args)
            out["backends"][label]["loadavg"] = os.getloadavg()
        if "postgres" in stores and not args.skip_agreement:
            out["keyword_agreement"] = _keyword_agreement(
                url, stores["postgres"], _training_queries(args.bench, args.agree_queries), args.depths
            )
    out.update(
        seconds=round(time.perf_counter() - t0, 1),
        loadavg=os.getloadavg(),
        date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        cpus=os.cpu_count(),
    )
    RESULTS.mkdir(exist_ok=True)
    name = f"pg_retrieval_{args.n // 1000}k{args.out}.json" if args.n < 1_000_000 else f"pg_retrieval_1m{args.out}.json"
    if not args.build_only:
        (RESULTS / name).write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(builds))


if __name__ == "__main__":
    main()
