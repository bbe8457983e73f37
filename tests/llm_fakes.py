"""A real local HTTP server speaking the OpenAI chat-completions and Anthropic Messages wire formats, for the LLM
tests (tests/rag, tests/api): JSON replies, server-sent-event streams (one word per event), tool calls, HTTP
errors, delays, and a connection that dies mid-stream. Every request body is recorded. The real llama.cpp server
is tested in tests/providers/test_llama_server.py; this one lets a test decide exactly what the model says."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NOT_FOUND = "Not found in the documents."


class FakeLLMServer:
    def __init__(self) -> None:
        self.replies: list[str] = []  # texts for answer requests (no "tools" in the body), in order
        self.tool_calls: list[list[dict]] = []  # per tool request: [{"query": ..., "document": ...}, ...]
        self.reject_tools = False  # answer tool requests with HTTP 400 (a server without tool calling)
        self.status = 200
        self.delay_s = 0.0  # before any reply
        self.cut_after: int | None = None  # stream: drop the connection after this many text events
        self.gate: threading.Event | None = None  # stream: wait for this after the first text event
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                time.sleep(outer.delay_s)
                if outer.status != 200 or ("tools" in body and outer.reject_tools):
                    return self._json({"error": {"message": "boom"}}, outer.status if outer.status != 200 else 400)
                anthropic = self.path.endswith("/v1/messages")
                if "tools" in body and outer.tool_calls:
                    calls = outer.tool_calls.pop(0)
                    return self._json(_tool_reply(calls))
                text = outer.replies.pop(0) if outer.replies and "tools" not in body else NOT_FOUND
                if "tools" in body:
                    text = ""  # a server that ignores tools answers in (empty) text
                if body.get("stream"):
                    return self._stream(text, anthropic)
                if anthropic:
                    return self._json({"content": [{"type": "text", "text": text}], "role": "assistant"})
                return self._json({"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]})

            def _json(self, payload: dict, status: int = 200):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, text: str, anthropic: bool):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()  # HTTP/1.0: the body ends when the connection closes
                words = text.split(" ")
                for i, word in enumerate(words):
                    if outer.cut_after is not None and i >= outer.cut_after:
                        self.wfile.flush()
                        self.close_connection = True
                        return  # the server "dies": no finish event, no [DONE]
                    piece = word + (" " if i < len(words) - 1 else "")
                    if anthropic:
                        event = {
                            "type": "content_block_delta",
                            "index": 0,
                            "delta": {"type": "text_delta", "text": piece},
                        }
                        self.wfile.write(f"event: content_block_delta\ndata: {json.dumps(event)}\n\n".encode())
                    else:
                        event = {"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                        self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                    self.wfile.flush()
                    if i == 0 and outer.gate is not None:
                        outer.gate.wait(30)
                if anthropic:
                    self.wfile.write(b'event: message_stop\ndata: {"type": "message_stop"}\n\n')
                else:
                    end = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
                    self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def answer_requests(self) -> list[dict]:
        return [r for r in self.requests if "tools" not in r["body"]]

    def tool_requests(self) -> list[dict]:
        return [r for r in self.requests if "tools" in r["body"]]

    def close(self) -> None:
        if self.gate is not None:
            self.gate.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def _tool_reply(calls: list[dict]) -> dict:
    tool_calls = [
        {"id": f"call_{i}", "type": "function", "function": {"name": "search", "arguments": json.dumps(args)}}
        for i, args in enumerate(calls)
    ]
    message = {"role": "assistant", "content": None, "tool_calls": tool_calls}
    return {"choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}]}
