"""How many complaints each severity gets at normal volume (issue 11's acceptance).

Logs and assigns `--complaints` complaints (default 3,000) over 14 months through the real
CLI, in one process, with the sample register's text generator (examples/
make_sample_register.py: eight everyday cases, 5 % threatening the media) plus what real
texts carry: a call-back number in one in five (some contain 12345), the same customer
again in one in eight. Six departments draw 7-9 complaints a week each. Prints the count
and share per severity, and 重大 + 特殊复杂 together.

    .venv/bin/python bench/severity.py [--complaints 3000]
    .venv/bin/python bench/severity.py --sample     # the 300-row sample register, imported

Run it on an older checkout (git worktree) to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from make_sample_register import CASES  # noqa: E402

DEPARTMENTS = ["售后服务部", "物流部", "门店管理部", "财务部", "技术部", "质量管理部"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=3000)
    parser.add_argument("--sample", action="store_true", help="import examples/客户投诉登记表_示例.xlsx instead")
    args = parser.parse_args()
    from typer.testing import CliRunner

    from complaintctl.cli import app

    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(COMPLAINTCTL_DB=str(Path(tmp) / "severity.db"), COMPLAINTCTL_USER="bench")
        os.environ.pop("COMPLAINTCTL_NOW", None)
        runner = CliRunner()
        runner.invoke(app, ["init"])  # an older complaintctl has no init and creates on first log
        if args.sample:
            sample = Path(__file__).resolve().parent.parent / "examples" / "客户投诉登记表_示例.xlsx"
            imported = runner.invoke(app, ["import", str(sample)])
            if imported.exit_code != 0:
                raise SystemExit(f"import failed: {imported.stderr or imported.stdout}")
            args.complaints = 0
        start = datetime(2025, 9, 1, 9, 0)
        step = timedelta(days=14 * 30.4) / max(args.complaints, 1)
        customers: list[str] = []
        for i in range(args.complaints):
            received = start + step * i
            subject, content, _demand, _ = rng.choice(CASES)
            if rng.random() < 0.05:
                content += "，再不处理就找记者曝光"
            if rng.random() < 0.2:
                content += f"，请回电138{rng.randrange(10**8):08d}"
            contact = rng.choice(customers) if customers and rng.random() < 0.125 else f"139{rng.randrange(10**8):08d}"
            customers.append(contact)
            logged = runner.invoke(
                app,
                [
                    "log",
                    "--customer",
                    f"客户{i}",
                    "--contact",
                    contact,
                    "--channel",
                    "phone",
                    "--subject",
                    subject,
                    "--content",
                    content,
                    "--received",
                    received.strftime("%Y-%m-%d %H:%M"),
                ],
            )
            if logged.exit_code != 0:
                raise SystemExit(f"log failed: {logged.stderr or logged.stdout}")
            no = logged.stdout.strip()
            runner.invoke(
                app,
                [
                    "assign",
                    no,
                    "--department",
                    DEPARTMENTS[i % len(DEPARTMENTS)],
                    "--at",
                    (received + timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M"),
                ],
            )
        listed = runner.invoke(app, ["list", "--limit", "100000", "--json"])
        records = (
            [json.loads(line) for line in listed.stdout.splitlines() if line.strip().startswith("{")]
            if not listed.stdout.lstrip().startswith("[")
            else json.loads(listed.stdout)
        )
    counts = Counter(r["severity"] for r in records)
    total = sum(counts.values())
    for level in ("general", "major", "critical"):
        print(f"{level:<9} {counts[level]:>6}  {counts[level] / total:6.1%}")
    serious = counts["major"] + counts["critical"]
    print(f"major + critical: {serious} of {total} = {serious / total:.1%}")


if __name__ == "__main__":
    main()
