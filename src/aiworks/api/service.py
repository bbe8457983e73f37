"""What the assistant routes do, kept apart from HTTP plumbing: uploads → jobs, answers → citations + boxes."""

from __future__ import annotations

import json
import logging
import queue
import secrets
import threading
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any, BinaryIO

from aiworks.api.jobs import JobRunner, stage_file, sweep_orphans
from aiworks.api.uploads import UploadError, check_upload
from aiworks.api.workspaces import WorkspacePool
from aiworks.jobs import JobQueue, JobRecord, open_queue
from aiworks.settings import Settings

log = logging.getLogger(__name__)


class AssistantService:
    def __init__(
        self,
        settings: Settings,
        pool: WorkspacePool | None = None,
        queue: JobQueue | None = None,
        run_jobs: bool = True,
    ):
        self.settings = settings
        self.pool = pool or WorkspacePool(settings)
        self.queue = queue or open_queue(settings)
        self._stores: dict[str, Any] = {}  # workspace -> ConversationStore
        self._stores_guard = threading.Lock()
        self.runner = JobRunner(self.queue, self._run_job, lease_s=settings.job_lease_s) if run_jobs else None
        if self.runner is not None:
            self.runner.start()
            threading.Thread(target=self._sweep, name="uploads-sweep", daemon=True).start()

    def close(self, timeout_s: float = 10.0) -> None:
        """Stop claiming jobs and let the running one finish its bookkeeping (a job still ingesting after
        ``timeout_s`` is left to its lease: the next runner claims it again)."""
        if self.runner is not None:
            self.runner.shutdown(timeout_s)

    def _sweep(self) -> None:
        for workspace in self.pool.names():
            try:
                sweep_orphans(self.queue, workspace, self.settings.workspace_dir(workspace) / "uploads")
            except Exception:  # noqa: BLE001 - housekeeping only
                log.exception("sweeping staged uploads of %s failed", workspace)

    # ---- uploads -------------------------------------------------------------------------------------------
    def upload(self, workspace: str, stream: BinaryIO, filename: str | None) -> dict:
        """Validate one file, stage it and queue its ingestion durably; every problem is returned, not raised."""
        name = filename or "upload"
        try:
            checked = check_upload(stream, filename, self.settings.max_upload_mb * (1 << 20))
        except UploadError as exc:
            return {"filename": name, "status": "error", "error": str(exc)}
        base = {"filename": checked.display_name, "sha256": checked.sha256, "kind": checked.kind}
        assistant = self.pool.assistant(workspace)
        for doc in assistant.documents():
            if doc.sha256 == checked.sha256:
                return {
                    **base,
                    "status": "duplicate",
                    "document_id": doc.id,
                    "error": f"same content as '{doc.name}', already ingested",
                }
        if (pending := self.queue.pending_hash(workspace, checked.sha256)) is not None:
            return {
                **base,
                "status": "duplicate",
                "job_id": pending.id,
                "error": f"same content as '{pending.filename}', already being ingested",
            }
        # Staged under a safe, hash-prefixed, unique name (fsynced) BEFORE the job is committed: the 202 below
        # means both exist. The assistant keeps its own copy; the runner deletes the staged file at the end.
        path = stage_file(
            self.pool.uploads_dir(workspace), f"{secrets.token_hex(4)}_{checked.stored_name}", checked.data
        )
        job = self.queue.enqueue(workspace, checked.display_name, checked.sha256, str(path), checked.ingest_name)
        if self.runner is not None:
            self.runner.wake()
        return {**base, "status": "queued", "job_id": job.id}

    def _run_job(self, job: JobRecord, progress) -> object:
        assistant = self.pool.assistant(job.workspace)
        with self.pool.lock(job.workspace):
            return assistant.ingest_file(Path(job.staged_path), name=job.ingest_name, progress=progress)

    def remove(self, workspace: str, document_id: str) -> bool:
        assistant = self.pool.assistant(workspace)
        with self.pool.lock(workspace):
            return assistant.remove(document_id)

    # ---- answers -------------------------------------------------------------------------------------------
    def ask(
        self,
        workspace: str,
        question: str,
        k: int | None,
        document_ids: list[str] | None = None,
        conversation_id: str | None = None,
    ) -> dict:
        """One turn of a conversation (a new one when ``conversation_id`` is None): the follow-up is resolved
        against the thread and answered on the assistant's one ask path (rag/chat.py). Raises
        ``UnknownConversation`` for an id this workspace does not have."""
        from aiworks.rag import chat

        assistant = self.pool.assistant(workspace)
        answer = chat.ask(
            assistant, self.conversations(workspace), question, conversation_id, k=k, document_ids=document_ids
        )
        return self.with_highlights(workspace, answer.to_json())

    def with_highlights(self, workspace: str, payload: dict) -> dict:
        """An answer JSON whose citations and closest passages carry their PDF highlight boxes (stored turns are
        saved without; turns stored before closest passages existed get none)."""
        assistant = self.pool.assistant(workspace)
        for citation in [*payload["citations"], *payload.setdefault("closest", [])]:
            citation["highlights"] = self._highlights(assistant, citation)
        return payload

    # ---- conversations -------------------------------------------------------------------------------------
    def conversations(self, workspace: str):
        """The workspace's conversation store (one per workspace, opened once)."""
        from aiworks.rag.conversations import open_conversations

        with self._stores_guard:
            store = self._stores.get(workspace)
            if store is None:
                store = open_conversations(self.settings, workspace, self.settings.workspace_dir(workspace))
                self._stores[workspace] = store
            return store

    def _highlights(self, assistant: Any, citation: dict) -> list[dict]:
        try:
            boxes = assistant.highlight(citation["document_id"], citation["start"], citation["end"])
        except Exception:  # noqa: BLE001 - a missing box must not lose the answer; the UI falls back to text
            log.exception("highlight failed for %s", citation.get("document_id"))
            return []
        return [asdict(b) for b in boxes]

    def ask_events(
        self, workspace: str, question: str, k: int | None, document_ids: list[str] | None = None, **options: Any
    ) -> Iterator[str]:
        """Server-sent events for one ``ask``: ``status`` (stages: retrieving, planning, searching, composing,
        checked, fallback), ``delta`` (answer text), ``citations``, ``done`` (the whole answer JSON), or ``error``.

        The answer is computed by ``ask`` itself (one code path) in a worker thread; an LLM answerer reports its
        tokens as ``delta`` events while the model produces them (rag/generate.py ``streaming``). Those tokens
        are unchecked: the ``done`` answer is the checked one, and a ``status`` event ``checked`` (or
        ``fallback``) with ``"replaced": true`` tells the client that it differs from the streamed text (claims
        dropped by the citation/support checks, or quotes instead). Without an LLM (extractive, question kinds)
        the finished text is sent in ``delta`` pieces, as before. ``options`` go to ``ask`` (``conversation_id``).
        """
        from aiworks.rag.generate import streaming

        events: queue.Queue[tuple[str, Any]] = queue.Queue()
        gone = threading.Event()  # the client disconnected: stop the model's stream at the next token

        def sink(event: str, data: dict) -> None:
            if gone.is_set():
                raise _ClientGone
            events.put((event, data))

        def work() -> None:
            try:
                with streaming(sink):
                    events.put(("_result", self.ask(workspace, question, k, document_ids, **options)))
            except _ClientGone:
                events.put(("_gone", None))
            except Exception as exc:  # noqa: BLE001 - reported in-band below
                log.exception("ask failed")
                events.put(("_error", exc))

        yield _sse("status", {"stage": "retrieving"})
        worker = threading.Thread(target=work, name="ask-stream", daemon=True)
        worker.start()
        streamed = False
        try:
            while True:
                event, data = events.get()
                if event == "_result":
                    payload = data
                    break
                if event == "_error":
                    # the stream has already started (200); report in-band
                    yield _sse("error", {"detail": f"{type(data).__name__}: {data}"})
                    return
                if event == "_gone":
                    return
                streamed = streamed or event == "delta"
                yield _sse(event, data)
        finally:
            gone.set()  # also when the client went away mid-stream (GeneratorExit here)
        if not streamed:
            words = payload["answer"].split(" ")
            for i in range(0, len(words), 4):
                piece = " ".join(words[i : i + 4]) + (" " if i + 4 < len(words) else "")
                yield _sse("delta", {"text": piece})
        yield _sse("citations", payload["citations"])
        yield _sse("done", payload)


class _ClientGone(Exception):
    """Raised into the answerer by the event sink once the SSE client has disconnected."""


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"
