"""The morning check at scale: seed a register of N complaints (M open) in bulk, then
time whole `complaintctl overdue` and `complaintctl list --overdue` processes.

    .venv/bin/python bench/overdue.py [--complaints 100000] [--open 20000] [--runs 5]

The register comes from bench/seed.py: of the open cases, 10 % have an overdue
resolution deadline and 5 % one due within the next working day.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from seed import BIN, seed  # noqa: E402


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(argv)} failed: {result.stderr}")
    return elapsed, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    now = datetime.now(UTC).replace(tzinfo=None)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        start = time.perf_counter()
        seed(path, args.complaints, args.open, now)
        print(f"seeded {args.complaints:,} complaints ({args.open:,} open) in {time.perf_counter() - start:.1f} s")
        env = {**os.environ, "COMPLAINTCTL_DB": str(path), "COMPLAINTCTL_USER": "bench", "COLUMNS": "120"}
        first, out = timed([str(BIN), "overdue", "--json"], env)
        items = json.loads(out)
        print(
            f"first overdue run (records {sum(i['state'] == 'overdue' for i in items):,} breaches): {first * 1000:.0f} ms, "
            f"{len(items):,} items"
        )
        commands = {
            "overdue": [str(BIN), "overdue"],
            "overdue --json": [str(BIN), "overdue", "--json"],
            "list --overdue": [str(BIN), "list", "--overdue"],
            "list --overdue --limit 100000 --json": [str(BIN), "list", "--overdue", "--limit", "100000", "--json"],
        }
        for name, argv in commands.items():
            times = [timed(argv, env)[0] for _ in range(args.runs)]
            print(
                f"{name:40} median {statistics.median(times) * 1000:7.0f} ms  (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})"
            )
        # The per-minute `overdue --notify` under seed 004's rules (ladders, breaches told to
        # the department): the first run settles every breach once (no department has a
        # destination: each is recorded unreachable); the runs after it have nothing to send.
        notify_env = {**env, "COMPLAINTCTL_RULES": str(Path(__file__).parent.parent / "examples" / "rules" / "property.toml")}
        first, _out = timed([str(BIN), "overdue", "--notify"], notify_env)
        print(f"first overdue --notify (settles every breach once): {first * 1000:.0f} ms")
        times = [timed([str(BIN), "overdue", "--notify"], notify_env)[0] for _ in range(args.runs)]
        print(
            f"{'overdue --notify, nothing to send':40} median {statistics.median(times) * 1000:7.0f} ms"
            f"  (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})"
        )


if __name__ == "__main__":
    main()
