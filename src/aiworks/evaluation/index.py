"""In-memory evaluation index built with the assistant's own chunker and embedder.

Chunks come from ``aiworks.rag.chunk.chunk_text`` and vectors from the configured ``Embedder``, so the numbers
describe the assistant; only the storage is a numpy matrix + an in-memory BM25 instead of LanceDB, which keeps
hundreds of query × configuration runs fast. Vectors are cached on disk in SQLite keyed by embedder name and the
SHA-1 of the chunk text, so re-runs and tuning never re-embed a chunk.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aiworks.rag.route import BM25
from aiworks.rag.types import Chunk, Page

Progress = Callable[[int, int], None]  # (done, total)


class EmbeddingCache:
    """SQLite table (text sha1 → float32 vector) per embedder; safe to share between runs."""

    def __init__(self, folder: Path, embedder_name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        safe = "".join(c if c.isalnum() else "_" for c in embedder_name)
        self.db = sqlite3.connect(folder / f"{safe}.sqlite")
        self.db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            part = list(keys[i : i + 500])
            q = f"SELECT key, v FROM vec WHERE key IN ({','.join('?' * len(part))})"
            out.update({k: np.frombuffer(v, dtype=np.float32) for k, v in self.db.execute(q, part)})
        return out

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO vec VALUES (?, ?)",
            [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
        )
        self.db.commit()


def embed_cached(embedder, texts: Sequence[str], cache: EmbeddingCache | None, batch: int = 256,
                 progress: Progress | None = None) -> np.ndarray:
    """Embed ``texts`` (cache hits are free); returns (len(texts), dim) float32 rows."""
    keys = [EmbeddingCache.key(t) for t in texts]
    found = cache.get_many(keys) if cache else {}
    missing = [i for i, k in enumerate(keys) if k not in found]
    # unique texts only: boiler-plate chunks repeat across documents
    todo = list(dict.fromkeys(keys[i] for i in missing))
    text_of = {keys[i]: texts[i] for i in missing}
    done = len(texts) - len(missing)
    for i in range(0, len(todo), batch):
        part = todo[i : i + batch]
        vecs = embedder.embed([text_of[k] for k in part])
        fresh = dict(zip(part, vecs))
        found.update(fresh)
        if cache:
            cache.put_many(fresh)
        if progress:
            progress(min(len(texts), done + i + len(part)), len(texts))
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for i, k in enumerate(keys):
        out[i] = found[k]
    return out


@dataclass
class Document:
    id: str  # LegalBench file path, e.g. "maud/x.txt"
    text: str
    rows: slice  # this document's chunk rows in the index arrays


class CorpusIndex:
    """Chunks of every document + BM25 over all chunks + dense vectors (filled by ``embed``)."""

    def __init__(self, chunk_words: int = 40, overlap_words: int = 0, chunker: Callable | None = None) -> None:
        self.chunk_words = chunk_words
        self.overlap_words = overlap_words
        self.chunker = chunker

    def fit(self, ids: Sequence[str], texts: Sequence[str]) -> "CorpusIndex":
        chunk_text = self.chunker
        if chunk_text is None:
            from aiworks.rag.chunk import chunk_text
        self.chunks_: list[Chunk] = []
        self.documents_: dict[str, Document] = {}
        for doc_id, text in zip(ids, texts):
            first = len(self.chunks_)
            self.chunks_ += chunk_text(text, [Page(1, 0, len(text))], doc_id, self.chunk_words, self.overlap_words)
            self.documents_[doc_id] = Document(doc_id, text, slice(first, len(self.chunks_)))
        self.bm25_ = BM25().fit([c.text for c in self.chunks_])
        self.vectors_: np.ndarray | None = None
        self.embedded_ = np.zeros(len(self.chunks_), dtype=bool)
        return self

    def embed(self, embedder, cache: EmbeddingCache | None, progress: Progress | None = None,
              rows: np.ndarray | None = None) -> "CorpusIndex":
        """Embed ``rows`` (default: every chunk) that are not embedded yet."""
        if self.vectors_ is None:
            self.vectors_ = np.zeros((len(self.chunks_), embedder.dim), dtype=np.float32)
            self.embedded_ = np.zeros(len(self.chunks_), dtype=bool)
        rows = np.arange(len(self.chunks_)) if rows is None else np.asarray(rows)
        todo = rows[~self.embedded_[rows]]
        if len(todo):
            self.vectors_[todo] = embed_cached(embedder, [self.chunks_[r].text for r in todo], cache,
                                               progress=progress)
            self.embedded_[todo] = True
        return self

    def rows_of(self, doc_ids: Sequence[str]) -> np.ndarray:
        return np.concatenate([np.arange(self.documents_[d].rows.start, self.documents_[d].rows.stop)
                               for d in doc_ids]) if doc_ids else np.arange(len(self.chunks_))
