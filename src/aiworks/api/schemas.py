"""Request/response models of the assistant's HTTP API (they are what /docs shows).

``Citation`` is generated from ``aiworks.rag.types.Citation`` (the CLI's ``--json`` shape) plus ``highlights``, so
a field added there reaches the API's schema without a second declaration.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Literal, get_type_hints

from pydantic import BaseModel, Field, create_model

from aiworks.rag import types
from aiworks.settings import WORKSPACE_PATTERN, WORKSPACE_RULE


CONVERSATION_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


class SessionInfo(BaseModel):
    mode: Literal["local", "keys"] = Field(description="local: no key needed (loopback bind, no keys issued)")
    authenticated: bool
    workspace: str | None = Field(None, description="The key's workspace; null in local mode (all workspaces)")
    max_upload_mb: int
    answerer: str = Field(
        "extractive", description="The configured answerer: extractive, or the LLM spec (openai-compatible:MODEL)"
    )


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
    conversation_id: str | None = Field(
        None,
        pattern=CONVERSATION_PATTERN,
        description="ask as the next turn of this conversation (a follow-up is resolved against it); "
        "default: a new conversation",
    )


class Highlight(BaseModel):
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    page_width: float
    page_height: float


def _fields_of(record: type) -> dict[str, Any]:
    """``create_model`` field definitions for a dataclass: its fields in order, their types and defaults."""
    hints = get_type_hints(record)
    return {
        f.name: (hints[f.name], ... if f.default is dataclasses.MISSING else f.default)
        for f in dataclasses.fields(record)
    }


if TYPE_CHECKING:
    Citation = BaseModel
else:
    Citation = create_model(
        "Citation",
        __module__=__name__,
        **_fields_of(types.Citation),
        highlights=(
            list[Highlight],
            Field(default_factory=list, description="PDF points from the page's top-left"),
        ),
    )


class TableCell(BaseModel):
    text: str
    citation: int | None = Field(None, description="key of the citation supporting the cell (its [n] marker)")


class AnswerTable(BaseModel):
    columns: list[str]
    rows: list[list[TableCell]]


class AskResponse(BaseModel):
    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    timings_ms: dict[str, float]
    answered_by: str = Field("extractive", description="extractive, or the LLM spec that wrote the answer")
    warnings: list[str] = Field(default_factory=list, description="e.g. the LLM was unreachable: quotes instead")
    conversation_id: str | None = Field(None, description="the conversation this answer was stored in")
    resolved_question: str | None = Field(
        None, description="the standalone question answered (a follow-up resolved); equals question otherwise"
    )
    kind: Literal["lookup", "summary", "comparison", "per_document"] = "lookup"
    table: AnswerTable | None = Field(None, description="comparisons, summaries, per-document answers")
    closest: list[Citation] = Field(
        default_factory=list,
        description="on an abstention: the closest passages (exact spans that may not answer; not citations)",
    )


class ConversationSummary(BaseModel):
    id: str
    title: str
    created_at: str
    updated_at: str
    turns: int


class ConversationTurn(BaseModel):
    question: str
    answer: AskResponse
    asked_at: str


class ConversationDetail(BaseModel):
    id: str
    title: str
    created_at: str
    updated_at: str
    turns: list[ConversationTurn]


class ConversationRename(BaseModel):
    title: str = Field(min_length=1, max_length=200, pattern=r"\S", description="not blank")
