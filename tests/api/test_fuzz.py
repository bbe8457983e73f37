"""Schemathesis fuzzes every operation of the app's OpenAPI schema (all jobs' routes): no input may crash it.

Bounded (examples per operation) so it stays a normal part of the suite; `make fuzz` runs more examples.
Path parameters are pointed at a real workspace/document half of the time, otherwise random strings would
only ever exercise the 404/422 paths.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from aiworks.api.app import create_app
from aiworks.settings import Settings

from api_helpers import make_pdf

MAX_EXAMPLES = int(os.environ.get("AIWORKS_FUZZ_EXAMPLES", "30"))
REAL: dict[str, str] = {}


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    home = tmp_path_factory.mktemp("fuzz")
    # schemathesis's ASGI client always sends Host: testserver: a configured name, as a proxy's would be
    settings = Settings(home=home / "home", embedder="hash", allowed_hosts=["testserver"])
    app = create_app(settings)
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="http://127.0.0.1") as client:
        client.post("/api/workspaces", json={"name": "fuzz"})
        pdf = make_pdf(home / "doc.pdf", ["The annual fee is USD 1,000, payable within thirty (30) days."])
        res = client.post("/api/workspaces/fuzz/documents", files={"files": ("doc.pdf", pdf.read_bytes())})
        job_id = res.json()["files"][0]["job_id"]
        import time

        for _ in range(300):
            job = client.get(f"/api/workspaces/fuzz/jobs/{job_id}").json()
            if job["status"] != "queued" and job["status"] != "running":
                break
            time.sleep(0.1)
        assert job["status"] == "done", job
        REAL.update(workspace="fuzz", document_id=job["document_id"], job_id=job_id)
    return app


def no_server_crash(ctx, response, case):
    """Any 5xx fails, except 503: a deliberate "not ready" answer (e.g. /recs before `aiworks recs train`)."""
    if response.status_code >= 500 and response.status_code != 503:
        raise AssertionError(f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}")


@schemathesis.hook
def map_path_parameters(ctx, path_parameters):
    # Half the generated cases address real objects (hypothesis still varies the other half).
    if path_parameters and REAL and hash(tuple(sorted(map(str, path_parameters.values())))) % 2 == 0:
        for name in ("workspace", "document_id", "job_id"):
            if name in path_parameters:
                path_parameters[name] = REAL[name]
    return path_parameters


def test_api_never_answers_5xx(fuzz_app):
    # One test looping over operations (schemathesis' pytest fixture loader does not support this pytest).
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    failures: list[str] = []
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == "DELETE":
            continue  # deleting the shared document would starve the other operations of a real target

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def fuzz(case):
            case.call_and_validate(checks=[no_server_crash])

        try:
            fuzz()
        except Exception as exc:  # noqa: BLE001 - collect all operations' failures, report together
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
        checked += 1
    assert checked >= 10
    assert not failures, "\n\n".join(failures)
