"""Run the real app under uvicorn in a background thread, for tests and benchmarks (real HTTP, loopback only)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from aiworks.settings import Settings


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@contextmanager
def running_server(settings: Settings, startup_timeout_s: float = 30.0) -> Iterator[str]:
    """Serve ``create_app(settings)`` on settings.host (port 0 = a free one); yields the base URL."""
    import uvicorn

    from aiworks.api.app import create_app

    if not settings.port:
        settings.port = free_port(settings.host)
    config = uvicorn.Config(create_app(settings), host=settings.host, port=settings.port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"server did not start on {settings.host}:{settings.port}")
        time.sleep(0.05)
    try:
        yield f"http://{settings.host}:{settings.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
