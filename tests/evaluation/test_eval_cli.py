"""`aiworks eval` end to end on a synthetic benchmark, through the product path (Assistant.ingest → LanceDB →
Assistant.search → answerer), with the content-addressed embedding cache."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from aiworks.cli import app
from aiworks.evaluation.dataset import load_queries, training_queries
from aiworks.settings import Settings

runner = CliRunner()
KS = ["1", "2", "4", "8", "16", "32", "64"]


def _eval(home, bench, *extra):
    out = home / "result.json"
    res = runner.invoke(
        app,
        [
            "--home",
            str(home),
            "eval",
            "retrieval",
            "--benchmark",
            str(bench),
            "--subset",
            "mini",
            "--embedder",
            "hash",
            "--chunk-words",
            "40",
            "--overlap-words",
            "0",
            "--no-track",
            "--json",
            "--output",
            str(out),
            *extra,
        ],
    )
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout[res.stdout.index("{") :]), json.loads(out.read_text())["details"]


def test_training_split_is_document_disjoint(bench):
    mini_docs = {q.file for q in load_queries(bench, "mini")}
    train = training_queries(bench)
    assert train and not ({q.file for q in train} & mini_docs)


def test_eval_runs_the_assistant_and_reruns_from_the_cache(tmp_path, bench):
    out, details = _eval(tmp_path, bench, "--datasets", "maud,privacy_qa")
    assert set(out) == {"subset", "datasets", "ALL", "chunks", "index_seconds", "query_p50_ms"}
    assert out["subset"] == "mini" and set(out["datasets"]) == {"maud", "privacy_qa"}
    for block in list(out["datasets"].values()) + [out["ALL"]]:
        assert set(block["precision"]) == set(KS) and set(block["recall"]) == set(KS)
        assert all(0.0 <= v <= 1.0 for m in ("precision", "recall") for v in block[m].values())
    assert out["datasets"]["maud"]["queries"] == 8
    assert details["routing_exact"]["ALL"] == 1.0  # every query names its document
    retrieved = details["rankings"]["retrieved"]
    assert retrieved["ALL"]["recall"]["64"] == pytest.approx(1.0)  # routed: 64 chunks cover the document
    r = retrieved["ALL"]["recall"]
    assert all(r[a] <= r[b] + 1e-12 for a, b in itertools.pairwise(KS))
    # citations are sentences inside the retrieved chunks: tighter, so precision@1 can only gain
    assert out["ALL"]["precision"]["1"] >= retrieved["ALL"]["precision"]["1"]

    # The corpus really went through the assistant's ingestion into a workspace under the eval home.
    from aiworks.rag.assistant import Assistant

    settings = Settings(home=tmp_path, embedder="hash", chunk_words=40, chunk_overlap_words=0)
    assistant = Assistant(settings, details["workspace"])
    docs = assistant.documents()
    assert len(docs) == details["documents"] == 4 and sum(d.chunks for d in docs) == out["chunks"]
    assert assistant.store.count() == out["chunks"]
    assert details["embedded"] > 0  # (repeated texts, e.g. the decoy paragraphs, hit the cache even now)

    first = {d.name: assistant._sentences(d.id) for d in docs}
    # A fresh workspace re-ingests everything but embeds nothing: chunk AND sentence vectors come from the cache.
    again, details2 = _eval(tmp_path, bench, "--datasets", "maud,privacy_qa", "--fresh")
    assert details2["embedded"] == 0 and details2["cached"] >= details["embedded"]
    assert again["ALL"] == out["ALL"]
    assistant = Assistant(settings, details["workspace"])
    for d in assistant.documents():
        spans, vecs = assistant._sentences(d.id)[:2]
        assert np.array_equal(spans, first[d.name][0]) and np.array_equal(vecs, first[d.name][1])


def test_bad_input_is_a_clear_error(tmp_path, bench):
    res = runner.invoke(app, ["--home", str(tmp_path), "eval", "retrieval", "--benchmark", str(tmp_path / "nope")])
    assert res.exit_code != 0 and "not a LegalBench-RAG folder" in res.output
    res = runner.invoke(
        app, ["--home", str(tmp_path), "eval", "retrieval", "--benchmark", str(bench), "--datasets", "cuad"]
    )
    assert res.exit_code != 0 and "unknown dataset" in res.output


@pytest.mark.slow
def test_ranker_trained_on_product_candidates_is_registered_remembered_and_used(tmp_path, bench):
    from aiworks.rag.ltr import LearnedRanker
    from aiworks.rag.rank import load_ranker, registration

    env = {"AIWORKS_EMBEDDER": "hash", "AIWORKS_CHUNK_WORDS": "40", "AIWORKS_CHUNK_OVERLAP_WORDS": "0"}
    before, _ = _eval(tmp_path, bench, "--datasets", "maud")
    res = CliRunner(env=env).invoke(
        app, ["--home", str(tmp_path), "eval", "train-ranker", "--benchmark", str(bench), "--trials", "2"]
    )
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout[res.stdout.index("{") :])
    assert report["version"] == 1 and report["train_queries"] == 2 * 6 * 4
    assert (report["chunk_words"], report["overlap_words"]) == (40, 0)
    reg = registration(Settings(home=tmp_path))
    assert (reg.uri, reg.chunk_words, reg.overlap_words) == ("models:/legal-ranker/1", 40, 0)
    ranker = load_ranker(Settings(home=tmp_path, chunk_words=40, chunk_overlap_words=0))
    assert isinstance(ranker, LearnedRanker) and ranker.pipeline_["chunk_words"] == 40
    # the training workspace holds the training documents, ingested by the assistant
    assert (tmp_path / "workspaces" / "legalbench-train-hash_256-40-0" / "catalog.sqlite").exists()

    after, _ = _eval(tmp_path, bench, "--datasets", "maud")
    # Decoys repeat the question's words, so lexical order puts them first; the answers resemble the training
    # documents' answers, which only the learned ranker (exemplar features) can exploit.
    assert after["ALL"]["precision"]["1"] > before["ALL"]["precision"]["1"]
