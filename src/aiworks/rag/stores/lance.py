"""LanceDB embedded store: one ``chunks`` table per workspace directory, a cosine vector column and
Lance's native BM25 full-text (inverted) index on ``search_text``.

A document's chunks are replaced with one ``merge_insert`` (update matched ids, insert new ones, delete
the document's leftover rows): a single Lance commit, so readers see the old or the new version, never both.
Rows written since the last index update are still searched (Lance scans unindexed fragments).
"""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from pathlib import Path

import numpy as np

from aiworks.rag.types import Chunk, Hit

TABLE = "chunks"
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.:-]+$")
_COLUMNS = ["document_id", "document_name", "idx", "start", "end", "page", "text"]
# Above this many rows an ANN vector index pays for itself; below, exact flat search is fast enough.
# IVF_FLAT, not HNSW: at 100k rows on the 2-core box it built in ~10 s (IVF_HNSW_SQ: 200-540 s) and answered
# faster (p50 7.8 ms vs 16 ms; benchmarks/bench_rag.py); vectors stay exact within the probed partitions.
ANN_MIN_ROWS = 50_000

_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _write_lock(path: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(str(path.resolve()), threading.Lock())


def _quote_ids(ids: list[str]) -> str:
    for i in ids:
        if not _SAFE_ID.match(i):
            raise ValueError(f"invalid document id {i!r}")
    return ", ".join(f"'{i}'" for i in ids)


class LanceStore:
    def __init__(self, path: Path | str, dim: int) -> None:
        import pyarrow as pa

        from aiworks.rag.stores.lance_import import import_lancedb

        lancedb = import_lancedb()  # without the REST namespace client (most of a cold ask's imports)

        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.dim = dim
        self.nprobes: int | None = None  # IVF partitions a vector search probes (None: Lance's default, 20)
        self._lock = _write_lock(self.path)
        # strong read consistency: another Assistant (or process) writing this workspace is seen at once
        self._db = lancedb.connect(str(self.path), read_consistency_interval=timedelta(0))
        self._schema = pa.schema(
            [
                ("id", pa.string()),
                ("document_id", pa.string()),
                ("document_name", pa.string()),
                ("idx", pa.int32()),
                ("start", pa.int64()),
                ("end", pa.int64()),
                ("page", pa.int32()),
                ("text", pa.string()),
                ("search_text", pa.string()),
                ("vector", pa.list_(pa.float32(), dim)),
            ]
        )
        with self._lock:
            try:
                self._table = self._db.open_table(TABLE)
            except (FileNotFoundError, ValueError):
                self._table = self._db.create_table(TABLE, schema=self._schema, exist_ok=True)
        have = self._table.schema.field("vector").type.list_size
        if have != dim:
            raise ValueError(
                f"this workspace was indexed with {have}-d embeddings but the embedder makes "
                f"{dim}-d ones; use the same embedder or a new workspace"
            )
        self._fts_ready = False

    # ------------------------------------------------------------ writes
    def replace_document(
        self,
        document_id: str,
        document_name: str,
        chunks: list[Chunk],
        vectors: np.ndarray,
        search_texts: list[str] | None = None,
    ) -> None:
        self.replace_documents([(document_id, document_name, chunks, vectors, search_texts)])

    def replace_documents(self, docs: list[tuple[str, str, list[Chunk], np.ndarray, list[str] | None]]) -> None:
        """``replace_document`` for several documents in a single commit."""
        import pyarrow as pa

        ids = _quote_ids([d[0] for d in docs])
        cols: dict[str, list] = {
            k: [] for k in ("id", "document_id", "document_name", "idx", "start", "end", "page", "text", "search_text")
        }
        vectors = []
        for document_id, document_name, chunks, vecs, search_texts in docs:
            cols["id"] += [f"{document_id}:{c.index}" for c in chunks]
            cols["document_id"] += [document_id] * len(chunks)
            cols["document_name"] += [document_name] * len(chunks)
            cols["idx"] += [c.index for c in chunks]
            cols["start"] += [c.start for c in chunks]
            cols["end"] += [c.end for c in chunks]
            cols["page"] += [c.page for c in chunks]
            cols["text"] += [c.text for c in chunks]
            cols["search_text"] += search_texts or [c.text for c in chunks]
            vectors.append(np.asarray(vecs, dtype=np.float32).reshape(len(chunks), self.dim))
        flat = np.ascontiguousarray(np.vstack(vectors) if vectors else np.zeros((0, self.dim), np.float32)).ravel()
        data = pa.table(
            {**cols, "vector": pa.FixedSizeListArray.from_arrays(pa.array(flat, pa.float32()), self.dim)},
            schema=self._schema,
        )
        with self._lock:
            (
                self._table.merge_insert("id")
                .when_matched_update_all()
                .when_not_matched_insert_all()
                .when_not_matched_by_source_delete(f"document_id IN ({ids})")
                .execute(data)
            )

    def delete_document(self, document_id: str) -> int:
        ids = _quote_ids([document_id])
        with self._lock:
            n = self._table.count_rows(f"document_id IN ({ids})")
            if n:
                self._table.delete(f"document_id IN ({ids})")
        return n

    def optimize(self) -> None:
        from lancedb.index import FTS

        with self._lock:
            indices = {i.name: i for i in self._table.list_indices()}
            names = " ".join(indices)
            if "search_text" not in names:
                if self._table.count_rows() == 0:
                    return
                self._table.create_index("search_text", config=FTS(with_position=False), replace=True)
            else:
                self._table.optimize()
            rows = self._table.count_rows()
            if "vector" not in names and rows >= ANN_MIN_ROWS:
                self._table.create_index("vector", config=_ann_config(rows), replace=True)

    # ------------------------------------------------------------ reads
    def _hits(self, table, score_col: str, transform) -> list[Hit]:
        cols = table.to_pydict()
        hits = []
        for i in range(table.num_rows):
            chunk = Chunk(
                document_id=cols["document_id"][i],
                index=cols["idx"][i],
                start=cols["start"][i],
                end=cols["end"][i],
                page=cols["page"][i],
                text=cols["text"][i],
            )
            hits.append(
                Hit(chunk=chunk, document_name=cols["document_name"][i], score=float(transform(cols[score_col][i])))
            )
        return hits

    def vector_search(self, vector: np.ndarray, k: int, document_ids: list[str] | None = None) -> list[Hit]:
        q = (
            self._table.search(np.asarray(vector, dtype=np.float32).ravel(), vector_column_name="vector")
            .distance_type("cosine")
            .select(_COLUMNS + ["_distance"])
            .limit(k)
        )
        if self.nprobes:
            q = q.nprobes(self.nprobes)
        if document_ids:
            q = q.where(f"document_id IN ({_quote_ids(document_ids)})", prefilter=True)
        return self._hits(q.to_arrow(), "_distance", lambda d: 1.0 - d)

    def text_search(self, query: str, k: int, document_ids: list[str] | None = None) -> list[Hit]:
        terms = " ".join(re.findall(r"\w+", query))
        if not terms:
            return []
        q = (
            self._table.search(terms, query_type="fts", fts_columns="search_text")
            .select(_COLUMNS + ["_score"])
            .limit(k)
        )
        if document_ids:
            q = q.where(f"document_id IN ({_quote_ids(document_ids)})", prefilter=True)
        try:
            result = q.to_arrow()
        except Exception as exc:  # no FTS index yet (empty store) → no lexical hits
            if "index" in str(exc).lower():
                return []
            raise
        return self._hits(result, "_score", float)

    def chunks(self, document_id: str) -> list[Chunk]:
        ids = _quote_ids([document_id])
        table = self._table.search().where(f"document_id IN ({ids})").select(_COLUMNS).limit(None).to_arrow()
        hits = self._hits(table.append_column("_s", [[0.0] * table.num_rows]), "_s", float)
        return sorted((h.chunk for h in hits), key=lambda c: c.index)

    def document_ids(self) -> set[str]:
        """Ids of the documents with chunks (crash repair compares them with the catalog)."""
        table = self._table.search().select(["document_id"]).limit(None).to_arrow()
        return set(table.column("document_id").to_pylist())

    def count(self, document_id: str | None = None) -> int:
        if document_id is None:
            return self._table.count_rows()
        return self._table.count_rows(f"document_id IN ({_quote_ids([document_id])})")


def _ann_config(rows: int):
    from lancedb.index import IvfFlat

    # ~1.5k vectors per partition; queries probe Lance's default 20 partitions (~30% of 100k rows)
    return IvfFlat(distance_type="cosine", num_partitions=max(16, int(rows**0.5 / 5)))
