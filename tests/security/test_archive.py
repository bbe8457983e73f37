"""Zip-bomb limits (rag/archive.py): refused from the directory, per file, with bounded memory."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bomb_helpers import docx_bomb, docx_lying_sizes, docx_many_members

from aiworks.api.uploads import UploadError, sniff
from aiworks.rag.archive import ArchiveLimits, check_archive
from aiworks.rag.parse import ParseError, parse_file

HERE = Path(__file__).parent
SRC = HERE.parents[1] / "src"


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("bombs")
    return {
        "ratio": docx_bomb(d / "ratio.docx", 40),  # 40 MB in ~40 KB: under the size caps, over the ratio cap
        "size": docx_bomb(d / "size.docx", 300),  # over the total-size cap
        "members": docx_many_members(d / "members.docx", 6000),
        "lying": docx_lying_sizes(d / "lying.docx", real_mb=60),  # directory says 1000 bytes
    }


@pytest.fixture
def real_docx(tmp_path) -> Path:
    import docx

    doc = docx.Document()
    doc.add_paragraph("Termination. Either party may terminate on ninety days notice. " * 40)
    doc.add_table(rows=2, cols=2).cell(0, 0).text = "Fee"
    path = tmp_path / "real.docx"
    doc.save(path)
    return path


@pytest.mark.parametrize(
    ("which", "kind", "words"),
    [
        ("ratio", "unsafe", "expands"),
        ("size", "unsafe", "would expand to 300 MB"),
        ("members", "unsafe", "6,003 members"),
        ("lying", "corrupt", "does not match the archive directory"),
    ],
)
def test_bombs_are_refused_per_file_with_a_clear_error(bombs, which, kind, words):
    with pytest.raises(ParseError) as err:
        parse_file(bombs[which])
    assert err.value.kind == kind and words in err.value.message


def test_a_real_docx_passes_and_parses(real_docx):
    stats = check_archive(real_docx, verify=True)
    assert stats.members > 3 and stats.total_bytes < 1 << 20
    assert "ninety days" in parse_file(real_docx).text


def test_limits_are_settable(real_docx):
    with pytest.raises(ParseError, match="members"):
        check_archive(real_docx, ArchiveLimits(max_members=2))


@pytest.mark.parametrize("which", ["ratio", "size", "members"])
def test_upload_sniffing_refuses_bombs_before_queueing(bombs, which):
    with pytest.raises(UploadError, match="zip bomb"):
        sniff(bombs[which].read_bytes(), "contract.docx")


def test_parsing_a_bomb_stays_in_bounded_memory(bombs, tmp_path):
    """Peak RSS of a fresh interpreter parsing each bomb (before: python-docx inflated everything)."""
    script = textwrap.dedent(f"""
        import resource, sys
        sys.path.insert(0, {str(SRC)!r})
        from aiworks.rag.parse import ParseError, parse_file
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for p in sys.argv[1:]:
            try:
                parse_file(p)
            except ParseError:
                pass
        print(base // 1024, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
    """)
    out = subprocess.run(
        [sys.executable, "-c", script, *map(str, bombs.values())],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    base_mb, peak_mb = map(int, out.stdout.split())
    assert peak_mb - base_mb < 100, (base_mb, peak_mb)
