"""The workbook's memory on a big period: an export holding about 1,000,000 handling-log rows.

    .venv/bin/python bench/export_memory.py [--complaints 230000] [--keep FILE]

Seeds a register whose complaints all fall within the last year (each has a contact and
3–4 history entries: about 4.4 handling rows a complaint), exports that year and prints the
rows of each sheet, the wall time and the process's peak memory (issue 17: under 300 MB).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from reports import peak_memory_mb  # noqa: E402
from seed import BIN, seed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--complaints", type=int, default=230_000)
    parser.add_argument("--keep", help="build (or reuse) the register at this path instead of a temporary one")
    args = parser.parse_args()
    now = datetime.now(UTC).replace(tzinfo=None)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "bench.db"
        if not path.exists():
            start = time.perf_counter()
            seed(path, args.complaints, 2_000, now, years=0.95)
            print(f"seeded {args.complaints:,} complaints in {time.perf_counter() - start:.0f} s")
        env = {**os.environ, "COMPLAINTCTL_DB": str(path), "COMPLAINTCTL_LANG": "zh_CN"}
        start_day = (now - timedelta(days=365)).date().isoformat()
        end_day = now.date().isoformat()
        out = Path(tmp) / "year.xlsx"
        argv = [str(BIN), "export", "--from", start_day, "--to", end_day, "-o", str(out), "--json"]
        elapsed, peak = peak_memory_mb(argv, env)
        import json
        import subprocess

        counts = json.loads(subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout)["rows"]
        print(f"export {start_day}~{end_day}: {', '.join(f'{k} {v:,}' for k, v in counts.items())}")
        print(f"  {elapsed:.1f} s, peak memory {peak:.0f} MB, file {out.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
