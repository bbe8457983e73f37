import json

import pytest
from typer.testing import CliRunner

from aiworks.cli import app


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("AIWORKS_EMBEDDER", "hash")
    monkeypatch.setenv("AIWORKS_LLM", "extractive")
    runner = CliRunner()

    def run(*args):
        return runner.invoke(app, ["--home", str(tmp_path / "home"), *args])

    return run


def test_ingest_ask_docs_roundtrip(cli, contracts, bad_files):
    result = cli("ingest", str(contracts[0].parent), str(bad_files["corrupt"]), "--json")
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)
    assert sorted(r["status"] for r in reports) == ["error", "ingested", "ingested", "ingested"]
    assert next(r for r in reports if r["status"] == "error")["error"].startswith("corrupt")

    result = cli("ask", "What law governs the NDA?", "--json", "--k", "5")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert {"question", "answer", "abstained", "citations", "timings_ms"} <= set(answer)  # fields are only added
    assert answer["answered_by"] == "extractive" and answer["warnings"] == []
    assert answer["question"] == "What law governs the NDA?" and answer["abstained"] is False
    assert set(answer["timings_ms"]) == {"retrieve", "answer"}
    for c in answer["citations"]:
        assert set(c) == {"key", "document", "document_id", "page", "start", "end", "quote", "score"}
        assert isinstance(c["page"], int) and c["page"] >= 1 and c["end"] > c["start"]

    human = cli("ask", "What law governs the NDA?")
    assert human.exit_code == 0 and "Sources" in human.output and "nda.pdf, page 2" in human.output

    listed = json.loads(cli("docs", "list", "--json").stdout)
    assert sorted(d["name"] for d in listed) == ["lease.pdf", "nda.pdf", "services_agreement.pdf"]
    nda = next(d for d in listed if d["name"] == "nda.pdf")
    assert cli("docs", "rm", nda["id"]).exit_code == 0
    assert cli("docs", "rm", nda["id"]).exit_code == 1
    assert len(json.loads(cli("docs", "list", "--json").stdout)) == 2
    assert "2 document(s)" in cli("docs", "list").output


def test_ingest_fails_only_when_every_file_fails(cli, bad_files, tmp_path):
    result = cli("ingest", *map(str, bad_files.values()))
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "error" in result.output
    missing = cli("ingest", str(tmp_path / "nope.pdf"))
    assert missing.exit_code == 1 and "not found" in missing.output


def test_unanswerable_question_abstains_in_json(cli, contracts):
    cli("ingest", *map(str, contracts))
    answer = json.loads(cli("ask", "What is the boiling point of mercury in Kelvin?", "--json").stdout)
    assert answer["abstained"] is True and answer["citations"] == []


def test_demo_runs_end_to_end(cli, tmp_path):
    result = cli("demo")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "home" / "demo" / "lease.pdf").exists()
    assert result.output.count("page 2") >= 3 and "Not found in the documents." in result.output
    assert "Web UI: run `aiworks serve` and open http://127.0.0.1:8000" in result.output
