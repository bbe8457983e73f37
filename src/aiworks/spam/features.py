"""Feature engineering as scikit-learn transformers over ``list[Email]``.

Three views are unioned: word + char n-gram TF-IDF of subject/body, a bag of header "facts" (which headers
exist, mailer, sender domain, content types), and dense structure features (URLs, HTML ratio, attachments,
shouting, sender/reply-to mismatch). All outputs are non-negative so naive Bayes can share the pipeline.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import MaxAbsScaler

from aiworks.spam.headers import header_tokens, is_collector
from aiworks.spam.parsing import _addr_domain
from aiworks.spam.reputation import SenderHistory
from aiworks.spam.types import Email

# Key structure features also monitored for drift (see lifecycle.monitoring); order = column order.
STRUCTURE_FEATURES = (
    "log_body_chars",
    "n_urls",
    "n_url_domains",
    "ip_urls",
    "html_ratio",
    "html_only",
    "n_attachments",
    "risky_attachment",
    "subject_caps_ratio",
    "subject_exclaims",
    "body_caps_ratio",
    "money_signs",
    "from_replyto_mismatch",
    "n_headers",
    "n_defects",
    "has_unsubscribe",
)
MONITORED_FEATURES = ("log_body_chars", "n_urls", "html_ratio", "subject_caps_ratio", "n_headers")
RISKY_EXT = re.compile(r":(exe|scr|pif|bat|com|vbs|js|zip|rar|hta|cpl|jar)$")
IP_URL = re.compile(r"^(?:https?://)?\d{1,3}(?:\.\d{1,3}){3}")
HEADER_FACTS = (
    "x-mailer",
    "user-agent",
    "content-type",
    "precedence",
    "importance",
    "x-priority",
    "x-msmail-priority",
    "mime-version",
    "content-transfer-encoding",
)
BODY_CHARS_FOR_CHARGRAMS = 1000  # char n-grams over the whole of a 100 kB body cost time, not accuracy
BODY_CHARS_FOR_WORDS = 20_000
TOKEN = re.compile(r"[a-z0-9]+")


_NOT_UPPER = bytes(c for c in range(128) if not chr(c).isupper())
_NOT_LETTER = bytes(c for c in range(128) if not chr(c).isalpha())


def _caps_ratio(text: str) -> float:
    """Share of letters that are upper case. A per-character Python loop over 5,000 body characters cost as much
    as all other features together, so ASCII text (most mail) is counted with C-speed ``bytes.translate``."""
    if text.isascii():
        raw = text.encode("ascii")
        letters = len(raw.translate(None, _NOT_LETTER))
        return len(raw.translate(None, _NOT_UPPER)) / letters if letters else 0.0
    alpha = [c for c in text if c.isalpha()]
    return sum(map(str.isupper, alpha)) / len(alpha) if alpha else 0.0


def _url_domain(url: str) -> str:
    url = re.sub(r"^(?:https?://)?", "", url.lower())
    return url.split("/", 1)[0].split(":", 1)[0].removeprefix("www.")


def structure_vector(e: Email) -> list[float]:
    domains = {_url_domain(u) for u in e.urls}
    from_dom, reply_dom = _addr_domain(e.from_addr), _addr_domain(e.reply_to)
    body_len = len(e.body)
    return [
        math.log1p(body_len),
        math.log1p(len(e.urls)),
        math.log1p(len(domains)),
        float(any(IP_URL.match(u) for u in e.urls)),
        e.html_chars / (e.html_chars + body_len + 1),
        float(e.n_html_parts > 0 and e.n_text_parts == 0),
        math.log1p(len(e.attachments)),
        float(any(RISKY_EXT.search(a) for a in e.attachments)),
        _caps_ratio(e.subject),
        float(min(e.subject.count("!"), 5)),
        _caps_ratio(e.body[:5000]),
        math.log1p(e.body.count("$")),
        float(bool(reply_dom) and reply_dom != from_dom),
        math.log1p(len(e.headers)),
        math.log1p(len(e.defects)),
        float("unsubscribe" in e.body[-3000:].lower() or "remove" in e.body[-2000:].lower()),
    ]


def structure_frame(emails: Sequence[Email]) -> dict[str, np.ndarray]:
    """Named structure features for monitoring (columns of :data:`STRUCTURE_FEATURES`)."""
    m = np.array([structure_vector(e) for e in emails], dtype=float).reshape(len(emails), len(STRUCTURE_FEATURES))
    return {name: m[:, i] for i, name in enumerate(STRUCTURE_FEATURES)}


def header_facts(e: Email) -> str:
    """Header evidence as tokens: which headers exist and a few normalised values. Always non-empty."""
    names = {k for k, _ in e.headers}
    toks = [f"has_{re.sub(r'[^a-z0-9]', '_', k)}" for k in sorted(names)]
    toks.append(f"nhdr_{min(len(names) // 5, 8)}")
    for k in HEADER_FACTS:
        v = e.header(k).lower()
        if v:
            toks += [f"{k}={t}" for t in TOKEN.findall(v)[:6]]
    for k, addr in (("from", e.from_addr), ("replyto", e.reply_to)):
        dom = _addr_domain(addr)
        if dom:
            # The corpus collectors' own domains and aliases differ between their ham mailboxes and spam traps:
            # one neutral token, as in the rich header view, so the alias cannot tell which mailbox it came from.
            toks += [f"{k}dom=_"] if is_collector(dom) else [f"{k}dom={dom}", f"{k}tld={dom.rsplit('.', 1)[-1]}"]
    toks += [f"attach={a}" for a in e.attachments[:10]]
    toks += [f"urldom={'_' if is_collector(d) else d}" for d in (_url_domain(u) for u in e.urls[:30])]
    return " ".join(toks)


class FieldText(BaseEstimator, TransformerMixin):
    """Select a text view of each Email: "text" (subject + body), "short" (truncated), "headers" (header facts) or
    "header_tokens" (rich, collector-free header evidence, :mod:`aiworks.spam.headers`)."""

    def __init__(self, field: str = "text"):
        self.field = field

    def fit(self, X: Sequence[Email], y=None) -> "FieldText":
        return self

    def transform(self, X: Sequence[Email]) -> list[str]:
        if self.field == "headers":
            return [header_facts(e) for e in X]
        if self.field == "header_tokens":
            return [header_tokens(e) for e in X]
        # "zzdoc" is a constant token so an all-empty training corpus still has a vocabulary (no crash).
        if self.field == "short":
            return [f"zzdoc {e.subject}\n{e.body[:BODY_CHARS_FOR_CHARGRAMS]}" for e in X]
        return [
            f"zzdoc {e.subject}\n{e.subject}\n{e.body[:BODY_CHARS_FOR_WORDS]}" for e in X
        ]  # subject twice: worth more


class StructureFeatures(BaseEstimator, TransformerMixin):
    """Dense structure features (non-negative), returned sparse so they stack with TF-IDF."""

    def fit(self, X: Sequence[Email], y=None) -> "StructureFeatures":
        self.n_features_out_ = len(STRUCTURE_FEATURES)
        return self

    def transform(self, X: Sequence[Email]) -> sparse.csr_matrix:
        return sparse.csr_matrix(np.array([structure_vector(e) for e in X], dtype=np.float64).reshape(len(X), -1))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array(STRUCTURE_FEATURES, dtype=object)


def build_features(
    char_ngrams: bool = True,
    max_word_features: int = 100_000,
    max_char_features: int = 100_000,
    min_df: int = 2,
    rich_headers: bool = False,
    sender_history: bool = False,
) -> FeatureUnion:
    """The shared feature union; model families may switch char n-grams off for speed and rich header tokens on
    (they cost ~0.2 ms per message, so the fast served linear model leaves them off by default), and add the
    sender history of :mod:`aiworks.spam.reputation` (learnt from the training labels, leave-one-out)."""
    views: list[tuple[str, object]] = [
        (
            "word",
            Pipeline(
                [
                    ("field", FieldText("text")),
                    (
                        "tfidf",
                        TfidfVectorizer(
                            lowercase=True,
                            token_pattern=r"(?u)\b\w[\w'$.-]*\w\b|[$!]",
                            ngram_range=(1, 2),
                            min_df=min_df,
                            max_features=max_word_features,
                            sublinear_tf=True,
                            dtype=np.float32,
                        ),
                    ),
                ]
            ),
        ),
        (
            "headers",
            Pipeline(
                [
                    ("field", FieldText("headers")),
                    (
                        "tfidf",
                        TfidfVectorizer(
                            lowercase=False, token_pattern=r"\S+", min_df=min_df, sublinear_tf=True, dtype=np.float32
                        ),
                    ),
                ]
            ),
        ),
        ("structure", Pipeline([("raw", StructureFeatures()), ("scale", MaxAbsScaler())])),
    ]
    if rich_headers:
        views.insert(
            2,
            (
                "header_tokens",
                Pipeline(
                    [
                        ("field", FieldText("header_tokens")),
                        (
                            "tfidf",
                            TfidfVectorizer(
                                lowercase=False,
                                token_pattern=r"\S+",
                                min_df=min_df,
                                sublinear_tf=True,
                                dtype=np.float32,
                            ),
                        ),
                    ]
                ),
            ),
        )
    if sender_history:
        views.append(("sender_history", SenderHistory()))
    if char_ngrams:
        views.insert(
            1,
            (
                "char",
                Pipeline(
                    [
                        ("field", FieldText("short")),
                        (
                            "tfidf",
                            TfidfVectorizer(
                                analyzer="char_wb",
                                ngram_range=(3, 5),
                                min_df=min_df,
                                max_features=max_char_features,
                                sublinear_tf=True,
                                dtype=np.float32,
                            ),
                        ),
                    ]
                ),
            ),
        )
    return FeatureUnion(views)
