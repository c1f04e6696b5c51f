"""`complaintctl shell`: every command of the CLI, same syntax, in one warm process.

Start-up (Python, Typer, SQLAlchemy, the engine, the rules and the calendar) is paid
once; each line then costs only its own work. History is kept between sessions; Tab
completes commands, options, complaint numbers, categories, departments and assignees.
A command's error ends that command, never the shell; Ctrl-C cancels the line; Ctrl-D
(or `exit`) leaves.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .i18n import _

VALUE_SOURCES = {
    "--category": "categories",
    "--department": "departments",
    "--to": "assignees",
    "--assignee": "assignees",
    "--incident": "numbers",
}
# Options that take one of a closed set: Tab offers its codes and labels (domain.py).
CHOICE_OPTIONS = {
    "--channel": "Channel",
    "--via": "Channel",
    "--severity": "Severity",
    "--priority": "Priority",
    "--urgency": "Urgency",
    "--satisfaction": "Satisfaction",
    "--status": "Status",
    "--origin": "Origin",
    "--compensation-kind": "CompensationKind",
}
# Words of the shell itself, beside the commands.
SHELL_WORDS = ("help", "clear", "exit")


class Vocabulary:
    """What Tab offers: refreshed from the register after every command."""

    def __init__(self, db: str | None) -> None:
        self.db = db
        self.numbers: list[str] = []
        self.departments: list[str] = []
        self.assignees: list[str] = []
        self.categories: list[str] = []

    def refresh(self) -> None:
        from sqlalchemy import select

        from .db import open_session
        from .models import Complaint
        from .settings import load_rules

        try:
            with open_session(self.db, write=False) as session:
                self.numbers = list(session.execute(select(Complaint.no).order_by(Complaint.id.desc()).limit(500)).scalars())  # type: ignore[union-attr]
                self.departments = sorted(d for d in session.execute(select(Complaint.department).distinct()).scalars() if d)
                self.assignees = sorted(a for a in session.execute(select(Complaint.assignee).distinct()).scalars() if a)
            from .db import setting
            from .settings import installed_rules

            installed = setting(self.db, "rules")
            rules = installed_rules(installed) if installed else load_rules(os.environ.get("COMPLAINTCTL_RULES"))
            self.categories = [c.label for c in rules.categories] + [c.code for c in rules.categories]
            self.departments = [d.name for d in rules.departments]  # the office's list, nothing else
            self.assignees = sorted(set(self.assignees) | {p.name for p in rules.people})
        except Exception:  # completion must never break the shell
            pass


def _completer(command: Any, vocabulary: Vocabulary) -> Any:
    from prompt_toolkit.completion import Completer, Completion

    class ShellCompleter(Completer):
        def get_completions(self, document: Any, complete_event: Any) -> Iterable[Any]:
            text = document.text_before_cursor
            try:
                words = shlex.split(text)
            except ValueError:
                return
            current = "" if text.endswith(" ") or not words else words[-1]
            done = words if text.endswith(" ") else words[:-1]
            if not done:
                yield from _matching(current, sorted(command.commands) + list(SHELL_WORDS))
                return
            if done[0] == "help" and len(done) == 1:
                yield from _matching(current, sorted(command.commands))
                return
            sub = command.commands.get(done[0])
            if sub is not None and hasattr(sub, "commands") and len(done) == 1:
                yield from _matching(current, sorted(sub.commands))
                return
            if sub is not None and hasattr(sub, "commands") and len(done) > 1:
                sub = sub.commands.get(done[1], sub)
            previous = done[-1] if done else ""
            source = VALUE_SOURCES.get(previous)
            if source:
                yield from _matching(current, getattr(vocabulary, source))
                return
            if previous in CHOICE_OPTIONS:
                yield from _matching(current, _choice_words(previous))
                return
            if current.startswith("-") or sub is None:
                options = [o for p in getattr(sub, "params", []) for o in getattr(p, "opts", []) if o.startswith("--")]
                yield from _matching(current, options)
                return
            if any(getattr(p, "name", "") == "no" for p in getattr(sub, "params", [])):
                yield from _matching(current.upper(), vocabulary.numbers)

    def _choice_words(option: str) -> list[str]:
        from . import domain
        from .i18n import _

        kind = getattr(domain, CHOICE_OPTIONS[option])
        words = [m.value for m in kind] + [_(m.label) for m in kind]
        return words + ["open"] if option == "--status" else words

    def _matching(prefix: str, candidates: Iterable[str]) -> Iterable[Any]:
        for candidate in candidates:
            if candidate.startswith(prefix) or candidate.casefold().startswith(prefix.casefold()):
                yield Completion(candidate, start_position=-len(prefix))

    return ShellCompleter()


# Options whose values are a customer's data or free text that may quote it: the shell's
# history file keeps the command, not these values.
PRIVATE_OPTIONS = frozenset(
    (
        "--customer",
        "--contact",
        "--content",
        "--subject",
        "--location",
        "--demand",
        "--remarks",
        "--summary",
        "--solution",
        "--cause",
        "--action",
        "--note",
        "--reason",
        "--field",
        "--where",
        "--search",
    )
)


def redacted(line: str) -> str | None:
    """A command line as the history file keeps it: every private option's value replaced
    by …; None when it cannot be read (an unclosed quote: better not kept at all)."""
    try:
        args = shlex.split(line)
    except ValueError:
        return None
    out: list[str] = []
    hide_next = False
    for arg in args:
        if hide_next:
            out.append("…")
            hide_next = False
            continue
        name, eq, _value = arg.partition("=")
        if name in PRIVATE_OPTIONS:
            if eq:
                out.append(f"{name}=…")
            else:
                out.append(arg)
                hide_next = True
            continue
        out.append(arg)
    # quoted only where the shell needs it (shlex.join quotes every non-ASCII word)
    return " ".join(
        arg if arg and not any(c.isspace() or c in "'\"\\$`;&|<>()*?!#~" for c in arg) else shlex.quote(arg) for arg in out
    )


def _private_history(path: Path) -> Any:
    """prompt_toolkit's file history, writing each line redacted (the session's own
    up-arrow still recalls it whole)."""
    from prompt_toolkit.history import FileHistory

    class PrivateHistory(FileHistory):
        def store_string(self, string: str) -> None:
            kept = redacted(string)
            if kept:
                super().store_string(kept)

    return PrivateHistory(str(path))


def history_path() -> Path:
    from platformdirs import user_data_path

    path = user_data_path("complaintctl", appauthor=False) / "shell_history"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.touch(mode=0o600)
    path.parent.chmod(0o700)  # made 0755 and the history 0644 before this version
    path.chmod(0o600)
    return path


def settle() -> None:
    """Import what the commands use, then move everything alive into the garbage
    collector's permanent generation: the shell's full collections would otherwise walk
    every object SQLAlchemy and pydantic built (a pause of ~50 ms, measured, every few
    commands). Paid once, before the first prompt."""
    import gc

    from . import render, service  # noqa: F401
    from .service import lifecycle, overdue, reading  # noqa: F401

    gc.collect()
    gc.freeze()


def run(app: Any, *, db: str | None, rules: str | None, input: Any = None, output: Any = None) -> None:
    """Read commands until Ctrl-D or `exit`; run each with the CLI's own parser."""
    import typer
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import InMemoryHistory

    from .db import require_register

    require_register(db)  # a typo in --db must not open a shell on nothing
    if db:
        os.environ["COMPLAINTCTL_DB"] = db
    if rules:
        os.environ["COMPLAINTCTL_RULES"] = rules
    command = typer.main.get_command(app)
    vocabulary = Vocabulary(db)
    vocabulary.refresh()
    history = InMemoryHistory() if input is not None else _private_history(history_path())
    session: Any = PromptSession(
        history=history, completer=_completer(command, vocabulary), input=input, output=output, complete_while_typing=False
    )
    settle()
    if input is None:
        sys.stdout.write(
            _("complaintctl shell — every command as on the command line; help, clear; Tab completes, Ctrl-D leaves.\n")
        )
    while True:
        try:
            line = session.prompt(_("投诉> "))
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        try:
            args = shlex.split(line)
        except ValueError as exc:
            sys.stderr.write(_("error: {exc}; close the quote\n").format(exc=exc))
            continue
        if not args:
            continue
        if args[0] in ("exit", "quit"):
            break
        if args[0] in ("help", "?"):
            args = [*args[1:2], "--help"]  # `help` is the overview, `help log` a command's own
        if args[0] in ("clear", "cls"):
            sys.stdout.write("\x1b[H\x1b[2J")
            sys.stdout.flush()
            continue
        if args[0] == "shell":
            sys.stderr.write(_("error: this is the shell already\n"))
            continue
        try:
            command.main(args=args, prog_name="complaintctl", standalone_mode=True)
        except SystemExit:
            pass  # the command's outcome was printed; the shell goes on
        except KeyboardInterrupt:
            sys.stderr.write(_("cancelled\n"))
        sys.stdout.flush()
        vocabulary.refresh()
