"""Ingesting a batch of files: parse ahead in a worker process while this one embeds, and commit parsed
documents in groups (shared embedding batches, one store commit per group), so neither the GIL-bound parser
nor the embedder waits for the other. One report per file; a bad file never stops the batch."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from aiworks.progress import Progress
from aiworks.rag.index import Indexer, Prepared, expand_paths
from aiworks.rag.parse_worker import remote_parse
from aiworks.rag.types import FileReport

GROUP_CHUNKS = 48  # commit parsed documents together until about one embedding batch of chunks is waiting
LOOKAHEAD = 12  # files parsed ahead of the one being committed


def ingest_batch(
    indexer: Indexer, paths: list[Path], progress: Progress | None, force: bool = False
) -> list[FileReport]:
    """Files or folders → one report per file (in order, name clashes last); the caller holds the write lock."""
    files, clashes = split_name_clashes(expand_paths(paths))

    def sub(i: int):
        return lambda msg, frac: progress(msg, (i + frac) / len(files)) if progress else None

    # Files are parsed ahead in the worker process while earlier ones are embedded here; parsed documents
    # are committed in groups (shared embedding batches, one store commit). The first file parses inline,
    # so a one-file batch never waits for the worker to start.
    slots: list[FileReport | None] = [None] * len(files)
    group: list[tuple[int, Prepared]] = []

    def flush() -> None:
        for (j, _), report in zip(group, indexer.commit_many([p for _, p in group], [sub(j) for j, _ in group])):
            slots[j] = report
        group.clear()

    with ThreadPoolExecutor(1, thread_name_prefix="aiworks-prepare") as ahead:
        futures: dict[int, Future] = {}
        for i, path in enumerate(files):
            for j in range(i + 1, i + 1 + LOOKAHEAD):  # the worker parses the next group while we embed
                if j < len(files) and j not in futures:
                    futures[j] = ahead.submit(indexer.prepare, files[j], None, sub(j), remote_parse, force)
            prepared = futures.pop(i).result() if i in futures else indexer.prepare(path, None, sub(i), force=force)
            if isinstance(prepared, FileReport):
                slots[i] = prepared
            else:
                group.append((i, prepared))
            # flush when enough chunks wait, or when the next file is not parsed yet: never sit idle
            # holding a group while the worker is still busy
            nxt = futures.get(i + 1)
            if group and (nxt is None or not nxt.done() or sum(len(p.chunks) for _, p in group) >= GROUP_CHUNKS):
                flush()
    return [r for r in slots if r is not None] + clashes


def split_name_clashes(files: list[Path]) -> tuple[list[Path], list[FileReport]]:
    """Documents are identified by file name (so a changed file replaces its old version). Two different files
    with one name in the same batch would silently replace each other: ingest the first, report the others."""
    first: dict[str, Path] = {}
    kept, clashes = [], []
    for path in files:
        other = first.setdefault(path.name, path)
        if other is path:
            kept.append(path)
        elif other.resolve() != path.resolve():  # the same file named twice is simply ingested once
            clashes.append(
                FileReport(
                    path=str(path),
                    status="error",
                    error=f"same file name as {other}: documents are identified by name; rename one",
                )
            )
    return kept, clashes
