"""The reliability suite: each attack of issue 14 against the real CLI and a real server (slow)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "security"))  # server_helpers, bomb_helpers
