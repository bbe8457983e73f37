"""Rich header evidence ("header tokens"), with the corpus collectors' own traces removed.

Real filters get much of their low-false-positive power from headers: which relays a message came through, how the
sending host introduced itself, what the Message-ID and Date look like, list and bulk-mail headers. But a research
corpus also carries the *collectors'* traces: their delivery relays and spam traps (the topmost Received hops),
their recipient addresses (To/Cc, ``for <...>`` clauses, anonymised as ``jm``/``zzzz``/``yyyy``), headers their own
MTAs added (X-MIME-Autoconverted, Message-IDs minted on arrival). In the SpamAssassin corpus ham and spam were
collected through different routes, so those traces separate the classes without saying anything about the
message (see BENCHMARKS.md, "Spam detector"). Here:

- recipient headers are dropped entirely (:data:`RECIPIENT_HEADER`);
- Received hops are cut at the *trust boundary*: the deepest hop received by a collector host
  (:data:`COLLECTOR_HOST`, the analogue of SpamAssassin's ``trusted_networks``); of that hop only the sending side
  (HELO, reverse DNS, IP) is used, plus every hop below it; ``by`` hosts above it, ``for <...>`` clauses, ids and
  timestamps are never used;
- any other header value that mentions a collector host or recipient alias contributes no value tokens;
- a Message-ID minted by a collector's MTA becomes one neutral token (``msgid_dom=local_mta``), like the one a
  deployed filter would see from its own MTA.
"""

from __future__ import annotations

import re

from aiworks.spam.types import Email

# The collectors' relays, forwarders and spam traps (derived from the topmost Received hops of the corpus; see
# the analysis in BENCHMARKS.md) and their anonymised recipient names. A deployment replaces this with its own.
COLLECTOR_HOST = re.compile(
    r"(?:^|[.@\s(\[])(?:localhost|jalapeno|jmason\.org|zzzzason\.org|slashnull\.org|netnoteinc\.com|taint\.org"
    r"|webnote\.net|easydns\.com|pro-ns\.net|midrange\.com|ssz\.com|minder\.net|lerctr\.org|ruhr-uni-bochum\.de"
    r"|kluge\.net)(?:$|[\s>)\];:,])|\b(?:jm|zzzz\w*|yyyy\w*|xxxx\w*)@",
    re.I,
)
RECIPIENT_HEADER = re.compile(
    r"^(?:to|cc|bcc|apparently-to|x-apparently-to|x-original-to|x-originally-to|"
    r"envelope-to|resent-.*|x-resent-.*|x-.*-to|x-mdaemon-deliver-to|x-mime-autoconverted|"
    r"received|subject)$"
)
SPECIAL = {"date", "message-id"}
VALUE_TOKEN = re.compile(r"[a-z][a-z0-9_.-]{1,24}|\d+")
BY_HOST = re.compile(r"\bby\s+([\w.-]+)", re.I)
FROM_PART = re.compile(r"^\s*from\s+(\S+)(?:\s+\(([^)]*)\))?", re.I)
IP = re.compile(r"\[?(\d{1,3}(?:\.\d{1,3}){3})\]?")
DYNAMIC = re.compile(r"\d+[-.]\d+[-.]\d+|dsl|dial|pool|cable|ppp|dhcp|dyn|client|user", re.I)
MAX_VALUE_TOKENS = 8


def is_collector(text: str) -> bool:
    """Does ``text`` (host, domain, address or header value) name one of the collectors? Padded with spaces because
    the pattern wants a delimiter on each side of a host name."""
    return bool(COLLECTOR_HOST.search(f" {text} "))


def _shape(text: str) -> str:
    """Digits → 9, letters → a/A, runs collapsed: the *form* of an id or date, not its value."""
    s = re.sub(r"[0-9]", "9", text)
    s = re.sub(r"[a-z]", "a", s)
    s = re.sub(r"[A-Z]", "A", s)
    return re.sub(r"\s+", "_", re.sub(r"(.)\1+", r"\1\1", s))[:40]


def _dom2(host: str) -> str:
    host = host.lower().strip("[]().<>")
    if IP.fullmatch(host) or "." not in host:
        return ""
    return ".".join(host.split(".")[-2:])


def _hop_tokens(hop: str, prefix: str) -> list[str]:
    """Sending-side evidence of one Received hop: HELO form, reverse DNS, their agreement."""
    m = FROM_PART.match(" ".join(hop.split()))
    if not m:
        return [f"{prefix}nofrom"]
    helo, paren = m.group(1).lower(), (m.group(2) or "").lower()
    toks = []
    if IP.fullmatch(helo.strip("[]")):
        toks.append(f"{prefix}helo_ip")
    elif "." not in helo:
        toks.append(f"{prefix}helo_bare")
    rdns = paren.split()[0] if paren and not paren.startswith("[") else ""
    rdns = "" if IP.fullmatch(rdns.strip("[]")) else rdns
    if not rdns or rdns == "unknown":
        toks.append(f"{prefix}rdns_none")
    else:
        if DYNAMIC.search(rdns):
            toks.append(f"{prefix}rdns_dynamic")
        if _dom2(rdns) and _dom2(rdns) == _dom2(helo):
            toks.append(f"{prefix}helo_rdns_match")
        elif _dom2(helo):
            toks.append(f"{prefix}helo_rdns_differ")
        if not is_collector(rdns):
            toks.append(f"{prefix}rdns={_dom2(rdns) or 'none'}")
    if "may be forged" in paren:
        toks.append(f"{prefix}may_be_forged")
    if _dom2(helo) and not is_collector(helo):
        toks.append(f"{prefix}helo={_dom2(helo)}")
    return toks


def trust_boundary(received: list[str]) -> int:
    """Index of the deepest hop received by a collector host (top = 0): everything above it is the collectors'."""
    by = [(m.group(1) if (m := BY_HOST.search(r)) else "") for r in received]
    inside = [j for j, b in enumerate(by) if is_collector(b)]
    # The topmost hop is always the final delivery, so it counts as the collector's even for an unknown host.
    return inside[-1] if inside else 0


def received_tokens(received: list[str]) -> list[str]:
    """Tokens from the hops at and below the collectors' trust boundary (``received`` is top = newest first)."""
    if not received:
        return ["rcvd_none"]
    boundary = trust_boundary(received)
    below = received[boundary + 1 :]
    toks = [f"rcvd_ext_hops={min(len(below), 6)}"] + _hop_tokens(received[boundary], "edge_")
    for hop in below:
        toks += _hop_tokens(hop, "hop_")
        b = BY_HOST.search(hop)
        if b and _dom2(b.group(1)):
            toks.append(f"hop_by={_dom2(b.group(1))}")
        tail = hop.rsplit(";", 1)[-1] if ";" in hop else ""
        if tail:
            toks.append(f"hop_date={_shape(tail.strip())}")
    # The origin hop (oldest with a sending side) says most about the sender, also for spam relayed by a list.
    origin = next((h for h in reversed(received[boundary:]) if FROM_PART.match(" ".join(h.split()))), "")
    if origin:
        toks += _hop_tokens(origin, "origin_")
    return toks


def _alignment_tokens(e: Email, from_dom: str, rcvd: list[str]) -> list[str]:
    """Does the From domain agree with the envelope sender, the sending host and the links? Legitimate bulk mail
    is sent from its own (or its provider's) infrastructure; spam forges From and sends from anywhere."""
    if not from_dom:
        return ["align_nofrom"]
    rp = e.header("return-path")
    doms = {
        "rp": _dom2(rp.rsplit("@", 1)[-1].strip("<> ")) if "@" in rp else "",
        "helo": next((t.split("=", 1)[1] for t in rcvd if t.startswith("edge_helo=")), ""),
        "rdns": next((t.split("=", 1)[1] for t in rcvd if t.startswith("edge_rdns=")), ""),
    }
    toks = [f"align_{k}={'none' if not d else int(d == from_dom)}" for k, d in doms.items()]
    url_doms = {_dom2(re.sub(r"^(?:https?://)?", "", u.lower()).split("/", 1)[0].split(":", 1)[0]) for u in e.urls[:50]}
    url_doms.discard("")
    toks.append(f"align_url={'none' if not url_doms else int(from_dom in url_doms)}")
    return toks


def header_tokens(e: Email) -> str:
    """All non-recipient headers as ``name=value-token`` tokens plus Received/Message-ID/Date evidence."""
    toks: list[str] = []
    from_dom = _dom2(re.sub(r".*@", "", e.from_addr).split(">")[0]) if "@" in e.from_addr else ""
    for name, value in e.headers:
        key = re.sub(r"[^a-z0-9-]", "_", name)[:30]
        if RECIPIENT_HEADER.match(name) or name in SPECIAL:
            continue
        if is_collector(value):
            toks.append(f"{key}=_")
            continue
        values = VALUE_TOKEN.findall(value.lower())[:MAX_VALUE_TOKENS]
        toks += [f"{key}={_shape(t) if t.isdigit() else t}" for t in values]
    rcvd = received_tokens([v for k, v in e.headers if k == "received"])
    toks += rcvd
    toks += _alignment_tokens(e, from_dom, rcvd)
    mid = e.header("message-id").strip()
    if not mid:
        toks.append("msgid_none")
    else:
        local, _, dom = mid.strip("<>").rpartition("@")
        if is_collector(dom) or is_collector(mid):
            toks.append("msgid_dom=local_mta")
        else:
            toks += [
                f"msgid_shape={_shape(local)}",
                f"msgid_dom={_dom2(dom) or 'none'}",
                f"msgid_from_match={int(bool(from_dom) and _dom2(dom) == from_dom)}",
            ]
    date = e.header("date").strip()
    toks.append(f"date_shape={_shape(date) if date else 'none'}")
    tz = re.search(r"([+-]\d{4})|\(([A-Z]{2,5})\)|\b([A-Z]{3})$", date)
    if tz:
        toks.append(f"date_tz={next(g for g in tz.groups() if g)}")
    return " ".join(toks) or "hdr_none"
