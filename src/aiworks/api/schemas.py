"""Request/response models of the assistant's HTTP API (they are what /docs shows).

Citation fields mirror ``aiworks.rag.types.Citation`` (the CLI's ``--json`` shape) plus ``highlights``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from aiworks.settings import WORKSPACE_PATTERN, WORKSPACE_RULE


class SessionInfo(BaseModel):
    mode: Literal["local", "keys"] = Field(description="local: no key needed (loopback bind, no keys issued)")
    authenticated: bool
    workspace: str | None = Field(None, description="The key's workspace; null in local mode (all workspaces)")
    max_upload_mb: int


class WorkspaceCreate(BaseModel):
    name: str = Field(pattern=WORKSPACE_PATTERN, description=WORKSPACE_RULE)


class Workspace(BaseModel):
    name: str
    documents: int | None = None


class DocWarning(BaseModel):
    kind: str = Field(description='"injection" (a passage addresses an AI system), "low-confidence-ocr", ...')
    message: str
    page: int | None = None


class Document(BaseModel):
    id: str
    name: str
    sha256: str
    kind: str
    pages: int
    chunks: int
    chars: int
    ingested_at: str
    warnings: list[DocWarning] = Field(default_factory=list, description="what the reader should know, per page")


class DocumentText(BaseModel):
    id: str
    text: str


class Job(BaseModel):
    id: str
    workspace: str
    filename: str
    status: Literal["queued", "running", "done", "error"]
    progress: float = Field(ge=0, le=1)
    stage: str
    error: str | None = None
    document_id: str | None = None
    result: str | None = None
    pages: int = 0
    chunks: int = 0


class UploadResult(BaseModel):
    filename: str
    status: Literal["queued", "duplicate", "error"]
    job_id: str | None = None
    document_id: str | None = Field(None, description="For duplicates: the document already holding these bytes")
    sha256: str | None = None
    kind: str | None = None
    error: str | None = None


class UploadResponse(BaseModel):
    files: list[UploadResult]


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000, pattern=r"\S", description="not blank")
    k: int | None = Field(None, ge=1, le=50, description="passages to retrieve (default: settings.top_k)")
    document_ids: list[str] | None = Field(
        None,
        max_length=100,
        description="only search these documents (ids or names); default: all, routed by the question",
    )


class Highlight(BaseModel):
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    page_width: float
    page_height: float


class Citation(BaseModel):
    key: int
    document: str
    document_id: str
    page: int
    start: int
    end: int
    quote: str
    score: float
    highlights: list[Highlight] = Field(default_factory=list, description="PDF points from the page's top-left")


class AskResponse(BaseModel):
    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    timings_ms: dict[str, float]
