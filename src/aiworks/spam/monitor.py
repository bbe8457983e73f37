"""``aiworks spam monitor``: the prediction log compared with the served model's training reference."""

from __future__ import annotations

from aiworks.lifecycle.monitoring import PredictionLog, columns_from_log, drift_report, parse_since
from aiworks.settings import Settings
from aiworks.spam.serving import SpamService
from aiworks.spam.training import MODEL_NAME


def monitor_report(settings: Settings, since: str = "1d", model: str | None = None, min_samples: int = 100) -> dict:
    start = parse_since(since)
    name, version, det = SpamService(settings, uri=model, log=False).model()
    records = PredictionLog.for_model(settings.home, MODEL_NAME).read(start)
    report = drift_report(det.reference, columns_from_log(records, det.reference.columns), min_samples)
    n = len(records)
    versions = sorted({int(r["version"]) for r in records if r.get("version") is not None})
    return {
        "model": f"models:/{name}/{version}",
        "since": start.isoformat(),
        "logged_versions": versions,
        "spam_share": (sum(r.get("label") == "spam" for r in records) / n) if n else 0.0,
        **report.as_json(),
    }
