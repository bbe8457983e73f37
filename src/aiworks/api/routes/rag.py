"""HTTP API of the document assistant: workspaces, documents, ingestion jobs, ask (JSON and SSE).

Every workspace-scoped route goes through ``workspace_access``: the caller's key must belong to the workspace
(local mode sees all), and the name must be a valid, existing workspace. Routes are plain ``def`` so FastAPI
runs the blocking assistant calls in its thread pool.

The routes are module-level functions. ``build_router`` creates the app's assistant service (its job runner
starts with the app, so queued ingestion resumes without waiting for a request) and the authenticator; a
router-level dependency puts them on ``app.state`` and they reach the routes as ``Annotated`` dependencies.
"""

from __future__ import annotations

import mimetypes
from dataclasses import asdict, dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Path, Request, Response, UploadFile
from fastapi.responses import FileResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials

from aiworks.api import schemas
from aiworks.api.auth import Authenticator, Principal, BEARER_SCHEME, KEY_HEADER_SCHEME, token_of
from aiworks.api.service import AssistantService
from aiworks.api.workspaces import WORKSPACE_PATTERN
from aiworks.providers.llms import answerer_spec
from aiworks.rag.types import DocumentInfo
from aiworks.settings import Settings

DOC_ID = Path(pattern=r"^[A-Za-z0-9_.-]{1,128}$", description="document id")
JOB_ID = Path(pattern=r"^[a-f0-9]{16}$", description="job id")
WS = Path(pattern=WORKSPACE_PATTERN, description="workspace name")
ERRORS = {
    401: {"description": "missing/invalid API key"},
    403: {"description": "key not valid for workspace"},
    404: {"description": "not found"},
}


@dataclass
class AssistantRoutesState:
    """What the assistant routes share per app: settings, the service (pool, queue, job runner) and auth."""

    settings: Settings
    service: AssistantService
    auth: Authenticator


def assistant_state(request: Request) -> AssistantRoutesState:
    return request.app.state.assistant


AssistantState = Annotated[AssistantRoutesState, Depends(assistant_state)]


def principal(
    state: AssistantState,
    bearer: HTTPAuthorizationCredentials | None = Depends(BEARER_SCHEME),
    header_key: str | None = Depends(KEY_HEADER_SCHEME),
) -> Principal:
    """The caller (401 without a valid key, unless the server is in local mode)."""
    return state.auth.resolve((bearer.credentials if bearer else None) or header_key)


Caller = Annotated[Principal, Depends(principal)]


def workspace_access(state: AssistantState, who: Caller, workspace: str = WS) -> str:
    if not who.can_access(workspace):
        raise HTTPException(403, f"this API key is not valid for workspace '{workspace}'")
    if not state.service.pool.exists(workspace):
        raise HTTPException(404, f"no workspace '{workspace}'")
    return workspace


Workspace = Annotated[str, Depends(workspace_access)]


def existing_document(state: AssistantState, workspace: Workspace, document_id: str = DOC_ID) -> DocumentInfo:
    doc = state.service.pool.assistant(workspace).document(document_id)
    if doc is None:
        raise HTTPException(404, f"no document '{document_id}' in workspace '{workspace}'")
    return doc


ExistingDocument = Annotated[DocumentInfo, Depends(existing_document)]
router = APIRouter(prefix="/api", tags=["assistant"], responses=ERRORS)


def build_router(settings: Settings, service: AssistantService | None = None) -> APIRouter:
    """The assistant router for one app; the service is created now, so its job runner starts with the app."""
    from aiworks.api.routes import extract  # noqa: F401 - registers the /extract routes on ``router`` (rag/kinds)

    state = AssistantRoutesState(settings, service or AssistantService(settings), Authenticator(settings))

    def attach(request: Request) -> None:
        request.app.state.assistant = state

    from aiworks.api.routes.conversations import router as conversations

    app_router = APIRouter(dependencies=[Depends(attach)])
    app_router.include_router(router)
    app_router.include_router(conversations)
    return app_router


@router.get("/session", response_model=schemas.SessionInfo)
def session(request: Request, state: AssistantState) -> schemas.SessionInfo:
    """How this server authenticates, and who the caller is (no key needed to ask)."""
    try:
        who = state.auth.resolve(token_of(request))
    except HTTPException:
        who = None
    return schemas.SessionInfo(
        mode=state.auth.mode(),
        authenticated=who is not None,
        workspace=who.workspace if who else None,
        max_upload_mb=state.settings.max_upload_mb,
        answerer=answerer_spec(state.settings),
    )


@router.get("/workspaces", response_model=list[schemas.Workspace])
def list_workspaces(state: AssistantState, who: Caller) -> list[schemas.Workspace]:
    return [schemas.Workspace(name=n) for n in state.service.pool.names() if who.can_access(n)]


@router.post(
    "/workspaces",
    response_model=schemas.Workspace,
    status_code=201,
    responses={200: {"model": schemas.Workspace, "description": "already existed"}},
)
def create_workspace(
    body: schemas.WorkspaceCreate, response: Response, state: AssistantState, who: Caller
) -> schemas.Workspace:
    """Local mode only: a key is bound to one workspace and cannot create others."""
    if who.workspace is not None:
        if who.workspace != body.name:
            raise HTTPException(403, "API keys cannot create other workspaces")
    if not state.service.pool.create(body.name):
        response.status_code = 200
    return schemas.Workspace(name=body.name)


@router.get("/workspaces/{workspace}/documents", response_model=list[schemas.Document])
def list_documents(state: AssistantState, workspace: Workspace) -> list[schemas.Document]:
    assistant = state.service.pool.assistant(workspace)
    warnings = assistant.document_warnings()
    return [_document(d, warnings.get(d.id, [])) for d in assistant.documents()]


@router.post("/workspaces/{workspace}/documents", response_model=schemas.UploadResponse, status_code=202)
def upload_documents(
    state: AssistantState,
    workspace: Workspace,
    files: list[UploadFile] = File(..., description="PDF, DOCX, TXT or MD files"),
) -> schemas.UploadResponse:
    """Validate each file, queue its ingestion; per-file errors are in the body (never a 5xx)."""
    results = [state.service.upload(workspace, f.file, f.filename) for f in files]
    return schemas.UploadResponse(files=[schemas.UploadResult(**r) for r in results])


@router.get("/workspaces/{workspace}/documents/{document_id}", response_model=schemas.Document)
def get_document(state: AssistantState, doc: ExistingDocument, workspace: Workspace) -> schemas.Document:
    return _document(doc, state.service.pool.assistant(workspace).document_warnings([doc.id]).get(doc.id, []))


@router.get("/workspaces/{workspace}/documents/{document_id}/text", response_model=schemas.DocumentText)
def get_document_text(state: AssistantState, doc: ExistingDocument, workspace: Workspace) -> schemas.DocumentText:
    """The extracted text that citation offsets index into."""
    try:
        text = state.service.pool.assistant(workspace).document_text(doc.id)
    except (KeyError, OSError):  # removed or replaced while we looked
        raise HTTPException(404, "document text is no longer stored") from None
    return schemas.DocumentText(id=doc.id, text=text)


@router.get(
    "/workspaces/{workspace}/documents/{document_id}/file",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_document(state: AssistantState, doc: ExistingDocument, workspace: Workspace):
    try:
        path = state.service.pool.assistant(workspace).original_file(doc.id)
    except (KeyError, StopIteration, OSError):
        path = None
    if path is None or not path.is_file():
        raise HTTPException(404, "original file is no longer stored")
    media = mimetypes.guess_type(doc.name)[0] or "application/octet-stream"
    if doc.kind == "pdf":
        media = "application/pdf"
    return FileResponse(path, media_type=media, filename=doc.name, content_disposition_type="inline")


@router.delete("/workspaces/{workspace}/documents/{document_id}", status_code=204)
def delete_document(state: AssistantState, doc: ExistingDocument, workspace: Workspace) -> Response:
    if not state.service.remove(workspace, doc.id):
        raise HTTPException(404, "document already removed")
    return Response(status_code=204)


@router.get("/workspaces/{workspace}/jobs", response_model=list[schemas.Job])
def list_jobs(state: AssistantState, workspace: Workspace) -> list[schemas.Job]:
    return [_job(j) for j in state.service.queue.list(workspace)]


@router.get("/workspaces/{workspace}/jobs/{job_id}", response_model=schemas.Job)
def get_job(state: AssistantState, workspace: Workspace, job_id: str = JOB_ID) -> schemas.Job:
    job = state.service.queue.get(job_id)
    if job is None or job.workspace != workspace:
        raise HTTPException(404, f"no job '{job_id}' in workspace '{workspace}'")
    return _job(job)


@router.post("/workspaces/{workspace}/ask", response_model=schemas.AskResponse)
def ask(body: schemas.AskRequest, state: AssistantState, workspace: Workspace) -> dict:
    """Answer from this workspace's documents; each citation carries its PDF highlight boxes. With a
    ``conversation_id`` the question is the next turn of that conversation (a follow-up is resolved against it);
    without one a new conversation is started. Either way the answer carries its ``conversation_id``."""
    from aiworks.rag.chat import UnknownConversation

    ids = _documents(state, workspace, body.document_ids)
    _conversation(state, workspace, body.conversation_id)
    try:
        return state.service.ask(workspace, body.question, body.k, ids, conversation_id=body.conversation_id)
    except UnknownConversation as exc:  # deleted meanwhile
        raise HTTPException(404, str(exc)) from None


@router.post(
    "/workspaces/{workspace}/ask/stream",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "events: status, delta*, citations, done | error",
        }
    },
)
def ask_stream(body: schemas.AskRequest, state: AssistantState, workspace: Workspace) -> StreamingResponse:
    """The same answer as ``/ask``, as server-sent events (the answer text arrives in ``delta`` pieces)."""
    ids = _documents(state, workspace, body.document_ids)
    _conversation(state, workspace, body.conversation_id)
    return StreamingResponse(
        state.service.ask_events(workspace, body.question, body.k, ids, conversation_id=body.conversation_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache"},
    )


def _documents(state: AssistantRoutesState, workspace: str, refs: list[str] | None) -> list[str] | None:
    """The request's document filter as ids; an unknown document is a 404 before anything runs."""
    if not refs:
        return None
    try:
        return state.service.pool.assistant(workspace).resolve_documents(refs)
    except ValueError as exc:
        raise HTTPException(404, str(exc)) from None


def _conversation(state: AssistantRoutesState, workspace: str, conversation_id: str | None) -> None:
    """An unknown conversation is a 404 before anything runs (also for the stream, which cannot 404 later)."""
    if conversation_id and state.service.conversations(workspace).get(conversation_id) is None:
        raise HTTPException(404, f"no conversation '{conversation_id}' in workspace '{workspace}'")


def _document(doc, warnings) -> schemas.Document:
    return schemas.Document(**asdict(doc), warnings=[schemas.DocWarning(**asdict(w)) for w in warnings])


def _job(job) -> schemas.Job:
    return schemas.Job(
        id=job.id,
        workspace=job.workspace,
        filename=job.filename,
        status=job.status,
        progress=job.progress,
        stage=job.stage,
        error=job.error,
        document_id=job.document_id,
        result=job.result,
        pages=job.pages,
        chunks=job.chunks,
    )
