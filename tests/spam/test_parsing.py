"""MIME parsing on hand-made messages: every malformed case degrades to text + a defect, never a crash."""

from __future__ import annotations

import base64

from aiworks.spam.features import STRUCTURE_FEATURES, header_facts, structure_vector
from aiworks.spam.parsing import MAX_HEADER_CHARS, parse_email
from spam_samples import attachment_message

MULTIPART = (
    b"""From: Alice <alice@example.org>
Reply-To: other@evil.biz
Subject: =?utf-8?q?Caf=C3=A9_news?=
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="XX"

--XX
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Hello caf=C3=A9 world
--XX
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64

"""
    + base64.encodebytes(
        b"<html><style>p{color:red}</style><script>var hidden=1;</script><p>Visible <a href='http://deals.example.biz/buy'>BUY</a></p></html>"
    )
    + b"""
--XX--
"""
)


def test_multipart_decodes_qp_base64_and_html():
    e = parse_email(MULTIPART, id="m1")
    assert e.subject == "Café news"
    assert "Hello café world" in e.body
    assert "Visible" in e.body and "BUY" in e.body
    assert "hidden" not in e.body and "color:red" not in e.body  # script/style are not text
    assert e.n_text_parts == 1 and e.n_html_parts == 1
    assert "http://deals.example.biz/buy" in e.urls
    feats = dict(zip(STRUCTURE_FEATURES, structure_vector(e)))
    assert feats["from_replyto_mismatch"] == 1.0
    assert feats["html_only"] == 0.0


def test_html_only_message():
    raw = b"From: a@b.c\nSubject: hi\nContent-Type: text/html\n\n<html><body><h1>WIN</h1><a href='http://1.2.3.4/x'>go</a></body></html>"
    e = parse_email(raw)
    feats = dict(zip(STRUCTURE_FEATURES, structure_vector(e)))
    assert "WIN" in e.body and "<h1>" not in e.body
    assert feats["html_only"] == 1.0 and feats["ip_urls"] == 1.0 and feats["html_ratio"] > 0.5


def test_broken_encodings_give_defects_not_crashes():
    raw = (
        b"From: a@b.c\nSubject: =?bogus-charset?q?=FF=FE?=\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="B"\n\n--B\nContent-Type: text/plain; charset=x-unknown-42\n\n'
        b"caf\xe9 \xff\xfe text\n--B\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n@@@not base64!!!\n"
    )
    e = parse_email(raw)  # no closing boundary, unknown charset, garbage base64
    assert "text" in e.body
    assert any("charset" in d for d in e.defects)
    assert e.defects  # the reason is recorded


def test_garbage_bytes_and_empty_input():
    for raw in (b"", b"\x00\xff\xfe" * 100, b":::\n\n\n", "plain words only, no headers"):
        e = parse_email(raw)
        assert isinstance(e.body, str)
    assert "plain words" in parse_email("plain words only, no headers").body


def test_huge_headers_are_bounded():
    raw = (
        b"From: a@b.c\nSubject: "
        + b"A" * 2_000_000
        + b"\n"
        + b"".join(b"X-Junk-%d: v\n" % i for i in range(3000))
        + b"\nbody"
    )
    e = parse_email(raw)
    assert len(e.subject) <= MAX_HEADER_CHARS
    assert e.body.strip() == "body"
    assert len(header_facts(e)) < 200_000


def test_leakage_headers_are_stripped():
    raw = (
        b"From: a@b.c\nX-Spam-Status: Yes, hits=12.3\nX-Spam-Flag: YES\nX-Keywords: spam\nDelivered-To: zzzz@corpus\n"
        b"Status: RO\nX-Mailer: Foo 1.0\nSubject: hi\n\nbody"
    )
    e = parse_email(raw)
    names = {k for k, _ in e.headers}
    assert names == {"from", "x-mailer", "subject"}
    assert "x_spam" not in header_facts(e) and "keywords" not in header_facts(e)


def test_attachments_are_typed_not_read_as_text():
    e = parse_email(attachment_message())
    feats = dict(zip(STRUCTURE_FEATURES, structure_vector(e)))
    assert e.attachments == ("application/octet-stream:exe",)
    assert "MZ" not in e.body
    assert feats["risky_attachment"] == 1.0


def test_auto_detects_raw_versus_plain_text():
    from aiworks.spam.serving import to_email

    assert to_email("Subject: hi\n\nbody text").subject == "hi"
    assert to_email("Note: call me about the meeting").body == "Note: call me about the meeting"
    assert to_email(b"plain words", kind="raw").body.strip() == "plain words"
    assert to_email("Subject: looks raw\n\nbut forced text", kind="text").subject == ""


def test_html_to_text_keeps_words_links_and_drops_markup():
    from aiworks.spam.parsing import html_to_text

    text, links = html_to_text(
        "<!DOCTYPE html><html><head><style>b{x:y}</style><script src='http://js.example.com/t.js'></script></head>"
        '<body><p>Cheap V<!-- filler -->iagra &amp; more</p><a href="http://shop.example.biz/?a=1&amp;b=2">buy'
        "</a><br>next line</body></html>"
    )
    assert "Viagra & more" in text  # comments split words in spam; entities decoded
    assert "next line" in text and "\n" in text  # block tags become line breaks
    assert "<" not in text and "x:y" not in text and "DOCTYPE" not in text
    assert links == ["http://js.example.com/t.js", "http://shop.example.biz/?a=1&b=2"]


def test_caps_ratio_same_on_ascii_fast_path_and_unicode_path():
    from aiworks.spam.features import _caps_ratio

    assert _caps_ratio("FREE money!! 100%") == 4 / 9
    assert _caps_ratio("FREE money!! 100% é") == 4 / 10  # non-ASCII path, letters only
    assert _caps_ratio("12345 !!") == 0.0
