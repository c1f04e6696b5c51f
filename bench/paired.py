"""This checkout against another commit, command by command, runs interleaved (A, B, A, B…)
so that a machine's drift hits both alike. Prints medians and the change.

    git worktree add /tmp/before REV
    .venv/bin/python bench/paired.py --before /tmp/before [--runs 30] [--complaints 20]

Each side gets its own small register made by its own code (a newer schema cannot be
read by older code). Whole processes, as a clerk's terminal runs them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "complaintctl"
COMMANDS = [
    ["list"],
    ["show", "TS-2026-0001"],
    ["overdue"],
    ["report", "--month", "2026-11"],
    ["log", "--customer", "李四", "--contact", "13900139000", "--channel", "phone", "--content", "快递没到"],
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="a checkout of the other commit (its src/ is used)")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--complaints", type=int, default=20)
    args = parser.parse_args()
    here = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        sides = {
            "this": {**os.environ, "COMPLAINTCTL_DB": f"{tmp}/this.db", "PYTHONPATH": str(here / "src")},
            "before": {**os.environ, "COMPLAINTCTL_DB": f"{tmp}/before.db", "PYTHONPATH": str(Path(args.before) / "src")},
        }
        for env in sides.values():
            env.pop("COMPLAINTCTL_NOW", None)
            subprocess.run([str(BIN), "init"], env=env, capture_output=True)  # an older tool creates on first log
            for i in range(args.complaints):
                subprocess.run(
                    [
                        str(BIN),
                        "log",
                        "--customer",
                        "张三",
                        "--contact",
                        f"1380013{i:04d}",
                        "--channel",
                        "phone",
                        "--content",
                        "冰箱不制冷",
                        "--received",
                        "2026-11-02 09:15",
                    ],
                    env=env,
                    check=True,
                    capture_output=True,
                )
        print(f"{'command':32} {'this ms':>8} {'before ms':>10} {'change':>8}")
        for argv in COMMANDS:
            times: dict[str, list[float]] = {side: [] for side in sides}
            for _ in range(args.runs):
                for side, env in sides.items():
                    start = time.perf_counter()
                    done = subprocess.run([str(BIN), *argv], env=env, capture_output=True)
                    times[side].append(time.perf_counter() - start)
                    if done.returncode != 0:
                        raise SystemExit(f"{side}: {' '.join(argv)}: {done.stderr.decode()}")
            this, before = (statistics.median(times[s]) * 1000 for s in ("this", "before"))
            print(f"{' '.join(argv)[:32]:32} {this:8.1f} {before:10.1f} {this / before - 1:+8.1%}")


if __name__ == "__main__":
    main()
