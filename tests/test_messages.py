"""Messages go through one door (i18n._): what the user reads can be translated by a
catalog without touching the code, and no message is written past the door."""

from __future__ import annotations

import ast
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "complaintctl"
ERRORS = {
    "ComplaintError",
    "BadInput",
    "NotFound",
    "InvalidTransition",
    "StorageError",
    "NotIntact",
    "MissingRegister",
    "WhenError",
}
SPOKEN = {("typer", "prompt"), ("typer", "confirm"), ("sys", "stderr", "write"), ("sys", "stdout", "write")}


def _dotted(node: ast.AST) -> tuple[str, ...]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return tuple(reversed(parts))


def _is_words(node: ast.AST) -> bool:
    """A literal text a person reads (not a lone newline or separator)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    else:
        return False
    return sum(ch.isalpha() for ch in text) >= 3


def _modules() -> list[Path]:
    """The modules whose texts reach users (the statements' generator speaks to developers)."""
    skip = ("statements.py", "statements_sql.py", "catalogs.py")
    return [p for p in sorted(SRC.rglob("*.py")) if "migrations" not in p.parts and p.name not in skip]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_every_message_goes_through_the_door(path: Path) -> None:
    """Error messages, prompts, --help texts and what is written to stdout/stderr are
    `_()` calls, not literals (a literal there could not be translated)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    leaks = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        spoken = (name and name[-1] in ERRORS) or name in SPOKEN or name[-2:] == ("problems", "append")
        if spoken and node.args and _is_words(node.args[0]):
            leaks.append(f"line {node.lineno}: {ast.unparse(node.args[0])[:60]}")
        leaks += [
            f"line {kw.value.lineno}: help={ast.unparse(kw.value)[:60]}"
            for kw in node.keywords
            if kw.arg == "help" and _is_words(kw.value)
        ]
    assert not leaks, f"{path.name}: messages not wrapped in _(): {leaks}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_function_hides_the_door(path: Path) -> None:
    """A function that binds `_` (a throwaway variable) would call that instead of the
    translation; throwaways are named."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name) and inner.id == "_" and isinstance(inner.ctx, ast.Store):
                    assert isinstance(_scope_of(node, inner), ast.comprehension), f"{path.name}:{inner.lineno} binds _"


def _scope_of(function: ast.AST, name: ast.Name) -> ast.AST | None:
    """The comprehension binding `name`, if it is bound by one (its own scope)."""
    for node in ast.walk(function):
        if isinstance(node, ast.comprehension) and any(n is name for n in ast.walk(node.target)):
            return node
    return None


def _write_mo(path: Path, messages: dict[str, str]) -> None:
    """A gettext catalog (.mo) holding `messages` (GNU format, no hash table)."""
    entries = sorted({"": "Content-Type: text/plain; charset=UTF-8\n", **messages}.items())
    ids = b"".join(k.encode() + b"\0" for k, _v in entries)
    strs = b"".join(v.encode() + b"\0" for _k, v in entries)
    start = 7 * 4 + 16 * len(entries)
    offsets_ids, offsets_strs, pos = [], [], 0
    for key, _v in entries:
        offsets_ids += [len(key.encode()), start + pos]
        pos += len(key.encode()) + 1
    pos = 0
    for _k, value in entries:
        offsets_strs += [len(value.encode()), start + len(ids) + pos]
        pos += len(value.encode()) + 1
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(entries), 7 * 4, 7 * 4 + 8 * len(entries), 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        header
        + struct.pack(f"{len(offsets_ids)}i", *offsets_ids)
        + struct.pack(f"{len(offsets_strs)}i", *offsets_strs)
        + ids
        + strs
    )


def test_a_catalog_translates_errors_and_help_without_a_code_change(tmp_path: Path) -> None:
    """The door works end to end: a catalog for a language, chosen by COMPLAINTCTL_LANG,
    changes an error message (its named fields moved) and an option's help."""
    _write_mo(
        tmp_path / "locale" / "xx" / "LC_MESSAGES" / "complaintctl.mo",
        {
            "no complaint {no} in this register; `complaintctl list` shows the numbers": "XX[{no}] missing",
            "Print JSON for scripts.": "XX json please",
        },
    )
    env = {**os.environ, "COMPLAINTCTL_LANG": "xx", "COMPLAINTCTL_LOCALEDIR": str(tmp_path / "locale")}
    env["COMPLAINTCTL_DB"] = str(tmp_path / "register.db")
    run = [sys.executable, "-m", "complaintctl"]
    subprocess.run([*run, "init"], env=env, check=True, capture_output=True)
    missing = subprocess.run([*run, "show", "TS-2026-0099"], env=env, capture_output=True, text=True, check=False)
    assert missing.returncode == 1
    assert missing.stderr == "error: XX[TS-2026-0099] missing\n"
    helped = subprocess.run([*run, "show", "--help"], env=env, capture_output=True, text=True, check=False)
    assert "XX json please" in helped.stdout
    untranslated = subprocess.run(
        [*run, "show", "TS-2026-0099"], env={**env, "COMPLAINTCTL_LANG": "C"}, capture_output=True, text=True, check=False
    )
    assert "no complaint TS-2026-0099 in this register" in untranslated.stderr
