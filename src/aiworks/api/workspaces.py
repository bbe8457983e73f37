"""Workspaces on disk and one cached Assistant per workspace.

A workspace is a directory under ``<home>/workspaces``; its name is also a path component, so names are
restricted to a safe pattern before they ever reach the file system.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from aiworks.settings import WORKSPACE_PATTERN, Settings, valid_workspace

__all__ = ["WORKSPACE_PATTERN", "WorkspacePool", "default_factory", "valid_workspace"]


def default_factory(settings: Settings, workspace: str) -> Any:
    from aiworks.rag.assistant import Assistant  # heavy (torch, lancedb): only when a workspace is used

    return Assistant(settings, workspace)


class WorkspacePool:
    def __init__(self, settings: Settings, factory: Callable[[Settings, str], Any] | None = None) -> None:
        self.settings = settings
        self._factory = factory or default_factory
        self._assistants: dict[str, Any] = {}
        self._locks: dict[str, threading.RLock] = {}
        self._guard = threading.Lock()

    def root(self):
        return self.settings.home / "workspaces"

    def names(self) -> list[str]:
        root = self.root()
        if not root.is_dir():
            return []
        return sorted(p.name for p in root.iterdir() if p.is_dir() and valid_workspace(p.name))

    def exists(self, name: str) -> bool:
        return valid_workspace(name) and self.settings.workspace_dir(name).is_dir()

    def create(self, name: str) -> bool:
        """True if it was created, False if it already existed."""
        path = self.settings.workspace_dir(name)
        if path.is_dir():
            return False
        path.mkdir(parents=True, exist_ok=True)
        return True

    def uploads_dir(self, name: str):
        path = self.settings.workspace_dir(name) / "uploads"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def lock(self, name: str) -> threading.RLock:
        """Serialises writes (ingest, remove) to one workspace's index."""
        with self._guard:
            return self._locks.setdefault(name, threading.RLock())

    def assistant(self, name: str) -> Any:
        with self._guard:
            existing = self._assistants.get(name)
        if existing is not None:
            return existing
        # Built outside the guard: loading the embedder takes seconds and must not block other workspaces.
        with self.lock(name):
            with self._guard:
                if name in self._assistants:
                    return self._assistants[name]
            built = self._factory(self.settings, name)
            with self._guard:
                self._assistants[name] = built
            return built
