"""deploy/ cannot run here (no Docker, no cluster): lint it with the registries' linters and check the
properties that matter (multi-stage, non-root, probes and resource limits on every container)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
BIN = Path(sys.executable).parent


def _run(tool: str, *args: str) -> subprocess.CompletedProcess:
    exe = BIN / tool
    if not exe.exists():
        pytest.fail(f"{tool} is not installed (pip install -e '.[test]')")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=120, check=False)


def test_dockerfile_passes_hadolint():
    out = _run(
        "hadolint",
        "--config",
        str(DEPLOY / ".hadolint.yaml"),
        "--failure-threshold",
        "warning",
        str(DEPLOY / "Dockerfile"),
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_dockerfile_is_multi_stage_and_runs_unprivileged():
    lines = [line.split() for line in (DEPLOY / "Dockerfile").read_text().splitlines() if line and line[0] != "#"]
    froms = [w for w in lines if w[0] == "FROM"]
    assert len(froms) >= 3
    users = [w[1] for w in lines if w[0] == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert any(w[0] == "HEALTHCHECK" for w in lines)


def test_yaml_passes_yamllint():
    out = _run(
        "yamllint", "-c", str(DEPLOY / ".yamllint.yaml"), "--strict", str(DEPLOY / "compose.yaml"), str(DEPLOY / "k8s")
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_manifests_validate_against_the_kubernetes_schemas():
    out = _run("kubernetes-validate", "-k", "1.31.0", "--strict", *map(str, sorted((DEPLOY / "k8s").glob("*.yaml"))))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "passed" in out.stdout + out.stderr


def _containers():
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc["kind"] in ("Deployment", "StatefulSet"):
                pod = doc["spec"]["template"]["spec"]
                for c in pod["containers"]:
                    yield doc["metadata"]["name"], pod, c


def test_every_container_has_probes_limits_and_runs_as_non_root():
    seen = set()
    for name, pod, c in _containers():
        seen.add(name)
        assert c["resources"]["limits"]["memory"] and c["resources"]["limits"]["cpu"], name
        assert c["resources"]["requests"], name
        assert "livenessProbe" in c, name
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert c["securityContext"]["allowPrivilegeEscalation"] is False, name
    assert {"aiworks-api", "aiworks-worker", "aiworks-postgres"} <= seen
    api = next(c for n, _, c in _containers() if n == "aiworks-api")
    assert api["readinessProbe"]["httpGet"]["path"] == "/health"


def test_compose_has_api_worker_postgres_and_ray_head_on_one_database():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"api", "worker", "postgres", "ray-head"} <= services.keys()
    for s in ("api", "worker"):
        assert services[s]["environment"]["AIWORKS_DATABASE_URL"].startswith("postgresql://")
        assert services[s]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert all(p.startswith("127.0.0.1:") for p in services["api"]["ports"])
