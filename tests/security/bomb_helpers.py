"""Hostile files for the security tests: zip bombs shaped as DOCX (unique module name: test dirs share imports)."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
    'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main'
    '+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
)
_TAIL = b"</w:t></w:r></w:p></w:body></w:document>"


def docx_bomb(path: Path, expanded_mb: int) -> Path:
    """A valid DOCX whose document.xml is one run of ``expanded_mb`` MB of 'a' (deflate ~1000:1: 1100 MB -> ~1.1 MB)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _TYPES)
        zf.writestr("_rels/.rels", _RELS)
        with zf.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(_HEAD)
            block = b"a" * (1 << 20)
            for _ in range(expanded_mb):
                f.write(block)
            f.write(_TAIL)
    return path


def docx_many_members(path: Path, members: int) -> Path:
    """A DOCX padded with ``members`` empty entries (a directory bomb: one object per entry when listed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", _TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("word/document.xml", _HEAD + b"hello" + _TAIL)
        for i in range(members):
            zf.writestr(f"customXml/p{i}.bin", b"")
    return path


def docx_lying_sizes(path: Path, real_mb: int = 200, declared: int = 1000) -> Path:
    """A DOCX whose directory (and local header) declare document.xml as ``declared`` bytes while its deflate
    data inflates to ``real_mb`` MB: the directory check passes, the reader must stop at the declared size."""
    docx_bomb(path, real_mb)
    data = bytearray(path.read_bytes())
    # rewrite the uncompressed size in the ZIP64 extra fields of document.xml's local and central headers
    name = b"word/document.xml"
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        at = 0
        while (at := data.find(sig, at)) != -1:
            if sig == b"PK\x03\x04":
                n_len, x_len = struct.unpack_from("<HH", data, at + 26)
                name_at = at + 30
            else:
                n_len, x_len = struct.unpack_from("<HH", data, at + 28)
                name_at = at + 46
            if bytes(data[name_at : name_at + n_len]) == name:
                size_at = at + (22 if sig == b"PK\x03\x04" else 24)
                if struct.unpack_from("<I", data, size_at)[0] != 0xFFFFFFFF:
                    struct.pack_into("<I", data, size_at, declared)
                extra = name_at + n_len
                end = extra + x_len
                while extra + 4 <= end:
                    tag, size = struct.unpack_from("<HH", data, extra)
                    if tag == 1:  # ZIP64: uncompressed size comes first
                        struct.pack_into("<Q", data, extra + 4, declared)
                    extra += 4 + size
            at += 4
    path.write_bytes(bytes(data))
    return path
