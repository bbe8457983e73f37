"""mypy against a checked-in baseline that can only shrink.

    python scripts/mypy_baseline.py            # check: fail on any error not in the baseline
    python scripts/mypy_baseline.py --update   # rewrite the baseline after fixing errors (refuses to add any)
    python scripts/mypy_baseline.py --write    # rewrite it unconditionally (only after merging branches)

Errors are compared per file as exact messages without line numbers (``path: message  [code]``), so moving code
does not break the check but a new error, or one more of an existing kind in the same file, does. mypy itself is
configured in pyproject.toml ([tool.mypy]).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "mypy_baseline.txt"
LINE = re.compile(r"^(?P<path>[^:\s]+\.pyi?):\d+(?::\d+)?: error: (?P<message>.*)$")


def current_errors() -> Counter[str]:
    """Run mypy (configuration from pyproject.toml) and return its errors as ``path: message`` keys."""
    proc = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode not in (0, 1):  # 2 = mypy itself failed (bad config, crash)
        sys.exit(f"mypy failed to run:\n{proc.stdout}{proc.stderr}")
    errors: Counter[str] = Counter()
    for line in proc.stdout.splitlines():
        m = LINE.match(line.strip())
        if m:
            errors[f"{m['path']}: {m['message'].strip()}"] += 1
    return errors


def read_baseline() -> Counter[str]:
    if not BASELINE.exists():
        return Counter()
    lines = [ln for ln in BASELINE.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    return Counter(lines)


def write_baseline(errors: Counter[str]) -> None:
    files = len({key.split(": ", 1)[0] for key in errors})
    header = (
        f"# mypy errors allowed to remain ({sum(errors.values())} in {files} files); this file may only shrink.\n"
        "# Check: python scripts/mypy_baseline.py   After fixing: python scripts/mypy_baseline.py --update\n"
    )
    BASELINE.write_text(header + "".join(f"{key}\n" for key in sorted(errors.elements())))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--update", action="store_true", help="shrink the baseline to the current errors")
    mode.add_argument("--write", action="store_true", help="write the current errors as the baseline")
    args = ap.parse_args()
    errors, baseline = current_errors(), read_baseline()
    new = errors - baseline
    fixed = baseline - errors
    total, files = sum(errors.values()), len({k.split(": ", 1)[0] for k in errors})
    if args.write:
        write_baseline(errors)
        print(f"mypy baseline written: {total} errors in {files} files")
        return 0
    if new:
        print(f"mypy: {sum(new.values())} error(s) not in the baseline ({BASELINE.name}):")
        for key, n in sorted(new.items()):
            print(f"  {key}" + (f"  (x{n} more than allowed)" if n > 1 else ""))
        print("fix them (the baseline only shrinks); run `python -m mypy` for line numbers")
        return 1
    if args.update:
        write_baseline(errors)
        print(f"mypy baseline shrunk by {sum(fixed.values())} to {total} errors in {files} files")
        return 0
    if fixed:
        print(
            f"mypy: {sum(fixed.values())} baselined error(s) are fixed: run "
            "`python scripts/mypy_baseline.py --update` to shrink the baseline"
        )
    print(f"mypy: OK ({total} baselined errors in {files} files, none new)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
