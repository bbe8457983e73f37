"""Answering with an LLM: plan → retrieve per step → compose, then every claim is checked.

1. **Plan** (when the server speaks the OpenAI tool-calling protocol, ``ToolLLM``): the model sees the question
   and the workspace's document names and must call a ``search`` tool (``query`` + optional ``document``); each
   call is one retrieval step, run through the assistant's own search (routing, hybrid search, ranker,
   injection masking) and kept inside the documents the question was restricted to. One planning round:
   each round is a model call (seconds on a CPU server), and several calls in one reply cover several steps.
   A server that rejects tools or ignores a forced call is remembered and asked single-shot from then on.
2. **Compose**: one prompt with the numbered passages (the question's own retrieval first, then each step's new
   passages), the same prompt as the single-shot path. Streamed token by token when a caller listens
   (``streaming``), otherwise one request.
3. **Check**: ``guard.filter_citations`` drops invented keys and uncited sentences, ``support.supported_claims``
   drops claims their cited passage does not support; the rest is renumbered.

Never a silent fallback: when the model is unreachable, times out, breaks off mid-stream, or nothing it cited
survives the checks, the extractive answerer answers and the answer says so (``answered_by="extractive"`` plus
a ``warnings`` entry naming the model and the reason).

Streaming is an observer of the one ``ask`` path, not a second path: ``streaming(sink)`` puts a callback in the
request's context (a ContextVar), and this module reports ``status`` / ``delta`` events to it. The HTTP layer
(api/service.py ``ask_events``) sets it; the layers in between (conversations, question kinds) need not pass it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np

from aiworks.providers.embedders import Embedder
from aiworks.providers.llms import (
    LLM,
    LLMCutOff,
    LLMError,
    LLMRefused,
    LLMTimeout,
    LLMUnreachable,
    ToolLLM,
)
from aiworks.rag.answer import Drafted, ExtractiveAnswerer, SentenceLookup, _abstain
from aiworks.rag.guard import NOT_FOUND, filter_citations, render
from aiworks.rag.plan import PLAN_PROMPT, SEARCH_TOOL, SYSTEM_PROMPT, Searchable, StepSearch, build_prompt, step_search
from aiworks.rag.support import supported_claims
from aiworks.rag.types import Citation, Hit

log = logging.getLogger(__name__)

# ---- streaming: events to whoever listens to this request ---------------------------------------------------
Sink = Callable[[str, dict], None]  # (event, data): "status" {"stage", ...} | "delta" {"text"}
_SINK: ContextVar[Sink | None] = ContextVar("aiworks_answer_sink", default=None)


@contextmanager
def streaming(sink: Sink) -> Iterator[None]:
    """Report this context's answering progress and tokens to ``sink`` (which may raise to cancel)."""
    token = _SINK.set(sink)
    try:
        yield
    finally:
        _SINK.reset(token)


def _emit(event: str, data: dict) -> None:
    sink = _SINK.get()
    if sink is not None:
        sink(event, data)


# ---- the answerer ----------------------------------------------------------------------------------------------
NO_TOOLS_STATUS = {400, 404, 405, 415, 422}  # a server answering a tools request so does not offer them


def _what_failed(exc: LLMError) -> str:
    if isinstance(exc, LLMUnreachable):
        return "could not be reached"
    if isinstance(exc, LLMTimeout):
        return "timed out"
    if isinstance(exc, LLMCutOff):
        return "stopped mid-answer"
    if isinstance(exc, LLMRefused):
        return f"refused the request (HTTP {exc.status})"
    return "failed"


class GenerativeAnswerer:
    def __init__(
        self,
        llm: LLM,
        fallback: ExtractiveAnswerer,
        search: StepSearch | None = None,
        document_names: Callable[[], list[str]] | None = None,
        tools: str = "auto",
        max_steps: int = 3,
        max_passages: int = 14,
    ) -> None:
        self.llm = llm
        self.fallback = fallback
        self.search = search
        self.document_names = document_names
        self.max_steps = max_steps
        self.max_passages = max_passages
        # None: not known yet (the first plan finds out); False: single-shot only
        self.tools_ok: bool | None = None if (tools == "auto" and search is not None) else False

    @property
    def spec(self) -> str:
        return getattr(self.llm, "spec", getattr(self.llm, "name", "llm"))

    def answer(
        self, question: str, hits: list[Hit], qvec: np.ndarray | None = None, scope: Sequence[str] = ()
    ) -> Drafted:
        if not hits:
            return _abstain()
        try:
            pool = self._plan(question, list(hits), scope) if self._tools() else list(hits)
            reply = self._compose(question, pool)
        except LLMError as exc:
            log.warning("LLM answer failed, falling back to extractive: %s", exc)
            return self._fall_back(question, hits, qvec, f"{_what_failed(exc)} ({exc})")
        if reply.strip().rstrip(".") == NOT_FOUND.rstrip("."):
            return self._fall_back(question, hits, qvec, "found no answer in the passages")
        guarded = filter_citations(reply, set(range(1, len(pool) + 1)))
        cited = len(guarded.claims)
        guarded.claims = supported_claims(guarded.claims, pool)  # drop claims their passage does not support
        dropped = len(guarded.uncited) + cited - len(guarded.claims)
        _emit("status", {"stage": "checked", "kept": len(guarded.claims), "dropped": dropped, "replaced": dropped > 0})
        if not guarded.claims:
            return self._fall_back(
                question, hits, qvec, f"no sentence of its answer cited a passage that supports it ({dropped} dropped)"
            )
        renumber: dict[int, int] = {}
        for claim in guarded.claims:
            for key in claim.keys:
                renumber.setdefault(key, len(renumber) + 1)
        citations = []
        for old, new in renumber.items():
            h = pool[old - 1]
            citations.append(
                Citation(
                    key=new,
                    document=h.document_name,
                    document_id=h.chunk.document_id,
                    page=h.chunk.page,
                    start=h.chunk.start,
                    end=h.chunk.end,
                    quote=h.chunk.text,
                    score=round(h.score, 6),
                )
            )
        drafted = Drafted(render(guarded.claims, renumber), citations, False)
        drafted.answered_by = self.spec
        return drafted

    def _tools(self) -> bool:
        return self.tools_ok is not False and isinstance(self.llm, ToolLLM)

    def _plan(self, question: str, pool: list[Hit], scope: Sequence[str]) -> list[Hit]:
        """The model's search calls, each run as one retrieval step; new passages join the pool."""
        assert self.search is not None and isinstance(self.llm, ToolLLM)
        _emit("status", {"stage": "planning", "answerer": self.spec})
        names = self.document_names() if self.document_names else sorted({h.document_name for h in pool})
        messages = [
            {"role": "system", "content": PLAN_PROMPT},
            {"role": "user", "content": f"Documents: {', '.join(names[:50])}\nQuestion: {question}"},
        ]
        try:
            calls = self.llm.call_tools(messages, [SEARCH_TOOL], force="search")
        except LLMRefused as exc:
            if exc.status not in NO_TOOLS_STATUS:  # auth, rate limit, server error: a failure, not an answer
                raise
            log.info("%s rejects tool calls (%s): single-shot prompts from now on", self.spec, exc)
            self.tools_ok = False
            return pool
        if not calls:  # a forced call ignored: the server does not do tools
            log.info("%s ignored a forced tool call: single-shot prompts from now on", self.spec)
            self.tools_ok = False
            return pool
        self.tools_ok = True
        seen = {(h.chunk.document_id, h.chunk.start) for h in pool}
        limit = max(self.max_passages, len(pool))
        for call in calls[: self.max_steps]:
            query = call.arguments.get("query")
            document = call.arguments.get("document")
            if call.name != "search" or not isinstance(query, str) or not query.strip():
                continue
            document = (document.strip() or None) if isinstance(document, str) else None
            _emit("status", {"stage": "searching", "query": query, "document": document})
            try:
                found = self.search(query.strip(), document, scope)
            except Exception:  # noqa: BLE001 - one failed step loses that step only; the question's passages stay
                log.exception("planned search %r failed", query)
                continue
            for hit in found:
                key = (hit.chunk.document_id, hit.chunk.start)
                if key not in seen and len(pool) < limit:
                    seen.add(key)
                    pool.append(hit)
        return pool

    def _compose(self, question: str, pool: list[Hit]) -> str:
        _emit("status", {"stage": "composing", "answerer": self.spec, "passages": len(pool)})
        prompt = build_prompt(question, pool)
        if _SINK.get() is None or not hasattr(self.llm, "stream"):
            return self.llm.complete(SYSTEM_PROMPT, prompt)
        parts = []
        for piece in self.llm.stream(SYSTEM_PROMPT, prompt):
            parts.append(piece)
            _emit("delta", {"text": piece})
        return "".join(parts)

    def _fall_back(self, question: str, hits: list[Hit], qvec: np.ndarray | None, why: str) -> Drafted:
        drafted = self.fallback.answer(question, hits, qvec)
        instead = "extractive answering found no answer either" if drafted.abstained else "answered with quotes"
        warning = f"LLM {self.spec} {why}; {instead} (extractive)"
        _emit("status", {"stage": "fallback", "warning": warning, "replaced": True})
        drafted.answered_by = "extractive"
        drafted.warnings = [warning, *drafted.warnings]
        return drafted


Answerer = ExtractiveAnswerer | GenerativeAnswerer


def build_answerer(
    llm: LLM,
    embedder: Embedder,
    sentences: SentenceLookup | None = None,
    searcher: Searchable | None = None,
    tools: str = "auto",
) -> Answerer:
    extractive = ExtractiveAnswerer(embedder, sentences=sentences)
    if not getattr(llm, "generative", False):
        return extractive
    search = step_search(searcher) if searcher is not None else None
    names = (lambda: [d.name for d in searcher.documents()]) if searcher is not None else None
    return GenerativeAnswerer(llm, extractive, search, names, tools=tools)


def draft(answerer: Answerer, question: str, hits: list[Hit], qvec: np.ndarray | None, scope: Sequence[str]) -> Drafted:
    """The answer to ``question`` from ``hits``; an LLM's planned searches stay inside ``scope`` (document ids the
    question was restricted to or routed to; empty = the whole workspace)."""
    if isinstance(answerer, GenerativeAnswerer):
        return answerer.answer(question, hits, qvec, scope=scope)
    return answerer.answer(question, hits, qvec)
