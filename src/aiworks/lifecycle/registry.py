"""Model registry on MLflow: register any Python model object, load it back by name, version or alias.

Models are stored as a joblib artifact of the run and registered as a model version whose source is that
artifact, so the registry works the same for scikit-learn pipelines, implicit models and PyTorch wrappers
(no flavour-specific code). ``load`` caches by resolved version, so a server loads each version once.
"""

from __future__ import annotations

import json
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from aiworks.lifecycle.tracking import _mlflow
from aiworks.settings import Settings

_ARTIFACT = "model"
_URI = re.compile(r"^(?:models:/)?(?P<name>[^/@]+)(?:/(?P<version>\w+)|@(?P<alias>[\w-]+))?$")


class ModelNotFound(LookupError):
    """No registered model matches the requested name/version/alias."""


def _client(settings: Settings):
    mlflow = _mlflow(settings)
    return mlflow.MlflowClient(tracking_uri=settings.tracking_uri, registry_uri=settings.tracking_uri)


def register(
    settings: Settings,
    name: str,
    model: object,
    run_id: str,
    aliases: tuple[str, ...] = ("latest",),
    metadata: dict | None = None,
) -> int:
    """Serialise ``model`` into run ``run_id``'s artifacts and register it as a new version of ``name``."""
    import joblib

    client = _client(settings)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / _ARTIFACT
        folder.mkdir()
        joblib.dump(model, folder / "model.joblib")
        (folder / "metadata.json").write_text(json.dumps(metadata or {}, indent=2, default=str))
        client.log_artifacts(run_id, str(folder), artifact_path=_ARTIFACT)
    source = f"{client.get_run(run_id).info.artifact_uri}/{_ARTIFACT}"
    try:
        client.get_registered_model(name)
    except Exception:
        client.create_registered_model(name)
    version = client.create_model_version(name, source=source, run_id=run_id)
    for alias in aliases:
        if alias != "latest":  # "latest" is MLflow's built-in meaning: the highest version
            client.set_registered_model_alias(name, alias, version.version)
    return int(version.version)


def resolve(settings: Settings, uri: str) -> tuple[str, int]:
    """Map "models:/NAME/latest", "models:/NAME/3", "models:/NAME@alias" or "NAME" to (name, version)."""
    match = _URI.match(uri.strip())
    if not match:
        raise ModelNotFound(f"not a model reference: {uri!r} (use models:/NAME/latest, models:/NAME@alias or NAME)")
    name, version, alias = match["name"], match["version"], match["alias"]
    client = _client(settings)
    try:
        if alias:
            return name, int(client.get_model_version_by_alias(name, alias).version)
        if version and version != "latest":
            return name, int(client.get_model_version(name, version).version)
        versions = client.search_model_versions(f"name='{name}'")
    except Exception as exc:  # MLflow raises its own RestException for missing names/aliases
        raise ModelNotFound(f"no registered model matches {uri!r}") from exc
    if not versions:
        raise ModelNotFound(f"no registered model named {name!r}")
    return name, max(int(v.version) for v in versions)


def run_id_of(settings: Settings, name: str, version: int) -> str | None:
    """The MLflow run a registered model version was trained in."""
    return _client(settings).get_model_version(name, str(version)).run_id or None


def load(settings: Settings, uri: str) -> Any:
    """The registered object (unpickled: its type is whatever was registered; callers check what they need)."""
    name, version = resolve(settings, uri)
    return _load_version(settings.tracking_uri, name, version)


def metadata(settings: Settings, uri: str) -> dict:
    name, version = resolve(settings, uri)
    folder = _download(settings.tracking_uri, name, version)
    return json.loads((folder / "metadata.json").read_text()) | {"name": name, "version": version}


@lru_cache(maxsize=32)
def _download(tracking_uri: str, name: str, version: int) -> Path:
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    source = client.get_model_version(name, str(version)).source
    return Path(mlflow.artifacts.download_artifacts(artifact_uri=source))


@lru_cache(maxsize=8)
def _load_version(tracking_uri: str, name: str, version: int) -> Any:
    import joblib

    return joblib.load(_download(tracking_uri, name, version) / "model.joblib")
