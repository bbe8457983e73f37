"""Decompression limits for zipped formats (DOCX today), checked from the archive's directory before any member
is decompressed.

A DOCX is a zip; a 1.1 MB one can declare a 1.1 GB ``word/document.xml`` (deflate reaches ~1000:1 on repeated
text), and python-docx would inflate it and build its XML tree: 2.5 GB of memory for one upload. The central
directory lists every member's compressed and uncompressed size, so the decision costs no decompression:

- the entry count comes from the end-of-central-directory record, before ``zipfile`` builds one object per
  entry (a million empty members is a memory bomb of its own);
- then total uncompressed size, the largest XML part (XML is what gets parsed into a tree, the costly part),
  and the compression ratio of every member large enough to matter.

Can the directory lie? ``zipfile`` cuts a member off at its declared size and then fails its CRC check, but a
one-shot ``read()`` (what python-docx does) inflates the member's whole compressed payload first (~1000x its
size) and truncates afterwards. So ``check_archive(..., verify=True)`` (the parser's call) also streams every
member once in 1 MB pieces, which stops at the declared size, and refuses a member whose data disagrees with
the directory; python-docx then only ever reads members whose real size is the checked one. The limits are generous for real documents (a 500-page contract's
document.xml is ~10 MB; embedded images barely compress, so they pass the ratio check).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from aiworks.rag.parse import ParseError

MB = 1 << 20


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int = 5_000
    max_total_bytes: int = 256 * MB  # everything python-docx loads into memory as part blobs
    max_xml_bytes: int = 48 * MB  # one XML part (parsed into an lxml tree, several times its size)
    max_ratio: float = 200.0  # uncompressed / compressed, for members above ``ratio_floor_bytes``
    ratio_floor_bytes: int = 1 * MB  # tiny members may compress extremely well; they cannot hurt


DEFAULT_LIMITS = ArchiveLimits()


@dataclass(frozen=True)
class ArchiveStats:
    members: int
    total_bytes: int
    compressed_bytes: int
    largest_xml: int
    worst_ratio: float


def _refuse(message: str) -> ParseError:
    return ParseError("unsafe", f"{message}; refused without decompressing it (possible zip bomb)")


def _open(source: Path | bytes | BinaryIO) -> BinaryIO:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(source)
    if isinstance(source, (str, Path)):
        return open(source, "rb")
    return source


def entry_count(source: Path | bytes | BinaryIO) -> int:
    """Entries declared by the end-of-central-directory record (ZIP64-aware), read without listing them."""
    fp = _open(source)
    try:
        end = zipfile._EndRecData(fp)  # the stdlib's own EOCD reader; stable since Python 2
    finally:
        if fp is not source:
            fp.close()
    if end is None:
        raise ParseError("corrupt", "not a zip archive (no central directory)")
    return int(end[zipfile._ECD_ENTRIES_TOTAL])


def check_archive(
    source: Path | bytes | BinaryIO, limits: ArchiveLimits = DEFAULT_LIMITS, verify: bool = False
) -> ArchiveStats:
    """Raise ``ParseError("unsafe", ...)`` if the zip (a path, its bytes or a seekable file) would expand past
    ``limits``; else its stats. Reads only the directory, unless ``verify``: then every member is also inflated
    once, streaming, to prove its data matches the directory (bounded memory; ``corrupt`` if it does not)."""
    count = entry_count(source)
    if count > limits.max_members:
        raise _refuse(f"the archive has {count:,} members (limit {limits.max_members:,})")
    fp = _open(source)
    try:
        with zipfile.ZipFile(fp) as zf:
            infos = zf.infolist()
            _check_directory(infos, limits)
            if verify:
                _verify_members(zf, infos)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ParseError("corrupt", f"not a readable zip archive ({exc})") from exc
    finally:
        if fp is not source:
            fp.close()
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    largest_xml = max((i.file_size for i in infos if i.filename.lower().endswith((".xml", ".rels"))), default=0)
    worst = max(
        (i.file_size / max(1, i.compress_size) for i in infos if i.file_size > limits.ratio_floor_bytes), default=0.0
    )
    return ArchiveStats(len(infos), total, packed, largest_xml, worst)


def _verify_members(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    for info in infos:
        try:
            with zf.open(info) as member:
                while member.read(MB):  # read(n) inflates at most n bytes; stops at the declared size + CRC
                    pass
        except Exception as exc:  # BadZipFile (CRC/size), zlib.error, EOFError: all mean corrupt
            raise ParseError(
                "corrupt",
                f"member {info.filename!r} does not match the archive directory "
                f"({type(exc).__name__}: {str(exc)[:120]})",
            ) from exc


def _check_directory(infos: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    if len(infos) > limits.max_members:  # the EOCD count and the directory disagree: trust the larger
        raise _refuse(f"the archive has {len(infos):,} members (limit {limits.max_members:,})")
    total = sum(i.file_size for i in infos)
    if total > limits.max_total_bytes:
        raise _refuse(f"it would expand to {total / MB:,.0f} MB (limit {limits.max_total_bytes // MB} MB)")
    for info in infos:
        if info.filename.lower().endswith((".xml", ".rels")) and info.file_size > limits.max_xml_bytes:
            raise _refuse(
                f"member {info.filename!r} would expand to {info.file_size / MB:,.0f} MB "
                f"(limit {limits.max_xml_bytes // MB} MB per XML part)"
            )
        if info.file_size > limits.ratio_floor_bytes:
            ratio = info.file_size / max(1, info.compress_size)
            if ratio > limits.max_ratio:
                raise _refuse(
                    f"member {info.filename!r} expands {ratio:,.0f}x "
                    f"({info.compress_size:,} -> {info.file_size:,} bytes; limit {limits.max_ratio:.0f}x)"
                )
