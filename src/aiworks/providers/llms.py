"""Answer generators behind one ``LLM`` protocol.

- ``extractive`` (default, offline): not a generator at all; the answering stage picks cited sentences itself.
- ``openai-compatible[:model]``: POST ``{llm_base_url}/chat/completions`` (OpenAI, Ollama, vLLM, llama.cpp server),
  with server-sent-event streaming (``stream: true``) and tool calls (``ToolLLM``).
- ``anthropic[:model]``: the Messages API over plain HTTP (no SDK), streaming too; no tool calls here.
- ``scripted[:reply]``: replays fixed replies, for tests and demos without a model.

Every failure is an ``LLMError`` whose subclass says what happened (unreachable, timed out, refused, cut off),
so the answering stage can fall back to quotes and say why in the answer's ``warnings``.
"""

from __future__ import annotations

import json
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


class _HTTPLLM:
    generative = True
    name = "http"

    def __init__(self, base_url: str, model: str, api_key: str | None, timeout_s: float, max_tokens: int = 512):
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.spec = f"{self.name}:{model}"
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens

    def _failure(self, url: str, exc: Exception) -> LLMError:
        import httpx

        if isinstance(exc, httpx.TimeoutException):
            return LLMTimeout(f"{self.spec} timed out after {self.timeout_s:g} s ({url})")
        if isinstance(exc, httpx.ConnectError):
            return LLMUnreachable(f"{self.spec} unreachable at {url}: {exc}")
        return LLMCutOff(f"{self.spec}: connection to {url} lost: {type(exc).__name__}: {exc}")

    def _post(self, url: str, body: dict, headers: dict[str, str]) -> dict:
        import httpx

        try:
            resp = httpx.post(url, json=body, headers=headers, timeout=self.timeout_s)
        except httpx.HTTPError as exc:
            raise self._failure(url, exc) from exc
        if resp.status_code >= 400:
            raise LLMRefused(f"{self.spec}: HTTP {resp.status_code} from {url}: {resp.text[:300]}", resp.status_code)
        try:
            return resp.json()
        except ValueError as exc:
            raise LLMError(f"{self.spec}: non-JSON reply from {url}") from exc

    def _events(self, url: str, body: dict, headers: dict[str, str]) -> Iterator[dict]:
        """The JSON ``data:`` payloads of a server-sent-event reply, as they arrive (``[DONE]`` ends it)."""
        import httpx

        try:
            with httpx.stream("POST", url, json=body, headers=headers, timeout=self.timeout_s) as resp:
                if resp.status_code >= 400:
                    text = resp.read().decode("utf-8", "replace")
                    raise LLMRefused(f"{self.spec}: HTTP {resp.status_code} from {url}: {text[:300]}", resp.status_code)
                for line in resp.iter_lines():
                    if not line.startswith("data:"):
                        continue  # event names, comments (keep-alives), blank separators
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    try:
                        yield json.loads(data)
                    except ValueError as exc:
                        raise LLMError(f"{self.spec}: unreadable stream event from {url}: {data[:200]}") from exc
        except httpx.HTTPError as exc:
            raise self._failure(url, exc) from exc


class OpenAICompatibleLLM(_HTTPLLM):
    name = "openai-compatible"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def _body(self, messages: list[dict], **extra: Any) -> dict:
        return {"model": self.model, "messages": messages, "temperature": 0, "max_tokens": self.max_tokens, **extra}

    @staticmethod
    def _messages(system: str, prompt: str) -> list[dict]:
        return [{"role": "system", "content": system}, {"role": "user", "content": prompt}]

    def _message(self, data: dict) -> dict:
        try:
            message = data["choices"][0]["message"]
            if not isinstance(message, dict):
                raise TypeError
            return message
        except (KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"{self.spec}: unexpected reply shape: {str(data)[:300]}") from exc

    def complete(self, system: str, prompt: str) -> str:
        data = self._post(
            f"{self.base_url}/chat/completions", self._body(self._messages(system, prompt)), self._headers()
        )
        return str(self._message(data).get("content") or "")

    def stream(self, system: str, prompt: str) -> Iterator[str]:
        url = f"{self.base_url}/chat/completions"
        finished = False
        for event in self._events(url, self._body(self._messages(system, prompt), stream=True), self._headers()):
            for choice in event.get("choices") or []:
                piece = (choice.get("delta") or {}).get("content")
                if piece:
                    yield piece
                finished = finished or bool(choice.get("finish_reason"))
            if "error" in event:
                raise LLMError(f"{self.spec}: error in stream: {str(event['error'])[:300]}")
        # a clean end of the connection without [DONE] or a finish_reason is a server that stopped mid-answer;
        # _events returns normally on [DONE], so only a finish_reason-less, [DONE]-less end lands here unfinished
        if not finished:
            raise LLMCutOff(f"{self.spec}: the stream ended before the model finished")

    def call_tools(self, messages: list[dict], tools: list[dict], force: str | None = None) -> list[ToolCall]:
        extra: dict[str, Any] = {"tools": tools}
        if force:
            extra["tool_choice"] = {"type": "function", "function": {"name": force}}
        data = self._post(f"{self.base_url}/chat/completions", self._body(messages, **extra), self._headers())
        calls = []
        for raw in self._message(data).get("tool_calls") or []:
            fn = (raw or {}).get("function") or {}
            args = fn.get("arguments")
            if isinstance(args, str):
                try:
                    args = json.loads(args)
                except ValueError:
                    args = {}
            calls.append(ToolCall(str(fn.get("name") or ""), args if isinstance(args, dict) else {}))
        return calls


class AnthropicLLM(_HTTPLLM):
    name = "anthropic"

    def _headers(self) -> dict[str, str]:
        headers = {"anthropic-version": "2023-06-01"}
        if self.api_key:
            headers["x-api-key"] = self.api_key
        return headers

    def _body(self, system: str, prompt: str, **extra: Any) -> dict:
        return {
            "model": self.model,
            "system": system,
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": self.max_tokens,
            "temperature": 0,
            **extra,
        }

    def complete(self, system: str, prompt: str) -> str:
        data = self._post(f"{self.base_url}/v1/messages", self._body(system, prompt), self._headers())
        try:
            return "".join(block.get("text", "") for block in data["content"] if block.get("type") == "text")
        except (KeyError, TypeError, AttributeError) as exc:
            raise LLMError(f"{self.spec}: unexpected reply shape: {str(data)[:300]}") from exc

    def stream(self, system: str, prompt: str) -> Iterator[str]:
        url = f"{self.base_url}/v1/messages"
        finished = False
        for event in self._events(url, self._body(system, prompt, stream=True), self._headers()):
            kind = event.get("type")
            if kind == "content_block_delta" and (event.get("delta") or {}).get("type") == "text_delta":
                yield str(event["delta"].get("text") or "")
            elif kind == "error":
                raise LLMError(f"{self.spec}: error in stream: {str(event.get('error'))[:300]}")
            elif kind == "message_stop":
                finished = True
                break
        if not finished:
            raise LLMCutOff(f"{self.spec}: the stream ended before the model finished")


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
    base = settings.llm_base_url or "https://api.openai.com/v1"
    model = _model(arg, settings, "openai-compatible")
    return OpenAICompatibleLLM(base, model, settings.llm_api_key, settings.llm_timeout_s, settings.llm_max_tokens)


@LLMS.register("anthropic")
def _anthropic(arg: str | None, settings: Settings) -> LLM:
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
