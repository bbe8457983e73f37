"""Upload checks: size limit, file type sniffed from the bytes, safe stored names, content hash.

The extension a browser sends is never trusted: a ``.pdf`` that is really a zip is refused, and a text file
named ``.exe`` is still text. The stored file gets the extension of its *sniffed* type (parsers dispatch on it)
and a name built only from safe characters, prefixed with its hash so two uploads can never overwrite each other.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import BinaryIO

KINDS = {"pdf": ".pdf", "docx": ".docx", "txt": ".txt", "md": ".md"}
KNOWN_SUFFIXES = {"pdf": {".pdf"}, "docx": {".docx"}, "txt": {".txt", ".text"}, "md": {".md", ".markdown"}}
ALL_SUFFIXES = set().union(*KNOWN_SUFFIXES.values()) | {".doc"}
_CHUNK = 1 << 20


class UploadError(ValueError):
    """A per-file problem, reported to the client next to that file's name (never a 500)."""


@dataclass(frozen=True)
class CheckedUpload:
    display_name: str
    kind: str
    sha256: str
    data: bytes

    @property
    def ingest_name(self) -> str:
        """The display name, with an extension that matches the sniffed content (the parser goes by it)."""
        stem, dot, suffix = self.display_name.rpartition(".")
        if dot and f".{suffix.lower()}" in KNOWN_SUFFIXES[self.kind]:
            return self.display_name
        if dot and stem and f".{suffix.lower()}" in ALL_SUFFIXES:
            return stem + KINDS[self.kind]  # a lying document extension is replaced
        return self.display_name + KINDS[self.kind]  # an unknown one is kept, the real one appended

    @property
    def stored_name(self) -> str:
        stem = safe_stem(self.display_name)
        return f"{self.sha256[:16]}_{stem}{KINDS[self.kind]}"


def read_limited(stream: BinaryIO, max_bytes: int) -> bytes:
    """Read at most ``max_bytes``; one byte more means the file is too large (no need to read the rest)."""
    buf = io.BytesIO()
    while buf.tell() <= max_bytes:
        chunk = stream.read(min(_CHUNK, max_bytes + 1 - buf.tell()))
        if not chunk:
            break
        buf.write(chunk)
    data = buf.getvalue()
    if len(data) > max_bytes:
        raise UploadError(f"file is larger than the {max_bytes // (1 << 20)} MB limit")
    return data


def sniff(data: bytes, filename: str) -> str:
    """The document kind from content bytes; the name only separates Markdown from plain text."""
    if not data:
        raise UploadError("file is empty")
    if b"%PDF-" in data[:1024]:  # the PDF spec allows the header anywhere in the first 1 KiB
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        from aiworks.rag.archive import check_archive
        from aiworks.rag.parse import ParseError

        try:
            check_archive(data)  # member count, sizes and ratios from the directory, before anything inflates
        except ParseError as exc:
            raise UploadError(str(exc)) from None
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                if "word/document.xml" in zf.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            raise UploadError("corrupt zip/DOCX file") from None
        raise UploadError("zip archive is not a Word (.docx) document")
    from aiworks.rag.parse import ParseError, decode_text

    try:  # the same decoder (and message) as the CLI's parser: Latin-1, Shift-JIS, UTF-16 ... are text
        decode_text(data)
    except ParseError as exc:
        raise UploadError(str(exc)) from None
    return "md" if filename.lower().endswith((".md", ".markdown")) else "txt"


def display_name(raw: str | None) -> str:
    """Base name only (no client path), no control characters, bounded length."""
    name = raw or "upload"
    name = PureWindowsPath(PurePosixPath(name).name).name  # strips both / and \ paths
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if name in {"", ".", ".."}:
        name = "upload"
    return name[:200]


def safe_stem(name: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_stem).strip("-_")
    return stem[:60] or "file"


def check_upload(stream: BinaryIO, filename: str | None, max_bytes: int) -> CheckedUpload:
    name = display_name(filename)
    data = read_limited(stream, max_bytes)
    kind = sniff(data, name)
    return CheckedUpload(display_name=name, kind=kind, sha256=hashlib.sha256(data).hexdigest(), data=data)
