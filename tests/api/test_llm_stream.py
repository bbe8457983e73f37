"""Real token streaming over SSE: uvicorn on 127.0.0.1 in front of a local OpenAI-compatible server
(tests/llm_fakes.py) that holds its reply after the first token. The client must see that token before the model
has finished, then the checked citations and the final answer JSON; /ask and /api/session name the model."""

from __future__ import annotations

import json
import threading

import httpx
import pytest

from aiworks.api.server import running_server

from api_helpers import wait_job
from llm_fakes import FakeLLMServer

WS = "/api/workspaces/acme"
QUESTION = {"question": "How much notice is needed to terminate for convenience?"}


@pytest.fixture
def llm():
    s = FakeLLMServer()
    yield s
    s.close()


@pytest.fixture
def client(settings, llm, contract_pdf):
    s = settings.model_copy(update={"llm": "openai-compatible:tiny", "llm_base_url": llm.url, "port": 0})
    s.workspace_dir("acme").mkdir(parents=True)
    with running_server(s) as url, httpx.Client(base_url=url, timeout=60) as c:
        r = c.post(f"{WS}/documents", files={"files": (contract_pdf.name, contract_pdf.read_bytes())})
        assert wait_job(c.get, "acme", r.json()["files"][0]["job_id"])["status"] == "done"
        yield c


def _events(lines):
    """(event, data) pairs from an SSE line iterator, as they arrive."""
    event = None
    for line in lines:
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            yield event, json.loads(line[6:])


def test_tokens_arrive_before_the_model_finishes(client, llm):
    assert client.get("/api/session").json()["answerer"] == "openai-compatible:tiny"
    llm.reject_tools = True  # single-shot: the stream is the one answer request
    reply = "Either party may terminate for convenience by giving ninety (90) days written notice [1]. Easy."
    llm.replies.append(reply)
    llm.gate = threading.Event()
    seen = []
    with client.stream("POST", f"{WS}/ask/stream", json=QUESTION) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = _events(r.iter_lines())
        for event, data in events:
            seen.append((event, data))
            if event == "delta":
                break
        # the model is still holding the rest of its reply: nothing final can have been sent yet
        assert not any(e in ("citations", "done") for e, _ in seen)
        assert seen[-1] == ("delta", {"text": "Either "})
        llm.gate.set()
        seen += list(events)
    names = [e for e, _ in seen]
    assert names[0] == "status" and names[-2:] == ["citations", "done"]
    assert "".join(d["text"] for e, d in seen if e == "delta") == reply  # the raw tokens, as streamed
    checked = next(d for e, d in seen if d.get("stage") == "checked")
    assert checked["dropped"] == 1 and checked["replaced"] is True  # "Easy." cites nothing: dropped
    done = seen[-1][1]
    assert done["answer"] == "Either party may terminate for convenience by giving ninety (90) days written notice. [1]"
    assert done["answered_by"] == "openai-compatible:tiny" and done["warnings"] == []
    assert seen[-2][1] == done["citations"] and done["citations"][0]["highlights"]


def test_fallbacks_are_said_over_json_and_sse(client, llm):
    llm.status = 500
    answer = client.post(f"{WS}/ask", json=QUESTION).json()
    assert answer["answered_by"] == "extractive" and "HTTP 500" in answer["warnings"][0]
    assert answer["citations"] and "ninety (90) days" in answer["answer"]

    llm.status, llm.reject_tools, llm.cut_after = 200, True, 2
    llm.replies.append("Ninety days of notice are needed [1].")
    with client.stream("POST", f"{WS}/ask/stream", json=QUESTION) as r:
        seen = list(_events(r.iter_lines()))
    fallback = next(d for e, d in seen if d.get("stage") == "fallback")
    done = seen[-1][1]
    assert fallback["replaced"] is True and done["warnings"] == [fallback["warning"]]
    assert "stopped mid-answer" in fallback["warning"] and done["answered_by"] == "extractive"
    assert [d["text"] for e, d in seen if e == "delta"] == ["Ninety ", "days "]  # what the model sent before dying
