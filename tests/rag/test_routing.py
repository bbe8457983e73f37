"""Routing as a product stage and the explicit document filter (Assistant, CLI `ask --doc`, HTTP `document_ids`).

Three generated text contracts share most of their wording (same clauses, different parties and numbers), so a
question that names no document is answered from all of them and one that names a party must stay in its
document: the other two hold equally good lexical matches with the wrong numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aiworks.cli import app
from aiworks.rag.assistant import Assistant
from aiworks.settings import Settings

PARTIES = {
    "Acme_Orchid_NDA.txt": ("Acme Robotics", "Orchid Systems", 30, "Delaware"),
    "Borealis_Pelican_NDA.txt": ("Borealis Mining", "Pelican Freight", 60, "Nevada"),
    "Cobalt_Quartz_NDA.txt": ("Cobalt Labs", "Quartz Media", 90, "Texas"),
}
FILLER = (
    "The parties acknowledge that confidential information includes technical, commercial and financial "
    "material disclosed in any form. "
)


def _write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (a, b, days, state) in PARTIES.items():
        text = (
            f"MUTUAL NON-DISCLOSURE AGREEMENT\n\nThis agreement is made between {a} and {b}.\n\n" + FILLER * 12 + "\n\n"
            f"Either party may terminate this agreement with {days} days written notice.\n\n" + FILLER * 12 + "\n\n"
            f"This agreement is governed by the laws of the State of {state}.\n"
        )
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return paths


@pytest.fixture
def workspace(tmp_path):
    settings = Settings(
        home=tmp_path / "home", embedder="hash", llm="extractive", chunk_words=40, chunk_overlap_words=0
    )
    assistant = Assistant(settings, "nda")
    reports = assistant.ingest(_write(tmp_path / "docs"))
    assert all(r.status == "ingested" for r in reports), reports
    ids = {d.name: d.id for d in assistant.documents()}
    return settings, assistant, ids


def _docs(retrieval, assistant):
    names = {d.id: d.name for d in assistant.documents()}
    return {names[h.chunk.document_id] for h in retrieval.hits}


def test_a_named_document_focuses_retrieval(workspace):
    _, assistant, ids = workspace
    generic = assistant.search("How many days notice are needed to terminate?", 8)
    assert generic.routed == [] and len(_docs(generic, assistant)) == 3  # names nothing: every NDA searched

    named = assistant.search("How many days notice are needed to terminate the NDA with Borealis Mining?", 8)
    assert named.routed == [ids["Borealis_Pelican_NDA.txt"]]
    assert _docs(named, assistant) == {"Borealis_Pelican_NDA.txt"}
    answer = assistant.ask("How many days notice are needed to terminate the NDA with Borealis Mining?")
    assert answer.citations and {c.document for c in answer.citations} == {"Borealis_Pelican_NDA.txt"}
    assert any("60 days" in c.quote for c in answer.citations)

    # the benchmark's form: the description names the document, the rest is the question
    form = assistant.search("Consider the NDA between Cobalt Labs and Quartz Media; what law governs it?", 4)
    assert form.routed == [ids["Cobalt_Quartz_NDA.txt"]]


def test_several_named_documents_are_each_searched(workspace):
    _, assistant, ids = workspace
    both = assistant.search("Compare the termination notice for Acme and for Cobalt", 6)
    assert set(both.routed) == {ids["Acme_Orchid_NDA.txt"], ids["Cobalt_Quartz_NDA.txt"]}
    got = [h.chunk.document_id for h in both.hits]
    assert set(got) == set(both.routed) and got[0] != got[1]  # interleaved: neither crowds the other out


def test_router_is_rebuilt_when_the_catalog_changes(workspace, tmp_path):
    _, assistant, _ids = workspace
    assert assistant.search("termination notice for Dynamo Foods", 4).routed == []
    extra = tmp_path / "more" / "Dynamo_Foods_NDA.txt"
    extra.parent.mkdir()
    extra.write_text(
        "MUTUAL NON-DISCLOSURE AGREEMENT\n\nThis agreement is made between Dynamo Foods and Helix.\n\n"
        "Termination. Either party may terminate with 15 days written notice.\n",
        encoding="utf-8",
    )
    assistant.ingest([extra])
    new_id = {d.name: d.id for d in assistant.documents()}["Dynamo_Foods_NDA.txt"]
    assert assistant.search("termination notice for Dynamo Foods", 4).routed == [new_id]
    assistant.remove(new_id)
    assert assistant.search("termination notice for Dynamo Foods", 4).routed == []


def test_explicit_filter_by_name_or_id_and_unknown_names(workspace):
    _, assistant, ids = workspace
    only = assistant.search(
        "How many days notice are needed to terminate?",
        8,
        document_ids=["cobalt_quartz_nda.txt", ids["Acme_Orchid_NDA.txt"]],
    )
    assert _docs(only, assistant) == {"Cobalt_Quartz_NDA.txt", "Acme_Orchid_NDA.txt"}
    with pytest.raises(ValueError, match="unknown document.*'nope.txt'.*known documents"):
        assistant.ask("anything", document_ids=["nope.txt"])


def test_cli_ask_doc_filter(workspace):
    settings, _, ids = workspace
    runner = CliRunner(
        env={"AIWORKS_EMBEDDER": "hash", "AIWORKS_CHUNK_WORDS": "40", "AIWORKS_CHUNK_OVERLAP_WORDS": "0"}
    )
    base = ["--home", str(settings.home), "--workspace", "nda"]
    res = runner.invoke(
        app, [*base, "ask", "What law governs this agreement?", "--doc", "Borealis_Pelican_NDA.txt", "--json"]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["citations"] and {c["document"] for c in out["citations"]} == {"Borealis_Pelican_NDA.txt"}
    assert "Nevada" in out["answer"]
    res = runner.invoke(
        app,
        [
            *base,
            "ask",
            "What law governs?",
            "--doc",
            "Borealis_Pelican_NDA.txt",
            "--doc",
            ids["Cobalt_Quartz_NDA.txt"],
            "--json",
        ],
    )
    assert res.exit_code == 0 and {c["document"] for c in json.loads(res.stdout)["citations"]} <= {
        "Borealis_Pelican_NDA.txt",
        "Cobalt_Quartz_NDA.txt",
    }
    res = runner.invoke(app, [*base, "ask", "What law governs?", "--doc", "missing.pdf"])
    assert res.exit_code == 2 and "unknown document" in res.output and "missing.pdf" in res.output


def test_api_document_ids(workspace):
    from aiworks.api.app import create_app

    settings, _, ids = workspace
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        url = "/api/workspaces/nda/ask"
        r = client.post(
            url, json={"question": "What law governs this agreement?", "document_ids": [ids["Cobalt_Quartz_NDA.txt"]]}
        )
        assert r.status_code == 200, r.text
        assert {c["document"] for c in r.json()["citations"]} == {"Cobalt_Quartz_NDA.txt"}
        assert "Texas" in r.json()["answer"]
        r = client.post(url, json={"question": "What law governs?", "document_ids": ["nope"]})
        assert r.status_code == 404 and "unknown document" in r.json()["detail"]
        r = client.post(url + "/stream", json={"question": "What law governs?", "document_ids": ["nope"]})
        assert r.status_code == 404
        r = client.post(url, json={"question": "What law governs?"})  # the field is optional
        assert r.status_code == 200
