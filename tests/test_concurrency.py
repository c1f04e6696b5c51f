"""Several writers at once (issue 5, acceptance 3): 8 processes log 50 complaints each;
400 complaints, 400 distinct consecutive numbers, no writer sees an error."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from conftest import Cli

WRITER = textwrap.dedent("""
    import sys
    from typer.testing import CliRunner
    from complaintctl.cli import app

    runner = CliRunner()
    worker = sys.argv[1]
    for i in range(50):
        result = runner.invoke(app, ["log", "--customer", f"客户{worker}-{i}", "--contact", f"1390000{int(worker):02d}{i:02d}",
                                     "--channel", "phone", "--content", "并发登记测试", "--received", "2026-11-02 09:00"])
        if result.exit_code != 0:
            print(f"writer {worker} complaint {i}: {result.stderr or result.exception!r}", file=sys.stderr)
            sys.exit(1)
        print(result.stdout.strip())
""")


READER = textwrap.dedent("""
    import json, random, sys
    from typer.testing import CliRunner
    from complaintctl.cli import app

    runner = CliRunner()
    seen = 0
    for i in range(25):
        listed = runner.invoke(app, ["list", "--limit", "1000", "--json"])
        report = runner.invoke(app, ["report", "--month", "2026-11", "--json"])
        if listed.exit_code or report.exit_code:
            print(f"reader: {listed.stderr or report.stderr}", file=sys.stderr)
            sys.exit(1)
        records = json.loads(listed.stdout)
        for record in random.sample(records, min(5, len(records))):
            shown = json.loads(runner.invoke(app, ["show", record["no"], "--json"]).stdout)
            if shown["history"][0]["action"] != "logged" or "first_response" not in shown["due"]:
                print(f"reader saw a half case: {record['no']}", file=sys.stderr)
                sys.exit(1)
        seen = max(seen, len(records))
    print(seen)
""")


@pytest.mark.slow
def test_eight_writers_at_once_get_consecutive_numbers(cli: Cli, db_url: str) -> None:
    cli.ok("db", "upgrade")  # create the register before the race, as an office would
    env = {**os.environ, "COMPLAINTCTL_DB": db_url}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(n)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for n in range(8)
    ]
    readers = [
        subprocess.Popen([sys.executable, "-c", READER], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [w.communicate(timeout=600) for w in writers]
    read = [r.communicate(timeout=600) for r in readers]
    errors = [err for (_, err), w in zip(outputs + read, writers + readers) if w.returncode != 0 or err.strip()]
    assert errors == []
    assert cli("verify").exit_code == 0
    numbers = [line for out, _ in outputs for line in out.splitlines()]
    assert len(numbers) == 400 and len(set(numbers)) == 400
    assert sorted(numbers) == [f"TS-2026-{n:04d}" for n in range(1, 401)]
    listed = cli.json("list", "--limit", "1000")
    assert len(listed) == 400
