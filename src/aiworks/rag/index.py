"""Ingestion: file → parse → chunk → embed → (files, chunks, catalog row), idempotent by content hash.

Write order, so that nothing half-written is ever visible:
1. the document's files (original copy, text, layout) go to a fresh version folder ``docs/<id>/<sha>``;
2. under the workspace write lock, a catalog transaction is opened, the chunks are replaced in one store
   commit, then the catalog row is committed (a failing store write rolls the row back);
3. only then are older version folders removed. Any failure before step 2 deletes the new folder.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import numpy as np

from aiworks.providers.embedders import Embedder
from aiworks.rag.catalog import Catalog
from aiworks.rag.chunk import chunk_text
from aiworks.rag.parse import ParseError, detect_kind, parse_with_layout
from aiworks.rag.stores.base import VectorStore
from aiworks.rag.types import DocumentInfo, FileReport, ParsedDocument

Progress = Callable[[str, float], None]
EMBED_BATCH = 64


def document_id_for(name: str) -> str:
    """Stable id from the display name: re-ingesting a changed file with the same name replaces it."""
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:16]


def context_prefix(doc: ParsedDocument) -> str:
    """Document-level context prepended to each chunk for embedding and BM25 (never to the cited text):
    a clause like "governed by the laws of Delaware" must still be findable by "What law governs the NDA?"."""
    stem = " ".join(re.findall(r"[A-Za-z0-9]+", Path(doc.name).stem))
    first = next((line.strip() for line in doc.text.splitlines() if line.strip()), "")
    title = first if len(first.split()) <= 12 else ""
    return f"{stem} - {title}".strip(" -") + "\n"


class Indexer:
    def __init__(self, root: Path, store: VectorStore, embedder: Embedder, catalog: Catalog,
                 chunk_words: int = 120, overlap_words: int = 20) -> None:
        self.root = Path(root)
        self.store = store
        self.embedder = embedder
        self.catalog = catalog
        self.chunk_words = chunk_words
        self.overlap_words = overlap_words

    def docs_dir(self, document_id: str) -> Path:
        return self.root / "docs" / document_id

    def ingest_file(self, path: Path, name: str | None = None, progress: Progress | None = None) -> FileReport:
        started = time.perf_counter()
        path = Path(path)
        name = name or path.name
        report = lambda **kw: FileReport(path=str(path), seconds=round(time.perf_counter() - started, 3), **kw)  # noqa: E731
        note = progress or (lambda msg, frac: None)
        try:
            detect_kind(Path(name) if Path(name).suffix else path)
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
        except ParseError as exc:
            return report(status="error", error=str(exc))
        except OSError as exc:
            return report(status="error", error=f"unreadable: {exc}")
        document_id = document_id_for(name)
        existing = self.catalog.get(document_id)
        if existing is not None and existing.sha256 == sha:
            return report(status="unchanged", document_id=document_id, pages=existing.pages, chunks=existing.chunks)

        note(f"{name}: parsing", 0.0)
        try:
            doc, layout = parse_with_layout(path, name)
        except ParseError as exc:
            return report(status="error", error=str(exc))
        chunks = chunk_text(doc.text, doc.pages, document_id, self.chunk_words, self.overlap_words)
        prefix = context_prefix(doc)
        search_texts = [prefix + c.text for c in chunks]
        version = self.docs_dir(document_id) / doc.sha256[:16]
        staging = version.with_name(version.name + ".tmp")
        try:
            vectors = np.zeros((0, self.embedder.dim), dtype=np.float32)
            parts = []
            for i in range(0, len(chunks), EMBED_BATCH):
                note(f"{name}: embedding", 0.1 + 0.8 * i / max(len(chunks), 1))
                parts.append(self.embedder.embed(search_texts[i:i + EMBED_BATCH]))
            if parts:
                vectors = np.vstack(parts)
            note(f"{name}: storing", 0.9)
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            shutil.copyfile(path, staging / f"original{Path(name).suffix.lower() or path.suffix.lower()}")
            (staging / "text.txt").write_bytes(doc.text.encode("utf-8"))
            if layout is not None:
                np.savez_compressed(staging / "layout.npz", boxes=layout.boxes,
                                    page_sizes=np.asarray(layout.page_sizes, dtype=np.float32).reshape(-1, 2),
                                    page_spans=np.asarray([(p.start, p.end) for p in doc.pages], dtype=np.int64))
            shutil.rmtree(version, ignore_errors=True)
            staging.rename(version)
            info = DocumentInfo(id=document_id, name=name, sha256=doc.sha256, kind=doc.kind, pages=len(doc.pages),
                                chunks=len(chunks), chars=len(doc.text),
                                ingested_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
            with self.catalog.transaction() as con:
                Catalog.put(con, info, version.name)
                self.store.replace_document(document_id, name, chunks, vectors, search_texts)
        except Exception as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if existing is None or existing.sha256 != doc.sha256:
                if self.catalog.version_dir(document_id) != version.name:
                    shutil.rmtree(version, ignore_errors=True)
            return report(status="error", error=f"failed: {type(exc).__name__}: {exc}")
        for old in self.docs_dir(document_id).iterdir():
            if old.name != version.name:
                shutil.rmtree(old, ignore_errors=True)
        note(f"{name}: done", 1.0)
        return report(status="replaced" if existing else "ingested", document_id=document_id,
                      pages=len(doc.pages), chunks=len(chunks))

    def remove(self, document_id: str) -> bool:
        if self.catalog.get(document_id) is None:
            return False
        with self.catalog.transaction() as con:
            Catalog.drop(con, document_id)
            self.store.delete_document(document_id)
        shutil.rmtree(self.docs_dir(document_id), ignore_errors=True)
        return True


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; folders walked recursively (hidden entries skipped), sorted for stable reports."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file()
                              and not any(part.startswith(".") for part in f.relative_to(p).parts)))
        else:
            out.append(p)
    return out
