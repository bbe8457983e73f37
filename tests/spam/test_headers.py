"""Rich header tokens: sender-side evidence is kept, the corpus collectors' traces (their relays, recipient
addresses, ids minted on arrival) never reach the model; the MLP's ham weighting and seed averaging."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from aiworks.spam.features import build_features
from aiworks.spam.headers import header_tokens, received_tokens
from aiworks.spam.mlp import TorchMLPClassifier
from aiworks.spam.parsing import parse_email

SENDER_SIDE = [
    "from bulkhost.example.biz (dsl-1-2-3-4.dynamic.example.net [1.2.3.4]) by mx.sender-isp.net with SMTP; "
    "Tue, 8 Oct 2002 14:37:00 -0400",
    "from [10.1.2.3] by bulkhost.example.biz with local; Oct, 8 2002 9:36:31 PM +0400",
]


def _message(top_hops: list[str], to: str, msgid: str = "<123.abc@bulkhost.example.biz>") -> bytes:
    hdrs = [("Return-Path", "<promo@deals.example.biz>")]
    hdrs += [("Received", h) for h in top_hops]
    # the hop where the collector's relay accepted the message from the outside world
    hdrs += [
        (
            "Received",
            "from mx.sender-isp.net (mx.sender-isp.net [5.6.7.8]) by "
            + top_hops[-1].split(" by ")[1].split(" ")[0]
            + f" (8.11.6) with ESMTP id g98JDgK30498 for <{to}>; Tue, 8 Oct 2002 20:13:00 +0100",
        )
    ]
    hdrs += [("Received", h) for h in SENDER_SIDE]
    hdrs += [
        ("From", "Deals <promo@deals.example.biz>"),
        ("To", to),
        ("Subject", "cheap offer"),
        ("Message-ID", msgid),
        ("Date", "Tue, 08 Oct 2002 21:56:52 +0300"),
        ("X-Mailer", "BulkSender 2.1"),
        ("List-Unsubscribe", "<mailto:off@deals.example.biz>"),
        ("Content-Type", "text/plain"),
    ]
    return ("".join(f"{k}: {v}\n" for k, v in hdrs) + "\nbuy now\n").encode()


HAM_ROUTE = [
    "from localhost (jalapeno [127.0.0.1]) by jmason.org (Postfix) with ESMTP id E7 for <jm@localhost>; "
    "Wed, 9 Oct 2002 10:47:42 +0100",
    "from jalapeno [127.0.0.1] by localhost with IMAP (fetchmail-5.9.0) for jm@localhost (single-drop); "
    "Wed, 09 Oct 2002 10:47:42 +0100",
    "from webnote.net (mail.webnote.net [193.120.211.219]) by dogma.slashnull.org (8.11.6/8.11.6) "
    "with ESMTP id g98 for <jm@jmason.org>; Tue, 8 Oct 2002 20:13:42 +0100",
]
SPAM_ROUTE = [
    "from mandark.labs.netnoteinc.com [213.105.180.140] by localhost with POP3 (fetchmail-5.9.0) "
    "for yyyy@localhost (single-drop); Mon, 27 Jul 2002 16:45:50 +0100"
]


def test_collector_route_and_recipient_do_not_change_the_tokens():
    ham_like = header_tokens(parse_email(_message(HAM_ROUTE, "jm@jmason.org")))
    spam_like = header_tokens(parse_email(_message(SPAM_ROUTE, "yyyy@netnoteinc.com")))
    assert ham_like == spam_like  # only the collectors' part differs → identical evidence
    for trace in ("jmason", "slashnull", "netnoteinc", "webnote", "yyyy", "jm@", "localhost", "g98"):
        assert trace not in ham_like


def test_sender_side_evidence_is_kept():
    toks = header_tokens(parse_email(_message(SPAM_ROUTE, "yyyy@netnoteinc.com"))).split()
    assert "edge_helo=sender-isp.net" in toks and "edge_helo_rdns_match" in toks  # the hop into the collector
    assert "hop_rdns_dynamic" in toks and "hop_helo_rdns_differ" in toks  # dialup host claiming another name
    assert "origin_helo_ip" in toks  # the oldest hop: an IP-literal HELO
    assert "rcvd_ext_hops=2" in toks
    assert "x-mailer=bulksender" in toks and "list-unsubscribe=mailto" in toks
    assert "msgid_dom=example.biz" in toks and "msgid_from_match=1" in toks and "align_rp=1" in toks
    assert "date_tz=+0300" in toks


def test_message_id_minted_by_the_collector_is_one_neutral_token():
    minted = "<200205230202.g4N@mandark.labs.netnoteinc.com>"
    a = header_tokens(parse_email(_message(SPAM_ROUTE, "x@y.z", msgid=minted)))
    b = header_tokens(parse_email(_message(HAM_ROUTE, "x@y.z", msgid="<20021008.g98@dogma.slashnull.org>")))
    assert "msgid_dom=local_mta" in a.split() and a == b


def test_no_received_headers_and_unparseable_hops_do_not_crash():
    assert received_tokens([]) == ["rcvd_none"]
    assert "edge_nofrom" in received_tokens(["garbage without structure"])
    assert header_tokens(parse_email(b"just a body, no headers at all")).strip()


def test_rich_headers_view_is_opt_in():
    names = lambda fu: [n for n, _ in fu.transformer_list]  # noqa: E731
    assert "header_tokens" not in names(build_features())  # the fast served linear model does not pay for it
    assert "header_tokens" in names(build_features(rich_headers=True))


def _toy(seed=0, n=300, d=40):
    rng = np.random.default_rng(seed)
    X = sparse.random(n, d, density=0.2, random_state=seed, format="csr", dtype=np.float32)
    y = (np.asarray(X[:, :5].sum(1)).ravel() + 0.1 * rng.standard_normal(n) > 0.3).astype(int)
    return X, y


def test_ham_weight_pushes_ham_down_and_prior_correction_restores_calibration():
    X, y = _toy()
    plain = TorchMLPClassifier(epochs=20, hidden=8).fit(X, y)
    weighted = TorchMLPClassifier(epochs=20, hidden=8, ham_weight=5.0).fit(X, y)
    assert plain.prior_shift_ == 0.0 and np.isclose(weighted.prior_shift_, np.log(5.0))
    raw = weighted.decision_function(X) - weighted.prior_shift_  # the net as trained on the weighted loss
    assert raw[y == 0].mean() < plain.decision_function(X)[y == 0].mean() - 0.5
    # after the correction the mean predicted spam probability is back near the base rate
    assert abs(weighted.predict_proba(X)[:, 1].mean() - y.mean()) < abs(1 / (1 + np.exp(-raw)).mean() - y.mean())


def test_seed_averaging_is_the_mean_of_the_nets_logits():
    X, y = _toy(1)
    nets = [TorchMLPClassifier(epochs=3, hidden=8, random_state=s).fit(X, y).decision_function(X) for s in (7, 8)]
    both = TorchMLPClassifier(epochs=3, hidden=8, random_state=7, n_seeds=2).fit(X, y)
    np.testing.assert_allclose(both.decision_function(X), np.mean(nets, 0), rtol=1e-4, atol=1e-5)
    assert both.w1_.shape == (X.shape[1], 16)


def test_header_facts_do_not_name_the_collectors_aliases():
    from aiworks.spam.features import header_facts

    def facts(sender: str, reply_to: str, link: str) -> str:
        raw = (
            f"From: Feed <{sender}>\nReply-To: {reply_to}\nTo: you@example.org\nSubject: news\n"
            f"Content-Type: text/plain\n\nsee http://{link}/item and http://news.example.com/a\n"
        ).encode()
        return header_facts(parse_email(raw))

    ham_alias = facts("rssfeeds@spamassassin.taint.org", "jm@jmason.org", "iiu.taint.org")
    trap_alias = facts("yyyy@netnoteinc.com", "zzzz@slashnull.org", "dogma.slashnull.org")
    assert ham_alias == trap_alias  # which collector alias a message names is not evidence
    assert "fromdom=_" in ham_alias.split() and "urldom=news.example.com" in ham_alias.split()
    assert "taint" not in ham_alias and "netnoteinc" not in trap_alias
    # an ordinary sender keeps its domain and TLD
    assert "fromdom=example.biz" in facts("promo@example.biz", "promo@example.biz", "example.biz").split()
