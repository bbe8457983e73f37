"""The assistant façade used by the CLI, the HTTP API and tests: one instance per workspace.

Cheap to construct (the embedding model is loaded once per process and shared); safe to hold several at
once, for different workspaces or the same one (writes to a workspace are serialised by a process lock).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from aiworks.progress import Progress
from aiworks.providers.embedders import Embedder, embedder_space, load_embedder
from aiworks.providers.llms import LLM, load_llm
from aiworks.rag.backends import open_backends
from aiworks.rag.catalog import REINDEXING, bind_embedder
from aiworks.rag.generate import build_answerer, draft
from aiworks.rag.batch import ingest_batch
from aiworks.rag.index import Indexer
from aiworks.rag.rank import (
    PassThroughRanker,
    RankerMismatch,
    candidate_pool,
    load_ranker,
)
from aiworks.rag.retrieve import Expander, HybridRetriever, Retrieval
from aiworks.rag.routing import MAX_ROUTED, WorkspaceRouter
from aiworks.rag.injection import mask_hits
from aiworks.rag.layout import highlight_boxes
from aiworks.rag.types import Answer, DocumentInfo, DocWarning, FileReport, HighlightBox
from aiworks.rag.wslock import IndexDirty, WorkspaceLock
from aiworks.settings import Settings, check_workspace


class Assistant:
    def __init__(
        self,
        settings: Settings,
        workspace: str | None = None,
        *,
        embedder: Embedder | None = None,
        llm: LLM | None = None,
        reindex: bool = False,
    ) -> None:
        """``reindex``: open a workspace built by another embedder, only to re-embed it (``reindex()``)."""
        self.settings = settings
        self.workspace = workspace or settings.workspace
        check_workspace(self.workspace)  # the one rule the API and the key store use too
        self.root = settings.workspace_dir(self.workspace)
        self.root.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder or load_embedder(settings)
        self.llm = llm or load_llm(settings)
        self.catalog, self.store = open_backends(settings, self.workspace, self.root, self.embedder.dim)
        if not reindex:  # never query or extend vectors of another embedder
            bind_embedder(
                self.catalog, self.workspace, self.embedder.name, embedder_space(self.embedder), self.embedder.dim
            )
        self.indexer = Indexer(
            self.root, self.store, self.embedder, self.catalog, settings.chunk_words, settings.chunk_overlap_words
        )
        self.retriever = HybridRetriever(self.store, self.embedder)
        self.router = WorkspaceRouter(self.catalog.all, self._opening)
        self.warnings: list[str] = []  # said with every answer (e.g. a refused ranker)
        try:
            self.ranker = load_ranker(
                settings, settings.chunk_words, settings.chunk_overlap_words, embedder=self.embedder.name
            )
        except RankerMismatch as exc:
            self.ranker = PassThroughRanker()
            self.warnings.append(str(exc))
        if isinstance(self.ranker, Expander):  # a learned third retrieval list (rag/exemplars.py)
            self.retriever.expander = self.ranker
        self.answerer = build_answerer(self.llm, self.embedder, self._sentences, self, settings.llm_tools)
        self._learned_order(settings)
        self._sentence_cache: dict[str, tuple[str, tuple[np.ndarray, np.ndarray] | None]] = {}
        # one writer per workspace across processes; an index build cut short by a crash is redone on open
        self.write_lock = WorkspaceLock(self.root, settings.database_url, self.workspace)
        self._dirty = IndexDirty(self.root)
        if self._dirty.is_set():
            with self.write_lock.try_hold() as mine:  # busy: a live writer will finish (or the next one repairs)
                if mine and self._dirty.is_set():
                    self._repair()

    def _learned_order(self, settings: Settings) -> None:
        """A registered citation order (rag/sentence_model.py), loaded on first use; none registered: today's."""
        from aiworks.rag.sentence_model import OrderMismatch, load_order

        try:
            order = load_order(settings, self.embedder, settings.chunk_words, settings.chunk_overlap_words)
        except OrderMismatch as exc:
            order = None
            self.warnings.append(str(exc))
        extractive = getattr(self.answerer, "fallback", self.answerer)
        if order is not None and hasattr(extractive, "learned_order"):
            extractive.learned_order = order

    def _begin_writes(self) -> bool:
        """Under the write lock: repair what a crashed writer left, then mark the workspace as being written."""
        crashed = self._dirty.is_set()
        if crashed:
            self._repair()
        self._dirty.mark()
        return crashed

    def _finish_writes(self, changed: bool) -> None:
        """Bring the store's indexes up to date after a write, then clear the mark."""
        if changed:
            self.store.optimize()
        self._dirty.clear()

    def _repair(self) -> None:
        """A writer died mid-write (kill -9): drop chunks committed without their catalog row (the kill fell
        between the two commits) and version folders no catalog row points to, then rebuild the indexes."""
        from aiworks.rag.wslock import reconcile

        reconcile(self.catalog, self.store, self.root / "docs")
        self.store.optimize()
        self._dirty.clear()

    # ------------------------------------------------------------ ingestion
    def ingest(self, paths: list[Path], progress: Progress | None = None, force: bool = False) -> list[FileReport]:
        """Files or folders. One report per file; a bad file never stops the batch. Holds the workspace's
        write lock for the batch (a second process waits, then finds the files unchanged). ``force``: re-embed
        unchanged files too (``reindex``)."""
        with self.write_lock.hold(waiting=(lambda msg: progress(msg, 0.0)) if progress else None):
            self._begin_writes()
            reports = ingest_batch(self.indexer, paths, progress, force)
            self._finish_writes(any(r.status in ("ingested", "replaced") for r in reports))
        if progress:
            progress("done", 1.0)
        return reports

    def reindex(self, progress: Progress | None = None) -> list[FileReport]:
        """Re-embed every document with this Assistant's embedder, from the stored originals, and record it.
        Until every document succeeded the workspace stays marked as mid-re-embed and refuses queries."""
        import shutil
        import tempfile

        docs = self.catalog.all()
        self.catalog.set_meta(state=REINDEXING, reindex_to=self.embedder.name)
        with tempfile.TemporaryDirectory(prefix="aiworks-reindex-") as tmp:
            paths = []
            for d in docs:  # copies under the document's own name (= its id), outside the version folders
                paths.append(Path(tmp) / d.name)
                shutil.copyfile(self.original_file(d.id), paths[-1])
            reports = self.ingest(paths, progress, force=True)
        if all(r.status in ("ingested", "replaced") for r in reports):
            self.catalog.set_meta(
                embedder=self.embedder.name,
                embedder_space=embedder_space(self.embedder),
                dim=str(self.embedder.dim),
                state="ready",
            )
        return reports

    def ingest_file(self, path: Path, name: str | None = None, progress: Progress | None = None) -> FileReport:
        with self.write_lock.hold(waiting=(lambda msg: progress(msg, 0.0)) if progress else None):
            self._begin_writes()
            report = self.indexer.ingest_file(Path(path), name, progress)
            self._finish_writes(report.status in ("ingested", "replaced"))
        return report

    def remove(self, document_id: str) -> bool:
        with self.write_lock.hold():
            return self.indexer.remove(document_id)

    # ------------------------------------------------------------ questions
    def search(self, question: str, k: int | None = None, document_ids: list[str] | None = None) -> Retrieval:
        """The retrieval stages of ``ask``: route (or the caller's document filter) → hybrid search → rank.
        ``document_ids`` accepts ids or names (``resolve_documents``); several documents are each searched."""
        question = question.strip()
        if not question:
            raise ValueError("empty question")
        k = k or self.settings.top_k
        route = self.router.route(question)
        ids = self.resolve_documents(document_ids) if document_ids else route.document_ids
        # a few documents are each searched (none crowds the others out); many are one filtered search
        retrieval = self.retriever.search(
            route.query, candidate_pool(self.ranker, k), ids or None, each=len(ids) <= MAX_ROUTED
        )
        retrieval.hits = self.ranker.rerank(question, retrieval.hits)[:k]
        retrieval.routed = list(ids)
        retrieval.question = route.query
        return retrieval

    def ask(self, question: str, k: int | None = None, document_ids: list[str] | None = None) -> Answer:
        from aiworks.rag import kinds  # summaries, comparisons, per-document questions; None = a lookup

        if question.strip() and (special := kinds.answer(self, question.strip(), k, document_ids)) is not None:
            special.warnings.extend(w for w in self.warnings if w not in special.warnings)
            return special
        t0 = time.perf_counter()
        retrieval = self.search(question, k, document_ids)
        question = question.strip()
        retrieval.hits = mask_hits(retrieval.hits)  # injected sentences never answer (security hook)
        t1 = time.perf_counter()
        # Once the search is restricted to the named document(s), the words naming them ("Consider the
        # Acquisition Agreement between Parent X and Target Y; ...") are not what the answer must contain:
        # the answerer reads the question part (it counted "between", "target" as absent key terms).
        asked = retrieval.question if retrieval.routed and retrieval.question else question
        vector = retrieval.query_vector if retrieval.answer_vector is None else retrieval.answer_vector
        drafted = draft(self.answerer, asked, retrieval.hits, vector, retrieval.routed)
        t2 = time.perf_counter()
        answer = Answer(
            question=question,
            answer=drafted.answer,
            abstained=drafted.abstained,
            citations=drafted.citations,
            timings_ms={"retrieve": round((t1 - t0) * 1e3, 2), "answer": round((t2 - t1) * 1e3, 2)},
            answered_by=drafted.answered_by,
            warnings=list(drafted.warnings),
            closest=list(drafted.closest),
        )
        answer.warnings.extend(w for w in self.warnings if w not in answer.warnings)
        return answer

    def resolve_documents(self, refs: list[str]) -> list[str]:
        """Document ids for ``refs`` (ids or exact names, case-insensitive); unknown ones are a clear error."""
        docs = self.catalog.all()
        by_id = {d.id: d.id for d in docs}
        by_name: dict[str, list[str]] = {}
        for d in docs:
            by_name.setdefault(d.name.lower(), []).append(d.id)
        out: list[str] = []
        unknown: list[str] = []
        for ref in refs:
            hit = by_id.get(ref) or next(iter(by_name.get(ref.strip().lower()) or ()), None)
            if hit is None:
                unknown.append(ref)
            elif hit not in out:
                out.append(hit)
        if unknown:
            known = ", ".join(d.name for d in docs[:20]) or "none"
            raise ValueError(
                f"unknown document(s) {', '.join(map(repr, unknown))} in workspace "
                f"{self.workspace!r}; known documents: {known}"
            )
        return out

    def _opening(self, document_id: str, chars: int = 2000) -> str:
        try:
            with open(self._version_dir(document_id) / "text.txt", "rb") as f:
                return f.read(chars * 4).decode("utf-8", errors="ignore")[:chars]
        except (KeyError, OSError):
            return ""

    def _sentences(self, document_id: str) -> tuple[np.ndarray, ...] | None:
        """Sentence spans + vectors (+ chunk contexts) stored at ingest, cached per document version."""
        version = self.catalog.version_dir(document_id)
        cached = self._sentence_cache.get(document_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        value = None
        path = self.indexer.docs_dir(document_id) / str(version) / "sentences.npz"
        if version is not None and path.exists():
            with np.load(path) as data:  # + each sentence's chunk context, in documents indexed since it was added
                value = (data["spans"], data["vectors"]) + ((data["contexts"],) if "contexts" in data else ())
        if len(self._sentence_cache) > 512:
            self._sentence_cache.clear()
        self._sentence_cache[document_id] = (version, value)
        return value

    # ------------------------------------------------------------ documents
    def documents(self) -> list[DocumentInfo]:
        return self.catalog.all()

    def document_warnings(self, document_ids: list[str] | None = None) -> dict[str, list[DocWarning]]:
        """Stored per-document warnings (possible prompt injection, OCR, encoding), by document id."""
        return self.catalog.warnings(document_ids)

    def document(self, document_id: str) -> DocumentInfo | None:
        return self.catalog.get(document_id)

    def _version_dir(self, document_id: str) -> Path:
        version = self.catalog.version_dir(document_id)
        if version is None:
            raise KeyError(f"no document {document_id!r} in workspace {self.workspace!r}")
        return self.indexer.docs_dir(document_id) / version

    def document_text(self, document_id: str) -> str:
        return (self._version_dir(document_id) / "text.txt").read_bytes().decode("utf-8")

    def original_file(self, document_id: str) -> Path:
        return next(self._version_dir(document_id).glob("original*"))

    def highlight(self, document_id: str, start: int, end: int) -> list[HighlightBox]:
        """Boxes covering ``text[start:end]`` on the rendered PDF pages, one per text line; [] for non-PDF."""
        return highlight_boxes(self._version_dir(document_id) / "layout.npz", start, end)
