"""The conversation commands: ``ask --conversation``, ``conversations list|show|rename|rm|export`` and ``chat``
reading questions from piped stdin (CliRunner, and once as a real process with a pipe)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aiworks.cli import app

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def cli(tmp_path, monkeypatch, sample_contracts):
    monkeypatch.setenv("AIWORKS_EMBEDDER", "hash")
    monkeypatch.setenv("AIWORKS_LLM", "extractive")
    runner = CliRunner()
    home = tmp_path / "home"

    def run(*args, input=None):
        return runner.invoke(app, ["--home", str(home), *args], input=input)

    result = run("ingest", *map(str, sample_contracts), "--json")
    assert result.exit_code == 0, result.output
    run.home = home
    return run


def test_ask_with_conversation_and_manage_it(cli, tmp_path):
    first = cli("ask", "What law governs the NDA?", "--json")
    assert first.exit_code == 0, first.output
    cid = json.loads(first.stdout)["conversation_id"]
    follow = cli("ask", "And the lease?", "--conversation", cid, "--json")
    answer = json.loads(follow.stdout)
    assert answer["conversation_id"] == cid and answer["resolved_question"] == "What law governs the lease?"
    assert answer["citations"][0]["document"] == "lease.pdf"
    human = cli("ask", "And under the services agreement?", "--conversation", cid)
    assert "answered as: What law governs the services agreement?" in human.output
    assert f"conversation {cid}" in human.output and "services_agreement.pdf" in human.output

    listed = json.loads(cli("conversations", "list", "--json").stdout)
    assert [(c["id"], c["turns"], c["title"]) for c in listed] == [(cid, 3, "What law governs the NDA?")]
    assert cli("conversations", "rename", cid, "Governing law").exit_code == 0
    shown = json.loads(cli("conversations", "show", cid, "--json").stdout)
    assert shown["title"] == "Governing law" and [t["question"] for t in shown["turns"]][1] == "And the lease?"
    out = tmp_path / "thread.md"
    assert cli("conversations", "export", cid, "--out", str(out)).exit_code == 0
    md = out.read_text()
    assert "# Governing law" in md and "## 2. And the lease?" in md and "lease.pdf, page" in md

    assert cli("conversations", "rm", cid).exit_code == 0
    gone = cli("conversations", "show", cid)
    assert gone.exit_code == 1 and "no conversation" in gone.output
    unknown = cli("ask", "And the lease?", "--conversation", cid)
    assert unknown.exit_code == 2 and "no conversation" in unknown.output
    assert json.loads(cli("conversations", "list", "--json").stdout) == []


def test_chat_reads_piped_questions_and_continues_a_conversation(cli):
    result = cli("chat", "--json", input="What law governs the NDA?\n\nAnd the lease?\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 2 and lines[0]["conversation_id"] == lines[1]["conversation_id"]
    assert lines[1]["resolved_question"] == "What law governs the lease?"
    assert "State of Illinois" in lines[1]["citations"][0]["quote"]
    cid = lines[0]["conversation_id"]
    more = cli("chat", "--conversation", cid, input="What about its security deposit?\n")
    assert more.exit_code == 0, more.output
    assert "security deposit of USD 9,000" in " ".join(more.output.split())
    assert f"aiworks chat --conversation {cid}" in more.output
    assert json.loads(cli("conversations", "list", "--json").stdout)[0]["turns"] == 3


def test_chat_as_a_real_process_with_a_pipe(cli):
    env = {
        **os.environ,
        "AIWORKS_HOME": str(cli.home),
        "AIWORKS_EMBEDDER": "hash",
        "AIWORKS_LLM": "extractive",
        "PYTHONPATH": str(SRC),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "aiworks.cli", "chat"],
        input="How much is the security deposit under the lease?\nWhat law governs it?\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Q: What law governs it?" in proc.stdout and "answered as: What law governs the lease?" in proc.stdout
    assert "State of Illinois" in proc.stdout and "conversation " in proc.stdout
