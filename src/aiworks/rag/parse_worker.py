"""The process-wide parse worker of the assistant's ingestion (one per process, shared by every Assistant).

Parsing runs in a separate process so that pdfplumber's pure-Python work does not hold the GIL while the
embedder runs; the worker dies with its parent (``die_with_parent``), so a killed CLI leaves no orphan.
"""

from __future__ import annotations

import atexit
import os
import threading

from aiworks.rag.index import parse_and_chunk
from aiworks.rag.wslock import die_with_parent

_WORKER_LOCK = threading.Lock()
_WORKER = None


def _parse_worker():
    """One process-wide parse worker, started on first use (~1 s) and reused by every batch and Assistant.

    A process, not a thread: pdfplumber is pure Python and a parse thread held the GIL enough to slow the
    embedding thread ~1.7x. ``spawn``, not fork: the parent holds torch and LanceDB runtime threads."""
    global _WORKER
    with _WORKER_LOCK:
        if _WORKER is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            _WORKER = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn"), initializer=die_with_parent, initargs=(os.getpid(),)
            )
            # shut it down before interpreter teardown (otherwise its weakref callback errors at exit)
            atexit.register(_WORKER.shutdown, wait=True, cancel_futures=True)
        return _WORKER


def remote_parse(*args):
    """``parse_and_chunk(*args)`` in the worker process (in this one if the worker died)."""
    global _WORKER
    from concurrent.futures.process import BrokenProcessPool

    try:
        return _parse_worker().submit(parse_and_chunk, *args).result()
    except BrokenProcessPool:  # the worker died (e.g. out of memory): replace it, parse here this time
        with _WORKER_LOCK:
            _WORKER = None
        return parse_and_chunk(*args)
