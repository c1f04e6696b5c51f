"""The benchmark suite: complaintctl beside its floors and its peer, Taskwarrior.

    bench/run            registers of 1,000, 100,000 and 1,000,000 complaints
    bench/run --quick    1,000 and 10,000 (what CI runs, in well under two minutes)

The registers differ only in closed history: the newest 1,000 complaints, 200 of them
open, are the same at every size (bench/seed.py), so a command's growth from 1,000 to
1,000,000 is what the old history costs it.

Times whole processes (medians of several runs): --help; the commands staff type (show,
list, list --overdue, overdue, report --month: last month's figures as kept in the
register, and with --fresh, computed from the history) and every write (log, classify, assign,
contact, wait, resume, extend, edit, resolve, followup, close), each write on a case of
its own; export --month, verify, and an import of 10,000 rows. Beside them the floors
(python -c pass, import typer, import typer+sqlmodel, a bare sqlite3 script doing the same
insert and query) and Taskwarrior from Debian's packages (task add, task 1 info, task
list, task +OVERDUE count, task summary) on as many tasks with the same pending/completed
mix, loaded with task import. Prints a table with the ratios to `import typer` (issue 13's
budget: 1.5x for reads, 2x for writes; for those commands `import typer` is timed just
before each of their runs, so the ratio is taken between neighbours) and to the 1,000
register, and writes bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from seed import BIN, compile_package, seed  # noqa: E402

PY = sys.executable
SQLITE_FLOOR = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
if sys.argv[2] == "insert":
    with conn:
        conn.execute("INSERT INTO year_counter (year, last_seq) VALUES (2099, 0) ON CONFLICT DO NOTHING")
        conn.execute("UPDATE year_counter SET last_seq = last_seq + 1 WHERE year = 2099")
else:
    rows = conn.execute("SELECT no, received_at, customer_name, subject, status FROM complaint ORDER BY received_at DESC LIMIT 50").fetchall()
"""


RECENT = 1_000  # the newest complaints, the same at every size
OPEN = 200  # of them, still open


TYPER = [PY, "-c", "import typer"]


def median_ms(
    argv: list[str] | Callable[[int], list[str]],
    env: dict[str, str],
    runs: int,
    check: bool = True,
    beside: list[float] | None = None,
) -> float:
    """The median wall time of `runs` runs; `argv` may be a function of the run's index
    (a write that needs a case of its own each time). With `beside`, `import typer` is
    timed just before each run and added to it: the budget's ratio is then taken between
    neighbours, which a machine's drift over a long run hits alike."""
    times = []
    for run in range(runs):
        command = argv(run) if callable(argv) else argv
        if beside is not None:
            start = time.perf_counter()
            subprocess.run(TYPER, env=env, stdout=subprocess.DEVNULL)
            beside.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        result = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append((time.perf_counter() - start) * 1000)
        if check and result.returncode not in (0, 3):
            raise SystemExit(f"{' '.join(command)}: {result.stderr}")
    return statistics.median(times)


def taskwarrior(size: int, pending: int, tmp: Path, now: datetime, runs: int) -> dict[str, float]:
    """Taskwarrior's nearest commands on `size` tasks, `pending` of them pending (a tenth
    of those overdue), the rest completed."""
    data = tmp / f"task-{size}"
    data.mkdir()
    rc = tmp / f"taskrc-{size}"
    rc.write_text(f"data.location={data}\nconfirmation=off\nverbose=nothing\nhooks=off\ngc=off\n")
    env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data)}
    tasks = []
    for i in range(size):
        entry = now - timedelta(days=3 * 365 * (size - i) / size)
        task = {
            "description": f"投诉 {i} 冰箱不制冷",
            "entry": entry.strftime("%Y%m%dT%H%M%SZ"),
            "status": "pending" if i >= size - pending else "completed",
            "project": "complaints",
        }
        if task["status"] == "completed":
            task["end"] = (entry + timedelta(days=3)).strftime("%Y%m%dT%H%M%SZ")
        else:
            overdue = (i % 10) == 0
            task["due"] = (now - timedelta(days=2) if overdue else now + timedelta(days=5)).strftime("%Y%m%dT%H%M%SZ")
        tasks.append(task)
    source = tmp / f"tasks-{size}.json"
    source.write_text(json.dumps(tasks, ensure_ascii=False))
    subprocess.run(["task", "import", str(source)], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return {
        "task add": median_ms(["task", "add", "新投诉 空调漏水"], env, runs, check=False),
        "task 1 info": median_ms(["task", "1", "info"], env, runs, check=False),
        "task list": median_ms(["task", "list"], env, runs, check=False),
        "task +OVERDUE count": median_ms(["task", "+OVERDUE", "count"], env, runs, check=False),
        "task summary": median_ms(["task", "summary"], env, runs, check=False),
    }


def writes(env: dict[str, str], runs: int, today: Any) -> dict[str, float]:
    """Every write staff make, each run on a case of its own, logged (untimed) first."""

    def logged() -> str:
        argv = [
            str(BIN),
            "log",
            "--customer",
            "李四",
            "--contact",
            "13900139000",
            "--channel",
            "phone",
            "--content",
            "洗衣机漏水",
        ]
        return subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stdout.strip()

    cases = [logged() for _ in range(runs)]
    closing = [logged() for _ in range(runs)]
    later = f"{today + timedelta(days=60):%Y-%m-%d} 18:00"
    steps: dict[str, Callable[[int], list[str]]] = {
        "classify": lambda n: ["classify", cases[n], "--severity", "major", "--reason", "客户强烈不满"],
        "assign": lambda n: ["assign", cases[n], "--to", "王五"],
        "contact": lambda n: ["contact", cases[n], "--via", "phone", "--summary", "已受理"],
        "wait": lambda n: ["wait", cases[n], "--reason", "等客户发票"],
        "resume": lambda n: ["resume", cases[n]],
        "extend": lambda n: ["extend", cases[n], "--to", later, "--reason", "客户同意"],
        "edit": lambda n: ["edit", cases[n], "--field", "地点=朝阳店", "--reason", "记错了"],
        "resolve": lambda n: ["resolve", cases[n], "--solution", "换新"],
        "followup": lambda n: ["followup", cases[n], "--satisfaction", "A"],
        "close": lambda n: ["close", closing[n], "--reason", "客户撤诉"],
    }
    timed = {}
    for name, step in steps.items():
        beside: list[float] = []
        timed[name] = median_ms(lambda n, step=step: [str(BIN), *step(n)], env, runs, beside=beside)
        TYPER_BESIDE[name] = statistics.median(beside)
    return timed


def import_rows(rows: int, tmp: Path, runs: int) -> float:
    sys.path.insert(0, str(HERE))
    from import_xlsx import make

    source = tmp / "import.xlsx"
    make(source, rows)
    times = []
    for run in range(runs):
        env = {**os.environ, "COMPLAINTCTL_DB": str(tmp / f"import-{run}.db"), "COMPLAINTCTL_USER": "bench"}
        subprocess.run([str(BIN), "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        start = time.perf_counter()
        subprocess.run([str(BIN), "import", str(source)], env=env, check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 complaints only (CI)")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--output", default=str(HERE / "results.json"))
    args = parser.parse_args()
    sizes = [1_000, 10_000] if args.quick else [1_000, 100_000, 1_000_000]
    runs = args.runs or 5
    compile_package()
    now = datetime.now(UTC).replace(tzinfo=None)
    results: dict = {
        "when": now.isoformat(timespec="seconds") + "Z",
        "quick": args.quick,
        "runs": runs,
        "floors": {},
        "sizes": {},
    }
    base_env = {**os.environ, "COMPLAINTCTL_USER": "bench", "COLUMNS": "120"}
    floors = {
        "python -c pass": [PY, "-c", "pass"],
        'python -c "import typer"': [PY, "-c", "import typer"],
        'python -c "import typer, sqlmodel"': [PY, "-c", "import typer, sqlmodel"],
    }
    results["floors"] = {name: median_ms(argv, base_env, runs) for name, argv in floors.items()}
    have_task = shutil.which("task") is not None
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        today = (now + timedelta(hours=8)).date()
        last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        for size in sizes:
            path = tmp / f"register-{size}.db"
            started = time.perf_counter()
            seed(path, size, OPEN, now, recent=RECENT)
            built = time.perf_counter() - started
            env = {**base_env, "COMPLAINTCTL_DB": str(path)}
            subprocess.run([str(BIN), "overdue"], env=env, stdout=subprocess.DEVNULL)  # the first check records breaches
            commands = {
                # The floor again beside each size: a machine's speed drifts over a long run.
                "import typer": [PY, "-c", "import typer"],
                "--help": [str(BIN), "--help"],
                "log": [
                    str(BIN),
                    "log",
                    "--customer",
                    "张三",
                    "--contact",
                    "13800138000",
                    "--channel",
                    "phone",
                    "--content",
                    "冰箱坏了",
                ],
                "show": [str(BIN), "show", f"TS-{today.year}-0001"],
                "list": [str(BIN), "list"],
                "list --overdue": [str(BIN), "list", "--overdue"],
                "overdue": [str(BIN), "overdue"],
                # Computed from the history (and kept), then read from what was kept.
                "report --month --fresh": [str(BIN), "report", "--month", last_month, "--fresh"],
                "report --month": [str(BIN), "report", "--month", last_month],
                "export --month": [str(BIN), "export", "--month", last_month, "-o", str(tmp / "export.xlsx")],
                "verify": [str(BIN), "verify"],
                "sqlite3 script: insert": [PY, "-c", SQLITE_FLOOR, str(path), "insert"],
                "sqlite3 script: list": [PY, "-c", SQLITE_FLOOR, str(path), "list"],
            }
            if size >= 1_000_000:
                commands.pop("export --month")  # bench/reports.py times the big export on its own
                commands.pop("verify")  # and bench/verify.py the whole chain's check
            TYPER_BESIDE.clear()
            timed = {}
            for name, argv in commands.items():
                beside: list[float] | None = [] if name in READS or name in WRITES else None
                timed[name] = median_ms(argv, env, runs, beside=beside)
                if beside:
                    TYPER_BESIDE[name] = statistics.median(beside)
            timed.update(writes(env, runs, today))
            peer = taskwarrior(size, OPEN, tmp, now, runs) if have_task and size <= 100_000 else {}
            results["sizes"][str(size)] = {
                "built_s": round(built, 1),
                "complaintctl": timed,
                "typer_beside": dict(TYPER_BESIDE),
                "taskwarrior": peer,
            }
        results["import 10,000 rows"] = import_rows(10_000, tmp, max(1, runs // 2))
    Path(args.output).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    _print(results, sizes, Path(args.output))


NEAREST = {
    "log": "task add",
    "list": "task list",
    "list --overdue": "task +OVERDUE count",
    "overdue": "task +OVERDUE count",
    "report --month": "task summary",
    "show": "task 1 info",
}
# `import typer` timed beside each command of the budget, by name (median_ms).
TYPER_BESIDE: dict[str, float] = {}
# Issue 13's budget, as a multiple of `import typer`: the reads typed all day, and the writes.
READS = ("show", "list", "list --overdue", "overdue", "report --month")
WRITES = ("log", "classify", "assign", "contact", "wait", "resume", "extend", "edit", "resolve", "followup", "close")


def _print(results: dict, sizes: list[int], output: Path) -> None:
    floors = results["floors"]
    typer_ms = floors['python -c "import typer"']
    stack_ms = floors['python -c "import typer, sqlmodel"']
    print(f"{'floor':40} {'ms':>9}")
    for name, ms in floors.items():
        print(f"{name:40} {ms:9.1f}")
    smallest = results["sizes"][str(sizes[0])]["complaintctl"]
    for size in sizes:
        block = results["sizes"][str(size)]
        print(f"\n{size:,} complaints (built in {block['built_s']} s)")
        print(
            f"{'command':24} {'ms':>8} {'vs typer':>9} {'budget':>7} {'vs ' + format(sizes[0], ','):>9}"
            f" {'peer':>24} {'vs peer':>8}"
        )
        typer_ms = block["complaintctl"].get("import typer", floors['python -c "import typer"'])
        for name, ms in block["complaintctl"].items():
            budget = 1.5 if name in READS else 2.0 if name in WRITES else None
            floor = block.get("typer_beside", {}).get(name, typer_ms)
            ratio = f"{ms / floor:8.2f}x" if not name.startswith(("sqlite3", "import")) else ""
            within = ("ok" if ms / floor <= budget else "OVER") if budget else ""
            growth = f"{ms / smallest[name]:8.2f}x" if name in smallest else ""
            peer_name = NEAREST.get(name)
            peer_ms = block["taskwarrior"].get(peer_name) if peer_name else None
            peer = f"{peer_name} {peer_ms:.0f} ms" if peer_ms else ""
            versus = f"{ms / peer_ms:7.2f}x" if peer_ms else ""
            print(f"{name:24} {ms:8.1f} {ratio:>9} {within:>7} {growth:>9} {peer:>24} {versus:>8}")
        print(f"(import typer + sqlmodel, the stack a command used to load: {stack_ms:.0f} ms)")
    print(f"\nimport of 10,000 rows: {results['import 10,000 rows']:.0f} ms")
    print(f"written to {output}")


if __name__ == "__main__":
    main()
