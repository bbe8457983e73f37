"""The ``VectorStore`` protocol: chunk rows with vectors and a full-text index, one store per workspace."""

from __future__ import annotations

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
