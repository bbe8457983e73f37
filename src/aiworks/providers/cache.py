"""Content-addressed embedding cache: an ``Embedder`` wrapper that never embeds the same text twice.

Key = embedder name + SHA-1 of the text (and, for late-chunked span vectors, of the span offsets), so a cache
directory can be shared by several embedders (one SQLite file per embedder name) and by every run that
ingests the same text: the LegalBench evaluation re-ingests its corpus into fresh workspaces and pays only
for chunks it has never seen. Values are float32 blobs; vectors come back bit-identical to the first run.

Both embedding paths the product uses are covered: ``embed`` (chunk / query vectors) and ``embed_with_spans``
(chunk vector + the sentence vectors pooled from the same forward pass that ingestion stores).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from aiworks.providers.embedders import Embedder, Spans, embed_with_spans

_SCHEMA = "CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, n INTEGER NOT NULL, v BLOB NOT NULL)"


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def spans_key(text: str, spans: Spans) -> str:
    tail = ";".join(f"{s},{e}" for s, e in spans)
    return "s:" + hashlib.sha1(f"{text}\x00{tail}".encode()).hexdigest()


class EmbeddingCache:
    """SQLite table (key → n stacked float32 vectors) for one embedder; safe to share between runs/threads."""

    def __init__(self, folder: Path, embedder_name: str, dim: int) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        safe = "".join(c if c.isalnum() else "_" for c in embedder_name)
        self.path = folder / f"{safe}.sqlite"
        self.dim = dim
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                part = list(keys[i : i + 500])
                q = f"SELECT key, n, v FROM vec WHERE key IN ({','.join('?' * len(part))})"
                for k, n, v in self._db.execute(q, part):
                    out[k] = np.frombuffer(v, dtype=np.float32).reshape(n, self.dim)
        return out

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        rows = []
        for k, v in items.items():
            m = np.ascontiguousarray(np.asarray(v, dtype=np.float32).reshape(-1, self.dim))
            rows.append((k, len(m), m.tobytes()))
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO vec VALUES (?, ?, ?)", rows)
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM vec").fetchone()[0])


class CachedEmbedder:
    """Same ``name``/``dim``/vectors as ``inner``; misses are embedded in one call and stored."""

    def __init__(self, inner: Embedder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self.dim = inner.dim
        self.hits = 0
        self.misses = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        found = self.cache.get_many(keys)
        todo = list(dict.fromkeys(k for k in keys if k not in found))
        self.hits += len(texts) - len(todo)
        self.misses += len(todo)
        if todo:
            text_of = dict(zip(keys, texts))
            fresh = self.inner.embed([text_of[k] for k in todo])
            items = {k: fresh[i : i + 1] for i, k in enumerate(todo)}
            self.cache.put_many(items)
            found.update(items)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = found[k][0]
        return out


class CachedSpanEmbedder(CachedEmbedder):
    """For embedders with native late chunking (``embed_with_spans``): those vectors are cached too. Kept a
    separate class so that ingestion, which asks ``hasattr(embedder, "embed_with_spans")``, takes the same
    path with and without the cache."""

    def embed_with_spans(self, texts: list[str], spans: list[Spans]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Row 0 of each stored entry is the text's vector, rows 1.. its span vectors (in span order)."""
        keys = [spans_key(t, sp) for t, sp in zip(texts, spans)]
        found = self.cache.get_many(keys)
        todo = [i for i, k in enumerate(keys) if k not in found]
        todo = list({keys[i]: i for i in reversed(todo)}.values())  # one per distinct key
        self.hits += len(texts) - len(todo)
        self.misses += len(todo)
        if todo:
            vecs, span_vecs = embed_with_spans(self.inner, [texts[i] for i in todo], [spans[i] for i in todo])
            items = {
                keys[i]: np.vstack([vecs[j : j + 1], span_vecs[j].reshape(-1, self.dim)]) for j, i in enumerate(todo)
            }
            self.cache.put_many(items)
            found.update(items)
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        per_text: list[np.ndarray] = []
        for i, k in enumerate(keys):
            vectors[i] = found[k][0]
            per_text.append(np.array(found[k][1:], dtype=np.float32))
        return vectors, per_text


def cached(embedder: Embedder, folder: Path) -> CachedEmbedder:
    """``embedder`` behind the cache in ``folder`` (one SQLite file per embedder name)."""
    kind = CachedSpanEmbedder if hasattr(embedder, "embed_with_spans") else CachedEmbedder
    return kind(embedder, EmbeddingCache(folder, embedder.name, embedder.dim))
