"""Generic model monitoring: a JSON-lines prediction log and a PSI drift report vs a training reference.

Job-agnostic on purpose (spam uses it; the recommender can too): a *reference* is a set of named numeric
columns (model score + a few key features) summarised at training time into quantile bins and stored with
the model; a *report* compares logged predictions with it using the population stability index (PSI).
Conventional PSI reading: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 major shift.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

PSI_WARN = 0.1
PSI_ALERT = 0.25
_EPS = 1e-4  # floor for empty bins so PSI stays finite


def parse_since(since: str, now: datetime | None = None) -> datetime:
    """'30m', '12h', '1d', '2w' or an ISO timestamp → an aware UTC datetime."""
    now = now or datetime.now(timezone.utc)
    m = re.fullmatch(r"\s*(\d+)\s*([smhdw])\s*", since)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        return now - timedelta(**{{"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[unit]: n})
    try:
        ts = datetime.fromisoformat(since)
    except ValueError as exc:
        raise ValueError(f"--since must look like 30m, 12h, 1d, 2w or an ISO time, got {since!r}") from exc
    return ts if ts.tzinfo else ts.replace(tzinfo=timezone.utc)


class PredictionLog:
    """Append-only JSON lines, one record per prediction: ``{"time", "model", "version", "score", ...}``."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    @classmethod
    def for_model(cls, home: Path, name: str) -> "PredictionLog":
        return cls(Path(home) / "monitoring" / f"{name}-predictions.jsonl")

    def append(self, records: Iterable[Mapping]) -> int:
        now = datetime.now(timezone.utc).isoformat()
        lines = [json.dumps({"time": now, **r}, default=float) for r in records]
        if not lines:
            return 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.path.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        return len(lines)

    def read(self, since: datetime | None = None) -> list[dict]:
        if not self.path.exists():
            return []
        out = []
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a torn last line from a crash must not break monitoring
                if since is None or datetime.fromisoformat(rec["time"]) >= since:
                    out.append(rec)
        return out


@dataclass
class ColumnReference:
    edges: list[float]  # inner bin edges (quantiles of the training values)
    expected: list[float]  # share of training values per bin (len(edges) + 1)
    mean: float


@dataclass
class ReferenceProfile:
    """Training-time distribution of named columns; small and picklable, stored with the model."""

    columns: dict[str, ColumnReference] = field(default_factory=dict)
    n: int = 0

    def to_dict(self) -> dict:
        return {"n": self.n, "columns": {k: asdict(v) for k, v in self.columns.items()}}

    @classmethod
    def from_dict(cls, d: Mapping) -> "ReferenceProfile":
        return cls({k: ColumnReference(**v) for k, v in d["columns"].items()}, int(d["n"]))


def _bin_shares(values: np.ndarray, edges: list[float]) -> np.ndarray:
    counts = np.bincount(np.searchsorted(np.asarray(edges), values, side="right"), minlength=len(edges) + 1)
    return counts / max(len(values), 1)


def build_reference(columns: Mapping[str, np.ndarray], bins: int = 10) -> ReferenceProfile:
    """Quantile bins per column; ties (e.g. many zeros) collapse into fewer, wider bins."""
    profile = ReferenceProfile(n=len(next(iter(columns.values()))) if columns else 0)
    for name, values in columns.items():
        v = np.asarray(values, dtype=float)
        v = v[np.isfinite(v)]
        edges: list[float] = []
        if len(v):
            # Inner quantiles, plus the training min and (just above) max: values outside the range seen in
            # training land in bins that expected ~nothing, so a column that was constant (e.g. no URLs at
            # all in a header-less corpus) still reports drift when it starts varying.
            lo, hi = float(v.min()), float(np.nextafter(v.max(), np.inf))
            edges = np.unique(np.r_[lo, np.quantile(v, np.linspace(0, 1, bins + 1)[1:-1]), hi]).tolist()
        profile.columns[name] = ColumnReference(
            edges, _bin_shares(v, edges).tolist(), float(v.mean()) if len(v) else 0.0
        )
    return profile


def psi(expected: Sequence[float] | np.ndarray, actual: Sequence[float] | np.ndarray) -> float:
    e = np.maximum(np.asarray(expected, dtype=float), _EPS)
    a = np.maximum(np.asarray(actual, dtype=float), _EPS)
    return float(np.sum((a - e) * np.log(a / e)))


@dataclass
class ColumnDrift:
    name: str
    psi: float
    status: str  # "stable" | "moderate" | "drift"
    reference_mean: float
    observed_mean: float


@dataclass
class DriftReport:
    n_observed: int
    n_reference: int
    columns: list[ColumnDrift]
    min_samples: int

    @property
    def enough_data(self) -> bool:
        return self.n_observed >= self.min_samples

    @property
    def drift(self) -> bool:
        """Fires when any column reaches the alert level (and there is enough data to say so)."""
        return self.enough_data and any(c.status == "drift" for c in self.columns)

    def as_json(self) -> dict:
        return {
            "drift": self.drift,
            "enough_data": self.enough_data,
            "n_observed": self.n_observed,
            "n_reference": self.n_reference,
            "columns": [asdict(c) for c in self.columns],
        }


def drift_report(
    reference: ReferenceProfile,
    observed: Mapping[str, np.ndarray],
    min_samples: int = 100,
    warn: float = PSI_WARN,
    alert: float = PSI_ALERT,
) -> DriftReport:
    rows = []
    n_obs = 0
    for name, ref in reference.columns.items():
        if name not in observed:
            continue
        v = np.asarray(observed[name], dtype=float)
        v = v[np.isfinite(v)]
        n_obs = max(n_obs, len(v))
        value = psi(ref.expected, _bin_shares(v, ref.edges)) if len(v) else 0.0
        status = "drift" if value >= alert else "moderate" if value >= warn else "stable"
        rows.append(ColumnDrift(name, round(value, 4), status, ref.mean, float(v.mean()) if len(v) else float("nan")))
    return DriftReport(n_obs, reference.n, rows, min_samples)


def columns_from_log(records: Iterable[Mapping], names: Iterable[str]) -> dict[str, np.ndarray]:
    """Pull numeric columns out of prediction-log records (``score`` plus ``features.<name>``)."""
    names = list(names)
    cols: dict[str, list[float]] = {n: [] for n in names}
    for r in records:
        feats = r.get("features", {})
        for n in names:
            v = r.get(n, feats.get(n))
            if isinstance(v, (int, float)):
                cols[n].append(float(v))
    return {n: np.asarray(v) for n, v in cols.items()}
