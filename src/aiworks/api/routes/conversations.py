"""HTTP routes of a workspace's saved conversations: list, read, rename, delete, export as Markdown.

Same access rule as every assistant route (``Workspace``: the caller's key must belong to the workspace), and the
store is the workspace's own, so a conversation id of another workspace is a plain 404. Asking inside a
conversation is ``POST /ask`` (or ``/ask/stream``) with a ``conversation_id`` (routes/rag.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Path, Response

from aiworks.api import schemas
from aiworks.api.routes.rag import ERRORS, AssistantState, Workspace

CONVERSATION_ID = Path(pattern=schemas.CONVERSATION_PATTERN, description="conversation id")
RESPONSES: dict[int | str, dict[str, Any]] = {code: dict(doc) for code, doc in ERRORS.items()}
router = APIRouter(prefix="/api", tags=["conversations"], responses=RESPONSES)


def _missing(workspace: str, conversation_id: str) -> HTTPException:
    return HTTPException(404, f"no conversation '{conversation_id}' in workspace '{workspace}'")


@router.get("/workspaces/{workspace}/conversations", response_model=list[schemas.ConversationSummary])
def list_conversations(state: AssistantState, workspace: Workspace) -> list[dict]:
    """Newest (last asked or renamed) first."""
    return [c.to_json() for c in state.service.conversations(workspace).list()]


@router.get("/workspaces/{workspace}/conversations/{conversation_id}", response_model=schemas.ConversationDetail)
def get_conversation(state: AssistantState, workspace: Workspace, conversation_id: str = CONVERSATION_ID) -> dict:
    """Every turn: the question as asked and the answer given (citations with their highlight boxes)."""
    conversation = state.service.conversations(workspace).get(conversation_id)
    if conversation is None:
        raise _missing(workspace, conversation_id)
    body = conversation.to_json()
    for turn in body["turns"]:
        turn["answer"] = state.service.with_highlights(workspace, turn["answer"])
    return body


@router.patch("/workspaces/{workspace}/conversations/{conversation_id}", response_model=schemas.ConversationSummary)
def rename_conversation(
    body: schemas.ConversationRename,
    state: AssistantState,
    workspace: Workspace,
    conversation_id: str = CONVERSATION_ID,
) -> dict:
    store = state.service.conversations(workspace)
    if not store.rename(conversation_id, body.title):
        raise _missing(workspace, conversation_id)
    return next(c.to_json() for c in store.list() if c.id == conversation_id)


@router.delete("/workspaces/{workspace}/conversations/{conversation_id}", status_code=204)
def delete_conversation(
    state: AssistantState, workspace: Workspace, conversation_id: str = CONVERSATION_ID
) -> Response:
    if not state.service.conversations(workspace).delete(conversation_id):
        raise _missing(workspace, conversation_id)
    return Response(status_code=204)


@router.get(
    "/workspaces/{workspace}/conversations/{conversation_id}/export",
    response_class=Response,
    responses={200: {"content": {"text/markdown": {}}, "description": "questions, answers, numbered citations"}},
)
def export_conversation(
    state: AssistantState, workspace: Workspace, conversation_id: str = CONVERSATION_ID
) -> Response:
    from aiworks.rag.conversations import to_markdown

    conversation = state.service.conversations(workspace).get(conversation_id)
    if conversation is None:
        raise _missing(workspace, conversation_id)
    return Response(
        to_markdown(conversation),
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="conversation-{conversation_id}.md"'},
    )
