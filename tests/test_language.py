"""One language at a time (issue 15 §1): a full lifecycle and every command's help, in
Chinese and in English, with no string of the other language on the screen.

In Chinese no run of two or more ASCII letters may appear outside an allow-list: the
names of commands and options, codes (phone, major, TS-2026-…), units, the names of
products and formats (PostgreSQL, CSV), environment variables, paths and what the test
typed. In English no Chinese character may appear outside what was typed and the
office's own labels (categories, departments, fields of the rules).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from complaintctl import domain
from complaintctl.cli import EXAMPLES, app
from complaintctl.ruleset import default_rules

COMMANDS = sorted(EXAMPLES)
TOOL = str(Path(sys.executable).parent / "complaintctl")
CODES = {m.value for kind in vars(domain).values() if isinstance(kind, type) and issubclass(kind, domain.Choice) for m in kind}
# Names that stay as they are in a Chinese sentence: products, formats, keys a person types.
NAMES = {
    "complaintctl", "SQLAlchemy", "PostgreSQL", "SQLite", "UTF", "GBK", "GB", "CSV", "JSON", "TOML", "Excel", "xlsx",
    "csv", "md", "json", "table", "SHA", "NUL", "README", "Tab", "Ctrl", "cron", "BOM", "TS", "wd", "min", "Asia",
    "Shanghai", "pg_dump", "pg_restore", "shell", "help", "open", "ignore", "docx", "db", "URL", "UPDATE", "CREATE", "ROLE",
    "LOGIN", "PASSWORD", "Q", "toml", "rules", "label", "keywords", "count", "window", "due_soon", "clerk", "handler",
    "people", "limits", "alerts", "categories", "attachment_mb", "import_mb", "import_rows", "import_cells", "pip",
}  # fmt: skip
TYPED = {"tester", "frobnicate", "nope"}


def _foreign_in_chinese(text: str, allowed: set[str]) -> list[str]:
    """The runs of ASCII letters in `text` a Chinese reader should not meet."""
    text = re.sub(r"`[^`]*`", " ", text)  # commands quoted for the reader to type
    text = re.sub(r"(?<![\w])--?[A-Za-z][\w-]*", " ", text)  # options
    text = re.sub(r"\S*[/\\]\S*|\S+\.(?:db|xlsx|csv|toml|txt|jpg)\b", " ", text)  # paths, URLs, file names
    text = re.sub(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", " ", text)  # environment variables
    text = re.sub(r"\[[a-z_.]+\]", " ", text)  # tables of the rules file
    text = re.sub(r"^\s*[\w.]+ = .*$", " ", text)  # a key of the rules file and its value
    text = re.sub(r"\b[0-9a-f]{12,64}\b", " ", text)  # digests
    text = re.sub(r"\b\w*_\w*\b", " ", text)  # keys and names with underscores (due_soon, pg_dump)
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in allowed]


def _chinese_in_english(text: str, allowed: set[str]) -> list[str]:
    """Runs of Chinese that are not (part of) something typed or declared by the office:
    a list cuts a long subject short, so a part of a typed value counts as typed."""
    for word in sorted(allowed, key=len, reverse=True):
        text = text.replace(word, " ")
    runs = re.findall(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]+", text)
    return [run for run in runs if not any(run in word for word in allowed)]


def _office_labels() -> set[str]:
    """Every text of the built-in office rules (labels, keywords, departments): the office's
    own words, which it may write in any language."""

    def strings(value: object) -> set[str]:
        if isinstance(value, str):
            return {value}
        if isinstance(value, dict):
            return {s for v in value.values() for s in strings(v)}
        if isinstance(value, (list, tuple)):
            return {s for v in value for s in strings(v)}
        return set()

    return {w for w in strings(default_rules().raw) if w}


class Desk:
    """The tool as a clerk runs it, in one language, on a register of its own."""

    def __init__(self, tmp_path: Path, language: str) -> None:
        self.env = {
            **os.environ,
            "COMPLAINTCTL_LANG": language,
            "COMPLAINTCTL_DB": str(tmp_path / "register.db"),
            "COMPLAINTCTL_NOW": "2026-11-23T09:00+08:00",
            "COLUMNS": "80",
        }
        self.screens: list[tuple[str, str]] = []

    def run(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([TOOL, *args], env=self.env, capture_output=True, text=True, check=False)
        if ok:
            assert done.returncode == 0, (args, done.stderr)
        if "--json" not in args:
            self.screens.append((" ".join(args), done.stdout + done.stderr))
        return done


TYPED_TEXT = [
    "张三",
    "13800138000",
    "洗衣机漏水，要求退货",
    "涉及安全",
    "售后服务部",
    "李四",
    "已致电说明处理方案",
    "更换新机",
    "等客户提供发票",
    "客户说满意了",
    "门店管理部",
    "物流",
    "11月2日",
    "2天",
]


def _lifecycle(desk: Desk) -> None:
    desk.run("init")
    desk.run(
        "log", "--customer", "张三", "--contact", "13800138000", "--channel", "电话",
        "--content", "洗衣机漏水，要求退货", "--received", "2026-11-20 10:00",
    )  # fmt: skip
    desk.run(
        "log",
        "--customer",
        "王五",
        "--contact",
        "13900139000",
        "--channel",
        "web",
        "--content",
        "发票开错了",
        "--received",
        "2026-11-02 10:00",
    )
    desk.run("show", "TS-2026-0001")
    desk.run("classify", "TS-2026-0001", "--severity", "major", "--reason", "涉及安全")
    desk.run("assign", "TS-2026-0001", "--department", "售后服务部", "--to", "李四", "--at", "2026-11-20 11:00")
    desk.run("contact", "TS-2026-0001", "--via", "phone", "--summary", "已致电说明处理方案", "--at", "2026-11-20 12:00")
    desk.run("wait", "TS-2026-0001", "--reason", "等客户提供发票", "--at", "2026-11-20 13:00")
    desk.run("resume", "TS-2026-0001", "--at", "2026-11-21 09:00")
    desk.run("extend", "TS-2026-0001", "--to", "2026-12-10 18:00", "--reason", "等待厂家配件")
    desk.run(
        "resolve", "TS-2026-0001", "--solution", "更换新机", "--compensation", "300", "--compensation-kind", "refund",
        "--at", "2026-11-22 10:00",
    )  # fmt: skip
    desk.run("followup", "TS-2026-0001", "--satisfaction", "D", "--note", "客户仍不满意", "--at", "2026-11-22 15:00")
    desk.run("resolve", "TS-2026-0001", "--solution", "再次上门", "--at", "2026-11-22 16:00")
    desk.run("contact", "TS-2026-0001", "--via", "phone", "--summary", "告知结果", "--at", "2026-11-22 17:00")
    desk.run("followup", "TS-2026-0001", "--satisfaction", "B", "--note", "客户说满意了", "--at", "2026-11-23 08:00")
    desk.run("show", "TS-2026-0001")
    desk.run("show", "TS-2026-0002")
    desk.run("list")
    desk.run("list", "--status", "open")
    desk.run("overdue")
    desk.run("report", "--month", "2026-11")
    desk.run("verify")
    desk.run("audit")
    desk.run("rules", "show")
    desk.run("db", "current")
    desk.run("department", "add", "门店管理部")
    desk.run("department", "list")
    desk.run("overdue", "--within", "2天", "--at", "2026-11-23 09:00")
    desk.run("report", "--month", "2025-01")  # nothing then: one line
    # Refusals, each one line.
    desk.run("assign", "TS-2026-0002", "--department", "物流", ok=False)
    desk.run("log", "--customer", "赵六", "--contact", "12345", "--channel", "phone", "--content", "x", ok=False)
    desk.run("log", "--customer", "赵六", "--contact", "13800138000", "--channel", "phone", "--content", "x",
             "--received", "11月2日", ok=False)  # fmt: skip
    desk.run("list", "--due-within", "2x", ok=False)
    desk.run("show", "TS-2026-0099", ok=False)
    desk.run("followup", "TS-2026-0002", "--satisfaction", "B", ok=False)
    desk.run("log", "--customer", "赵六", ok=False)
    desk.run("log", "--nope", ok=False)
    desk.run("frobnicate", ok=False)
    desk.run("close", "TS-2026-0002", ok=False)
    desk.run("assign", "TS-2026-0002", "--at", "2026-13-45", ok=False)
    desk.run("--version")


def _assert_no_leaks(desk: Desk, foreign: Callable[[str, set[str]], Iterable[str]], allowed: set[str]) -> None:
    """Every word of the other language on the screens the desk saw, with its line."""
    leaks = {
        f"{command}: {word}": line
        for command, screen in desk.screens
        for line in screen.splitlines()
        for word in foreign(line, allowed)
    }
    assert not leaks, "\n".join(f"{k}  ←  {v.strip()}" for k, v in sorted(leaks.items()))


@pytest.mark.slow
def test_chinese_screens_hold_no_english(tmp_path: Path) -> None:
    desk = Desk(tmp_path, "zh_CN")
    _lifecycle(desk)
    for command in COMMANDS:
        desk.run(*command.split(), "--help")
    desk.run("--help")
    allowed = CODES | NAMES | TYPED | set(COMMANDS) | {c for name in COMMANDS for c in name.split()}
    _assert_no_leaks(desk, _foreign_in_chinese, allowed)


@pytest.mark.slow
def test_english_screens_hold_no_chinese(tmp_path: Path) -> None:
    desk = Desk(tmp_path, "en")
    _lifecycle(desk)
    for command in COMMANDS:
        desk.run(*command.split(), "--help")
    allowed = (
        set(TYPED_TEXT)
        | _office_labels()
        | {"王五", "13900139000", "发票开错了", "客户仍不满意", "再次上门", "告知结果", "赵六", "等待厂家配件"}
    )
    allowed |= {word for example in EXAMPLES.values() for word in re.findall(r"[^\x00-\x7f]+", example)}
    _assert_no_leaks(desk, _chinese_in_english, allowed)


def test_every_command_has_an_example() -> None:
    names = {info.name for info in app.registered_commands} | {g.name for g in app.registered_groups}
    names |= {
        f"{g.name} {c.name}" for g in app.registered_groups if g.typer_instance for c in g.typer_instance.registered_commands
    }
    assert names == set(EXAMPLES)


# ---------------------------------------------------------------- the catalogs


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_committed_catalog_is_what_babel_compiles_from_its_po(language: str) -> None:
    """Nothing is built at install: the .mo gettext reads is committed, and it must be
    what Babel makes of the .po a translator edits (`python -m complaintctl.catalogs`)."""
    from complaintctl import catalogs

    assert catalogs.mo_path(language).read_bytes() == catalogs.compiled(catalogs.read(language))


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_message_has_a_translation_that_keeps_its_fields(language: str) -> None:
    from complaintctl import catalogs

    catalog = catalogs.read(language)
    extracted = catalogs.extracted()
    missing, broken = [], []
    for message in extracted:
        key = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(key)
        strings = () if entry is None else entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if catalogs.needs_translation(key, language) and not all(strings or ("",)):
            missing.append(key)
        for string in strings:
            if string and catalogs.fields_of(string) != catalogs.fields_of(key):
                broken.append((key, string))
    assert not missing, f"{language}: untranslated (run python -m complaintctl.catalogs, then translate): {missing[:5]}"
    assert not broken, f"{language}: translations that lose or add {{fields}}: {broken[:5]}"


def _tool(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TOOL, *args], env=env, capture_output=True, text=True, check=False)


def test_the_language_is_chinese_unless_the_office_or_the_environment_says_otherwise(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("COMPLAINTCTL_LANG", "LANGUAGE", "LC_ALL")}
    env |= {"COMPLAINTCTL_DB": str(tmp_path / "register.db"), "LANG": "en_US.UTF-8"}  # LANG is not consulted
    missing = _tool(env, "show", "TS-2026-0001")
    assert missing.returncode == 1 and missing.stderr.startswith("错误：") and "Traceback" not in missing.stderr
    assert _tool(env, "--help").stdout.startswith("用法：complaintctl")
    assert _tool(env, "init").returncode == 0
    rules = tmp_path / "rules.toml"
    rules.write_text('[office]\nname = "Demo"\nlanguage = "en"\n', encoding="utf-8")
    assert _tool(env, "rules", "install", str(rules)).returncode == 0
    assert _tool(env, "--help").stdout.startswith("Usage: complaintctl")  # read before the help is built
    assert _tool(env, "show", "TS-2026-0001").stderr.startswith("error: no complaint")
    assert _tool({**env, "COMPLAINTCTL_LANG": "zh_CN"}, "--help").stdout.startswith("用法：")


def test_an_unknown_language_in_the_rules_is_refused_with_the_choices(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[office]\nlanguage = "fr"\n', encoding="utf-8")
    env = {**os.environ, "COMPLAINTCTL_LANG": "en", "COMPLAINTCTL_DB": str(tmp_path / "register.db")}
    checked = _tool(env, "rules", "check", str(rules))
    assert checked.returncode == 2 and "'fr' is not a language of the tool" in checked.stdout + checked.stderr
    assert "zh_CN (中文), en (English)" in checked.stdout + checked.stderr


def test_version() -> None:
    from importlib.metadata import version

    done = _tool({**os.environ, "COMPLAINTCTL_LANG": "zh_CN"}, "--version")
    assert done.returncode == 0 and done.stdout == f"complaintctl {version('complaintctl')}\n"
