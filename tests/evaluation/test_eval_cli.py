"""`aiworks eval` end to end on a synthetic benchmark: JSON shape, routing, training + registry + reranking."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from aiworks.cli import app
from aiworks.evaluation.dataset import load_queries, training_queries
from aiworks.settings import Settings

runner = CliRunner()
KS = ["1", "2", "4", "8", "16", "32", "64"]


def _eval(home, bench, *extra):
    res = runner.invoke(app, ["--home", str(home), "eval", "retrieval", "--benchmark", str(bench), "--subset",
                              "mini", "--embedder", "hash", "--chunk-words", "40", "--json", *extra])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout[res.stdout.index("{"):])


def test_training_split_is_document_disjoint(bench):
    mini_docs = {q.file for q in load_queries(bench, "mini")}
    train = training_queries(bench)
    assert train and not ({q.file for q in train} & mini_docs)


def test_json_shape_and_ranges(tmp_path, bench):
    out = _eval(tmp_path, bench, "--config", "routed", "--datasets", "maud,privacy_qa")
    assert set(out) == {"subset", "datasets", "ALL", "chunks", "index_seconds", "query_p50_ms"}
    assert out["subset"] == "mini" and set(out["datasets"]) == {"maud", "privacy_qa"}
    for block in list(out["datasets"].values()) + [out["ALL"]]:
        assert set(block["precision"]) == set(KS) and set(block["recall"]) == set(KS)
        assert all(0.0 <= v <= 1.0 for m in ("precision", "recall") for v in block[m].values())
    assert out["datasets"]["maud"]["queries"] == 8
    # routed to the one right document, 64 chunks cover it entirely
    assert out["ALL"]["recall"]["64"] == pytest.approx(1.0)
    assert out["chunks"] > 0 and out["index_seconds"] >= 0 and out["query_p50_ms"] > 0
    # recall never decreases with k
    r = out["ALL"]["recall"]
    assert all(r[a] <= r[b] + 1e-12 for a, b in zip(KS, KS[1:]))


def test_bad_input_is_a_clear_error(tmp_path, bench):
    res = runner.invoke(app, ["--home", str(tmp_path), "eval", "retrieval", "--benchmark", str(tmp_path / "nope")])
    assert res.exit_code != 0 and "not a LegalBench-RAG folder" in res.output
    res = runner.invoke(app, ["--home", str(tmp_path), "eval", "retrieval", "--benchmark", str(bench),
                              "--datasets", "cuad"])
    assert res.exit_code != 0 and "unknown dataset" in res.output
    res = runner.invoke(app, ["--home", str(tmp_path), "eval", "retrieval", "--benchmark", str(bench),
                              "--config", "ranker"])
    assert res.exit_code != 0 and "no learned ranker" in res.output


@pytest.mark.slow
def test_trained_ranker_is_registered_loaded_and_beats_lexical_order(tmp_path, bench):
    from aiworks.rag.ltr import LearnedRanker
    from aiworks.rag.rank import PassThroughRanker, load_ranker

    assert isinstance(load_ranker(Settings(home=tmp_path)), PassThroughRanker)  # honest fallback
    res = runner.invoke(app, ["--home", str(tmp_path), "eval", "train-ranker", "--benchmark", str(bench),
                              "--trials", "2", "--chunk-words", "40"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout[res.stdout.index("{"):])
    assert report["version"] == 1 and report["train_queries"] == 2 * 6 * 4
    ranker = load_ranker(Settings(home=tmp_path))
    assert isinstance(ranker, LearnedRanker)

    lexical = _eval(tmp_path, bench, "--config", "routed", "--datasets", "maud")
    learned = _eval(tmp_path, bench, "--config", "ranker", "--datasets", "maud")
    # Decoys repeat the question's words, so BM25/hash order puts them first; the answers resemble the training
    # documents' answers, which only the learned ranker (exemplar features) can exploit.
    assert learned["ALL"]["precision"]["1"] > lexical["ALL"]["precision"]["1"] + 0.2
    assert learned["ALL"]["precision"]["1"] >= 0.75
    # the default (adaptive) uses the ranker for known questions without embedding anything up front
    default = _eval(tmp_path, bench, "--datasets", "maud")
    assert default["ALL"]["precision"]["1"] >= 0.75

    # A question unlike every training question: no basis to reorder, so the retriever's order is kept.
    from aiworks.rag.types import Chunk, Hit

    texts = ["For the avoidance of doubt, the scope of this agreement, including any question of type, definition, "
             "consideration, knowledge, termination, fee, law or governs, is addressed in the schedules.",
             "Each share shall be converted into the right to receive 12 dollars in cash, without interest, "
             "payable at closing by the paying agent.",
             "Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore."]
    hits = [Hit(Chunk("d", 3 * i, 300 * i, 300 * i + len(t), 1, t), "d", 1.0 - i / 10) for i, t in enumerate(texts)]
    assert ranker.rerank("Consider the Agreement between Acme and Onyx; How fast do zebras run", hits) == hits
    assert ranker.rerank("Consider the Agreement between Acme and Onyx; What is the Type of Consideration",
                         hits)[0].chunk.text == texts[1]
