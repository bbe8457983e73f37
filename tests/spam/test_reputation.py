"""Sender history (auto-whitelist evidence): counted from training labels, leave-one-out on the training rows,
collectors' own From aliases excluded, and part of the mlp family's features."""

from __future__ import annotations

import math

import numpy as np
import pytest

from aiworks.spam.models import build_pipeline
from aiworks.spam.reputation import COLUMNS, SenderHistory, sender_keys
from aiworks.spam.types import Email


def _mail(i: int, sender: str) -> Email:
    return Email(id=str(i), subject=f"note {i}", body="see the attached notes for the release", from_addr=sender)


TRAIN = [
    _mail(0, "Alice <alice@lists.example.org>"),
    _mail(1, "alice@lists.example.org"),
    _mail(2, "bob@lists.example.org"),
    _mail(3, "Promo <promo@deals.example.biz>"),
    _mail(4, "rssfeeds@spamassassin.taint.org"),
    _mail(5, "rssfeeds@spamassassin.taint.org"),
]
Y = np.array([0, 0, 0, 1, 0, 0])


def _col(m, name: str) -> np.ndarray:
    return m.toarray()[:, COLUMNS.index(name)]


def test_training_rows_are_counted_leave_one_out():
    h = SenderHistory()
    train = h.fit_transform(TRAIN, Y)
    # alice wrote two ham: each of her training rows sees the *other* one only
    assert np.allclose(_col(train, "from_addr_ham")[:2], math.log1p(1))
    # bob's single ham and promo's single spam see no history of their own
    assert _col(train, "from_addr_ham")[2] == 0 and _col(train, "from_addr_spam")[3] == 0
    # the domain is shared by alice and bob: 3 ham minus the row itself
    assert np.isclose(_col(train, "from_dom_ham")[2], math.log1p(2))
    # new mail sees the full counts
    new = h.transform(
        [
            _mail(9, "alice@lists.example.org"),
            _mail(10, "promo@deals.example.biz"),
            _mail(11, "stranger@elsewhere.example.com"),
        ]
    )
    assert np.isclose(_col(new, "from_addr_ham")[0], math.log1p(2))
    assert np.isclose(_col(new, "from_addr_spam")[1], math.log1p(1))
    assert new.toarray()[2].sum() == 0


def test_collector_aliases_have_no_history():
    assert sender_keys(TRAIN[4]) == ("", "")
    assert sender_keys(_mail(7, "yyyy@example.com")) == ("", "")
    h = SenderHistory().fit(TRAIN, Y)
    assert h.transform([TRAIN[4]]).toarray().sum() == 0  # two ham from the collector's feed count for nothing


def test_without_labels_there_is_no_history():
    assert SenderHistory().fit_transform(TRAIN).toarray().sum() == 0


@pytest.mark.parametrize("params", [{}, {"sender_history": False}])
def test_mlp_family_uses_sender_history_and_it_moves_scores(params):
    """A known ham sender's message scores lower than the same message from an unknown sender; without the
    history view nothing else tells them apart (same domain, same text), so the scores are equal."""
    rng = np.random.default_rng(0)
    ham_words, spam_words = "meeting agenda review patch notes".split(), "free offer winner cheap click".split()
    emails, y = [], []
    for i in range(120):
        label = i % 2
        # half of the ham comes from list regulars, spam and the other ham from one-off senders; one domain for
        # all, so only the address history (not the From-domain header fact) can tell a regular apart
        sender = f"regular{i % 8}@example.org" if not label and i % 4 == 0 else f"u{i}@example.org"
        words = rng.choice(spam_words if label else ham_words, 30)
        emails.append(Email(id=str(i), subject=" ".join(words[:3]), body=" ".join(words), from_addr=sender))
        y.append(label)
    pipe = build_pipeline("mlp", epochs=10, **params).fit(emails, np.array(y))
    assert ("sender_history" in dict(pipe.named_steps["features"].transformer_list)) == (not params)
    ambiguous = " ".join(ham_words[:3] + spam_words[:3]) * 3
    known, unknown = (
        Email(id=s, subject="hello", body=ambiguous, from_addr=s)
        for s in ("regular0@example.org", "nobody@example.org")
    )
    known_score, unknown_score = pipe.predict_proba([known, unknown])[:, 1]
    if params:
        assert known_score == pytest.approx(unknown_score)
    else:
        assert known_score < unknown_score - 0.01
