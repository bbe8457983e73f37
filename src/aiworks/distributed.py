"""Distributed ingestion on Ray: files are parsed, chunked and embedded by actors on the cluster (one per
CPU, each holding its own embedder), and the driver writes every result through the assistant's own
Indexer (version folder, catalog row and chunks in one transaction), so the write path and its guarantees
are the ingest path's. With PostgreSQL (AIWORKS_DATABASE_URL) any number of servers see the result.

The driver hashes each file first and skips unchanged ones (the catalog knows their hash), ships the bytes
of the others through Ray's object store (workers need no shared folder), and commits results as they
arrive, in completion order. ``address``: "local" starts a private Ray on 127.0.0.1 (no dashboard, every
listener on loopback); anything else is passed to ``ray.init`` (e.g. "ray://head:10001" or "auto").
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path

from aiworks.progress import Progress
from aiworks.rag.types import FileReport


def _init(address: str | None, num_cpus: int):
    import ray

    os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if ray.is_initialized():
        return ray
    if address in (None, "", "local"):
        ray.init(
            num_cpus=num_cpus,
            include_dashboard=False,
            _node_ip_address="127.0.0.1",
            log_to_driver=False,
            configure_logging=False,
        )
    else:
        ray.init(address=address, log_to_driver=False, configure_logging=False)
    return ray


def _actor_class():
    import ray

    @ray.remote(num_cpus=1)
    class ParseEmbed:
        """One per CPU: parses and embeds whole documents with its own (single-threaded) embedder."""

        def __init__(self, settings_json: str) -> None:
            import torch

            from aiworks.providers.embedders import load_embedder
            from aiworks.rag.index import Indexer
            from aiworks.settings import Settings

            torch.set_num_threads(1)
            settings = Settings.model_validate_json(settings_json)
            self.indexer = Indexer(
                Path(tempfile.gettempdir()),
                None,
                load_embedder(settings),
                None,  # type: ignore[arg-type]
                settings.chunk_words,
                settings.chunk_overlap_words,
            )

        def run(self, name: str, data: bytes, document_id: str):
            from aiworks.rag.embed import embed_group
            from aiworks.rag.index import Prepared, parse_and_chunk
            from aiworks.rag.parse import ParseError

            t0 = time.perf_counter()
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / ("file" + Path(name).suffix.lower())
                path.write_bytes(data)
                try:
                    doc, layout, chunks, prefix = parse_and_chunk(
                        path, name, document_id, self.indexer.chunk_words, self.indexer.overlap_words
                    )
                except ParseError as exc:
                    return name, str(exc), None
                except Exception as exc:  # noqa: BLE001 - one bad file never stops the batch
                    return name, f"failed: {type(exc).__name__}: {exc}", None
            p = Prepared(path, name, t0, document_id, None, doc, layout, chunks, prefix, 0.0)
            (embedded,) = embed_group(self.indexer.embedder, [p])
            return name, None, (doc, layout, chunks, prefix, embedded, time.perf_counter() - t0)

    return ParseEmbed


def ingest_on_ray(
    assistant,
    paths: list[Path],
    address: str | None = None,
    progress: Progress | None = None,
    actors: int | None = None,
) -> list[FileReport]:
    from aiworks.rag.index import Prepared, document_id_for, expand_paths
    from aiworks.rag.parse import ParseError, detect_kind

    files = expand_paths(paths)
    reports: list[FileReport] = []
    todo: list[tuple[Path, str, str]] = []
    seen: dict[str, Path] = {}
    for path in files:
        started = time.perf_counter()
        name = path.name
        if name in seen:
            if seen[name].resolve() != path.resolve():
                reports.append(
                    FileReport(
                        path=str(path),
                        status="error",
                        error=f"same file name as {seen[name]}: documents are identified by name; rename one",
                    )
                )
            continue
        seen[name] = path
        try:
            detect_kind(path)
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
        except ParseError as exc:
            reports.append(FileReport(path=str(path), status="error", error=str(exc)))
            continue
        except OSError as exc:
            reports.append(FileReport(path=str(path), status="error", error=f"unreadable: {exc}"))
            continue
        existing = assistant.catalog.get(document_id_for(name))
        if existing is not None and existing.sha256 == sha:
            reports.append(
                FileReport(
                    path=str(path),
                    status="unchanged",
                    document_id=existing.id,
                    pages=existing.pages,
                    chunks=existing.chunks,
                    seconds=round(time.perf_counter() - started, 3),
                )
            )
        else:
            todo.append((path, name, document_id_for(name)))
    if todo:
        ray = _init(address, actors or 2)
        n = actors or max(1, int(ray.cluster_resources().get("CPU", 1)))
        pool = ray.util.ActorPool([_actor_class().remote(assistant.settings.model_dump_json()) for _ in range(n)])
        by_name = {name: (path, doc_id) for path, name, doc_id in todo}
        results = pool.map_unordered(lambda a, item: a.run.remote(item[1], item[0].read_bytes(), item[2]), todo)
        for done, (name, error, payload) in enumerate(results, start=1):
            path, doc_id = by_name[name]
            if error is not None:
                reports.append(FileReport(path=str(path), status="error", error=error))
            else:
                doc, layout, chunks, prefix, embedded, seconds = payload
                p = Prepared(
                    path,
                    name,
                    time.perf_counter(),
                    doc_id,
                    assistant.catalog.get(doc_id),
                    doc,
                    layout,
                    chunks,
                    prefix,
                    seconds,
                )
                reports.extend(assistant.indexer.commit_many([p], embedded=[embedded]))
            if progress:
                progress(f"{name}: done", done / len(todo))
        if any(r.status in ("ingested", "replaced") for r in reports):
            assistant.store.optimize()
    if progress:
        progress("done", 1.0)
    return reports


def shutdown() -> None:
    import ray

    if ray.is_initialized():
        ray.shutdown()
