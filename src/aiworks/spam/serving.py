"""Prediction service used by ``aiworks spam predict`` and the HTTP route: registry-loaded model,
batch scoring, prediction logging for monitoring, and counters for /metrics."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from aiworks.lifecycle.monitoring import PredictionLog
from aiworks.settings import Settings
from aiworks.spam.features import MONITORED_FEATURES, structure_frame
from aiworks.spam.models import SpamDetector
from aiworks.spam.parsing import from_subject_body, parse_email
from aiworks.spam.training import MODEL_NAME, SERVED_ALIAS
from aiworks.spam.types import Email

# Smaller batches stay in-process: handing the detector to a worker means pickling it (~32 MB, ~0.2 s for the mlp).
MIN_CHUNK = 512
RFC822_START = re.compile(r"^(From |[A-Za-z][A-Za-z0-9-]*:\s)")


class NoModel(RuntimeError):
    """No spam model is registered yet."""


@dataclass
class Prediction:
    id: str
    label: str  # "spam" | "ham"
    score: float  # P(spam) from the model
    threshold: float
    strict_spam: bool | None  # verdict at the 0.1% ham-FPR operating point
    defects: list[str]

    def as_json(self) -> dict:
        return asdict(self)


def to_email(item: bytes | str, kind: str = "auto", id: str = "") -> Email:
    """``kind`` = "raw" (RFC 822), "text" (plain text) or "auto" (raw if it starts with a header line)."""
    if kind == "text" or (kind == "auto" and not _looks_like_rfc822(item)):
        text = item.decode("utf-8", "replace") if isinstance(item, bytes) else item
        return from_subject_body("", text, id=id)
    return parse_email(item, id=id)


def _looks_like_rfc822(item: bytes | str) -> bool:
    head = item[:2000].decode("latin-1") if isinstance(item, bytes) else item[:2000]
    first = head.lstrip("\r\n").split("\n", 1)[0]
    # A header-looking first line plus a header/body break; anything else is plain text.
    return bool(RFC822_START.match(first)) and ("\n\n" in head or "\r\n\r\n" in head)


class SpamService:
    """Thread-safe: loads the model once per registry version (re-checked every ``refresh_s`` seconds)."""

    def __init__(self, settings: Settings, uri: str | None = None, refresh_s: float = 30.0, log: bool = True):
        self.settings = settings
        self.uri = uri
        self.refresh_s = refresh_s
        self.log = PredictionLog.for_model(settings.home, MODEL_NAME) if log else None
        self.counters: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._loaded: tuple[float, str, int, SpamDetector] | None = None

    def model(self) -> tuple[str, int, SpamDetector]:
        with self._lock:
            if self._loaded and time.monotonic() - self._loaded[0] < self.refresh_s:
                return self._loaded[1:]
            from aiworks.lifecycle import registry

            candidates = (
                [self.uri] if self.uri else [f"models:/{MODEL_NAME}@{SERVED_ALIAS}", f"models:/{MODEL_NAME}/latest"]
            )
            for uri in candidates:
                try:
                    name, version = registry.resolve(self.settings, uri)
                except registry.ModelNotFound:
                    continue
                detector = registry.load(self.settings, f"models:/{name}/{version}")
                if not isinstance(detector, SpamDetector):
                    raise NoModel(f"{uri} is not a spam detector")
                self._loaded = (time.monotonic(), name, version, detector)
                return name, version, detector
            raise NoModel(f"no spam model registered ({' or '.join(candidates)}); run `aiworks spam train` first")

    def predict_emails(self, emails: Sequence[Email], texts: Sequence[str] | None = None) -> list[Prediction]:
        name, version, det = self.model()
        started = time.perf_counter()
        scores = det.scores(emails)
        frame = structure_frame(emails) if self.log is not None else None
        return self._finish(
            name, version, det, [e.id for e in emails], scores, [list(e.defects) for e in emails], frame, texts, started
        )

    def predict(
        self, items: Sequence[bytes | str], kind: str = "auto", ids: Sequence[str] | None = None, n_jobs: int = 2
    ) -> list[Prediction]:
        ids = [str(i) for i in ids] if ids else [str(i) for i in range(len(items))]
        if self.settings.log_prediction_text:  # the log needs the parsed text, so parse here
            emails = [to_email(it, kind, id=i) for it, i in zip(items, ids)]
            return self.predict_emails(emails, [f"{e.subject}\n{e.body}" for e in emails])
        # Big batches parse + score in worker processes (see batch_scores); only scores, defects and the monitored
        # features come back (not the parsed bodies), so the parent does almost nothing per email.
        name, version, det = self.model()
        started = time.perf_counter()
        scores, defects, frame = batch_scores(det, items, kind, n_jobs=n_jobs, with_details=True)
        return self._finish(name, version, det, ids, scores, defects, frame, None, started)

    def _finish(
        self,
        name: str,
        version: int,
        det: SpamDetector,
        ids: Sequence[str],
        scores,
        defects: list[list[str]],
        frame: dict | None,
        texts: Sequence[str] | None,
        started: float,
    ) -> list[Prediction]:
        preds = [
            Prediction(
                i,
                "spam" if s >= det.threshold else "ham",
                float(s),
                det.threshold,
                None if det.strict_threshold is None else bool(s > det.strict_threshold),
                d,
            )
            for i, s, d in zip(ids, scores, defects)
        ]
        self.counters["requests_emails"] += len(preds)
        self.counters["predicted_spam"] += sum(p.label == "spam" for p in preds)
        self.counters["predicted_ham"] += sum(p.label == "ham" for p in preds)
        self.counters["malformed_emails"] += sum(bool(p.defects) for p in preds)
        self.counters["scoring_seconds_total_us"] += int((time.perf_counter() - started) * 1e6)
        if self.log is not None and frame is not None:
            records = []
            for i, p in enumerate(preds):
                rec = {
                    "model": name,
                    "version": version,
                    "score": round(p.score, 6),
                    "label": p.label,
                    "features": {k: round(float(frame[k][i]), 6) for k in MONITORED_FEATURES},
                }
                if texts is not None:
                    rec["text"] = texts[i]
                records.append(rec)
            self.log.append(records)
        return preds


def _score_chunk(detector: SpamDetector, items: Sequence[bytes | str], kind: str, with_details: bool = False):
    emails = [to_email(it, kind) for it in items]
    scores = detector.scores(emails)
    if not with_details:
        return scores
    return scores, [list(e.defects) for e in emails], structure_frame(emails)


def batch_scores(
    detector: SpamDetector,
    items: Sequence[bytes | str],
    kind: str = "auto",
    n_jobs: int = 2,
    min_chunk: int = MIN_CHUNK,
    with_details: bool = False,
):
    """Parse + score many raw messages, one interleaved share per worker process.

    Parsing and tokenising are pure Python (GIL-bound), so processes, not threads, are what use both cores;
    one share per worker means the detector (with its vocabularies) is pickled once per worker, not per chunk.
    Shares are interleaved (worker w gets items w, w + n, ...), not contiguous: corpora come sorted (ham, then
    big HTML spam), and contiguous halves left one core idle for a third of the run.
    ``with_details`` also returns each message's parse defects and the monitored structure features.
    """
    import numpy as np
    from joblib import Parallel, delayed

    if n_jobs == 1 or len(items) <= min_chunk:
        return _score_chunk(detector, items, kind, with_details)
    parts = Parallel(n_jobs=n_jobs)(
        delayed(_score_chunk)(detector, items[w::n_jobs], kind, with_details) for w in range(n_jobs)
    )
    order = np.concatenate([np.arange(w, len(items), n_jobs) for w in range(n_jobs)])
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))  # position of item i in the concatenated worker outputs

    if not with_details:
        return np.concatenate(parts)[inverse]
    frame = {k: np.concatenate([p[2][k] for p in parts])[inverse] for k in parts[0][2]}
    defects = [d for p in parts for d in p[1]]
    return np.concatenate([p[0] for p in parts])[inverse], [defects[j] for j in inverse], frame
