"""What the assistant routes do, kept apart from HTTP plumbing: uploads → jobs, answers → citations + boxes."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any, BinaryIO

from aiworks.api.jobs import JobManager
from aiworks.api.uploads import UploadError, check_upload
from aiworks.api.workspaces import WorkspacePool
from aiworks.settings import Settings

log = logging.getLogger(__name__)


class AssistantService:
    def __init__(self, settings: Settings, pool: WorkspacePool | None = None, jobs: JobManager | None = None):
        self.settings = settings
        self.pool = pool or WorkspacePool(settings)
        self.jobs = jobs or JobManager()

    # ---- uploads -------------------------------------------------------------------------------------------
    def upload(self, workspace: str, stream: BinaryIO, filename: str | None) -> dict:
        """Validate one file and queue its ingestion; every problem is returned, not raised."""
        name = filename or "upload"
        try:
            checked = check_upload(stream, filename, self.settings.max_upload_mb * (1 << 20))
        except UploadError as exc:
            return {"filename": name, "status": "error", "error": str(exc)}
        base = {"filename": checked.display_name, "sha256": checked.sha256, "kind": checked.kind}
        assistant = self.pool.assistant(workspace)
        for doc in assistant.documents():
            if doc.sha256 == checked.sha256:
                return {**base, "status": "duplicate", "document_id": doc.id,
                        "error": f"same content as '{doc.name}', already ingested"}
        if (pending := self.jobs.pending_hash(workspace, checked.sha256)) is not None:
            return {**base, "status": "duplicate", "job_id": pending.id,
                    "error": f"same content as '{pending.filename}', already being ingested"}

        # Staged under a safe, hash-prefixed name; the assistant keeps its own copy, so the staged file is
        # deleted once the job ends, whatever its outcome.
        path = self.pool.uploads_dir(workspace) / checked.stored_name
        path.write_bytes(checked.data)
        lock = self.pool.lock(workspace)

        def work(progress):
            try:
                with lock:
                    return assistant.ingest_file(path, name=checked.ingest_name, progress=progress)
            finally:
                path.unlink(missing_ok=True)

        job = self.jobs.submit(workspace, checked.display_name, checked.sha256, work)
        return {**base, "status": "queued", "job_id": job.id}

    def remove(self, workspace: str, document_id: str) -> bool:
        assistant = self.pool.assistant(workspace)
        with self.pool.lock(workspace):
            return assistant.remove(document_id)

    # ---- answers -------------------------------------------------------------------------------------------
    def ask(self, workspace: str, question: str, k: int | None, document_ids: list[str] | None = None) -> dict:
        assistant = self.pool.assistant(workspace)
        answer = assistant.ask(question, k=k, document_ids=document_ids)
        payload = answer.to_json()
        for citation in payload["citations"]:
            citation["highlights"] = self._highlights(assistant, citation)
        return payload

    def _highlights(self, assistant: Any, citation: dict) -> list[dict]:
        try:
            boxes = assistant.highlight(citation["document_id"], citation["start"], citation["end"])
        except Exception:  # noqa: BLE001 - a missing box must not lose the answer; the UI falls back to text
            log.exception("highlight failed for %s", citation.get("document_id"))
            return []
        return [asdict(b) for b in boxes]

    def ask_events(self, workspace: str, question: str, k: int | None,
                   document_ids: list[str] | None = None) -> Iterator[str]:
        """Server-sent events: ``status``, then the answer text in ``delta`` pieces, ``citations``, ``done``.

        The extractive answerer produces the whole answer at once, so the deltas are cut from it; a generative
        provider would feed the same events token by token without the client changing.
        """
        yield _sse("status", {"stage": "retrieving"})
        try:
            payload = self.ask(workspace, question, k, document_ids)
        except Exception as exc:  # noqa: BLE001 - the stream has already started (200); report in-band
            log.exception("ask failed")
            yield _sse("error", {"detail": f"{type(exc).__name__}: {exc}"})
            return
        words = payload["answer"].split(" ")
        for i in range(0, len(words), 4):
            piece = " ".join(words[i : i + 4]) + (" " if i + 4 < len(words) else "")
            yield _sse("delta", {"text": piece})
        yield _sse("citations", payload["citations"])
        yield _sse("done", payload)


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"
