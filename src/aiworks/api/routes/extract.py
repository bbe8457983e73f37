"""Clause extraction over HTTP: ``GET /extract/fields`` (what can be extracted) and ``POST /extract`` (the
table of cited cells, ``{"table", "citations"}``, the same as ``aiworks extract --format json``; citations
carry PDF highlight boxes like the ask route's). Registered on the assistant router, so the same key and
workspace checks apply."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import HTTPException
from pydantic import BaseModel, Field

from aiworks.api import schemas
from aiworks.api.routes.rag import AssistantState, Workspace, _documents, router


class ExtractRequest(BaseModel):
    fields: list[str] = Field(min_length=1, max_length=60, description="field names from GET /extract/fields")
    document_ids: list[str] | None = Field(None, max_length=500, description="ids or names; default: all")


class ExtractResponse(BaseModel):
    table: schemas.AnswerTable
    citations: list[schemas.Citation]


class FieldInfo(BaseModel):
    name: str
    label: str
    description: str


@router.get("/workspaces/{workspace}/extract/fields", response_model=list[FieldInfo])
def extract_fields(workspace: Workspace) -> list[FieldInfo]:
    from aiworks.rag.kinds import FIELDS

    return [FieldInfo(name=f.name, label=f.label, description=f.description) for f in FIELDS]


@router.post("/workspaces/{workspace}/extract", response_model=ExtractResponse)
def extract(body: ExtractRequest, state: AssistantState, workspace: Workspace) -> dict:
    """One row per document, one cell per field; a cell's ``citation`` is the key of its entry in
    ``citations`` (null when the document does not state the clause). Unknown fields are a 422."""
    from aiworks.rag.kinds import extract as run_extract
    from aiworks.rag.kinds import field_of, source_of

    try:
        fields = [field_of(name) for name in body.fields]
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    ids = _documents(state, workspace, body.document_ids)
    assistant = state.service.pool.assistant(workspace)
    table, citations = run_extract(source_of(assistant), fields, ids)
    cites = [asdict(c) for c in citations]
    for c in cites:
        c["highlights"] = state.service._highlights(assistant, c)
    return {"table": table.to_json(), "citations": cites}
