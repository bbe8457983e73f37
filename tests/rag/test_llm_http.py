"""The generative path against a real local HTTP server speaking the OpenAI / Anthropic wire formats
(tests/llm_fakes.py): citation and support checks, plan → search tool → compose, streaming, and every fallback
carrying a warning and ``answered_by="extractive"``."""

import re
import socket

import pytest

from aiworks.providers.llms import LLMCutOff, load_llm
from aiworks.rag.assistant import Assistant
from aiworks.rag.generate import streaming

from llm_fakes import FakeLLMServer


@pytest.fixture
def server():
    s = FakeLLMServer()
    yield s
    s.close()


def _assistant(settings, url, spec, contracts, **extra):
    s = settings.model_copy(update={"llm": spec, "llm_base_url": url, "llm_api_key": "sk-test", **extra})
    a = Assistant(s, "ws")
    a.ingest(contracts)
    return a


def _passages(prompt: str) -> dict[int, str]:
    return {int(k): v for k, v in re.findall(r"\[(\d+)\] \(([^,]+),", prompt)}


def _whole(a, answer):
    for c in answer.citations:
        assert a.document_text(c.document_id)[c.start : c.end] == c.quote


def test_openai_compatible_keeps_only_cited_supported_sentences(settings, server, contracts):
    a = _assistant(settings, server.url, "openai-compatible:test-model", contracts, llm_tools="off")
    server.replies.append(
        "The NDA is governed by Delaware law [2]. It was signed on a sunny day. "
        "Courts in Wilmington decide disputes [2][17]. The parties love each other [42]. "
        "Delaware courts have exclusive jurisdiction. [1, 99]"
    )
    answer = a.ask("What law governs the NDA?", k=4)
    assert len(server.requests) == 1  # tools off: one single-shot request
    req = server.requests[-1]
    assert req["path"] == "/chat/completions" and "tools" not in req["body"]
    assert req["headers"]["Authorization"] == "Bearer sk-test"
    assert req["body"]["model"] == "test-model"
    prompt = req["body"]["messages"][1]["content"]
    sent = _passages(prompt)
    assert sorted(sent) == [1, 2, 3, 4] and "What law governs the NDA?" in prompt

    assert not answer.abstained
    # invented keys 17, 42, 99 dropped; the uncited sentence and the sentence citing only [42] dropped; the two
    # claims citing [2] (not the governing-law clause) are not supported by it: dropped too (rag/support.py)
    assert "sunny" not in answer.answer and "love" not in answer.answer
    second = re.split(r"\n\n\[\d\] ", prompt)[2]
    assert not ("governed" in second and "Delaware" in second), second
    assert answer.answer == "Delaware courts have exclusive jurisdiction. [1]"
    assert answer.answered_by == "openai-compatible:test-model" and answer.warnings == []
    assert [c.key for c in answer.citations] == [1]
    assert [c.document for c in answer.citations] == [sent[1]]
    _whole(a, answer)
    assert all(c.quote in prompt for c in answer.citations)  # the cited passage is exactly what the model saw


def test_nothing_cited_survives_falls_back_with_a_warning(settings, server, contracts):
    a = _assistant(settings, server.url, "openai-compatible:m", contracts, llm_tools="off")
    server.replies.append("Delaware law applies [77]. Trust me on this.")
    answer = a.ask("What law governs the NDA?")
    assert len(server.requests) == 1
    assert not answer.abstained and "[77]" not in answer.answer and "Trust me" not in answer.answer
    assert any("Delaware" in c.quote for c in answer.citations), answer  # extractive: verbatim sentences
    _whole(a, answer)
    assert answer.answered_by == "extractive"
    [warning] = answer.warnings
    assert "openai-compatible:m" in warning and "supports" in warning and "extractive" in warning
    # the model says it does not know and the evidence is weak → abstain, and say the model found nothing
    server.replies.append("Not found in the documents.")
    answer = a.ask("What is the boiling point of mercury in Kelvin?")
    assert answer.abstained and answer.answered_by == "extractive"
    assert any("found no answer" in w for w in answer.warnings)


def test_unreachable_server_falls_back_with_a_warning(settings, contracts):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    a = _assistant(settings, f"http://127.0.0.1:{port}", "openai-compatible:m", contracts)
    answer = a.ask("What law governs the NDA?")
    assert not answer.abstained and any("Delaware" in c.quote for c in answer.citations)
    assert answer.answered_by == "extractive"
    [warning] = answer.warnings
    assert "could not be reached" in warning and f"127.0.0.1:{port}" in warning
    payload = answer.to_json()
    assert payload["answered_by"] == "extractive" and payload["warnings"] == [warning]


def test_timeout_and_http_error_fall_back_with_warnings(settings, server, contracts):
    a = _assistant(settings, server.url, "openai-compatible:m", contracts, llm_timeout_s=0.3, llm_tools="off")
    server.delay_s = 1.0
    answer = a.ask("What law governs the NDA?")
    assert answer.answered_by == "extractive" and "timed out" in answer.warnings[0]
    server.delay_s, server.status = 0.0, 500
    answer = a.ask("What law governs the NDA?")  # one the hash embedder ranks right (see test_assistant)
    assert not answer.abstained and any("Delaware" in c.quote for c in answer.citations)
    assert answer.answered_by == "extractive" and "HTTP 500" in answer.warnings[0]


def test_plan_calls_the_search_tool_and_composes_over_each_step(settings, server, contracts):
    a = _assistant(settings, server.url, "openai-compatible:m", contracts)
    server.tool_calls.append(
        [{"query": "security deposit amount", "document": "lease"}, {"query": "late fee for rent"}]
    )
    server.replies.append("The deposit is USD 9,000 [1]. Rent is due monthly.")
    events = []
    with streaming(lambda event, data: events.append((event, data))):
        answer = a.ask("How much is the security deposit under the lease?", k=2)
    plan, compose = server.requests
    body = plan["body"]
    assert body["tools"][0]["function"]["name"] == "search"
    assert set(body["tools"][0]["function"]["parameters"]["properties"]) == {"query", "document"}
    assert body["tool_choice"] == {"type": "function", "function": {"name": "search"}}
    assert "lease.pdf" in body["messages"][1]["content"]  # the model is told which documents exist
    prompt = compose["body"]["messages"][1]["content"]
    assert compose["body"]["stream"] is True and "tools" not in compose["body"]
    assert len(_passages(prompt)) > 2  # the question's own 2 passages + the steps' new ones
    stages = [d.get("stage") for e, d in events if e == "status"]
    assert stages == ["planning", "searching", "searching", "composing", "checked"]
    assert [d["document"] for e, d in events if d.get("stage") == "searching"] == ["lease", None]
    assert "".join(d["text"] for e, d in events if e == "delta") == "The deposit is USD 9,000 [1]. Rent is due monthly."
    checked = next(d for e, d in events if d.get("stage") == "checked")
    assert checked == {"stage": "checked", "kept": 1, "dropped": 1, "replaced": True}
    assert answer.answer == "The deposit is USD 9,000. [1]" and answer.answered_by == "openai-compatible:m"
    _whole(a, answer)


def test_planned_steps_stay_inside_the_documents_asked_about(settings, server, contracts):
    a = _assistant(settings, server.url, "openai-compatible:m", contracts)
    server.tool_calls.append([{"query": "governing law", "document": "nda.pdf"}, {"query": "termination notice"}])
    server.replies.append(NOT_FOUND_REPLY)
    a.ask("What is the security deposit?", k=2, document_ids=["lease.pdf"])
    prompt = server.answer_requests()[-1]["body"]["messages"][1]["content"]
    assert set(_passages(prompt).values()) == {"lease.pdf"}


NOT_FOUND_REPLY = "Not found in the documents."


def test_a_server_without_tools_is_asked_single_shot_from_then_on(settings, server, contracts):
    a = _assistant(settings, server.url, "openai-compatible:m", contracts)
    server.reject_tools = True
    server.replies += ["The deposit is USD 9,000 [1].", "The deposit is USD 9,000 [1]."]
    first = a.ask("How much is the security deposit under the lease?", k=3)
    second = a.ask("How much is the security deposit under the lease?", k=3)
    assert len(server.tool_requests()) == 1 and len(server.answer_requests()) == 2
    assert first.answer == second.answer == "The deposit is USD 9,000. [1]" and not first.warnings


def test_stream_cut_mid_answer_falls_back_with_a_warning(settings, server, contracts):
    a = _assistant(settings, server.url, "openai-compatible:m", contracts, llm_tools="off")
    server.replies.append("The NDA is governed by the laws of the State of Delaware [1].")
    server.cut_after = 3
    events = []
    with streaming(lambda event, data: events.append((event, data))):
        answer = a.ask("What law governs the NDA?")
    assert [d["text"] for e, d in events if e == "delta"] == ["The ", "NDA ", "is "]
    assert answer.answered_by == "extractive" and "stopped mid-answer" in answer.warnings[0]
    fallback = [d for e, d in events if d.get("stage") == "fallback"]
    assert fallback and fallback[0]["replaced"] is True and fallback[0]["warning"] == answer.warnings[0]
    assert any("Delaware" in c.quote for c in answer.citations)
    llm = load_llm(a.settings)
    with pytest.raises(LLMCutOff):
        list(llm.stream("s", "p"))


def test_anthropic_messages_api_and_stream(settings, server, contracts):
    a = _assistant(settings, server.url, "anthropic:claude-test", contracts)
    server.replies.append("The deposit is USD 9,000 [1]. Landlords are nice [5].")
    answer = a.ask("How much is the security deposit under the lease?", k=3)
    [req] = server.requests  # no tool calls on the Anthropic provider: single-shot
    assert req["path"] == "/v1/messages" and req["headers"]["x-api-key"] == "sk-test"
    assert req["headers"]["anthropic-version"] and req["body"]["model"] == "claude-test"
    assert req["body"]["system"] and req["body"]["messages"][0]["role"] == "user"
    assert answer.answer == "The deposit is USD 9,000. [1]" and len(answer.citations) == 1
    assert answer.answered_by == "anthropic:claude-test"
    server.replies.append("Deposit of USD 9,000 [1].")
    pieces = list(load_llm(a.settings).stream("system", "prompt"))
    assert pieces == ["Deposit ", "of ", "USD ", "9,000 ", "[1]."] and server.requests[-1]["body"]["stream"] is True


def test_llm_needs_a_model(settings):
    with pytest.raises(ValueError, match="model"):
        load_llm(settings.model_copy(update={"llm": "openai-compatible"}))
