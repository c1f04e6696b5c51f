"""README's quick start (issue 15, point 9): it runs from the package as installed and
prints a short, complete tour (every part it announces, nothing cut mid-table)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_quick_start_is_a_short_complete_tour(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLAINTCTL_")}
    env.update(PATH=f"{Path(sys.executable).parent}:{env['PATH']}", COLUMNS="80", COMPLAINTCTL_DB=str(tmp_path / "q.db"))
    result = subprocess.run(
        ["sh", str(ROOT / "examples" / "quickstart.sh")], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) <= 70
    sections = [line for line in lines if line.startswith("== ")]
    assert len(sections) == 8 and sections[-1] == "== 下一步"
    assert lines[-1].startswith("complaintctl shell")
    assert "TS-2026-0002" in result.stdout and "物流部 — 1 件投诉" in result.stdout
    assert "已导入 300" in result.stdout
