"""One settings object for the whole program.

Built once in ``cli.main()`` or ``api.app.create_app()`` and passed down explicitly; nothing reads the
environment at import time, so tests can build as many differently-configured objects as they like.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


# The one workspace-name rule (CLI, API, key store): a workspace name is also a directory name, so it is kept to
# characters that mean the same on every file system (lowercase: "Acme" and "acme" are one folder on macOS).
WORKSPACE_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
WORKSPACE_RULE = "1-63 lowercase letters, digits, - and _, starting with a letter or digit"
_WORKSPACE_RE = re.compile(WORKSPACE_PATTERN)


def valid_workspace(name: str) -> bool:
    return bool(_WORKSPACE_RE.match(name))


def check_workspace(name: str) -> str:
    if not valid_workspace(name):
        hint = f" (did you mean {name.lower()!r}?)" if valid_workspace(name.lower()) else ""
        raise ValueError(f"invalid workspace name {name!r}: {WORKSPACE_RULE}{hint}")
    return name


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AIWORKS_", extra="ignore")

    home: Path = Field(default=Path(".aiworks"), description="Root of all data the program writes")
    workspace: str = Field(default="default", description="Assistant workspace (one index per workspace)")

    # Providers, as "kind:arg" specs resolved by aiworks.providers registries.
    # all-MiniLM-L6-v2 on ONNX Runtime, int8, one text per call (batch-independent; LegalBench-RAG mini within
    # 0.2 pt of fp32, see BENCHMARKS.md). "minilm-onnx" = fp32 (= PyTorch vectors), "minilm" = PyTorch.
    embedder: str = "minilm-onnx:int8"
    llm: str = "extractive"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = 60.0
    llm_max_tokens: int = 512  # per model reply
    # "auto": plan with the OpenAI-compatible `search` tool where the server offers tool calls; "off": single-shot
    llm_tools: str = "auto"

    # Retrieval / answering knobs (defaults are the tuned ones; see BENCHMARKS.md).
    top_k: int = 8
    chunk_words: int = 120
    chunk_overlap_words: int = 20

    # Serving
    host: str = "127.0.0.1"
    port: int = 8000
    max_upload_mb: int = 50
    # Security (api/middleware.py): extra Host names the server answers to (loopback names always work; e.g.
    # "docs.example.internal" behind a proxy), extra origins allowed to send state-changing requests
    # ("https://docs.example.internal"); env: AIWORKS_ALLOWED_HOSTS='["a","b"]'.
    allowed_hosts: list[str] = Field(default_factory=list)
    allowed_origins: list[str] = Field(default_factory=list)
    max_json_mb: int = 16  # any request body that is not an upload
    job_lease_s: float = 30.0  # an ingestion job whose worker stops heartbeating is retried after this

    # Shared backends: postgresql://... puts catalog, chunks and jobs in PostgreSQL (``make services``).
    database_url: str | None = None
    # pgvector's HNSW graph: "m:ef_construction" for workspaces created from now on, and hnsw.ef_search per query.
    # The defaults suit ~100k chunks (recall@30 0.97); at 1M chunks recall@30 0.95 took "24:128" with ef_search 600
    # (BENCHMARKS.md, Scale-out): twice the index build time and about twice the dense search cost.
    pg_hnsw: str = Field(default="16:64", pattern=r"^\d+:\d+$")
    pg_ef_search: int = Field(default=256, ge=1, le=1000)  # pgvector's maximum is 1000

    # Engine lifecycle: MLflow tracking URI; default is a SQLite store under home.
    mlflow_tracking_uri: str | None = None
    log_prediction_text: bool = False

    def workspace_dir(self, workspace: str | None = None) -> Path:
        ws = workspace or self.workspace
        return self.home / "workspaces" / ws

    @property
    def tracking_uri(self) -> str:
        if self.mlflow_tracking_uri:
            return self.mlflow_tracking_uri
        if self.database_url and self.database_url.startswith(("postgresql:", "postgres:")):
            from aiworks.pg import sqlalchemy_url

            return sqlalchemy_url(self.database_url, "mlflow")  # MLflow in the shared database
        return f"sqlite:///{(self.home / 'mlflow.db').resolve()}"

    @property
    def optuna_storage(self) -> str | None:
        """Where Optuna studies live: None (in memory) embedded; the shared database's "optuna" schema with
        PostgreSQL, so several processes or machines can run trials of one study."""
        if self.database_url and self.database_url.startswith(("postgresql:", "postgres:")):
            from aiworks.pg import sqlalchemy_url

            return sqlalchemy_url(self.database_url, "optuna")
        return None

    @property
    def artifacts_dir(self) -> Path:
        return self.home / "mlartifacts"
