"""Vector store backends behind the ``VectorStore`` protocol (LanceDB embedded by default)."""

from aiworks.rag.stores.base import VectorStore

__all__ = ["VectorStore", "open_store"]


def open_store(path, dim: int) -> VectorStore:
    from aiworks.rag.stores.lance import LanceStore

    return LanceStore(path, dim)
