"""The HTTP answerers: one transport for model servers and the two wire dialects spoken over it.

Why a module of its own: these are the only answerers that talk to the network (``httpx``, imported lazily),
and the transport's failure mapping (unreachable, timed out, refused, cut off: the ``LLMError`` subclasses the
answering stage falls back on) is shared by both dialects, while ``llms.py`` keeps the protocol, the registry
and the offline answerers. The registry's factories (``llms.py``) import this module when a spec names one.

- ``OpenAICompatibleLLM``: ``{llm_base_url}/chat/completions`` (OpenAI, Ollama, vLLM, llama.cpp server), with
  server-sent-event streaming and tool calls (``ToolLLM``).
- ``AnthropicLLM``: the Messages API over plain HTTP (no SDK), streaming too; no tool calls.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from aiworks.providers.llms import LLMCutOff, LLMError, LLMRefused, LLMTimeout, LLMUnreachable, ToolCall


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
