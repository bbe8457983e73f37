"""Upload checks: content sniffing beats extensions, names are safe, the size limit holds."""

from __future__ import annotations

import io
import zipfile

import pytest

from aiworks.api.uploads import UploadError, check_upload, display_name, sniff


def _docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "hi")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (b"%PDF-1.7\n...", "scan.txt", "pdf"),  # extension lies, content wins
        (b"\n\n%PDF-1.4 leading junk allowed", "x", "pdf"),
        (_docx_bytes(), "contract.pdf", "docx"),
        ("Termination: ninety days, ünïcode".encode(), "notes.exe", "txt"),
        (b"# Title\n\ntext", "README.md", "md"),
    ],
)
def test_sniff_uses_content_not_extension(data, name, kind):
    assert sniff(data, name) == kind


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "unsupported"),
        (_zip_bytes(), "not a Word"),
        (b"PK\x03\x04garbage", "corrupt"),
        (b"\xff\xfe\xfa binary \xc3\x28 more", "unsupported"),
    ],
)
def test_sniff_refuses_unsupported(data, message):
    with pytest.raises(UploadError, match=message):
        sniff(data, "file.pdf")


def test_size_limit_is_enforced_without_reading_everything():
    stream = io.BytesIO(b"a" * 5000)
    with pytest.raises(UploadError, match="larger"):
        check_upload(stream, "big.txt", max_bytes=4096)
    assert stream.tell() <= 4097
    assert check_upload(io.BytesIO(b"a" * 4096), "ok.txt", max_bytes=4096).kind == "txt"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\lease.pdf", "lease.pdf"),
        ("a\x00b\nc.pdf", "abc.pdf"),
        ("..", "upload"),
        ("", "upload"),
        (None, "upload"),
    ],
)
def test_display_name_drops_paths_and_control_chars(raw, expected):
    assert display_name(raw) == expected


def test_stored_name_is_hash_prefixed_and_safe():
    checked = check_upload(io.BytesIO(b"%PDF-1.4 x"), "../Vertrag über Miete (final).PDF", max_bytes=1000)
    stored = checked.stored_name
    assert stored.startswith(checked.sha256[:16] + "_")
    assert stored.endswith(".pdf")
    assert "/" not in stored and ".." not in stored and " " not in stored
    assert checked.display_name == "Vertrag über Miete (final).PDF"


@pytest.mark.parametrize(
    ("data", "name", "ingest_name"),
    [
        (b"%PDF-1.4 x", "lease.pdf", "lease.pdf"),
        (b"%PDF-1.4 x", "scan.txt", "scan.pdf"),
        (b"%PDF-1.4 x", "scan", "scan.pdf"),
        (b"plain words", "notes.exe", "notes.exe.txt"),
        (b"# T", "a.MD", "a.MD"),
        (_docx_bytes(), "x.pdf", "x.docx"),
    ],
)
def test_ingest_name_extension_follows_content(data, name, ingest_name):
    assert check_upload(io.BytesIO(data), name, max_bytes=10_000).ingest_name == ingest_name
