"""Workspace isolation over real HTTP (uvicorn on 127.0.0.1) with two workspace-scoped keys."""

from __future__ import annotations

import httpx
import pytest

from aiworks.api.auth import KeyStore
from aiworks.api.server import running_server

from api_helpers import make_pdf, wait_job


@pytest.fixture
def server(settings, tmp_path):
    settings.port = 0
    store = KeyStore.for_settings(settings)
    for ws in ("alpha", "beta"):
        settings.workspace_dir(ws).mkdir(parents=True)
    (_, key_a), (_, key_b) = store.create("alpha"), store.create("beta")
    with running_server(settings) as url:
        a = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key_a}"}, timeout=60)
        b = httpx.Client(base_url=url, headers={"X-API-Key": key_b}, timeout=60)
        anon = httpx.Client(base_url=url, timeout=60)
        yield a, b, anon, store
        for c in (a, b, anon):
            c.close()


def _ingest(client, ws, path):
    r = client.post(f"/api/workspaces/{ws}/documents", files={"files": (path.name, path.read_bytes())})
    assert r.status_code == 202, r.text
    [res] = r.json()["files"]
    job = wait_job(client.get, ws, res["job_id"])
    assert job["status"] == "done", job
    return job["document_id"], res["job_id"]


def test_keys_never_cross_workspaces(server, tmp_path):
    a, b, anon, store = server
    doc_a, _ = _ingest(
        a,
        "alpha",
        make_pdf(
            tmp_path / "a.pdf",
            ["ALPHA LEASE. The monthly rent for the warehouse is USD 7,200, payable on the first day of each month."],
        ),
    )
    doc_b, job_b = _ingest(
        b,
        "beta",
        make_pdf(
            tmp_path / "b.pdf",
            ["BETA LEASE. The monthly rent for the office suite is USD 3,100, payable on the first day of each month."],
        ),
    )

    assert [w["name"] for w in a.get("/api/workspaces").json()] == ["alpha"]
    assert [w["name"] for w in b.get("/api/workspaces").json()] == ["beta"]

    # Every beta route, with alpha's key: refused before anything is read.
    beta = "/api/workspaces/beta"
    for method, path in [
        ("GET", "/documents"),
        ("GET", f"/documents/{doc_b}"),
        ("GET", f"/documents/{doc_b}/file"),
        ("GET", f"/documents/{doc_b}/text"),
        ("DELETE", f"/documents/{doc_b}"),
        ("GET", "/jobs"),
        ("GET", f"/jobs/{job_b}"),
    ]:
        assert a.request(method, beta + path).status_code == 403, (method, path)
    assert a.post(f"{beta}/ask", json={"question": "What is the monthly rent?"}).status_code == 403
    assert a.post(f"{beta}/ask/stream", json={"question": "rent?"}).status_code == 403
    assert a.post(f"{beta}/documents", files={"files": ("x.txt", b"hello")}).status_code == 403
    assert a.post("/api/workspaces", json={"name": "beta"}).status_code == 403

    # Beta's ids through alpha's own workspace: not found, not leaked.
    assert a.get(f"/api/workspaces/alpha/documents/{doc_b}").status_code == 404
    assert a.get(f"/api/workspaces/alpha/jobs/{job_b}").status_code == 404
    assert a.delete(f"/api/workspaces/alpha/documents/{doc_b}").status_code == 404

    # Answers only ever cite the caller's documents.
    for client, ws, own, other in [(a, "alpha", doc_a, doc_b), (b, "beta", doc_b, doc_a)]:
        ans = client.post(f"/api/workspaces/{ws}/ask", json={"question": "What is the monthly rent?"}).json()
        cited = {c["document_id"] for c in ans["citations"]}
        assert cited == {own}, ans
    assert b.get(f"{beta}/documents/{doc_b}").status_code == 200  # beta's doc survived alpha's attempts

    # Keys exist, so no anonymous access even on loopback; revocation applies to the running server.
    assert anon.get("/api/workspaces").status_code == 401
    assert anon.get(f"{beta}/documents").status_code == 401
    key_b_id = next(k.id for k in store.keys() if k.workspace == "beta")
    store.revoke(key_b_id)
    assert b.get(f"{beta}/documents").status_code == 401
