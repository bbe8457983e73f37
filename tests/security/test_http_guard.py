"""The request guard against a real ``aiworks serve`` over real sockets: Host, Origin, headers, body limits."""

from __future__ import annotations

import select
import socket
import time

import pytest
from server_helpers import (
    files_under,
    json_request,
    raw_request,
    read_response,
    start_server,
)

from aiworks.api.auth import KeyStore
from aiworks.settings import Settings

CAP_MB = 2  # AIWORKS_MAX_UPLOAD_MB for these servers: the caps scale with it


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    home = tmp_path_factory.mktemp("local") / "home"
    server = start_server(home, AIWORKS_ALLOWED_HOSTS='["docs.internal"]', AIWORKS_MAX_UPLOAD_MB=str(CAP_MB))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def keyed(tmp_path_factory):
    home = tmp_path_factory.mktemp("keyed") / "home"
    (home / "workspaces" / "acme").mkdir(parents=True)
    _, token = KeyStore.for_settings(Settings(home=home)).create("acme")
    server = start_server(home, AIWORKS_MAX_UPLOAD_MB=str(CAP_MB))
    server.token = token
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("127.0.0.1:{port}", 200),
        ("localhost:{port}", 200),
        ("[::1]:{port}", 200),
        ("LOCALHOST.:{port}", 200),
        ("docs.internal:{port}", 200),  # configured in AIWORKS_ALLOWED_HOSTS
        ("evil.example:{port}", 400),
        ("127.0.0.1.evil.example", 400),
        ("", 400),
    ],
)
def test_host_allow_list_stops_dns_rebinding(local, host, status):
    got, _, body = raw_request(local.port, "GET", "/api/workspaces", {"Host": host.format(port=local.port)})
    assert got == status, body
    if status == 400:
        assert b"invalid Host header" in body


def test_foreign_origin_cannot_change_anything(local):
    port = local.port
    for origin in ("http://evil.example", "null", f"http://localhost:{port + 1}", "http://127.0.0.1"):
        status, body = json_request(port, "POST", "/api/workspaces", {"name": "planted"}, {"Origin": origin})
        assert status == 403 and "cross-origin" in body["detail"], (origin, body)
    status, _ = json_request(port, "POST", "/api/workspaces", {"name": "x"}, {"Sec-Fetch-Site": "cross-site"})
    assert status == 403
    assert not (local.home / "workspaces" / "planted").exists()
    # a foreign page may still GET (the Host check and the browser's same-origin policy protect reads)
    assert raw_request(port, "GET", "/health", {"Origin": "http://evil.example"})[0] == 200
    # the UI's own origin, and clients that send no Origin (curl, scripts), are fine
    assert (
        json_request(port, "POST", "/api/workspaces", {"name": "mine"}, {"Origin": f"http://127.0.0.1:{port}"})[0]
        == 201
    )
    assert json_request(port, "POST", "/api/workspaces", {"name": "cli"})[0] == 201


@pytest.mark.parametrize(
    "path", ["/", "/health", "/api/session", "/api/workspaces/nope/documents", "/docs", "/openapi.json"]
)
def test_security_headers_on_every_response(local, path):
    for host in (f"127.0.0.1:{local.port}", "evil.example"):  # refusals carry them too
        _, headers, _ = raw_request(local.port, "GET", path, {"Host": host})
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "DENY"
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp
        if not path.startswith("/docs"):
            assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def _upload_head(port: int, length: int | None, token: str | None) -> bytes:
    lines = [
        "POST /api/workspaces/acme/documents HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: multipart/form-data; boundary=XyZ",
    ]
    lines.append(f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked")
    if token:
        lines.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _written(server) -> list:
    return files_under(server.tmpdir, *(server.home / "workspaces").glob("*/uploads"))


@pytest.mark.parametrize("token", [None, "aiw_wrong", "valid"])
def test_oversized_body_is_refused_before_it_is_read(keyed, token):
    """200 MB declared: the answer (401 without/with a bad key, 413 with a good one) comes before one body byte
    is sent, and nothing reaches the disk."""
    token = keyed.token if token == "valid" else token
    with socket.create_connection(("127.0.0.1", keyed.port), timeout=20) as s:
        t0 = time.perf_counter()
        s.sendall(_upload_head(keyed.port, 200 << 20, token))
        status, _, body = read_response(s)
        elapsed = time.perf_counter() - t0
    assert status == (413 if token == keyed.token else 401), body
    assert elapsed < 5
    assert _written(keyed) == []


def test_chunked_body_is_cut_at_the_cap(keyed):
    cap = (CAP_MB + 1) << 20  # the upload cap plus the multipart allowance
    piece = b"a" * (256 << 10)
    frame = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    sent = 0
    with socket.create_connection(("127.0.0.1", keyed.port), timeout=20) as s:
        s.sendall(_upload_head(keyed.port, None, keyed.token))
        status = None
        while sent < 50 * cap:
            readable, _, _ = select.select([s], [], [], 0)
            if readable:
                break
            try:
                s.sendall(frame)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(piece)
        status, _, body = read_response(s)
    assert status == 413 and b"too large" in body
    assert sent < cap + (16 << 20)  # the cap plus what socket buffers held when the answer came
    assert _written(keyed) == []


def test_chunked_upload_without_a_key_is_refused_at_once(keyed):
    with socket.create_connection(("127.0.0.1", keyed.port), timeout=20) as s:
        s.sendall(_upload_head(keyed.port, None, None) + b"400\r\n" + b"a" * 1024 + b"\r\n")
        assert read_response(s)[0] == 401
    assert _written(keyed) == []


def test_key_for_another_workspace_is_refused_before_the_body(keyed):
    (keyed.home / "workspaces" / "other").mkdir(exist_ok=True)
    head = _upload_head(keyed.port, 100 << 20, keyed.token).replace(b"/acme/", b"/other/")
    with socket.create_connection(("127.0.0.1", keyed.port), timeout=20) as s:
        s.sendall(head)
        assert read_response(s)[0] == 403


def test_small_json_over_its_own_cap_is_refused(keyed):
    status, _, _ = raw_request(
        keyed.port,
        "POST",
        "/api/workspaces/acme/ask",
        {"Authorization": f"Bearer {keyed.token}", "Content-Length": str(40 << 20), "Content-Type": "application/json"},
    )
    assert status == 413
