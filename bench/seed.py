"""Build a large register fast for the benchmarks.

The schema comes from the tool itself (`complaintctl init` on a new file); the rows go
in through sqlite3 executemany in batches (SQLAlchemy's ORM would take minutes). Complaints are spread over `years` years up to `now`; a given
number of the newest are still open, 10 % of those with an overdue resolution deadline
and 5 % due within a day. Each complaint has a contact and 3–4 history entries.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

BIN = Path(sys.executable).parent / "complaintctl"
FMT = "%Y-%m-%d %H:%M:%S.%f"
CATEGORIES = ["quality", "attitude", "after_sales", "pricing", "delivery", "facilities", "system", "other"]
CHANNELS = ["phone", "email", "web", "social", "onsite", "letter"]
DEPARTMENTS = ["售后服务部", "物流部", "客服部", "质量管理部", "财务部", "技术部", "行政部"]
PEOPLE = ["王五", "赵六", "钱七", "孙八", "李九", "周十"]
SUBJECTS = ["冰箱不制冷", "快递延误", "服务态度差", "多收费", "APP无法登录", "空调漏水", "退货困难", "发票问题"]
LOCATIONS = ["朝阳店", "海淀店", "西单店", "仓库", "线上"]
SATISFACTION = ["A", "A", "B", "B", "B", "C", "D"]
BATCH = 50_000


def compile_package() -> None:
    """Write the package's .pyc files, as `pip install .` does. An editable install run
    with PYTHONDONTWRITEBYTECODE (set on these machines) would otherwise compile
    complaintctl's modules from source at every start (~25 ms), which no installed
    copy pays."""
    import compileall

    import complaintctl

    compileall.compile_dir(Path(complaintctl.__file__).parent, quiet=1)


def create_schema(path: Path) -> None:
    env = {**os.environ, "COMPLAINTCTL_DB": str(path)}
    subprocess.run([str(BIN), "init"], env=env, check=True, stdout=subprocess.DEVNULL)


RECENT_DAYS = 90


def seed(path: Path, complaints: int, open_cases: int, now: datetime, years: float = 3.0, recent: int | None = None) -> None:
    """`now` is naive UTC. History entries are chained as the tool chains them, so
    `complaintctl verify` finds the register intact.

    With `recent`, the newest `recent` complaints (the open ones among them) are the same
    at every size: spread over the last RECENT_DAYS days, drawn from their own random
    sequence; what a bigger register adds is closed history before them, over `years`.
    Registers seeded so differ only in closed history (issue 13's 1k / 100k / 1M runs)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from complaintctl.chain import GENESIS, entry_hash

    last_hash = GENESIS
    chained = 0

    def chain(cid: int, at: str, actor: str, action: str, changes: str) -> tuple:
        nonlocal last_hash, chained
        at_utc = at  # naive UTC text, as stored
        digest = entry_hash(
            last_hash, complaint_id=cid, at=at_utc, recorded_at=at_utc, actor=actor, action=action, changes=changes, reason=None
        )
        row = (cid, at_utc, at_utc, actor, action, changes, None, last_hash, digest)
        last_hash = digest
        chained += 1
        return row

    create_schema(path)
    rng = random.Random(42)
    span = timedelta(days=365 * years)
    first = now - span
    block = complaints if recent is None else min(recent, complaints)
    older = complaints - block
    block_start = now - (span if recent is None else timedelta(days=RECENT_DAYS))
    block_step = (now - block_start) / block
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA journal_mode = WAL")
    counters: dict[int, int] = {}
    rows: list[tuple] = []
    deadlines: list[tuple] = []
    history: list[tuple] = []
    contacts: list[tuple] = []

    def flush() -> None:
        conn.executemany(
            "INSERT INTO complaint (id, no, year, seq, received_at, received_date, channel, customer_name, contact,"
            " location, subject, content, receiver, category, origin, severity, urgency, priority, explanation,"
            " department, assignee, status, reopen_count, escalation_level, final_decision, first_response_at,"
            " resolved_at, resolved_by, solution, compensation_cents, compensation_kind, followup_at, followup_by,"
            " satisfaction, closed_at, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        conn.executemany(
            "INSERT INTO deadline (complaint_id, milestone, started_at, due_at, met_at, state, rule, provisional,"
            " breach_recorded, extended, paused_seconds) VALUES (?,?,?,?,?,?,?,0,0,0,0)",
            deadlines,
        )
        conn.executemany(
            "INSERT INTO history_entry (complaint_id, at, recorded_at, actor, action, changes, reason, prev_hash, hash)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            history,
        )
        conn.executemany(
            "INSERT INTO contact_entry (complaint_id, at, via, actor, summary, meets) VALUES (?,?,?,?,?,?)", contacts
        )
        for batch in (rows, deadlines, history, contacts):
            batch.clear()

    for i in range(1, complaints + 1):
        if i <= older:
            received = block_start - (block_start - first) / older * (older + 1 - i)
        else:
            if recent is not None and i == older + 1:
                rng = random.Random(7)  # the recent block: the same draws at every size
            received = block_start + block_step * (i - older)
        is_open = i > complaints - open_cases
        local = received + timedelta(hours=8)
        year = local.year
        counters[year] = counters.get(year, 0) + 1
        r = received.strftime(FMT)
        answered = received + timedelta(hours=rng.uniform(0.5, 30))
        resolved = None if is_open else received + timedelta(days=rng.uniform(0.5, 9))
        followed = resolved + timedelta(days=rng.uniform(0.5, 3)) if resolved else None
        satisfaction = rng.choice(SATISFACTION) if followed else None
        compensation = rng.choice([None, None, None, 5000, 20000]) if resolved else None
        rows.append(
            (
                i,
                f"TS-{year}-{counters[year]:04d}",
                year,
                counters[year],
                r,
                local.date().isoformat(),
                rng.choice(CHANNELS),
                f"客户{rng.randrange((block if i > older else complaints) // 3 + 1)}",
                f"138{rng.randrange(10**8):08d}",
                rng.choice(LOCATIONS),
                rng.choice(SUBJECTS),
                "买的商品有问题，要求尽快处理" * 2,
                "前台",
                rng.choice(CATEGORIES),
                "routine",
                rng.choice(["general"] * 8 + ["major", "critical"]),
                "normal",
                "medium",
                "{}",
                rng.choice(DEPARTMENTS),
                rng.choice(PEOPLE),
                "assigned" if is_open else "closed",
                0,
                0,
                0,
                answered.strftime(FMT),
                resolved.strftime(FMT) if resolved else None,
                "王五" if resolved else None,
                "已处理" if resolved else None,
                compensation,
                "refund" if compensation else None,
                followed.strftime(FMT) if followed else None,
                "回访员" if followed else None,
                satisfaction,
                followed.strftime(FMT) if followed else None,
                r,
                r,
            )
        )
        due_first = received + timedelta(days=1.5)
        deadlines.append((i, "first_response", r, due_first.strftime(FMT), answered.strftime(FMT), "met", "1wd"))
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
            deadlines.append((i, "resolution", r, due.strftime(FMT), resolved.strftime(FMT), "met", "5wd"))
            deadlines.append(
                (
                    i,
                    "followup",
                    resolved.strftime(FMT),
                    (resolved + timedelta(days=2.5)).strftime(FMT),
                    followed.strftime(FMT),
                    "met",
                    "2wd",
                )
            )
        history.append(chain(i, r, "前台", "logged", '{"status": [null, "received"]}'))
        history.append(chain(i, r, "主管", "assigned", '{"status": ["received", "assigned"]}'))
        contacts.append((i, answered.strftime(FMT), "phone", "前台", "已受理，告知处理人和预计时间", "first_response"))
        if resolved:
            history.append(chain(i, resolved.strftime(FMT), "王五", "resolved", '{"status": ["assigned", "resolved"]}'))
            history.append(
                chain(
                    i,
                    followed.strftime(FMT),
                    "回访员",
                    "followed_up",
                    json.dumps({"satisfaction": [None, satisfaction], "status": ["resolved", "closed"]}),
                )
            )
        if len(rows) >= BATCH:
            flush()
    flush()
    conn.executemany("INSERT INTO year_counter (year, last_seq) VALUES (?, ?)", sorted(counters.items()))
    conn.execute("INSERT OR REPLACE INTO chain_head (id, last_hash, entries) VALUES (1, ?, ?)", (last_hash, chained))
    conn.commit()
    # Nonces, salted digests and each complaint's sealed state, as the tool's own writes
    # leave them (the same code as migration 0016): `verify` finds the register intact.
    from complaintctl.dbapi import Register
    from complaintctl.sealing import rechain

    conn.execute("BEGIN IMMEDIATE")
    rechain(Register(conn, "sqlite"))
    conn.commit()
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
