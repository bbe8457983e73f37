"""The ``VectorStore`` protocol: chunk rows with vectors and a full-text index, one store per workspace."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, runtime_checkable

import numpy as np

from aiworks.rag.types import Chunk, Hit


@runtime_checkable
class VectorStore(Protocol):
    def replace_document(
        self,
        document_id: str,
        document_name: str,
        chunks: list[Chunk],
        vectors: np.ndarray,
        search_texts: list[str] | None = None,
    ) -> None:
        """Make ``chunks`` the document's only chunks, in one atomic commit (readers never see a mix).
        ``search_texts`` (default: the chunk texts) is what the full-text index sees."""
        ...

    def delete_document(self, document_id: str) -> int:
        """Remove every chunk of the document; returns how many were removed."""
        ...

    def vector_search(self, vector: np.ndarray, k: int, document_ids: list[str] | None = None) -> list[Hit]:
        """Nearest chunks by cosine similarity (``Hit.score``, higher is better)."""
        ...

    def text_search(self, query: str, k: int, document_ids: list[str] | None = None) -> list[Hit]:
        """BM25 full-text matches (``Hit.score`` = BM25)."""
        ...

    def chunks(self, document_id: str) -> list[Chunk]: ...

    def count(self, document_id: str | None = None) -> int: ...

    def optimize(self) -> None:
        """Bring indexes up to date after writes (cheap when nothing changed)."""
        ...


_POOL: ThreadPoolExecutor | None = None


def search_lists(
    store: VectorStore, vector: np.ndarray, query: str, k: int, document_ids: list[str] | None = None
) -> tuple[list[Hit], list[Hit], float, float]:
    """(dense hits, keyword hits, dense ms, keyword ms), the two lists a hybrid retrieval fuses.

    A store with ``concurrent_lists = True`` (PostgreSQL: each half runs in its own server process on its own
    pooled connection) gets both at once, so the pair costs the slower half, not the sum; an in-process store
    (LanceDB) keeps them one after the other, as its halves compete for the same cores as the caller."""
    global _POOL
    t0 = time.perf_counter()
    if getattr(store, "concurrent_lists", False):
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="aiworks-dense")
        dense_f = _POOL.submit(_timed, store.vector_search, vector, k, document_ids)
        lexical, kw_ms = _timed(store.text_search, query, k, document_ids)
        dense, dense_ms = dense_f.result()
        return dense, lexical, dense_ms, kw_ms
    dense = store.vector_search(vector, k, document_ids)
    t1 = time.perf_counter()
    lexical = store.text_search(query, k, document_ids)
    return dense, lexical, (t1 - t0) * 1e3, (time.perf_counter() - t1) * 1e3


def _timed(fn, *args) -> tuple[list[Hit], float]:
    t0 = time.perf_counter()
    return fn(*args), (time.perf_counter() - t0) * 1e3
