"""lifecycle.monitoring: the prediction log and the PSI drift report firing / staying quiet."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from aiworks.lifecycle.monitoring import (
    PredictionLog,
    ReferenceProfile,
    build_reference,
    columns_from_log,
    drift_report,
    parse_since,
    psi,
)


def _sample(rng, n, shift=0.0):
    return {
        "score": rng.beta(0.5 + shift, 2.0, n),
        "n_urls": rng.poisson(2 + 4 * shift, n).astype(float),
        "zeros": np.zeros(n),
    }


def test_drift_quiet_on_same_distribution_and_fires_on_shift():
    rng = np.random.default_rng(0)
    ref = build_reference(_sample(rng, 4000))
    same = drift_report(ref, _sample(rng, 800))
    assert not same.drift and all(c.status == "stable" for c in same.columns)
    shifted = drift_report(ref, _sample(rng, 800, shift=1.5))
    assert shifted.drift
    assert {c.name for c in shifted.columns if c.status == "drift"} == {"score", "n_urls"}
    assert next(c for c in shifted.columns if c.name == "zeros").psi < 0.01  # a constant column stays stable


def test_too_few_samples_never_flags():
    rng = np.random.default_rng(1)
    ref = build_reference(_sample(rng, 2000))
    report = drift_report(ref, _sample(rng, 20, shift=2.0), min_samples=100)
    assert not report.enough_data and not report.drift


def test_psi_properties():
    assert psi([0.5, 0.5], [0.5, 0.5]) == pytest.approx(0.0)
    assert psi([0.5, 0.5], [0.9, 0.1]) > 0.25


def test_reference_roundtrip():
    ref = build_reference({"score": np.linspace(0, 1, 100)})
    again = ReferenceProfile.from_dict(ref.to_dict())
    assert again.columns["score"].edges == ref.columns["score"].edges and again.n == 100


def test_prediction_log_append_read_since(tmp_path):
    log = PredictionLog.for_model(tmp_path, "m")
    assert log.read() == []
    log.append([{"score": 0.9, "features": {"n_urls": 3}}, {"score": 0.1, "features": {"n_urls": 0}}])
    with log.path.open("a") as fh:
        fh.write('{"torn line')  # a crash mid-write must not break monitoring
    recs = log.read(since=datetime.now(timezone.utc) - timedelta(minutes=1))
    assert [r["score"] for r in recs] == [0.9, 0.1]
    assert log.read(since=datetime.now(timezone.utc) + timedelta(minutes=1)) == []
    cols = columns_from_log(recs, ["score", "n_urls"])
    assert cols["n_urls"].tolist() == [3.0, 0.0]


def test_parse_since():
    now = datetime(2026, 11, 25, tzinfo=timezone.utc)
    assert parse_since("1d", now) == now - timedelta(days=1)
    assert parse_since("30m", now) == now - timedelta(minutes=30)
    assert parse_since("2026-11-20T00:00:00", now).tzinfo is not None
    with pytest.raises(ValueError, match="--since"):
        parse_since("yesterday-ish", now)


def test_constant_reference_column_still_detects_change():
    rng = np.random.default_rng(2)
    ref = build_reference({"n_urls": np.zeros(3000)})  # e.g. a training corpus without any URLs
    assert not drift_report(ref, {"n_urls": np.zeros(500)}).drift
    assert drift_report(ref, {"n_urls": rng.poisson(1.0, 500).astype(float)}).drift
