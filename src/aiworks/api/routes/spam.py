"""HTTP routes of the spam job: ``POST /spam/predict`` and ``GET /metrics``.

``/spam/predict`` takes either JSON (``{"emails": [{"raw": "..."} | {"text": "..."}]}``, or one such object)
or a raw body with Content-Type ``message/rfc822`` / ``text/plain``. Sizes are checked before parsing.
"""

from __future__ import annotations

import json
import time

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field, ValidationError, model_validator

from aiworks.settings import Settings

MAX_EMAIL_BYTES = 1_000_000
MAX_BATCH = 256
MAX_REQUEST_BYTES = 16_000_000


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


def build_router(settings: Settings) -> APIRouter:
    from aiworks.spam.service import NoModel, SpamService

    router = APIRouter(tags=["spam"])
    service = SpamService(settings)
    started = time.time()
    latency = {"count": 0, "sum_s": 0.0}

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

    @router.post("/spam/predict", summary="Score one or more emails (raw RFC 822 or plain text)",
                 responses={503: {"description": "No spam model registered yet (run `aiworks spam train`)"}})
    async def predict(request: Request) -> dict:
        declared = int(request.headers.get("content-length") or 0)
        if declared > MAX_REQUEST_BYTES:
            raise HTTPException(413, f"request too large: {declared} bytes > {MAX_REQUEST_BYTES}")
        body = await request.body()
        if len(body) > MAX_REQUEST_BYTES:
            raise HTTPException(413, f"request too large: {len(body)} bytes > {MAX_REQUEST_BYTES}")
        if not body.strip():
            raise HTTPException(400, "empty request: send JSON {'emails': [...]} or a raw message")
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype in ("message/rfc822", "text/plain"):
            if len(body) > MAX_EMAIL_BYTES:
                raise HTTPException(413, f"email too large: {len(body)} bytes > {MAX_EMAIL_BYTES}")
            items: list[bytes | str] = [body]
            kinds = ["raw" if ctype == "message/rfc822" else "text"]
            ids = ["0"]
        elif ctype in ("application/json", ""):
            emails = _parse_json(body)
            if not emails:
                raise HTTPException(422, "'emails' is empty")
            if len(emails) > MAX_BATCH:
                raise HTTPException(413, f"batch too large: {len(emails)} emails > {MAX_BATCH}")
            for i, e in enumerate(emails):
                size = len((e.raw if e.raw is not None else e.text).encode("utf-8", "replace"))
                if size > MAX_EMAIL_BYTES:
                    raise HTTPException(413, f"email {e.id or i} too large: {size} bytes > {MAX_EMAIL_BYTES}")
            items = [e.raw if e.raw is not None else e.text for e in emails]
            kinds = ["raw" if e.raw is not None else "text" for e in emails]
            ids = [e.id or str(i) for i, e in enumerate(emails)]
        else:
            raise HTTPException(415, f"unsupported Content-Type {ctype!r}: use application/json, message/rfc822 or text/plain")

        def _score():
            from aiworks.spam.service import to_email

            emails = [to_email(it, k, id=i) for it, k, i in zip(items, kinds, ids)]
            texts = [f"{e.subject}\n{e.body}" for e in emails] if settings.log_prediction_text else None
            name, version, _ = service.model()
            return name, version, service.predict_emails(emails, texts)

        t0 = time.perf_counter()
        try:
            name, version, preds = await run_in_threadpool(_score)
        except NoModel as exc:
            raise HTTPException(503, str(exc)) from exc
        latency["count"] += 1
        latency["sum_s"] += time.perf_counter() - t0
        return {"model": {"name": name, "version": version}, "predictions": [p.as_json() for p in preds]}

    @router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus-style counters")
    def metrics() -> str:
        c = service.counters
        lines = [
            "# HELP aiworks_spam_predictions_total Emails scored by /spam/predict, by verdict.",
            "# TYPE aiworks_spam_predictions_total counter",
            f'aiworks_spam_predictions_total{{label="spam"}} {c["predicted_spam"]}',
            f'aiworks_spam_predictions_total{{label="ham"}} {c["predicted_ham"]}',
            "# TYPE aiworks_spam_malformed_emails_total counter",
            f"aiworks_spam_malformed_emails_total {c['malformed_emails']}",
            "# TYPE aiworks_spam_requests_total counter",
            f"aiworks_spam_requests_total {latency['count']}",
            "# TYPE aiworks_spam_request_seconds_sum counter",
            f"aiworks_spam_request_seconds_sum {latency['sum_s']:.6f}",
            "# TYPE aiworks_uptime_seconds gauge",
            f"aiworks_uptime_seconds {time.time() - started:.1f}",
        ]
        return "\n".join(lines) + "\n"

    return router
