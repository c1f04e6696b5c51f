"""`verify` at scale: a register whose history holds 1,000,000 chained entries.

.venv/bin/python bench/verify.py [--complaints 250000] [--runs 3] [--keep FILE]
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--complaints", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep")
    args = parser.parse_args()
    now = datetime.now(UTC).replace(tzinfo=None)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "bench.db"
        if not path.exists():
            start = time.perf_counter()
            seed(path, args.complaints, min(20_000, args.complaints // 5), now)
            print(f"seeded {args.complaints:,} complaints in {time.perf_counter() - start:.0f} s")
        import sqlite3

        with sqlite3.connect(path) as conn:
            entries = conn.execute("SELECT count(*) FROM history_entry").fetchone()[0]
        env = {**os.environ, "COMPLAINTCTL_DB": str(path)}
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            result = subprocess.run([str(BIN), "verify"], env=env, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if result.returncode != 0:
                raise SystemExit(result.stdout[-2000:] + result.stderr)
        print(result.stdout.strip())
        print(
            f"verify over {entries:,} history entries: median {statistics.median(times):.1f} s "
            f"(min {min(times):.1f}, max {max(times):.1f})"
        )


if __name__ == "__main__":
    main()
