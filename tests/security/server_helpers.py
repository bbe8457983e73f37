"""A real ``aiworks serve`` in a subprocess (so tests can kill -9 it and watch its files), plus raw HTTP."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    home: Path
    tmpdir: Path
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill9(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)  # the whole group: uvicorn and any parse worker
        self.proc.wait(30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill9()


def env_for(home: Path, tmpdir: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "AIWORKS_HOME": str(home),
        "AIWORKS_EMBEDDER": extra.pop("embedder", "hash"),
        "TMPDIR": str(tmpdir),
        "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    env.update(extra)
    return env


def start_server(home: Path, tmpdir: Path | None = None, timeout_s: float = 90, **extra: str) -> Server:
    tmpdir = tmpdir or home.parent / f"tmp-{home.name}"
    tmpdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = home.parent / f"server-{home.name}-{port}.log"
    with open(log, "wb") as out:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(
            [sys.executable, "-m", "aiworks.cli", "serve", "--port", str(port)],
            env=env_for(home, tmpdir, **extra),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(proc, port, home, tmpdir, log)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        try:
            if raw_request(port, "GET", "/health")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.kill9()
    raise RuntimeError(f"server did not start: {log.read_text()[-2000:]}")


def raw_request(
    port: int, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"", timeout: float = 30
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request over a plain socket: full control of Host, Origin and framing."""
    hdrs = {"Host": f"127.0.0.1:{port}", "Connection": "close", **(headers or {})}
    if body and "Content-Length" not in hdrs and "Transfer-Encoding" not in hdrs:
        hdrs["Content-Length"] = str(len(body))
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in hdrs.items()) + "\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(head.encode("latin-1") + body)
        return read_response(s)


def read_response(s: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines[1:] if ":" in ln)}
    length = int(headers.get("content-length", -1))
    while length < 0 or len(rest) < length:
        try:
            chunk = s.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        rest += chunk
    return status, headers, rest


def json_request(port: int, method: str, path: str, payload=None, headers: dict[str, str] | None = None):
    body = json.dumps(payload).encode() if payload is not None else b""
    hdrs = {"Content-Type": "application/json", **(headers or {})}
    status, _, raw = raw_request(port, method, path, hdrs, body)
    try:
        return status, json.loads(raw or b"null")
    except json.JSONDecodeError:
        return status, raw.decode("latin-1")


def files_under(*roots: Path) -> list[Path]:
    return sorted(p for r in roots if r.exists() for p in r.rglob("*") if p.is_file())
