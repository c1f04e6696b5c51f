"""Start-up cost of the commands staff type all day, against the floors.

    .venv/bin/python bench/startup.py [--runs 15]

Times whole processes (medians) on a scratch register with a few complaints.
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


def median_ms(argv: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from seed import compile_package

    compile_package()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "COMPLAINTCTL_DB": str(Path(tmp) / "bench.db"), "COMPLAINTCTL_USER": "bench"}
        subprocess.run([str(BIN), "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        log = [str(BIN), "log", "--customer", "张三", "--contact", "13800138000", "--channel", "phone", "--content", "冰箱不制冷"]
        for _ in range(5):
            subprocess.run(log, env=env, stdout=subprocess.DEVNULL, check=True)
        rows = [
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ('python -c "import typer"', [sys.executable, "-c", "import typer"]),
            ('python -c "import typer, sqlmodel"', [sys.executable, "-c", "import typer, sqlmodel"]),
            ("complaintctl --help", [str(BIN), "--help"]),
            ("complaintctl log --help", [str(BIN), "log", "--help"]),
            ("complaintctl log", log),
            ("complaintctl show", [str(BIN), "show", "TS-2026-0001"]),
            ("complaintctl list", [str(BIN), "list"]),
        ]
        results = {name: median_ms(argv, args.runs, env) for name, argv in rows}
    typer_ms = results['python -c "import typer"']
    floor_ms = results['python -c "import typer, sqlmodel"']
    print(f"{'command':38} {'median':>9}  ratio")
    for name, ms in results.items():
        base = typer_ms if "help" in name else floor_ms if name.startswith("complaintctl") else None
        ratio = f"{ms / base:5.2f}x {'typer' if base is typer_ms else 'typer+sqlmodel'}" if base else ""
        print(f"{name:38} {ms:7.1f} ms  {ratio}")


if __name__ == "__main__":
    main()
