"""Documents for the reliability runs, and the whole-document check used after every fault."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from aiworks.rag.samples import write_sample_contracts

SRC = Path(__file__).resolve().parents[2] / "src"
TOPICS = [
    "termination",
    "governing law",
    "payment terms",
    "confidentiality",
    "liability",
    "warranty",
    "assignment",
    "notices",
    "force majeure",
    "audit rights",
    "insurance",
    "non-solicitation",
]


def make_corpus(folder: Path, n_text: int = 12) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = write_sample_contracts(folder)
    for i in range(n_text):
        topic = TOPICS[i % len(TOPICS)]
        body = "\n\n".join(
            f"Section {j}. {topic.title()}. The parties agree that clause {i}-{j} on {topic} applies to the "
            f"supplier number {1000 + i} for a period of {j + 2} months, unless terminated in writing."
            for j in range(1, 40)
        )
        path = folder / f"agreement-{i:02d}.txt"
        path.write_text(f"AGREEMENT {i} ON {topic.upper()}\n\n{body}\n")
        files.append(path)
    return files


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "AIWORKS_HOME": str(home),
        "AIWORKS_EMBEDDER": "hash",
        "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        **extra,
    }


def cli(home: Path, *args: str, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aiworks.cli", *args],
        env=cli_env(home, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def cli_popen(home: Path, *args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "aiworks.cli", *args],
        env=cli_env(home, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def broken_documents(home: Path, workspace: str = "default") -> list[str]:
    """Every listed document must be whole: text, original and sentences stored, exactly its chunks in the
    store, no duplicates. Returns what is wrong (empty = all whole)."""
    from aiworks.rag.assistant import Assistant
    from aiworks.settings import Settings

    assistant = Assistant(Settings(home=home, embedder="hash"), workspace)
    problems = []
    for doc in assistant.documents():
        try:
            text = assistant.document_text(doc.id)
            if len(text) != doc.chars:
                problems.append(f"{doc.name}: text has {len(text)} chars, catalog {doc.chars}")
            if not assistant.original_file(doc.id).is_file():
                problems.append(f"{doc.name}: original missing")
        except (KeyError, OSError, StopIteration) as exc:
            problems.append(f"{doc.name}: {type(exc).__name__} {exc}")
        chunks = assistant.store.chunks(doc.id)
        if len(chunks) != doc.chunks or len({c.index for c in chunks}) != len(chunks):
            problems.append(f"{doc.name}: {len(chunks)} chunks stored, catalog {doc.chunks}")
    if assistant.store.count() != sum(d.chunks for d in assistant.documents()):
        problems.append(
            f"store holds {assistant.store.count()} chunks for "
            f"{sum(d.chunks for d in assistant.documents())} catalogued"
        )
    return problems
