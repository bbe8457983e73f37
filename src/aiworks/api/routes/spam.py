"""HTTP routes of the spam job: ``POST /spam/predict`` and ``GET /metrics``.

``/spam/predict`` takes either JSON (``{"emails": [{"raw": "..."} | {"text": "..."}]}``, or one such object)
or a raw body with Content-Type ``message/rfc822`` / ``text/plain``. Sizes are checked before parsing.

The routes are module-level functions; their state (the prediction service and request counters) lives on
``app.state`` and reaches them as an ``Annotated`` dependency, so every app built by ``create_app`` has its own.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field, ValidationError, model_validator

from aiworks.settings import Settings

if TYPE_CHECKING:
    from aiworks.spam.serving import Prediction, SpamService

MAX_EMAIL_BYTES = 1_000_000
MAX_BATCH = 256
MAX_REQUEST_BYTES = 16_000_000
_STATE_LOCK = threading.Lock()


class EmailIn(BaseModel):
    id: str | None = None
    raw: str | None = Field(None, description="Full RFC 822 message (headers + body)")
    text: str | None = Field(None, description="Plain text (no headers)")

    @model_validator(mode="after")
    def _one_of(self) -> "EmailIn":
        if (self.raw is None) == (self.text is None):
            raise ValueError("each email needs exactly one of 'raw' or 'text'")
        return self


class PredictIn(BaseModel):
    emails: list[EmailIn]


@dataclass
class SpamRoutesState:
    """What the spam routes keep per app: the service and the counters /metrics reports."""

    settings: Settings
    service: SpamService
    started: float = field(default_factory=time.time)
    requests: int = 0
    request_seconds: float = 0.0


def spam_state(request: Request) -> SpamRoutesState:
    """The app's spam state, created on first use from ``app.state.settings``."""
    app_state = request.app.state
    with _STATE_LOCK:
        state = getattr(app_state, "spam", None)
        if state is None:
            from aiworks.spam.serving import SpamService

            settings = app_state.settings
            state = app_state.spam = SpamRoutesState(settings, SpamService(settings))
    return state


SpamState = Annotated[SpamRoutesState, Depends(spam_state)]
router = APIRouter(tags=["spam"])


def build_router(settings: Settings) -> APIRouter:
    """The spam router; its routes read ``settings`` from ``app.state.settings`` (set by ``create_app``)."""
    return router


@dataclass
class _Batch:
    items: list[bytes | str]
    kinds: list[str]
    ids: list[str]


def _parse_json(body: bytes) -> list[EmailIn]:
    try:
        data = json.loads(body)
        if isinstance(data, dict) and "emails" not in data:
            data = {"emails": [data]}
        return PredictIn.model_validate(data).emails
    except json.JSONDecodeError as exc:
        raise HTTPException(400, f"invalid JSON: {exc.msg}") from exc
    except ValidationError as exc:
        raise HTTPException(422, json.loads(exc.json(include_url=False, include_context=False))) from exc


def _batch(body: bytes, content_type: str) -> _Batch:
    """The request body as emails to score, every size limit checked first."""
    if content_type in ("message/rfc822", "text/plain"):
        if len(body) > MAX_EMAIL_BYTES:
            raise HTTPException(413, f"email too large: {len(body)} bytes > {MAX_EMAIL_BYTES}")
        return _Batch([body], ["raw" if content_type == "message/rfc822" else "text"], ["0"])
    if content_type not in ("application/json", ""):
        raise HTTPException(
            415, f"unsupported Content-Type {content_type!r}: use application/json, message/rfc822 or text/plain"
        )
    emails = _parse_json(body)
    if not emails:
        raise HTTPException(422, "'emails' is empty")
    if len(emails) > MAX_BATCH:
        raise HTTPException(413, f"batch too large: {len(emails)} emails > {MAX_BATCH}")
    items: list[bytes | str] = []
    for i, e in enumerate(emails):
        content = e.raw if e.raw is not None else (e.text or "")
        size = len(content.encode("utf-8", "replace"))
        if size > MAX_EMAIL_BYTES:
            raise HTTPException(413, f"email {e.id or i} too large: {size} bytes > {MAX_EMAIL_BYTES}")
        items.append(content)
    kinds = ["raw" if e.raw is not None else "text" for e in emails]
    return _Batch(items, kinds, [e.id or str(i) for i, e in enumerate(emails)])


def _score(state: SpamRoutesState, batch: _Batch) -> tuple[str, int, list[Prediction]]:
    from aiworks.spam.serving import to_email

    emails = [to_email(it, k, id=i) for it, k, i in zip(batch.items, batch.kinds, batch.ids)]
    texts = [f"{e.subject}\n{e.body}" for e in emails] if state.settings.log_prediction_text else None
    name, version, _ = state.service.model()
    return name, version, state.service.predict_emails(emails, texts)


@router.post(
    "/spam/predict",
    summary="Score one or more emails (raw RFC 822 or plain text)",
    responses={503: {"description": "No spam model registered yet (run `aiworks spam train`)"}},
)
async def predict(request: Request, state: SpamState) -> dict:
    from aiworks.spam.serving import NoModel

    declared = int(request.headers.get("content-length") or 0)
    if declared > MAX_REQUEST_BYTES:
        raise HTTPException(413, f"request too large: {declared} bytes > {MAX_REQUEST_BYTES}")
    body = await request.body()
    if len(body) > MAX_REQUEST_BYTES:
        raise HTTPException(413, f"request too large: {len(body)} bytes > {MAX_REQUEST_BYTES}")
    if not body.strip():
        raise HTTPException(400, "empty request: send JSON {'emails': [...]} or a raw message")
    batch = _batch(body, request.headers.get("content-type", "").split(";")[0].strip().lower())
    t0 = time.perf_counter()
    try:
        name, version, preds = await run_in_threadpool(_score, state, batch)
    except NoModel as exc:
        raise HTTPException(503, str(exc)) from exc
    state.requests += 1
    state.request_seconds += time.perf_counter() - t0
    return {"model": {"name": name, "version": version}, "predictions": [p.as_json() for p in preds]}


@router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus-style counters")
def metrics(state: SpamState) -> str:
    c = state.service.counters
    lines = [
        "# HELP aiworks_spam_predictions_total Emails scored by /spam/predict, by verdict.",
        "# TYPE aiworks_spam_predictions_total counter",
        f'aiworks_spam_predictions_total{{label="spam"}} {c["predicted_spam"]}',
        f'aiworks_spam_predictions_total{{label="ham"}} {c["predicted_ham"]}',
        "# TYPE aiworks_spam_malformed_emails_total counter",
        f"aiworks_spam_malformed_emails_total {c['malformed_emails']}",
        "# TYPE aiworks_spam_requests_total counter",
        f"aiworks_spam_requests_total {state.requests}",
        "# TYPE aiworks_spam_request_seconds_sum counter",
        f"aiworks_spam_request_seconds_sum {state.request_seconds:.6f}",
        "# TYPE aiworks_uptime_seconds gauge",
        f"aiworks_uptime_seconds {time.time() - state.started:.1f}",
    ]
    return "\n".join(lines) + "\n"
