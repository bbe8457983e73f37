"""API keys scoped to one workspace, and the request-level access check.

Keys are random tokens shown once at creation; only their SHA-256 is stored (``<home>/api_keys.json``), so a
leaked key file does not leak usable keys. The server re-reads the file when it changes, so ``aiworks keys
revoke`` takes effect on a running server without a restart.

Access rule (one place, used by every route):
- a request carrying a key may only touch that key's workspace (403 otherwise, 401 for an unknown key);
- a request without a key is allowed only in *local single-user mode*: the server is bound to a loopback
  address AND no key has been created yet. Creating the first key switches a local server to key-only.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from aiworks.settings import Settings

KEY_PREFIX = "aiw_"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class ApiKey:
    id: str  # public identifier, safe to print and to revoke by
    workspace: str
    sha256: str  # of the secret token
    created_at: str
    revoked: bool = False


@dataclass(frozen=True)
class Principal:
    """Who is calling: a key holder (one workspace) or the local user (every workspace)."""

    key_id: str | None
    workspace: str | None  # None = all workspaces (local mode)

    def can_access(self, workspace: str) -> bool:
        return self.workspace is None or self.workspace == workspace


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class KeyStore:
    """A tiny JSON-file key registry; writes are atomic (tmp file + rename)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._cache: tuple[float, list[ApiKey]] | None = None

    @classmethod
    def for_settings(cls, settings: Settings) -> "KeyStore":
        return cls(settings.home / "api_keys.json")

    def keys(self) -> list[ApiKey]:
        with self._lock:
            try:
                mtime = self.path.stat().st_mtime_ns
            except FileNotFoundError:
                return []
            if self._cache is None or self._cache[0] != mtime:
                raw = json.loads(self.path.read_text() or "[]")
                self._cache = (mtime, [ApiKey(**k) for k in raw])
            return list(self._cache[1])

    def _write(self, keys: list[ApiKey]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps([asdict(k) for k in keys], indent=2))
        os.chmod(tmp, 0o600)
        tmp.replace(self.path)
        self._cache = None

    def create(self, workspace: str) -> tuple[ApiKey, str]:
        """Returns the stored record and the secret token (the only time it exists in clear)."""
        token = KEY_PREFIX + secrets.token_urlsafe(32)
        key = ApiKey(
            id=secrets.token_hex(4),
            workspace=workspace,
            sha256=_digest(token),
            created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        )
        keys = self.keys()
        with self._lock:
            self._write(keys + [key])
        return key, token

    def revoke(self, key_id: str) -> bool:
        keys = self.keys()
        found = False
        updated = []
        for k in keys:
            if k.id == key_id and not k.revoked:
                k = ApiKey(**{**asdict(k), "revoked": True})
                found = True
            updated.append(k)
        if found:
            with self._lock:
                self._write(updated)
        return found

    def lookup(self, token: str) -> ApiKey | None:
        digest = _digest(token)
        for k in self.keys():
            # compare_digest: no timing oracle on the stored hashes
            if not k.revoked and secrets.compare_digest(k.sha256, digest):
                return k
        return None

    def any_active(self) -> bool:
        return any(not k.revoked for k in self.keys())


def local_mode(settings: Settings, store: KeyStore) -> bool:
    """No key needed: loopback-only bind and no key issued yet."""
    return settings.host in LOOPBACK_HOSTS and not store.any_active()


def auth_banner(settings: Settings) -> str:
    """The line ``aiworks serve`` prints at start, so the user knows whether keys are required."""
    store = KeyStore.for_settings(settings)
    if local_mode(settings, store):
        return (
            f"Local single-user mode: bound to {settings.host}, no API key needed "
            "(creating a key with `aiworks keys create` switches the server to key-only access)."
        )
    if settings.host not in LOOPBACK_HOSTS:
        why = f"bound to {settings.host} (not loopback)"
    else:
        why = "API keys exist"
    hint = "" if store.any_active() else " No key exists yet: create one with `aiworks keys create --workspace W`."
    return f"API keys required ({why}): send `Authorization: Bearer <key>` or `X-API-Key: <key>`.{hint}"


def token_of(request: Request) -> str | None:
    return token_of_headers(request.headers)


def token_of_headers(headers) -> str | None:
    """The key from ``Authorization: Bearer`` or ``X-API-Key`` (lower-case names in a plain dict work too)."""
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return headers.get("x-api-key") or None


# Declared as security schemes so /docs offers "Authorize"; the check itself is ours (auto_error=False).
BEARER_SCHEME = HTTPBearer(auto_error=False, description="API key as a bearer token")
KEY_HEADER_SCHEME = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key")


class Authenticator:
    """FastAPI dependency: resolves the caller to a Principal or raises 401."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = KeyStore.for_settings(settings)

    def __call__(
        self,
        bearer: HTTPAuthorizationCredentials | None = Depends(BEARER_SCHEME),
        header_key: str | None = Depends(KEY_HEADER_SCHEME),
    ) -> Principal:
        return self.resolve((bearer.credentials if bearer else None) or header_key)

    def resolve(self, token: str | None) -> Principal:
        if token:
            key = self.store.lookup(token)
            if key is None:
                raise HTTPException(401, "invalid or revoked API key", headers={"WWW-Authenticate": "Bearer"})
            return Principal(key_id=key.id, workspace=key.workspace)
        if local_mode(self.settings, self.store):
            return Principal(key_id=None, workspace=None)
        raise HTTPException(401, "API key required", headers={"WWW-Authenticate": "Bearer"})

    def mode(self) -> str:
        return "local" if local_mode(self.settings, self.store) else "keys"
