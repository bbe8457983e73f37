"""Helpers: tiny synthetic corpora and hand-written MIME messages (no shared bench data needed)."""

from __future__ import annotations

import random
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

HAM_WORDS = (
    "meeting agenda project review schedule lunch report draft notes patch release build kernel list thanks".split()
)
SPAM_WORDS = (
    "free money winner viagra cheap offer click credit loan prize urgent casino pills discount guaranteed".split()
)
COMMON = "the a and to of you for is on with this we our your".split()


def make_message(
    label: int, rng: random.Random, i: int, extra_headers: dict | None = None, body_words: list[str] | None = None
) -> bytes:
    words = body_words or (SPAM_WORDS if label else HAM_WORDS)
    body = " ".join(rng.choice(words + COMMON) for _ in range(rng.randint(30, 60)))
    subject = (
        (" ".join(rng.choice(words) for _ in range(4))).upper()
        if label
        else " ".join(rng.choice(words) for _ in range(4))
    )
    if label and rng.random() < 0.5:
        msg = MIMEMultipart("alternative")
        msg.attach(MIMEText(body, "plain"))
        msg.attach(
            MIMEText(f"<html><body><p>{body}</p><a href='http://win{i}.example.biz/x'>click</a></body></html>", "html")
        )
    else:
        msg = MIMEText(body + (f"\nhttp://cheap{i}.example.biz/" if label else ""), "plain")
    msg["From"] = f"{'promo' if label else 'alice'}{i}@{'deals.biz' if label else 'example.org'}"
    msg["To"] = "bob@example.org"
    msg["Subject"] = subject + f" {i}"
    msg["Message-ID"] = f"<{i}.{label}@host>"
    for k, v in (extra_headers or {}).items():
        msg[k] = v
    return msg.as_bytes()


def write_corpus(root: Path, n: int = 40, seed: int = 0, headers_of=None, body_words=None) -> Path:
    """ham/ + spam/ folders of n messages each. ``headers_of(label)`` adds headers; ``body_words`` fixes the vocab."""
    rng = random.Random(seed)
    for label, name in ((0, "ham"), (1, "spam")):
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(n):
            raw = make_message(label, rng, i + 1000 * label, headers_of(label) if headers_of else None, body_words)
            (root / name / f"{i:04d}.eml").write_bytes(raw)
    return root


def attachment_message() -> bytes:
    msg = MIMEMultipart()
    msg["Subject"] = "invoice"
    msg["From"] = "x@a.com"
    msg["Reply-To"] = "y@b.net"
    msg.attach(MIMEText("see attached", "plain"))
    part = MIMEApplication(b"MZ\x90\x00binary", Name="invoice.exe")
    part["Content-Disposition"] = 'attachment; filename="invoice.exe"'
    msg.attach(part)
    return msg.as_bytes()
