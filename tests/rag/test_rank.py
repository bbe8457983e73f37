"""The ranker hook: no MLflow on the ask path unless a ranker is registered; a ranker trained on other chunking
is refused (with a warning on every answer) instead of silently reordering chunks it never saw."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from aiworks.rag.assistant import Assistant
from aiworks.rag.rank import (
    PassThroughRanker,
    RankerMismatch,
    load_ranker,
    registration,
    remember,
)
from aiworks.settings import Settings


def test_cold_ask_without_a_registered_ranker_never_imports_mlflow(tmp_path, contracts):
    home = tmp_path / "home"
    settings = Settings(home=home, embedder="hash")
    Assistant(settings, "w").ingest(contracts)
    (home / "mlflow.db").write_bytes(b"")  # an engine job has tracked something here: still no MLflow on ask
    code = textwrap.dedent(f"""
        import json, os, sys
        os.environ.update(AIWORKS_HOME={str(home)!r}, AIWORKS_EMBEDDER="hash", AIWORKS_WORKSPACE="w")
        from typer.testing import CliRunner
        from aiworks.cli import app
        res = CliRunner().invoke(app, ["ask", "How many days notice are needed to terminate?", "--json"])
        assert res.exit_code == 0, res.output
        print(json.dumps({{"mlflow": "mlflow" in sys.modules, "cited": len(json.loads(res.stdout)["citations"])}}))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["mlflow"] is False and got["cited"] > 0  # a real cold `aiworks ask`, answered, MLflow never imported


def test_registration_is_remembered_under_the_home(tmp_path):
    settings = Settings(home=tmp_path)
    assert registration(settings) is None and isinstance(load_ranker(settings), PassThroughRanker)
    remember(settings, "legal-ranker", 3, 80, 0)
    reg = registration(settings)
    assert (reg.uri, reg.chunk_words, reg.overlap_words) == ("models:/legal-ranker/3", 80, 0)


def test_a_ranker_trained_on_other_chunking_is_refused(tmp_path, contracts):
    settings = Settings(home=tmp_path / "home", embedder="hash", chunk_words=120, chunk_overlap_words=20)
    remember(settings, "legal-ranker", 1, 80, 0)
    with pytest.raises(RankerMismatch, match="80-word chunks"):
        load_ranker(settings)
    assistant = Assistant(settings, "w")
    assert isinstance(assistant.ranker, PassThroughRanker)
    assistant.ingest(contracts)
    answer = assistant.ask("How many days notice are needed to terminate?")
    assert any("registered ranker ignored" in w and "80-word" in w for w in answer.warnings)
    assert any("registered ranker ignored" in w for w in answer.to_json()["warnings"])


@pytest.mark.slow
def test_model_chunking_is_checked_not_only_the_marker(tmp_path):
    """The registered model's own ``pipeline_`` is authoritative: a marker that lies does not get it loaded."""
    import numpy as np

    from aiworks.lifecycle import registry, tracking
    from aiworks.rag.ltr import FEATURES, Exemplar, ExemplarMemory, LearnedRanker

    settings = Settings(home=tmp_path, chunk_words=120, chunk_overlap_words=20)
    memory = ExemplarMemory().fit([Exemplar("what is the fee", "d", "the fee is ten dollars")])
    rng = np.random.default_rng(0)
    ranker = LearnedRanker(n_estimators=5).fit(
        rng.random((20, len(FEATURES))), rng.integers(0, 3, 20), [10, 10], memory
    )
    ranker.pipeline_ = {"chunk_words": 80, "overlap_words": 0, "candidates": 50}
    with tracking.run(settings, "test", run_name="fit", params={}) as run_id:
        version = registry.register(settings, "legal-ranker", ranker, run_id)
    remember(settings, "legal-ranker", version, 120, 20)  # claims the workspace's chunking
    with pytest.raises(RankerMismatch, match="80-word chunks"):
        load_ranker(settings)
    ranker.pipeline_ = {"chunk_words": 120, "overlap_words": 20, "candidates": 50}
    with tracking.run(settings, "test", run_name="fit2", params={}) as run_id:
        version = registry.register(settings, "legal-ranker", ranker, run_id)
    remember(settings, "legal-ranker", version, 120, 20)
    assert isinstance(load_ranker(settings), LearnedRanker)


@pytest.mark.slow
def test_a_registered_ranker_is_found_where_the_settings_track_not_only_in_home_mlflow_db(tmp_path, monkeypatch):
    """With MLflow in PostgreSQL (AIWORKS_DATABASE_URL) there is no ``<home>/mlflow.db``: the marker says a
    ranker is registered and the settings' tracking URI says where. Stood in for here by a tracking store
    outside the home that only ``Settings.tracking_uri`` knows about."""
    import numpy as np

    from aiworks.lifecycle import registry, tracking
    from aiworks.rag.ltr import FEATURES, Exemplar, ExemplarMemory, LearnedRanker

    elsewhere = f"sqlite:///{(tmp_path / 'tracking' / 'store.db').resolve()}"
    (tmp_path / "tracking").mkdir()
    monkeypatch.setattr(Settings, "tracking_uri", property(lambda self: elsewhere))
    settings = Settings(home=tmp_path / "home", chunk_words=120, chunk_overlap_words=20)
    memory = ExemplarMemory().fit([Exemplar("what is the fee", "d", "the fee is ten dollars")])
    rng = np.random.default_rng(0)
    ranker = LearnedRanker(n_estimators=5).fit(
        rng.random((20, len(FEATURES))), rng.integers(0, 3, 20), [10, 10], memory
    )
    ranker.pipeline_ = {"chunk_words": 120, "overlap_words": 20, "candidates": 50}
    with tracking.run(settings, "test", run_name="fit", params={}) as run_id:
        version = registry.register(settings, "legal-ranker", ranker, run_id)
    remember(settings, "legal-ranker", version, 120, 20)
    assert not (settings.home / "mlflow.db").exists()
    assert isinstance(load_ranker(settings), LearnedRanker)
