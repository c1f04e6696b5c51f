"""Reports and the workbook at scale: a register of 1,000,000 complaints over 3 years.

    .venv/bin/python bench/reports.py [--complaints 1000000] [--runs 3] [--keep FILE]

Times whole processes: `report --month` (last month), `report --quarter`, `report trend`,
and `export` of a period holding about 100,000 complaints, with the export's peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from seed import BIN, seed  # noqa: E402


def run(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {result.stderr}")
    return elapsed


def peak_memory_mb(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and peak RSS of one process (measured in a fresh child, so only its own)."""
    probe = (
        "import resource, subprocess, sys, time;"
        "t = time.perf_counter(); r = subprocess.run(sys.argv[1:]); e = time.perf_counter() - t;"
        "print(e, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024); sys.exit(r.returncode)"
    )
    result = subprocess.run([sys.executable, "-c", probe, *argv], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {result.stderr}")
    elapsed, peak = result.stdout.split()[-2:]
    return float(elapsed), float(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", help="build (or reuse) the register at this path instead of a temporary one")
    args = parser.parse_args()
    now = datetime.now(UTC).replace(tzinfo=None)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "bench.db"
        if not path.exists():
            start = time.perf_counter()
            seed(path, args.complaints, min(20_000, args.complaints // 5), now)
            print(
                f"seeded {args.complaints:,} complaints over 3 years in {time.perf_counter() - start:.0f} s "
                f"({path.stat().st_size / 2**20:.0f} MiB)"
            )
        env = {**os.environ, "COMPLAINTCTL_DB": str(path), "COMPLAINTCTL_USER": "bench", "COLUMNS": "120"}
        today = (now + timedelta(hours=8)).date()
        days = max(1, round(100_000 / args.complaints * 3 * 365))
        export_to = today.replace(day=1) - timedelta(days=1)
        export_from = export_to - timedelta(days=days - 1)
        commands = {
            "report --month (last month)": [str(BIN), "report"],
            "report --month --format json": [str(BIN), "report", "--format", "json"],
            "report --quarter": [str(BIN), "report", "--quarter", f"{export_to.year}Q{(export_to.month - 1) // 3 + 1}"],
            "report trend": [str(BIN), "report", "trend"],
        }
        for name, argv in commands.items():
            times = [run(argv, env) for _ in range(args.runs)]
            print(f"{name:34} median {statistics.median(times):6.2f} s  (min {min(times):.2f}, max {max(times):.2f})")
        out = Path(tmp) / "export.xlsx"
        export = [str(BIN), "export", "--from", export_from.isoformat(), "--to", export_to.isoformat(), "-o", str(out)]
        elapsed, peak = peak_memory_mb(export, env)
        import sqlite3

        with sqlite3.connect(path) as conn:
            rows = conn.execute(
                "SELECT count(*) FROM complaint WHERE received_date BETWEEN ? AND ?",
                (export_from.isoformat(), export_to.isoformat()),
            ).fetchone()[0]
        print(
            f"export {export_from}..{export_to} ({rows:,} complaints): {elapsed:.1f} s, peak {peak:.0f} MiB, "
            f"{out.stat().st_size / 2**20:.1f} MiB file"
        )
        _ = resource


if __name__ == "__main__":
    main()
