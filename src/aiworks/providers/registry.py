"""Name → factory registries for pluggable providers, addressed by ``"kind:arg"`` specs.

A spec such as ``"minilm"``, ``"hash:64"`` or ``"openai-compatible:llama3"`` names a registered factory
(``kind``) and an optional argument. Factories import their heavy dependencies lazily so that listing
or resolving a provider never pays for SDKs that are not used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from aiworks.settings import Settings

T = TypeVar("T")


@dataclass(frozen=True)
class Spec:
    kind: str
    arg: str | None = None


def parse_spec(spec: str) -> Spec:
    """``"kind:arg"`` → Spec. The argument may itself contain colons (URLs, model tags)."""
    spec = (spec or "").strip()
    if not spec:
        raise ValueError("empty provider spec")
    kind, _, arg = spec.partition(":")
    return Spec(kind.strip().lower(), arg.strip() or None)


class UnknownProvider(ValueError):
    pass


class Registry(Generic[T]):
    """Factories taking ``(arg, settings)`` and returning a provider instance."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._factories: dict[str, Callable[[str | None, Settings], T]] = {}

    def register(
        self, kind: str
    ) -> Callable[[Callable[[str | None, Settings], T]], Callable[[str | None, Settings], T]]:
        def deco(factory: Callable[[str | None, Settings], T]) -> Callable[[str | None, Settings], T]:
            self._factories[kind.lower()] = factory
            return factory

        return deco

    def kinds(self) -> list[str]:
        return sorted(self._factories)

    def create(self, spec: str, settings: Settings | None = None) -> T:
        parsed = parse_spec(spec)
        factory = self._factories.get(parsed.kind)
        if factory is None:
            raise UnknownProvider(f"unknown {self.what} {parsed.kind!r}; known: {', '.join(self.kinds())}")
        return factory(parsed.arg, settings or Settings())
