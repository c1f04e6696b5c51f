"""The morning check at scale: seed a register of N complaints (M open) in bulk, then
time whole `complaintctl overdue` and `complaintctl list --overdue` processes.

    .venv/bin/python bench/overdue.py [--complaints 100000] [--open 20000] [--runs 5]

Seeding goes through plain sqlite3 executemany (SQLAlchemy's ORM would take minutes,
../shared/measured.md); the schema comes from the tool itself. Of the open cases, 10 %
have an overdue resolution deadline and 5 % one due within the next working day.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

BIN = Path(sys.executable).parent / "complaintctl"
FMT = "%Y-%m-%d %H:%M:%S.%f"


def seed(path: Path, complaints: int, open_cases: int, now: datetime) -> None:
    env = {**os.environ, "COMPLAINTCTL_DB": str(path)}
    subprocess.run([str(BIN), "list"], env=env, check=True, stdout=subprocess.DEVNULL)  # creates the schema
    rng = random.Random(42)
    departments = ["售后部", "物流部", "客服部", "质量管理部", "财务部", "技术部"]
    people = ["王五", "赵六", "钱七", "孙八", "李九", None]
    rows, deadlines, history = [], [], []
    open_ids = set(rng.sample(range(1, complaints + 1), open_cases))
    for i in range(1, complaints + 1):
        received = now - timedelta(days=rng.uniform(0, 3 * 365))
        is_open = i in open_ids
        if is_open:
            received = now - timedelta(days=rng.uniform(0, 20))
        local = received + timedelta(hours=8)
        r = received.strftime(FMT)
        rows.append((
            i, f"TS-{local.year}-{i:06d}", local.year, i, r, local.date().isoformat(), "phone",
            f"客户{i % 5000}", f"138{i:08d}", "冰箱不制冷", "买的冰箱坏了不制冷", "前台", "quality", "routine",
            "general", "normal", "low", "{}", rng.choice(departments), rng.choice(people),
            "assigned" if is_open else "closed", 0, 0, 0, r, r,
        ))
        history.append((i, r, r, "bench", "logged", "{}"))
        deadlines.append((i, "first_response", r, (received + timedelta(days=1)).strftime(FMT), r, "met", "1wd"))
        if is_open:
            roll = rng.random()
            if roll < 0.10:
                due = now - timedelta(hours=rng.uniform(1, 240))
            elif roll < 0.15:
                due = now + timedelta(hours=rng.uniform(1, 20))
            else:
                due = now + timedelta(days=rng.uniform(3, 20))
            deadlines.append((i, "resolution", r, due.strftime(FMT), None, "open", "5wd"))
        else:
            due = received + timedelta(days=7)
            deadlines.append((i, "resolution", r, due.strftime(FMT), (received + timedelta(days=3)).strftime(FMT), "met", "5wd"))
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO complaint (id, no, year, seq, received_at, received_date, channel, customer_name, contact,"
            " subject, content, receiver, category, origin, severity, urgency, priority, explanation, department,"
            " assignee, status, reopen_count, escalation_level, final_decision, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        conn.executemany(
            "INSERT INTO history_entry (complaint_id, at, recorded_at, actor, action, changes) VALUES (?,?,?,?,?,?)", history)
        conn.executemany(
            "INSERT INTO deadline (complaint_id, milestone, started_at, due_at, met_at, state, rule, provisional,"
            " breach_recorded, extended, paused_seconds) VALUES (?,?,?,?,?,?,?,0,0,0,0)", deadlines)
        conn.execute("ANALYZE")


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
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        start = time.perf_counter()
        seed(path, args.complaints, args.open, now)
        print(f"seeded {args.complaints:,} complaints ({args.open:,} open) in {time.perf_counter() - start:.1f} s")
        env = {**os.environ, "COMPLAINTCTL_DB": str(path), "COMPLAINTCTL_USER": "bench", "COLUMNS": "120"}
        first, out = timed([str(BIN), "overdue", "--json"], env)
        items = json.loads(out)
        print(f"first overdue run (records {sum(i['state'] == 'overdue' for i in items):,} breaches): {first * 1000:.0f} ms, "
              f"{len(items):,} items")
        commands = {
            "overdue": [str(BIN), "overdue"],
            "overdue --json": [str(BIN), "overdue", "--json"],
            "list --overdue": [str(BIN), "list", "--overdue"],
            "list --overdue --limit 100000 --json": [str(BIN), "list", "--overdue", "--limit", "100000", "--json"],
        }
        for name, argv in commands.items():
            times = [timed(argv, env)[0] for _ in range(args.runs)]
            print(f"{name:40} median {statistics.median(times) * 1000:7.0f} ms  (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})")


if __name__ == "__main__":
    main()
