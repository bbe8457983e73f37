"""The one error type for files a user must fix; its own module so every parsing stage can raise it."""

from __future__ import annotations


class ParseError(Exception):
    """A file that cannot be ingested; ``kind`` is one of encrypted/corrupt/empty/scanned/unsupported/unreadable."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message

    def __reduce__(self):  # picklable, so errors cross the parse worker process boundary intact
        return (ParseError, (self.kind, self.message))
