"""Clause extraction and question kinds over HTTP (real app in-process, real PDFs, hash embedder)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aiworks.api.app import create_app

from api_helpers import make_pdf, wait_job

WS = "/api/workspaces/acme"


@pytest.fixture
def client(settings, contract_pdf, tmp_path):
    lease = make_pdf(
        tmp_path / "files" / "lease.pdf",
        [
            "OFFICE LEASE between Harbour Estates LLC and Pelican Freight.",
            "1. Term. The term of this Lease is three (3) years.",
            "2. Governing Law. This Lease is governed by the laws of the State of New York.",
        ],
    )
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        assert c.post("/api/workspaces", json={"name": "acme"}).status_code == 201
        for path in (contract_pdf, lease):
            r = c.post(f"{WS}/documents", files=[("files", (path.name, path.read_bytes(), "application/pdf"))])
            job = wait_job(c.get, "acme", r.json()["files"][0]["job_id"])
            assert job["status"] == "done", job
        yield c


def test_extract_fields_and_table(client):
    fields = client.get(f"{WS}/extract/fields").json()
    names = [f["name"] for f in fields]
    assert {"governing-law", "termination-notice", "non-solicitation", "liability-cap"} <= set(names)
    assert all(f["label"] and f["description"] for f in fields)

    r = client.post(f"{WS}/extract", json={"fields": ["governing-law", "termination-notice"], "document_ids": None})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["table"]["columns"] == ["Document", "Governing law", "Notice to terminate"]
    rows = {row[0]["text"]: row for row in body["table"]["rows"]}
    assert rows["services.pdf"][1]["text"] == "Delaware" and rows["services.pdf"][2]["text"] == "90 days"
    assert rows["lease.pdf"][1]["text"] == "New York"
    assert rows["lease.pdf"][2] == {"text": "", "citation": None}  # the lease has no termination notice
    by_key = {c["key"]: c for c in body["citations"]}
    for name, row in rows.items():
        for cell in row[1:]:
            if cell["citation"] is not None:
                cite = by_key[cell["citation"]]
                assert cite["document"] == name and cite["highlights"]  # PDF boxes for the viewer
                text = client.get(f"{WS}/documents/{cite['document_id']}/text").json()["text"]
                assert text[cite["start"] : cite["end"]] == cite["quote"]

    only = client.post(f"{WS}/extract", json={"fields": ["governing-law"], "document_ids": ["lease.pdf"]}).json()
    assert [row[0]["text"] for row in only["table"]["rows"]] == ["lease.pdf"]
    assert {c["document"] for c in only["citations"]} == {"lease.pdf"}


def test_extract_rejects_bad_input(client):
    r = client.post(f"{WS}/extract", json={"fields": ["no-such-field"]})
    assert r.status_code == 422 and "known fields" in r.text
    assert client.post(f"{WS}/extract", json={"fields": []}).status_code == 422
    r = client.post(f"{WS}/extract", json={"fields": ["governing-law"], "document_ids": ["missing.pdf"]})
    assert r.status_code == 404
    assert client.get("/api/workspaces/nope/extract/fields").status_code == 404


def test_ask_returns_kind_and_table(client):
    r = client.post(f"{WS}/ask", json={"question": "What law governs each agreement?"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["kind"] == "comparison"
    assert {row[0]["text"]: row[1]["text"] for row in body["table"]["rows"]} == {
        "services.pdf": "Delaware",
        "lease.pdf": "New York",
    }
    keys = {c["key"] for c in body["citations"]}
    assert all(cell["citation"] in keys for row in body["table"]["rows"] for cell in row)
    lookup = client.post(f"{WS}/ask", json={"question": "What is the monthly fee?"}).json()
    assert lookup["kind"] == "lookup" and lookup["table"] is None


def test_stream_done_event_carries_the_comparison_table(client):
    import json

    with client.stream("POST", f"{WS}/ask/stream", json={"question": "Which contract has the longest term?"}) as r:
        assert r.status_code == 200
        events = []
        for block in r.read().decode().split("\n\n"):
            if block.strip():
                lines = dict(line.split(": ", 1) for line in block.splitlines())
                events.append((lines["event"], json.loads(lines["data"])))
    done = events[-1][1]
    assert events[-1][0] == "done" and done["kind"] == "comparison"
    assert "".join(d["text"] for e, d in events if e == "delta") == done["answer"]
    assert done["answer"].startswith("lease.pdf: 3 years, the longest term")
    assert [row[0]["text"] for row in done["table"]["rows"]] == ["lease.pdf"]
