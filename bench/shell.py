"""Commands inside one warm process, as `complaintctl shell` runs them, on a register of
100,000 complaints (20,000 open).

    .venv/bin/python bench/shell.py [--complaints 100000] [--runs 20]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from seed import seed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep")
    args = parser.parse_args()
    now = datetime.now(UTC).replace(tzinfo=None)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "bench.db"
        if not path.exists():
            seed(path, args.complaints, min(20_000, args.complaints // 5), now)
        os.environ["COMPLAINTCTL_DB"] = str(path)
        os.environ["COMPLAINTCTL_USER"] = "bench"
        import typer

        from complaintctl.cli import app
        from complaintctl.shell import settle

        command = typer.main.get_command(app)

        def run(argv: list[str]) -> float:
            start = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                try:
                    command.main(args=argv, prog_name="complaintctl", standalone_mode=True)
                except SystemExit:
                    pass
            return (time.perf_counter() - start) * 1000

        lines = {
            "log": ["log", "--customer", "张三", "--contact", "13800138000", "--channel", "phone", "--content", "冰箱坏了"],
            "show": ["show", "TS-2026-0001"],
            "list": ["list"],
            "list --overdue": ["list", "--overdue"],
            "overdue": ["overdue"],
            "overdue --json": ["overdue", "--json"],
        }
        for argv in lines.values():
            run(argv)  # warm: the first of each pays for imports and first queries
        settle()  # as the shell does before its first prompt
        print(f"{'in the shell, ' + format(args.complaints, ',') + ' complaints':40} median     max")
        for name, argv in lines.items():
            times = [run(argv) for _ in range(args.runs)]
            print(f"{name:40} {statistics.median(times):6.1f} ms {max(times):6.1f} ms")


if __name__ == "__main__":
    main()
