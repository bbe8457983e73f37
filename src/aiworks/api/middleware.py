"""Request guard in front of every route (pure ASGI, so nothing runs before it and no body is read early).

In order, before the application sees a byte of the body:
1. **Host allow-list** (DNS rebinding): a page on ``evil.example`` whose name is re-pointed at 127.0.0.1 makes
   the browser send ``Host: evil.example``; a server bound to loopback answers only to loopback names and the
   names in ``settings.allowed_hosts``. (A server bound to a public address with no names configured answers
   to any Host: it requires API keys there, which a rebinding page does not have.)
2. **Origin** on state-changing methods: a browser always sends ``Origin`` on a cross-site POST/DELETE; one
   that is not this server's own origin (or in ``settings.allowed_origins``) is refused, so another website
   cannot plant documents through a local-mode server. Clients that send no Origin (curl, scripts) are not
   browsers and are unaffected.
3. **Authentication before the body**: an API request that carries a body is authenticated (and its key
   checked against the workspace in the path) from its headers; 401/403 go out without reading the upload.
4. **Size before the body**: ``Content-Length`` over the route's cap → 413 at once; a chunked body is read
   into memory up to the cap and refused the moment it passes it (never spooled to disk, never handed on).
Every response (the refusals included) gets the security headers: a CSP that the built UI and its pdf.js
worker satisfy, ``nosniff``, ``frame-ancestors 'none'`` (+ X-Frame-Options), ``Referrer-Policy: no-referrer``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException

from aiworks.api.auth import LOOPBACK_HOSTS, Authenticator, token_of_headers
from aiworks.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
MULTIPART_OVERHEAD = 1 << 20  # boundaries and part headers around one file of max_upload_mb
_UPLOAD = re.compile(r"^/api/workspaces/[^/]+/documents/?$")
_WORKSPACE = re.compile(r"^/api/workspaces/([^/]+)(?:/|$)")
_NO_AUTH = {"/api/session"}

# The built UI: scripts and the pdf.js module worker are same-origin files (Vite bundles them); pdf.js may
# compile WebAssembly image decoders ('wasm-unsafe-eval' allows WebAssembly only, never JS eval); React and
# pdf.js set styles at run time. Everything else is same-origin or nothing.
UI_CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# /docs and /redoc (FastAPI's offline Swagger UI / ReDoc) start with an inline script and ReDoc uses blob workers.
DOCS_CSP = UI_CSP.replace("script-src 'self' 'wasm-unsafe-eval'", "script-src 'self' 'unsafe-inline'")
_DOCS = ("/docs", "/redoc")
BASE_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


def host_name(host_header: str) -> str:
    """``[::1]:8000`` → ``[::1]``, ``LocalHost.:80`` → ``localhost``."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0].rstrip(".") if host.count(":") == 1 else host.rstrip(".")


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings, auth: Authenticator | None = None) -> None:
        self.app = app
        self.settings = settings
        self.auth = auth or Authenticator(settings)
        names = {h.lower().rstrip(".") for h in settings.allowed_hosts}
        self.allowed_hosts = {"127.0.0.1", "localhost", "[::1]"} | names
        # loopback-bound (or names configured): enforce the list; public bind without names: any Host
        self.enforce_hosts = settings.host in LOOPBACK_HOSTS or bool(names)
        self.allowed_origins = {o.lower().rstrip("/") for o in settings.allowed_origins}
        self.upload_cap = settings.max_upload_mb * (1 << 20) + MULTIPART_OVERHEAD
        self.json_cap = settings.max_json_mb * (1 << 20)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = self._with_headers(scope, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        path, method = scope.get("path", ""), scope.get("method", "GET")
        host = headers.get("host", "")
        if self.enforce_hosts and host_name(host) not in self.allowed_hosts:
            await _refuse(
                send,
                400,
                f"invalid Host header {host[:100]!r}: this server answers to "
                f"{', '.join(sorted(self.allowed_hosts))} (add names with AIWORKS_ALLOWED_HOSTS)",
            )
            return
        if method not in SAFE_METHODS and not self._origin_ok(headers, host):
            await _refuse(
                send,
                403,
                "cross-origin request refused: state-changing requests must come from this "
                "server's own pages (add origins with AIWORKS_ALLOWED_ORIGINS)",
            )
            return
        declared = headers.get("content-length")
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        if (chunked or (declared not in (None, "0"))) and path.startswith("/api/") and path not in _NO_AUTH:
            refusal = self._auth_refusal(path, headers)
            if refusal is not None:
                await _refuse(send, *refusal)
                return
        cap = self.upload_cap if _UPLOAD.match(path) else self.json_cap
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await _refuse(send, 400, "invalid Content-Length")
                return
            if size > cap:
                await _refuse(send, 413, _too_large(cap))
                return
        elif chunked:
            body = await _read_capped(receive, cap)
            if body is None:
                await _refuse(send, 413, _too_large(cap))
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send)

    def _origin_ok(self, headers: dict[str, str], host: str) -> bool:
        origin = headers.get("origin")
        if origin is None:
            # no Origin: not a browser's cross-site request, unless the browser says so itself
            return headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none", "same-site")
        origin = origin.strip().lower().rstrip("/")
        if origin in self.allowed_origins:
            return True
        parts = urlsplit(origin)
        return bool(parts.scheme in ("http", "https") and parts.netloc and parts.netloc == host.strip().lower())

    def _auth_refusal(self, path: str, headers: dict[str, str]) -> tuple[int, str, dict[str, str]] | None:
        try:
            who = self.auth.resolve(token_of_headers(headers))
        except HTTPException as exc:
            return exc.status_code, str(exc.detail), dict(exc.headers or {})
        match = _WORKSPACE.match(path)
        if match and not who.can_access(match.group(1)):
            return 403, f"this API key is not valid for workspace '{match.group(1)}'", {}
        return None

    def _with_headers(self, scope: Scope, send: Send) -> Send:
        csp = DOCS_CSP if scope.get("path", "").startswith(_DOCS) else UI_CSP
        extra = [*BASE_HEADERS, (b"content-security-policy", csp.encode())]

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in have)]
            await send(message)

        return wrapped


def _too_large(cap: int) -> str:
    return f"request body too large (limit {cap / (1 << 20):.0f} MB for this route)"


async def _read_capped(receive: Receive, cap: int) -> bytes | None:
    """The whole chunked body, or None as soon as it passes ``cap`` (the rest is never read)."""
    parts, total = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(parts)
        chunk = message.get("body", b"")
        total += len(chunk)
        if total > cap:
            return None
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _refuse(send: Send, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
