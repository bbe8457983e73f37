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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from aiworks.progress import Progress
from aiworks.providers.embedders import Embedder
from aiworks.rag.catalog import DocumentCatalog
from aiworks.rag.injection import scan as scan_injection
from aiworks.rag.chunk import chunk_document
from aiworks.rag.embed import embed_group
from aiworks.rag.parse import Layout, ParseError, detect_kind, parse_with_layout
from aiworks.rag.stores.base import VectorStore
from aiworks.rag.types import Chunk, DocumentInfo, FileReport, ParsedDocument


def document_id_for(name: str) -> str:
    """Stable id from the display name: re-ingesting a changed file with the same name replaces it."""
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:16]


def context_prefix(doc: ParsedDocument) -> str:
    """Document-level context prepended to each chunk for embedding and BM25 (never to the cited text):
    a clause like "governed by the laws of Delaware" must still be findable by "What law governs the NDA?"."""
    stem = " ".join(re.findall(r"[A-Za-z0-9]+", Path(doc.name).stem))
    first, pos = "", 0
    for line in doc.text.splitlines(keepends=True):  # the first line that is not page furniture
        start = pos + len(line) - len(line.lstrip())
        pos += len(line)
        if line.strip() and not any(s <= start < e for s, e in doc.boilerplate):
            first = line.strip()
            break
    title = first if len(first.split()) <= 12 else ""
    return f"{stem} - {title}".strip(" -") + "\n"


@dataclass
class Prepared:
    path: Path
    name: str
    started: float
    document_id: str
    existing: DocumentInfo | None
    doc: ParsedDocument
    layout: Layout | None
    chunks: list[Chunk]
    prefix: str
    prepare_s: float = 0.0  # time spent hashing/parsing/chunking (the report adds commit time, not queueing)


def parse_and_chunk(path: Path, name: str, document_id: str, chunk_words: int, overlap_words: int):
    """Module-level (picklable) so it can run in a worker process: parsing is pure Python and would
    otherwise fight the embedding thread for the GIL."""
    doc, layout = parse_with_layout(path, name)
    doc.warnings.extend(scan_injection(doc, path))  # passages addressing an AI system (security hook)
    chunks = chunk_document(doc, document_id, chunk_words, overlap_words)
    return doc, layout, chunks, context_prefix(doc)


def _report(path: Path, started: float, **kw) -> FileReport:
    return FileReport(path=str(path), seconds=round(time.perf_counter() - started, 3), **kw)


class Indexer:
    def __init__(
        self,
        root: Path,
        store: VectorStore,
        embedder: Embedder,
        catalog: DocumentCatalog,
        chunk_words: int = 120,
        overlap_words: int = 20,
    ) -> None:
        self.root = Path(root)
        self.store = store
        self.embedder = embedder
        self.catalog = catalog
        self.chunk_words = chunk_words
        self.overlap_words = overlap_words

    def docs_dir(self, document_id: str) -> Path:
        return self.root / "docs" / document_id

    def ingest_file(self, path: Path, name: str | None = None, progress: Progress | None = None) -> FileReport:
        prepared = self.prepare(path, name, progress)
        return prepared if isinstance(prepared, FileReport) else self.commit(prepared, progress)

    def prepare(
        self,
        path: Path,
        name: str | None = None,
        progress: Progress | None = None,
        parse: Callable | None = None,
        force: bool = False,
    ) -> Prepared | FileReport:
        """Hash, parse and chunk (no writes). Returns the final report for unchanged or unreadable files.
        ``parse`` (default: in-process ``parse_and_chunk``) lets a batch run parsing in a worker process."""
        started = time.perf_counter()
        path = Path(path)
        name = name or path.name
        try:
            detect_kind(Path(name) if Path(name).suffix else path)
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
        except ParseError as exc:
            return _report(path, started, status="error", error=str(exc))
        except OSError as exc:
            return _report(path, started, status="error", error=f"unreadable: {exc}")
        document_id = document_id_for(name)
        existing = self.catalog.get(document_id)
        if existing is not None and existing.sha256 == sha and not force:
            return _report(
                path, started, status="unchanged", document_id=document_id, pages=existing.pages, chunks=existing.chunks
            )
        if progress:
            progress(f"{name}: parsing", 0.0)
        try:
            doc, layout, chunks, prefix = (parse or parse_and_chunk)(
                path, name, document_id, self.chunk_words, self.overlap_words
            )
        except ParseError as exc:
            return _report(path, started, status="error", error=str(exc))
        except Exception as exc:  # a crashed parse worker must not stop the batch
            return _report(path, started, status="error", error=f"failed: {type(exc).__name__}: {exc}")
        return Prepared(
            path, name, started, document_id, existing, doc, layout, chunks, prefix, time.perf_counter() - started
        )

    def commit(self, p: Prepared, progress: Progress | None = None) -> FileReport:
        """Embed and write one prepared document (see the module docstring for the write order)."""
        return self.commit_many([p], [progress])[0]

    def commit_many(
        self, group: list[Prepared], progress: list[Progress | None] | None = None, embedded: list | None = None
    ) -> list[FileReport]:
        """Embed several documents in shared batches and write them in ONE store commit + catalog transaction
        (per-file commits cost ~0.1 s each, a tenth of embedding a 2-page file). If the group fails, each
        document is retried alone, so one bad document never takes the others down."""
        notes = [(pr or (lambda msg, frac: None)) for pr in (progress or [None] * len(group))]
        t0 = time.perf_counter()
        staged: list[Path] = []
        try:
            for p, note in zip(group, notes):
                note(f"{p.name}: embedding", 0.1)
            embedded = embedded or embed_group(self.embedder, group)  # precomputed: distributed ingestion
            infos = []
            for p, note, (vectors, sentences, texts) in zip(group, notes, embedded):
                note(f"{p.name}: storing", 0.9)
                staged.append(self._stage(p, sentences))
                infos.append(
                    DocumentInfo(
                        id=p.document_id,
                        name=p.name,
                        sha256=p.doc.sha256,
                        kind=p.doc.kind,
                        pages=len(p.doc.pages),
                        chunks=len(p.chunks),
                        chars=len(p.doc.text),
                        ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
                    )
                )
            with self.catalog.transaction() as con:
                for p, info, version in zip(group, infos, staged):
                    self.catalog.put(con, info, version.name)
                    self.catalog.put_warnings(con, info.id, p.doc.warnings)
                self._replace([(p.document_id, p.name, p.chunks, v, t) for p, (v, _, t) in zip(group, embedded)])
        except Exception as exc:
            for p, version in zip(group, staged):
                if self.catalog.version_dir(p.document_id) != version.name:
                    shutil.rmtree(version, ignore_errors=True)
            if len(group) > 1:
                return [self.commit_many([p], [note])[0] for p, note in zip(group, notes)]
            p = group[0]
            return [
                _report(
                    p.path,
                    time.perf_counter() - p.prepare_s,
                    status="error",
                    error=f"failed: {type(exc).__name__}: {exc}",
                )
            ]
        reports = []
        share = (time.perf_counter() - t0) / max(1, sum(len(p.chunks) for p in group))
        for p, note, version in zip(group, notes, staged):
            for old in self.docs_dir(p.document_id).iterdir():
                if old.name != version.name:
                    shutil.rmtree(old, ignore_errors=True)
            note(f"{p.name}: done", 1.0)
            # seconds = this file's parse time + its share (by chunks) of the group's embed/store time
            reports.append(
                FileReport(
                    path=str(p.path),
                    status="replaced" if p.existing else "ingested",
                    document_id=p.document_id,
                    pages=len(p.doc.pages),
                    chunks=len(p.chunks),
                    seconds=round(p.prepare_s + share * len(p.chunks), 3),
                    warnings=tuple(p.doc.warnings),
                )
            )
        return reports

    def _replace(self, docs: list) -> None:
        many = getattr(self.store, "replace_documents", None)
        if many is not None:
            many(docs)
        else:
            for doc in docs:
                self.store.replace_document(*doc)

    def _stage(self, p: Prepared, sentences: dict[str, np.ndarray]) -> Path:
        """Write the document's files into a fresh version folder (renamed into place when complete)."""
        version = self.docs_dir(p.document_id) / p.doc.sha256[:16]
        staging = version.with_name(version.name + ".tmp")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            shutil.copyfile(p.path, staging / f"original{Path(p.name).suffix.lower() or p.path.suffix.lower()}")
            (staging / "text.txt").write_bytes(p.doc.text.encode("utf-8"))
            np.savez(staging / "sentences.npz", **sentences)
            if p.layout is not None:
                np.savez_compressed(
                    staging / "layout.npz",
                    boxes=p.layout.boxes,
                    page_sizes=np.asarray(p.layout.page_sizes, dtype=np.float32).reshape(-1, 2),
                    page_spans=np.asarray([(g.start, g.end) for g in p.doc.pages], dtype=np.int64),
                )
            shutil.rmtree(version, ignore_errors=True)
            staging.rename(version)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return version

    def remove(self, document_id: str) -> bool:
        if self.catalog.get(document_id) is None:
            return False
        with self.catalog.transaction() as con:
            self.catalog.drop(con, document_id)
            self.store.delete_document(document_id)
        shutil.rmtree(self.docs_dir(document_id), ignore_errors=True)
        return True


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; folders walked recursively (hidden entries skipped), sorted for stable reports."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
                )
            )
        else:
            out.append(p)
    return out
