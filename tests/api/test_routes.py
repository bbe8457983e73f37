"""The assistant's HTTP API end to end in-process (real Assistant, hash embedder, real PDFs)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from aiworks.api.app import create_app

from api_helpers import wait_job

WS = "/api/workspaces/acme"


@pytest.fixture
def client(settings):
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        assert c.post("/api/workspaces", json={"name": "acme"}).status_code == 201
        yield c


def _upload(client, *files):
    r = client.post(f"{WS}/documents", files=[("files", f) for f in files])
    assert r.status_code == 202, r.text
    return r.json()["files"]


def _ingest(client, path, name=None):
    [res] = _upload(client, (name or path.name, path.read_bytes(), "application/pdf"))
    assert res["status"] == "queued", res
    job = wait_job(client.get, "acme", res["job_id"])
    assert job["status"] == "done", job
    return job["document_id"]


def test_workspaces_create_list_and_validate(client):
    assert client.post("/api/workspaces", json={"name": "acme"}).status_code == 200  # idempotent
    assert client.post("/api/workspaces", json={"name": "Bad Name!"}).status_code == 422
    assert client.post("/api/workspaces", json={"name": "other-1"}).status_code == 201
    assert [w["name"] for w in client.get("/api/workspaces").json()] == ["acme", "other-1"]
    assert client.get("/api/workspaces/missing/documents").status_code == 404


def test_upload_ingest_list_get_download_delete(client, contract_pdf):
    doc_id = _ingest(client, contract_pdf)
    docs = client.get(f"{WS}/documents").json()
    assert [d["id"] for d in docs] == [doc_id]
    doc = client.get(f"{WS}/documents/{doc_id}").json()
    assert doc["name"] == "services.pdf" and doc["kind"] == "pdf" and doc["pages"] == 1

    original = client.get(f"{WS}/documents/{doc_id}/file")
    assert original.status_code == 200 and original.headers["content-type"] == "application/pdf"
    assert original.content == contract_pdf.read_bytes()
    assert "ninety (90) days" in client.get(f"{WS}/documents/{doc_id}/text").json()["text"]

    assert client.delete(f"{WS}/documents/{doc_id}").status_code == 204
    assert client.get(f"{WS}/documents/{doc_id}").status_code == 404
    assert client.delete(f"{WS}/documents/{doc_id}").status_code == 404
    assert client.get(f"{WS}/documents").json() == []


def test_bad_files_get_per_file_errors_never_500(client, settings, contract_pdf, tmp_path):
    settings.max_upload_mb = 1
    broken_pdf = b"%PDF-1.4\n this is not really a pdf \n%%EOF"
    results = _upload(
        client,
        ("good.pdf", contract_pdf.read_bytes(), "application/pdf"),
        ("image.pdf", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", "application/pdf"),
        ("huge.txt", b"word " * 300_000, "text/plain"),
        ("empty.pdf", b"", "application/pdf"),
        ("broken.pdf", broken_pdf, "application/pdf"),
        ("same-bytes-again.pdf", contract_pdf.read_bytes(), "application/pdf"),
    )
    by_name = {r["filename"]: r for r in results}
    assert by_name["good.pdf"]["status"] == "queued"
    assert by_name["image.pdf"]["status"] == "error" and "unsupported" in by_name["image.pdf"]["error"]
    assert by_name["huge.txt"]["status"] == "error" and "limit" in by_name["huge.txt"]["error"]
    assert by_name["empty.pdf"]["status"] == "error"
    assert by_name["same-bytes-again.pdf"]["status"] == "duplicate"
    # a file that passes sniffing but cannot be parsed fails in its own job, with a message
    broken = wait_job(client.get, "acme", by_name["broken.pdf"]["job_id"])
    assert broken["status"] == "error" and broken["error"]
    good = wait_job(client.get, "acme", by_name["good.pdf"]["job_id"])
    assert good["status"] == "done"

    # duplicate of an already ingested document points at it
    [again] = _upload(client, ("copy.pdf", contract_pdf.read_bytes(), "application/pdf"))
    assert again["status"] == "duplicate" and again["document_id"] == good["document_id"]
    assert len(client.get(f"{WS}/documents").json()) == 1
    jobs = client.get(f"{WS}/jobs").json()
    assert {j["filename"] for j in jobs} == {"good.pdf", "broken.pdf"}
    # staged uploads are gone once their jobs end (the assistant keeps its own copy of ingested files)
    assert list((settings.workspace_dir("acme") / "uploads").iterdir()) == []


def test_type_comes_from_content_not_extension(client, contract_pdf):
    [res] = _upload(client, ("contract.txt", contract_pdf.read_bytes(), "text/plain"))
    assert res["kind"] == "pdf"
    job = wait_job(client.get, "acme", res["job_id"])
    doc = client.get(f"{WS}/documents/{job['document_id']}").json()
    assert doc["kind"] == "pdf" and doc["pages"] == 1


def test_ask_json_and_stream_carry_citations_with_highlights(client, contract_pdf):
    doc_id = _ingest(client, contract_pdf)
    text = client.get(f"{WS}/documents/{doc_id}/text").json()["text"]
    question = {"question": "How much notice is needed to terminate for convenience?"}

    answer = client.post(f"{WS}/ask", json=question).json()
    assert answer["citations"], answer
    for c in answer["citations"]:
        assert c["document_id"] == doc_id
        assert text[c["start"] : c["end"]] == c["quote"]  # same offsets contract as the CLI
        assert c["highlights"], "a PDF citation comes with boxes to draw"
        for box in c["highlights"]:
            assert box["page"] == c["page"]
            assert 0 <= box["x0"] < box["x1"] <= box["page_width"]
            assert 0 <= box["top"] < box["bottom"] <= box["page_height"]

    with client.stream("POST", f"{WS}/ask/stream", json=question) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = []
        for block in r.read().decode().split("\n\n"):
            if block.strip():
                lines = dict(line.split(": ", 1) for line in block.splitlines())
                events.append((lines["event"], json.loads(lines["data"])))
    names = [e for e, _ in events]
    assert names[0] == "status" and names[-1] == "done" and "citations" in names
    done = events[-1][1]
    assert "".join(d["text"] for e, d in events if e == "delta") == done["answer"]
    assert done["citations"] == answer["citations"]


def test_abstention_carries_closest_passages_with_highlights_not_citations(client, contract_pdf):
    doc_id = _ingest(client, contract_pdf)
    text = client.get(f"{WS}/documents/{doc_id}/text").json()["text"]
    question = {"question": "Which football club won the league?"}

    answer = client.post(f"{WS}/ask", json=question).json()
    assert answer["abstained"] is True and answer["citations"] == [] and answer["closest"], answer
    for c in answer["closest"]:
        assert text[c["start"] : c["end"]] == c["quote"]
        assert c["highlights"] and all(box["page"] == c["page"] for box in c["highlights"])
    confident = client.post(f"{WS}/ask", json={"question": "Which law governs the agreement?"}).json()
    assert not confident["abstained"] and confident["closest"] == []

    with client.stream("POST", f"{WS}/ask/stream", json=question) as r:
        blocks = [b for b in r.read().decode().split("\n\n") if b.strip()]
    last = dict(line.split(": ", 1) for line in blocks[-1].splitlines())
    assert last["event"] == "done" and json.loads(last["data"])["closest"] == answer["closest"]
    stored = client.get(f"{WS}/conversations/{answer['conversation_id']}").json()
    assert stored["turns"][0]["answer"]["closest"] == answer["closest"]  # reopened with its boxes


def test_ask_validates_input(client):
    assert client.post(f"{WS}/ask", json={"question": ""}).status_code == 422
    assert client.post(f"{WS}/ask", json={"question": "x", "k": 0}).status_code == 422
    empty = client.post(f"{WS}/ask", json={"question": "What is the notice period?"})
    assert empty.status_code == 200 and empty.json()["abstained"] is True
    assert empty.json()["closest"] == []  # nothing retrieved: nothing to show


def test_text_encodings_over_http_match_the_cli(client, settings, tmp_path):
    """Latin-1 was refused over HTTP as "binary" and Shift-JIS ingested as mojibake: both now ingest with their
    real characters; binary content is refused with the same message the CLI's ingest report gives."""
    from aiworks.rag.assistant import Assistant

    french = "Le bail est régi par le droit suisse; le for est à Zürich. Préavis: trois mois.\n\n"
    japanese = "本契約は日本法に準拠する。管轄裁判所は東京地方裁判所とする。\n\n"
    files = {"bail.txt": (french * 20).encode("latin-1"), "keiyaku.txt": (japanese * 10).encode("shift_jis")}
    for name, data in files.items():
        [res] = _upload(client, (name, data, "text/plain"))
        job = wait_job(client.get, "acme", res["job_id"])
        assert job["status"] == "done", job
        text = client.get(f"{WS}/documents/{job['document_id']}/text").json()["text"]
        assert text.startswith((french if name == "bail.txt" else japanese).strip()) and "\ufffd" not in text
    binary = bytes(range(256)) * 16
    [refused] = _upload(client, ("blob.txt", binary, "text/plain"))
    path = tmp_path / "blob.txt"
    path.write_bytes(binary)
    [report] = Assistant(settings, "cli").ingest([path])
    assert refused["status"] == "error" and "binary" in refused["error"]
    assert report.status == "error" and report.error == refused["error"]
