"""Answer generators behind one ``LLM`` protocol.

- ``extractive`` (default, offline): not a generator at all; the answering stage picks cited sentences itself.
- ``openai-compatible[:model]``: POST ``{llm_base_url}/chat/completions`` (OpenAI, Ollama, vLLM, llama.cpp server).
- ``anthropic[:model]``: the Messages API over plain HTTP (no SDK).
- ``scripted[:reply]``: replays fixed replies, for tests and demos without a model.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from aiworks.providers.registry import Registry
from aiworks.settings import Settings


class LLMError(RuntimeError):
    """The model could not be reached or answered unusably; callers fall back to extractive answering."""


@runtime_checkable
class LLM(Protocol):
    name: str
    generative: bool  # False → the answering stage uses its extractive path

    def complete(self, system: str, prompt: str) -> str: ...


LLMS: Registry[LLM] = Registry("llm")


class ExtractiveLLM:
    name = "extractive"
    generative = False

    def complete(self, system: str, prompt: str) -> str:  # pragma: no cover - never called by design
        raise LLMError("the extractive provider does not generate text")


class ScriptedLLM:
    """Returns ``replies`` in order (the last one repeats); records every prompt it was given."""

    generative = True

    def __init__(self, replies: list[str]) -> None:
        if not replies:
            raise ValueError("ScriptedLLM needs at least one reply")
        self.name = "scripted"
        self.replies = list(replies)
        self.prompts: list[tuple[str, str]] = []

    def complete(self, system: str, prompt: str) -> str:
        self.prompts.append((system, prompt))
        return self.replies[min(len(self.prompts) - 1, len(self.replies) - 1)]


class _HTTPLLM:
    generative = True

    def __init__(self, base_url: str, model: str, api_key: str | None, timeout_s: float, max_tokens: int = 512):
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens

    def _post(self, url: str, body: dict, headers: dict[str, str]) -> dict:
        import httpx

        try:
            resp = httpx.post(url, json=body, headers=headers, timeout=self.timeout_s)
        except httpx.HTTPError as exc:
            raise LLMError(f"{self.name}: cannot reach {url}: {exc}") from exc
        if resp.status_code >= 400:
            raise LLMError(f"{self.name}: HTTP {resp.status_code} from {url}: {resp.text[:300]}")
        try:
            return resp.json()
        except ValueError as exc:
            raise LLMError(f"{self.name}: non-JSON reply from {url}") from exc


class OpenAICompatibleLLM(_HTTPLLM):
    name = "openai-compatible"

    def complete(self, system: str, prompt: str) -> str:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        body = {
            "model": self.model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": prompt}],
            "temperature": 0,
            "max_tokens": self.max_tokens,
        }
        data = self._post(f"{self.base_url}/chat/completions", body, headers)
        try:
            return str(data["choices"][0]["message"]["content"] or "")
        except (KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"{self.name}: unexpected reply shape: {str(data)[:300]}") from exc


class AnthropicLLM(_HTTPLLM):
    name = "anthropic"

    def complete(self, system: str, prompt: str) -> str:
        headers = {"anthropic-version": "2023-06-01"}
        if self.api_key:
            headers["x-api-key"] = self.api_key
        body = {
            "model": self.model,
            "system": system,
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": self.max_tokens,
            "temperature": 0,
        }
        data = self._post(f"{self.base_url}/v1/messages", body, headers)
        try:
            return "".join(block.get("text", "") for block in data["content"] if block.get("type") == "text")
        except (KeyError, TypeError, AttributeError) as exc:
            raise LLMError(f"{self.name}: unexpected reply shape: {str(data)[:300]}") from exc


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
    return OpenAICompatibleLLM(
        base, _model(arg, settings, "openai-compatible"), settings.llm_api_key, settings.llm_timeout_s
    )


@LLMS.register("anthropic")
def _anthropic(arg: str | None, settings: Settings) -> LLM:
    base = settings.llm_base_url or "https://api.anthropic.com"
    return AnthropicLLM(base, _model(arg, settings, "anthropic"), settings.llm_api_key, settings.llm_timeout_s)


def load_llm(settings: Settings, spec: str | None = None) -> LLM:
    return LLMS.create(spec or settings.llm, settings)
