"""PostgreSQL backend benchmarks → benchmarks/results/pg_<mode>.json. Needs a running server (`make services`).

keyword:   keyword-only ranking through the assistant (Assistant.ingest, then the store's text_search, the list
           HybridRetriever fuses) on LegalBench-RAG mini: LanceDB BM25 vs PostgreSQL ts_rank vs PostgreSQL BM25
           (impact-ordered, the default) vs exact BM25 (every posting).
           Character-level recall/precision@k (evaluation/metrics.py). The hash embedder is used: dense vectors
           play no part in a keyword list, and it keeps ingestion to seconds.
retrieval: hybrid retrieval latency (dense + keyword lists, as HybridRetriever issues them) at N chunks: real
           MiniLM vectors of LegalBench-RAG chunks, then blends of two to reach N; texts: distinct corpus chunks
           (tiled past ~125k). pgvector HNSW vs LanceDB, the ANN's recall@30 against exact search, and the
           impact-ordered keyword search's top-30 agreement with exact BM25 at several settings (training queries).
ingest:    ingest throughput of ContractNLI files: embedded vs PostgreSQL vs Ray (1 and 2 actors) into PostgreSQL
           (--embedder hash: parse + store cost only; minilm: the real pipeline, ~20 passages/s per core).

  AIWORKS_DATABASE_URL=... python benchmarks/bench_pg.py keyword [--bench ../shared/bench/legalbench-rag]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from aiworks.evaluation.dataset import Span
from aiworks.evaluation.metrics import at_ks
from aiworks.rag.assistant import Assistant
from aiworks.settings import Settings

RESULTS = Path(__file__).parent / "results"
KS = [1, 4, 8, 16, 32]


def _mini(bench: Path, subset: str, max_chars: int) -> tuple[list[dict], list[Path]]:
    tests = json.loads((bench / "mini" / f"{subset}.json").read_text())["tests"]
    files, total = [], 0
    for f in sorted({s["file_path"] for t in tests for s in t["snippets"]}):
        size = (bench / "corpus" / f).stat().st_size
        if total + size > max_chars:
            continue
        files.append(f)
        total += size
    kept = set(files)
    tests = [t for t in tests if all(s["file_path"] in kept for s in t["snippets"])]
    return tests, [bench / "corpus" / f for f in files]


def _load(home: Path, url: str | None, workspace: str, files: list[Path]) -> tuple[Assistant, float]:
    settings = Settings(home=home, embedder="hash", llm="extractive", database_url=url)
    a = Assistant(settings, workspace)
    t0 = time.perf_counter()
    reports = a.ingest(files)
    bad = [r for r in reports if r.status == "error"]
    if bad:
        raise SystemExit(f"ingest failed: {bad[:3]}")
    return a, time.perf_counter() - t0


def keyword(args) -> dict:
    from aiworks.rag.stores.postgres import PgStore

    url = os.environ["AIWORKS_DATABASE_URL"]
    out: dict = {"mode": "keyword", "k": KS, "subsets": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for subset in args.subsets:
            tests, files = _mini(args.bench, subset, args.max_chars)
            ws = f"bench-kw-{subset}-{os.getpid()}"
            lance, t_lance = _load(Path(tmp) / "e", None, ws, files)
            pgb, t_pg = _load(Path(tmp) / "p", url, ws, files)
            stores = {
                "lance_bm25": lance.store,
                "pg_ts_rank": PgStore(url, ws, pgb.embedder.dim, rank="ts_rank"),
                "pg_bm25": pgb.store,
                "pg_bm25_exact": PgStore(url, ws, pgb.embedder.dim, rank="bm25_exact"),
            }
            name_to_file = {p.name: f"{subset}/{p.name}" for p in files}
            res: dict = {
                "queries": len(tests),
                "documents": len(files),
                "chunks": lance.store.count(),
                "ingest_s": {"embedded": round(t_lance, 2), "postgres": round(t_pg, 2)},
                "rankings": {},
            }
            for label, store in stores.items():
                sums = {k: [0.0, 0.0] for k in KS}
                lat = []
                for t in tests:
                    gold = [Span(s["file_path"], s["span"][0], s["span"][1]) for s in t["snippets"]]
                    t0 = time.perf_counter()
                    hits = store.text_search(t["query"], max(KS))
                    lat.append((time.perf_counter() - t0) * 1e3)
                    spans = [Span(name_to_file[h.document_name], h.chunk.start, h.chunk.end) for h in hits]
                    for k, pr in at_ks(spans, gold, KS).items():
                        sums[k][0] += pr.recall
                        sums[k][1] += pr.precision
                n = max(1, len(tests))
                res["rankings"][label] = {
                    "recall": {str(k): round(v[0] / n, 4) for k, v in sums.items()},
                    "precision": {str(k): round(v[1] / n, 4) for k, v in sums.items()},
                    "p50_ms": round(statistics.median(lat), 2),
                }
                r = res["rankings"][label]
                print(
                    f"{subset:12s} {label:11s} R@8 {r['recall']['8']:.3f} R@32 {r['recall']['32']:.3f} "
                    f"P@1 {r['precision']['1']:.3f} p50 {r['p50_ms']} ms",
                    flush=True,
                )
            out["subsets"][subset] = res
    return out


def embed(args) -> dict:
    """Real MiniLM vectors of LegalBench-RAG corpus chunks (ContractNLI, then CUAD) and of the mini queries,
    cached in --cache for the retrieval mode; bounded by --seconds (2 shared cores embed ~20 passages/s)."""
    import numpy as np

    from aiworks.providers.embedders import MiniLMEmbedder
    from aiworks.rag.chunk import chunk_text
    from aiworks.rag.types import Page

    emb = MiniLMEmbedder(threads=2)
    texts: list[str] = []
    for sub in ("contractnli", "cuad"):
        for f in sorted((args.bench / "corpus" / sub).glob("*.txt")):
            text = f.read_text(encoding="utf-8", errors="replace")
            texts += [c.text for c in chunk_text(text, [Page(1, 0, len(text))], "d", 120, 20)]
            if len(texts) >= args.max_chunks:
                break
    queries = [
        t["query"]
        for sub in ("contractnli", "maud", "privacy_qa")
        for t in json.loads((args.bench / "mini" / f"{sub}.json").read_text())["tests"]
    ]
    t0 = time.perf_counter()
    vecs, start = [], 0
    if args.cache.exists():  # resume: keep what an earlier run embedded
        old = np.load(args.cache)
        qv, vecs, start = old["queries"], [old["vectors"]], len(old["vectors"])
    else:
        qv = emb.embed(queries)
    for i in range(start, min(len(texts), args.max_chunks), 64):
        vecs.append(emb.embed(texts[i : i + 64]))
        if time.perf_counter() - t0 > args.seconds:
            break
    cv = np.vstack(vecs).astype(np.float32)
    np.savez(
        args.cache,
        vectors=cv,
        texts=np.array(texts[: len(cv)]),
        queries=qv.astype(np.float32),
        query_texts=np.array(queries),
    )
    rate = (len(cv) - start + (0 if start else len(queries))) / (time.perf_counter() - t0)
    print(f"embedded {len(cv)} chunks + {len(queries)} queries at {rate:.1f}/s -> {args.cache}")
    return {"chunks": len(cv), "queries": len(queries), "passages_per_s": round(rate, 1)}


def _corpus_texts(bench: Path, n: int) -> list[str]:
    """Up to n distinct chunk texts of the whole LegalBench-RAG corpus (~125k chunks of 120 words): the keyword
    half then sees real term statistics, not 3,072 texts repeated (which made thousands of exact score ties)."""
    from aiworks.rag.chunk import chunk_text
    from aiworks.rag.types import Page

    texts: list[str] = []
    for sub in ("contractnli", "cuad", "maud", "privacy_qa"):
        for f in sorted((bench / "corpus" / sub).glob("*.txt")):
            text = f.read_text(encoding="utf-8", errors="replace")
            texts += [c.text for c in chunk_text(text, [Page(1, 0, len(text))], "d", 120, 20)]
            if len(texts) >= n:
                return texts[:n]
    return texts


def _training_queries(bench: Path, n: int) -> list[str]:
    """Queries whose documents are not among the mini documents (the honest-split rule): TERM_DEPTH is chosen
    on these, the mini queries only report."""
    import random

    mini = {
        s["file_path"]
        for sub in ("contractnli", "maud", "privacy_qa")
        for t in json.loads((bench / "mini" / f"{sub}.json").read_text())["tests"]
        for s in t["snippets"]
    }
    qs = [
        t["query"]
        for sub in ("contractnli", "maud")
        for t in json.loads((bench / "benchmarks" / f"{sub}.json").read_text())["tests"]
        if not any(s["file_path"] in mini for s in t["snippets"])
    ]
    return random.Random(0).sample(qs, min(n, len(qs)))


def _rows(n: int, vectors, texts, seed: int = 0):
    """n chunks: the real MiniLM vectors first, then blends w*a + (1-w)*b of two random real ones (w in
    0.3..0.7), renormalised; 40 chunks a document. (Noisy copies of the real vectors were tried first: clusters
    of ~75 near-equidistant points made the exact top-30 a coin toss, HNSW recall@30 0.25 and IVF 0.97.)"""
    import numpy as np

    rng = np.random.default_rng(seed)
    m = len(vectors)
    base = np.arange(n) % m
    other = rng.integers(0, m, size=n)
    w = rng.uniform(0.3, 0.7, size=(n, 1)).astype(np.float32)
    w[:m] = 1.0
    vec = w * vectors[base] + (1 - w) * vectors[other]
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    return vec.astype(np.float32), [str(texts[i % len(texts)]) for i in range(n)]


def _load_lance(path: Path, vec, texts):
    import pyarrow as pa

    from aiworks.rag.stores.lance import LanceStore

    store, n, dim = LanceStore(path, vec.shape[1]), len(vec), vec.shape[1]
    t0 = time.perf_counter()
    for b in range(0, n, 20000):
        m = min(20000, n - b)
        doc = [f"doc{(b + i) // 40}" for i in range(m)]
        idx = [(b + i) % 40 for i in range(m)]
        store._table.add(  # bulk append (the bench owns this fresh table)
            pa.table(
                {
                    "id": [f"{d}:{i}" for d, i in zip(doc, idx)],
                    "document_id": doc,
                    "document_name": [f"{d}.pdf" for d in doc],
                    "idx": pa.array(idx, pa.int32()),
                    "start": pa.array([0] * m, pa.int64()),
                    "end": pa.array([1] * m, pa.int64()),
                    "page": pa.array([1] * m, pa.int32()),
                    "text": texts[b : b + m],
                    "search_text": texts[b : b + m],
                    "vector": pa.FixedSizeListArray.from_arrays(pa.array(vec[b : b + m].ravel()), dim),
                },
                schema=store._schema,
            )
        )
    t1 = time.perf_counter()
    store.optimize()
    return store, {"load_s": round(t1 - t0, 1), "index_s": round(time.perf_counter() - t1, 1)}


def _load_pg(url: str, workspace: str, vec, texts, work_mem: str = "1GB"):
    """Bulk load as an operator would: COPY without the indexes, then build them (``work_mem``: the index builds'
    maintenance_work_mem; the HNSW graph must fit in it, ~2 GB at 1M 384-d vectors)."""
    from aiworks import pg
    from aiworks.rag.stores.postgres import PgStore

    store = PgStore(url, workspace, vec.shape[1])
    idx_name = store.table.replace("c_", "f_") + "_hnsw"
    pre = store.table.replace("c_", "f_")
    t0 = time.perf_counter()
    with pg.transaction(url) as conn:  # the postings indexes too: one sorted build beats 60 inserts a chunk
        for name in (idx_name, f"{pre}_p_imp", f"{pre}_p_doc"):
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        for b in range(0, len(vec), 50_000):  # one trigger statement per 50k chunks (bounded transition tables)
            with conn.cursor().copy(
                f'COPY {store.table} (document_id, idx, document_name, start, "end", page, text, '
                "search_text, embedding) FROM STDIN"
            ) as copy:
                for i in range(b, min(b + 50_000, len(vec))):
                    copy.write_row((f"doc{i // 40}", i % 40, f"doc{i // 40}.pdf", 0, 1, 1, texts[i], texts[i], vec[i]))
            print(f"  copied {min(b + 50_000, len(vec))} chunks, {time.perf_counter() - t0:.0f} s", flush=True)
    t1 = time.perf_counter()
    with pg.pool(url).connection() as conn:
        conn.autocommit = True
        conn.execute(f"SET maintenance_work_mem = '{work_mem}'")
        conn.execute(
            f"CREATE INDEX {pre}_p_imp ON {store.postings} (lexeme, impact DESC) INCLUDE (document_id, idx, tf, len)"
        )
        conn.execute(f"CREATE INDEX {pre}_p_doc ON {store.postings} (document_id, idx, lexeme) INCLUDE (tf, len)")
        conn.execute(f"VACUUM ANALYZE {store.postings}")
        t2 = time.perf_counter()
        print(f"  postings indexed in {t2 - t1:.0f} s", flush=True)
        conn.execute(
            f"CREATE INDEX {idx_name} ON {store.table} USING hnsw (embedding vector_cosine_ops) "
            "WITH (m = 16, ef_construction = 64)"
        )
        conn.execute(f"VACUUM ANALYZE {store.table}")
        size = conn.execute(
            f"SELECT pg_total_relation_size('{store.postings}'), count(*) FROM {store.postings}"
        ).fetchone()
    t3 = time.perf_counter()
    store.compact()  # packed postings, as optimize() does after an ingest
    return store, {
        "load_s": round(t1 - t0, 1),
        "postings_index_s": round(t2 - t1, 1),
        "index_s": round(t3 - t2, 1),
        "compact_s": round(time.perf_counter() - t3, 1),
        "postings": int(size[1]),
        "postings_mb": round(size[0] / 2**20),
    }


def _keyword_agreement(url: str, store, queries: list[str], depths: list[int]) -> dict:
    """Keyword search at each setting vs exact BM25 (every posting in SQL): p50 and top-30 overlap."""
    from aiworks.rag.stores.postgres import PgStore

    def key(hits):
        return [(h.chunk.document_id, h.chunk.index) for h in hits]

    exact_store = PgStore(url, store.workspace, store.dim, rank="bm25_exact")
    exact, exact_ms = [], []
    for q in queries:
        t0 = time.perf_counter()
        hits = exact_store.text_search(q, 30)
        exact_ms.append((time.perf_counter() - t0) * 1e3)
        exact.append((hits[-1].score if hits else 0.0, len(hits)))  # the 30th exact score, how many

    def agreement(q: str, hits, kth: float, n: int) -> float:
        """Share of the hits whose exact BM25 is at least the exact 30th score: identical chunk texts tie,
        and any of the tied copies is a correct answer (a filtered search is exact)."""
        if not hits:
            return 1.0 if n == 0 else 0.0
        got = set(key(hits))
        scored = exact_store.text_search(q, 40 * len(hits), sorted({h.chunk.document_id for h in hits}))
        ok = sum(1 for h in scored if (h.chunk.document_id, h.chunk.index) in got and h.score >= kth - 1e-6)
        return ok / n

    out = {"exact": {"keyword_p50_ms": round(statistics.median(exact_ms), 2)}}
    for d, r, w in depths:  # depth 0: the default (packed postings); else the impact budget
        s = PgStore(
            url, store.workspace, store.dim, rank="bm25" if d == 0 else "bm25_budget", depth=d, rescore=r, budget=w
        )
        ms, agree = [], []
        for q, (kth, n) in zip(queries, exact):
            t0 = time.perf_counter()
            hits = s.text_search(q, 30)
            ms.append((time.perf_counter() - t0) * 1e3)
            agree.append(agreement(q, hits, kth, n))
        out[f"depth={d},rescore={r},budget={w}"] = {
            "keyword_p50_ms": round(statistics.median(ms), 2),
            "keyword_p95_ms": round(sorted(ms)[int(0.95 * len(ms))], 2),
            "top30_agreement_with_exact": round(float(statistics.mean(agree)), 4),
        }
        print(f"  depth {d} rescore {r} budget {w}: {out[f'depth={d},rescore={r},budget={w}']}", flush=True)
    print(f"  exact: {out['exact']}", flush=True)
    return out


def retrieval(args) -> dict:
    import numpy as np

    from aiworks import pg
    from aiworks.rag.stores.pg_segment import names

    url = os.environ["AIWORKS_DATABASE_URL"]
    data = np.load(args.cache)
    real, texts, qv, qt = data["vectors"], data["texts"], data["queries"], data["query_texts"]
    texts = _corpus_texts(args.bench, max(args.scales))
    train_q = _training_queries(args.bench, args.queries)
    rng = np.random.default_rng(1)
    pick = rng.choice(len(qv), size=min(args.queries, len(qv)), replace=False)
    out: dict = {
        "real_vectors": len(real),
        "distinct_texts": len(texts),
        "queries": len(pick),
        "k": 30,
        "keyword_depth_queries": "training (non-mini documents)",
        "scales": {},
    }
    for n in args.scales:
        vec, tx = _rows(n, real, texts)
        with tempfile.TemporaryDirectory() as tmp:
            stores = {
                "lancedb": _load_lance(Path(tmp) / "lance", vec, tx),
                "postgres": _load_pg(url, f"bench-ret-{n}-{os.getpid()}", vec, tx),
            }
            res: dict = {"chunks": n, "real_fraction": round(min(1.0, len(real) / n), 3), "backends": {}}
            for label, (store, build) in stores.items():
                lat, dense_ms, kw_ms, recall = [], [], [], []
                for j in pick:
                    q = qv[j]
                    t0 = time.perf_counter()
                    dense = store.vector_search(q, 30)
                    t1 = time.perf_counter()
                    store.text_search(str(qt[j]), 30)
                    t2 = time.perf_counter()
                    lat.append((t2 - t0) * 1e3)
                    dense_ms.append((t1 - t0) * 1e3)
                    kw_ms.append((t2 - t1) * 1e3)
                    exact = set(np.argsort(-(vec @ q))[:30].tolist())
                    got = {int(h.chunk.document_id[3:]) * 40 + h.chunk.index for h in dense}
                    recall.append(len(exact & got) / 30)
                lat.sort()
                res["backends"][label] = {
                    **build,
                    "p50_ms": round(statistics.median(lat), 2),
                    "p95_ms": round(lat[int(0.95 * len(lat))], 2),
                    "dense_p50_ms": round(statistics.median(dense_ms), 2),
                    "keyword_p50_ms": round(statistics.median(kw_ms), 2),
                    "recall_at_30": round(float(np.mean(recall)), 4),
                }
                b = res["backends"][label]
                print(
                    f"{n:>7} {label:8s} p50 {b['p50_ms']} p95 {b['p95_ms']} ms (dense {b['dense_p50_ms']}, "
                    f"keyword {b['keyword_p50_ms']}) recall@30 {b['recall_at_30']} build {build}",
                    flush=True,
                )
            pgs = stores["postgres"][0]
            res["keyword_depths"] = _keyword_agreement(url, pgs, train_q, args.depths)
            with pg.pool(url).connection() as conn:  # the database stays small between scales
                conn.autocommit = True
                conn.execute(f"DROP TABLE {pgs.table}, {pgs.terms}, {pgs.postings}, {', '.join(names(pgs.table))}")
                conn.execute("DELETE FROM aiworks_workspaces WHERE name = %s", (pgs.workspace,))
                conn.execute("DELETE FROM aiworks_meta WHERE workspace = %s", (pgs.workspace,))
            out["scales"][str(n)] = res
            out["loadavg_after_" + str(n)] = os.getloadavg()
    return out


def ingest(args) -> dict:
    """Files/s and chunks/s of Assistant.ingest (embedded, PostgreSQL) and ingest_on_ray (1 and 2 actors,
    PostgreSQL) on the ContractNLI corpus; --embedder hash isolates parse + store cost from embedding."""
    from aiworks import distributed

    url = os.environ["AIWORKS_DATABASE_URL"]
    files = sorted((args.bench / "corpus" / "contractnli").glob("*.txt"))[: args.files]
    out: dict = {"files": len(files), "embedder": args.embedder, "runs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for label, db, actors in (("embedded", None, 0), ("postgres", url, 0), ("ray_1", url, 1), ("ray_2", url, 2)):
            settings = Settings(home=Path(tmp) / label, embedder=args.embedder, llm="extractive", database_url=db)
            a = Assistant(settings, f"bench-ingest-{label}-{os.getpid()}")
            if actors:
                distributed._init("local", actors)
                distributed.ingest_on_ray(a, files[:2], "local", actors=actors)  # actors + models warm
                a = Assistant(settings, f"bench-ingest-{label}-{os.getpid()}-b")
            t0 = time.perf_counter()
            reports = distributed.ingest_on_ray(a, files, "local", actors=actors) if actors else a.ingest(files)
            dt = time.perf_counter() - t0
            if actors:
                distributed.shutdown()
            chunks = sum(r.chunks for r in reports if r.status == "ingested")
            out["runs"][label] = {
                "seconds": round(dt, 2),
                "files_per_s": round(len(files) / dt, 2),
                "chunks_per_s": round(chunks / dt, 1),
                "chunks": chunks,
            }
            print(f"{label:9s} {out['runs'][label]}", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["keyword", "embed", "retrieval", "ingest"])
    ap.add_argument("--files", type=int, default=60)
    ap.add_argument("--embedder", default="hash")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/aiworks_bench_pg_minilm.npz"))
    ap.add_argument("--max-chunks", type=int, default=20_000)
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--scales", type=lambda v: [int(x) for x in v.split(",")], default=[100_000])
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument(
        "--depths",
        type=lambda v: [tuple(int(y) for y in x.split(":")) for x in v.split(",")],
        default=[(0, 0, 0), (1000, 0, 0), (1000, 200, 0), (1000, 200, 20000), (1000, 200, 50000)],
        help="depth:rescore:budget triples of rank=bm25_budget (rescore 0: partial sums only); 0:0:0 the default",
    )
    ap.add_argument("--out", default="", help="results file suffix (pg_<mode><out>.json)")
    ap.add_argument("--bench", type=Path, default=Path("../shared/bench/legalbench-rag"))
    ap.add_argument("--subsets", nargs="+", default=["contractnli", "privacy_qa", "maud"])
    ap.add_argument("--max-chars", type=int, default=2_500_000, help="per subset: documents kept until this size")
    args = ap.parse_args()
    t0 = time.perf_counter()
    result = {
        "mode": args.mode,
        **{"keyword": keyword, "embed": embed, "retrieval": retrieval, "ingest": ingest}[args.mode](args),
    }
    result.update(
        seconds=round(time.perf_counter() - t0, 1),
        loadavg=os.getloadavg(),
        date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"pg_{args.mode}{args.out}.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
