"""Answer generators behind one ``LLM`` protocol, and the registry that resolves a spec to one.

- ``extractive`` (default, offline): not a generator at all; the answering stage picks cited sentences itself.
- ``openai-compatible[:model]``: POST ``{llm_base_url}/chat/completions`` (OpenAI, Ollama, vLLM, llama.cpp server),
  with server-sent-event streaming (``stream: true``) and tool calls (``ToolLLM``).
- ``anthropic[:model]``: the Messages API over plain HTTP (no SDK), streaming too; no tool calls here.
- ``scripted[:reply]``: replays fixed replies, for tests and demos without a model.

The two HTTP answerers live in ``llm_http.py`` (their shared transport and wire formats); this module holds what
every caller needs (the protocol, the errors, the registry) and the offline answerers, and imports the HTTP ones
only when a spec names them.

Every failure is an ``LLMError`` whose subclass says what happened (unreachable, timed out, refused, cut off),
so the answering stage can fall back to quotes and say why in the answer's ``warnings``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from aiworks.providers.registry import Registry
from aiworks.settings import Settings


class LLMError(RuntimeError):
    """The model could not be reached or answered unusably; callers fall back to extractive answering."""


class LLMUnreachable(LLMError):
    """No connection (refused, DNS, reset before any reply)."""


class LLMTimeout(LLMError):
    """Connected, but no (further) reply within the timeout."""


class LLMRefused(LLMError):
    """The server answered with an HTTP error status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class LLMCutOff(LLMError):
    """The streamed reply broke off before the model finished (server died mid-answer)."""


@runtime_checkable
class LLM(Protocol):
    name: str  # provider kind ("openai-compatible")
    spec: str  # what answered: "openai-compatible:MODEL" (``answered_by`` in answers, ``answerer`` in /api/session)
    generative: bool  # False → the answering stage uses its extractive path

    def complete(self, system: str, prompt: str) -> str: ...

    def stream(self, system: str, prompt: str) -> Iterator[str]:
        """The same reply as ``complete``, as text pieces while the model produces them."""
        ...


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: dict[str, Any]  # parsed JSON; {} when the model wrote none or invalid JSON


@runtime_checkable
class ToolLLM(LLM, Protocol):
    """An LLM that speaks the OpenAI tool-calling protocol (``tools`` + ``tool_choice``)."""

    def call_tools(self, messages: list[dict], tools: list[dict], force: str | None = None) -> list[ToolCall]:
        """The tool calls of one reply ([] when the model answered in text instead). ``force``: a tool name
        the reply must call (``tool_choice`` naming it). ``LLMRefused`` when the server rejects tools."""
        ...


LLMS: Registry[LLM] = Registry("llm")


class ExtractiveLLM:
    name = spec = "extractive"
    generative = False

    def complete(self, system: str, prompt: str) -> str:  # pragma: no cover - never called by design
        raise LLMError("the extractive provider does not generate text")

    def stream(self, system: str, prompt: str) -> Iterator[str]:  # pragma: no cover - never called by design
        raise LLMError("the extractive provider does not generate text")


class ScriptedLLM:
    """Returns ``replies`` in order (the last one repeats); records every prompt it was given. ``stream`` yields
    the reply word by word."""

    generative = True

    def __init__(self, replies: list[str]) -> None:
        if not replies:
            raise ValueError("ScriptedLLM needs at least one reply")
        self.name = self.spec = "scripted"
        self.replies = list(replies)
        self.prompts: list[tuple[str, str]] = []

    def complete(self, system: str, prompt: str) -> str:
        self.prompts.append((system, prompt))
        return self.replies[min(len(self.prompts) - 1, len(self.replies) - 1)]

    def stream(self, system: str, prompt: str) -> Iterator[str]:
        words = self.complete(system, prompt).split(" ")
        for i, word in enumerate(words):
            yield word + (" " if i < len(words) - 1 else "")


@LLMS.register("extractive")
def _extractive(arg: str | None, settings: Settings) -> LLM:
    return ExtractiveLLM()


@LLMS.register("scripted")
def _scripted(arg: str | None, settings: Settings) -> LLM:
    return ScriptedLLM([arg or "I could not find this in the documents."])


def _model(arg: str | None, settings: Settings, kind: str) -> str:
    model = arg or settings.llm_model
    if not model:
        raise ValueError(f"{kind} needs a model: use '{kind}:MODEL' or set AIWORKS_LLM_MODEL")
    return model


@LLMS.register("openai-compatible")
def _openai(arg: str | None, settings: Settings) -> LLM:
    from aiworks.providers.llm_http import OpenAICompatibleLLM

    base = settings.llm_base_url or "https://api.openai.com/v1"
    model = _model(arg, settings, "openai-compatible")
    return OpenAICompatibleLLM(base, model, settings.llm_api_key, settings.llm_timeout_s, settings.llm_max_tokens)


@LLMS.register("anthropic")
def _anthropic(arg: str | None, settings: Settings) -> LLM:
    from aiworks.providers.llm_http import AnthropicLLM

    base = settings.llm_base_url or "https://api.anthropic.com"
    model = _model(arg, settings, "anthropic")
    return AnthropicLLM(base, model, settings.llm_api_key, settings.llm_timeout_s, settings.llm_max_tokens)


def load_llm(settings: Settings, spec: str | None = None) -> LLM:
    return LLMS.create(spec or settings.llm, settings)


def answerer_spec(settings: Settings) -> str:
    """The configured answerer as ``answered_by`` names it (``extractive``, ``openai-compatible:MODEL``); the raw
    setting when it cannot be resolved (e.g. no model configured: asking then fails with that error)."""
    try:
        return load_llm(settings).spec
    except (ValueError, KeyError):
        return settings.llm
