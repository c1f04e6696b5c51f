"""Import at scale: a 100,000-row register spreadsheet into an empty register.

    .venv/bin/python bench/import_xlsx.py [--rows 100000]

The spreadsheet (made once with openpyxl's write-only mode, not timed) looks like the
example register: Chinese headings, dates as Excel dates and as typed text, phone
numbers, free text. Times the whole `complaintctl import` process and reports its peak memory.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

BIN = Path(sys.executable).parent / "complaintctl"


def make(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    rng = random.Random(7)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("投诉登记")
    sheet.append(["某公司客户投诉登记表"])
    sheet.append([])
    sheet.append(
        [
            "序号",
            "受理时间",
            "客户姓名",
            "联系电话",
            "投诉渠道",
            "投诉主题",
            "事情经过",
            "责任部门",
            "处理人",
            "处理意见",
            "回访时间",
            "满意度",
        ]
    )
    moment = datetime(2023, 1, 1, 8, 0)
    step = (datetime(2026, 11, 1) - moment) / rows
    subjects = ["冰箱不制冷", "快递延误", "服务态度差", "多收费", "APP无法登录", "商品过期"]
    for i in range(1, rows + 1):
        moment += step
        closed = moment < datetime(2026, 10, 1)
        sheet.append(
            [
                i,
                moment if i % 2 else moment.strftime("%Y/%m/%d %H:%M"),
                f"客户{rng.randrange(rows // 2)}",
                13800000000 + rng.randrange(10**8),
                rng.choice(["电话", "现场", "邮件", "官网"]),
                rng.choice(subjects),
                "买的商品有问题，要求尽快处理，已经来过两次了",
                rng.choice(["售后服务部", "物流部", "客服部"]),
                rng.choice(["王五", "赵六"]),
                "已处理" if closed else None,
                (moment + timedelta(days=3)).strftime("%Y-%m-%d") if closed else None,
                rng.choice(["很满意", "满意", "基本满意", "不满意"]) if closed else None,
            ]
        )
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "register.xlsx"
        start = time.perf_counter()
        make(source, args.rows)
        print(
            f"made a {args.rows:,}-row workbook ({source.stat().st_size / 2**20:.1f} MiB) in {time.perf_counter() - start:.0f} s"
        )
        env = {**os.environ, "COMPLAINTCTL_DB": str(Path(tmp) / "register.db"), "COMPLAINTCTL_USER": "bench"}
        subprocess.run([str(BIN), "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        probe = (
            "import resource, subprocess, sys, time; t = time.perf_counter(); r = subprocess.run(sys.argv[1:]);"
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024);"
            "sys.exit(r.returncode)"
        )
        result = subprocess.run(
            [sys.executable, "-c", probe, str(BIN), "import", str(source)], env=env, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise SystemExit(result.stderr)
        elapsed, peak = result.stdout.split()[-2:]
        print(result.stdout.splitlines()[0])
        print(f"import of {args.rows:,} rows: {float(elapsed):.1f} s wall, peak {float(peak):.0f} MiB")


if __name__ == "__main__":
    main()
