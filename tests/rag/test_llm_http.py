"""The generative path against a real local HTTP server speaking the OpenAI / Anthropic wire formats."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from aiworks.providers.llms import load_llm
from aiworks.rag.assistant import Assistant


class _Server:
    """Replies with the queued texts in order; records each request body."""

    def __init__(self):
        self.replies: list[str] = []
        self.requests: list[dict] = []
        self.status = 200
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                text = outer.replies.pop(0) if outer.replies else "Not found in the documents."
                if self.path.endswith("/v1/messages"):
                    payload = {"content": [{"type": "text", "text": text}], "role": "assistant"}
                else:
                    payload = {"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}
                data = json.dumps(payload if outer.status == 200 else {"error": "boom"}).encode()
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = _Server()
    yield s
    s.close()


def _assistant(settings, server, spec, contracts, **extra):
    s = settings.model_copy(update={"llm": spec, "llm_base_url": server.url, "llm_api_key": "sk-test", **extra})
    a = Assistant(s, "ws")
    a.ingest(contracts)
    return a


def _passages(prompt: str) -> dict[int, str]:
    return {int(k): v for k, v in re.findall(r"\[(\d+)\] \(([^,]+),", prompt)}


def test_openai_compatible_keeps_only_cited_sentences_with_real_keys(settings, server, contracts):
    a = _assistant(settings, server, "openai-compatible:test-model", contracts)
    server.replies.append(
        "The NDA is governed by Delaware law [2]. It was signed on a sunny day. "
        "Courts in Wilmington decide disputes [2][17]. The parties love each other [42]. "
        "Delaware courts have exclusive jurisdiction. [1, 99]"
    )
    answer = a.ask("What law governs the NDA?", k=4)
    req = server.requests[-1]
    assert req["path"] == "/chat/completions"
    assert req["headers"]["Authorization"] == "Bearer sk-test"
    assert req["body"]["model"] == "test-model"
    prompt = req["body"]["messages"][1]["content"]
    sent = _passages(prompt)
    assert sorted(sent) == [1, 2, 3, 4] and "What law governs the NDA?" in prompt

    assert not answer.abstained
    # invented keys 17, 42, 99 dropped; the uncited sentence and the sentence citing only [42] dropped; the two
    # claims citing [2] (not the governing-law clause) are not supported by it: dropped too (rag/support.py);
    # before the support check they were kept with a citation that says something else
    assert "sunny" not in answer.answer and "love" not in answer.answer
    second = re.split(r"\n\n\[\d\] ", prompt)[2]
    assert not ("governed" in second and "Delaware" in second), second
    assert answer.answer == "Delaware courts have exclusive jurisdiction. [1]"
    assert [c.key for c in answer.citations] == [1]
    assert [c.document for c in answer.citations] == [sent[1]]
    for c in answer.citations:
        assert a.document_text(c.document_id)[c.start : c.end] == c.quote
        assert c.quote in prompt  # the cited passage is exactly what the model was shown


def test_nothing_cited_survives_falls_back_to_extractive(settings, server, contracts):
    a = _assistant(settings, server, "openai-compatible:m", contracts)
    server.replies.append("Delaware law applies [77]. Trust me on this.")
    answer = a.ask("What law governs the NDA?")
    assert len(server.requests) == 1
    assert not answer.abstained and "[77]" not in answer.answer and "Trust me" not in answer.answer
    assert any("Delaware" in c.quote for c in answer.citations), answer  # extractive: verbatim sentences
    for c in answer.citations:
        assert a.document_text(c.document_id)[c.start : c.end] == c.quote
    # the model says it does not know and the evidence is weak → abstain
    server.replies.append("Not found in the documents.")
    assert a.ask("What is the boiling point of mercury in Kelvin?").abstained


def test_http_error_falls_back_to_extractive(settings, server, contracts):
    a = _assistant(settings, server, "openai-compatible:m", contracts)
    server.status = 500
    answer = a.ask("What law governs the NDA?")  # one the hash embedder ranks right (see test_assistant)
    assert len(server.requests) == 1 and not answer.abstained
    assert any("Delaware" in c.quote for c in answer.citations)


def test_anthropic_messages_api(settings, server, contracts):
    a = _assistant(settings, server, "anthropic:claude-test", contracts)
    server.replies.append("The deposit is USD 9,000 [1]. Landlords are nice [5].")
    answer = a.ask("How much is the security deposit under the lease?", k=3)
    req = server.requests[-1]
    assert req["path"] == "/v1/messages" and req["headers"]["x-api-key"] == "sk-test"
    assert req["headers"]["anthropic-version"] and req["body"]["model"] == "claude-test"
    assert req["body"]["system"] and req["body"]["messages"][0]["role"] == "user"
    assert answer.answer == "The deposit is USD 9,000. [1]" and len(answer.citations) == 1


def test_llm_needs_a_model(settings):
    with pytest.raises(ValueError, match="model"):
        load_llm(settings.model_copy(update={"llm": "openai-compatible"}))
