"""Conversations over real HTTP: across a restart of a real ``aiworks serve`` process, the routes (list, get,
rename, export, delete, SSE), and workspace isolation with workspace-scoped keys."""

from __future__ import annotations

import json

import httpx
import pytest
from api_helpers import wait_job
from server_helpers import start_server

from aiworks.api.auth import KeyStore
from aiworks.api.server import running_server
from aiworks.settings import Settings

WS = "/api/workspaces/acme"


def _upload(client: httpx.Client, ws: str, paths) -> None:
    files = [("files", (p.name, p.read_bytes(), "application/pdf")) for p in paths]
    r = client.post(f"/api/workspaces/{ws}/documents", files=files)
    assert r.status_code == 202, r.text
    for f in r.json()["files"]:
        assert wait_job(client.get, ws, f["job_id"])["status"] == "done"


def _events(text: str) -> list[tuple[str, dict]]:
    out = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines["event"], json.loads(lines["data"])))
    return out


@pytest.mark.slow
def test_conversation_survives_a_server_restart(tmp_path, sample_contracts):
    home = tmp_path / "home"
    server = start_server(home, AIWORKS_LLM="extractive")
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            assert c.post("/api/workspaces", json={"name": "acme"}).status_code == 201
            _upload(c, "acme", sample_contracts)
            first = c.post(f"{WS}/ask", json={"question": "What law governs the NDA?"}).json()
            cid = first["conversation_id"]
            assert cid and first["resolved_question"] == "What law governs the NDA?"
            follow = c.post(f"{WS}/ask", json={"question": "And the lease?", "conversation_id": cid}).json()
            assert follow["conversation_id"] == cid and follow["resolved_question"] == "What law governs the lease?"
            assert follow["citations"][0]["document"] == "lease.pdf" and "highlights" in follow["citations"][0]
    finally:
        server.stop()

    server = start_server(home, AIWORKS_LLM="extractive")  # a new process: only the workspace's files remain
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            listed = c.get(f"{WS}/conversations").json()
            assert [(x["id"], x["turns"], x["title"]) for x in listed] == [(cid, 2, "What law governs the NDA?")]
            thread = c.get(f"{WS}/conversations/{cid}").json()
            assert [t["question"] for t in thread["turns"]] == ["What law governs the NDA?", "And the lease?"]
            assert thread["turns"][1]["answer"]["citations"][0]["highlights"]  # boxes on the PDF, again
            # the thread's memory survived: "its" is still the lease
            r = c.post(
                f"{WS}/ask/stream", json={"question": "What about its security deposit?", "conversation_id": cid}
            )
            done = dict(_events(r.text))["done"]
            assert done["conversation_id"] == cid and "lease" in done["resolved_question"]
            quotes = [" ".join(x["quote"].split()) for x in done["citations"][:2]]
            assert any("security deposit of USD 9,000" in q for q in quotes), quotes
            assert {x["document"] for x in done["citations"]} == {"lease.pdf"}

            r = c.patch(f"{WS}/conversations/{cid}", json={"title": "Law and deposit"})
            assert r.status_code == 200 and r.json()["title"] == "Law and deposit" and r.json()["turns"] == 3
            assert c.patch(f"{WS}/conversations/{cid}", json={"title": "  "}).status_code == 422
            md = c.get(f"{WS}/conversations/{cid}/export")
            assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
            assert "# Law and deposit" in md.text and "## 3. What about its security deposit?" in md.text
            assert "lease.pdf, page" in md.text and "State of Illinois" in md.text

            assert c.delete(f"{WS}/conversations/{cid}").status_code == 204
            assert c.get(f"{WS}/conversations/{cid}").status_code == 404
            assert c.delete(f"{WS}/conversations/{cid}").status_code == 404
            gone = c.post(f"{WS}/ask", json={"question": "And the lease?", "conversation_id": cid})
            assert gone.status_code == 404 and "no conversation" in gone.json()["detail"]
            stream = c.post(f"{WS}/ask/stream", json={"question": "And the lease?", "conversation_id": cid})
            assert stream.status_code == 404
            assert c.get(f"{WS}/conversations/{cid}/export").status_code == 404
            bad = c.post(f"{WS}/ask", json={"question": "x", "conversation_id": "../../etc"})
            assert bad.status_code == 422
            assert c.get(f"{WS}/conversations").json() == []
    finally:
        server.stop()


def test_a_key_for_one_workspace_cannot_reach_another_workspaces_conversations(tmp_path, sample_contracts):
    settings = Settings(home=tmp_path / "home", embedder="hash", llm="extractive", port=0)
    store = KeyStore.for_settings(settings)
    for ws in ("alpha", "beta"):
        settings.workspace_dir(ws).mkdir(parents=True)
    (_, key_a), (_, key_b) = store.create("alpha"), store.create("beta")
    with (
        running_server(settings) as url,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key_a}"}, timeout=60) as a,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key_b}"}, timeout=60) as b,
    ):
        _upload(a, "alpha", sample_contracts[:1])
        cid = a.post("/api/workspaces/alpha/ask", json={"question": "What law governs the NDA?"}).json()[
            "conversation_id"
        ]
        assert [x["id"] for x in a.get("/api/workspaces/alpha/conversations").json()] == [cid]
        # B's key: 403 on alpha's routes, and alpha's id is unknown in beta
        for method, path in [
            ("GET", "/api/workspaces/alpha/conversations"),
            ("GET", f"/api/workspaces/alpha/conversations/{cid}"),
            ("GET", f"/api/workspaces/alpha/conversations/{cid}/export"),
            ("DELETE", f"/api/workspaces/alpha/conversations/{cid}"),
        ]:
            assert b.request(method, path).status_code == 403, path
        assert b.patch(f"/api/workspaces/alpha/conversations/{cid}", json={"title": "mine"}).status_code == 403
        assert b.get(f"/api/workspaces/beta/conversations/{cid}").status_code == 404
        assert b.delete(f"/api/workspaces/beta/conversations/{cid}").status_code == 404
        asked = b.post("/api/workspaces/beta/ask", json={"question": "And the lease?", "conversation_id": cid})
        assert asked.status_code == 404
        assert b.get("/api/workspaces/beta/conversations").json() == []
        assert httpx.get(f"{url}/api/workspaces/alpha/conversations").status_code == 401  # no key at all
        thread = a.get(f"/api/workspaces/alpha/conversations/{cid}").json()
        assert thread["title"] == "What law governs the NDA?" and len(thread["turns"]) == 1
