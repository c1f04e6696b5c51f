"""Questions asked at the desk's terminal, one field at a time.

A bad answer is explained on one line and the same field asked again, so nothing typed
so far is lost; an answer of spaces is asked again too. At a real terminal the line is
read by prompt_toolkit with bracketed paste: pasted text lands in the answer, newlines
and all, and never reaches the shell behind. Long text takes several lines, ended by an
empty line or Ctrl-D. Ctrl-C cancels the command (nothing is written).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from .errors import BadInput
from .i18n import _

T = TypeVar("T")


def ask(label: str, read: Callable[[str], T], *, multiline: bool = False) -> T:
    """Ask for `label` until `read` accepts the answer; return what it made of it."""
    if multiline:
        sys.stderr.write(_("(several lines allowed; an empty line or Ctrl-D ends)") + "\n")
    while True:
        answer = _answer(label, multiline)
        if not answer.strip():
            sys.stderr.write(_("  {label} cannot be empty; type it again (Ctrl-C cancels)").format(label=label) + "\n")
            continue
        try:
            return read(answer)
        except BadInput as exc:
            sys.stderr.write("  " + _("{message}; try again (Ctrl-C cancels)").format(message=exc.message) + "\n")


def confirm(question: str) -> bool:
    """A yes/no question; only `y`/`yes`/`是`/`对` mean yes."""
    answer = _answer(question + " [y/N]", False).strip().casefold()
    return answer in ("y", "yes", "是", "对", "确认")


def _answer(label: str, multiline: bool) -> str:
    if not sys.stdin.isatty():
        return _plain(label, multiline)
    from prompt_toolkit import prompt
    from prompt_toolkit.key_binding import KeyBindings

    keys = KeyBindings()
    if multiline:

        @keys.add("enter")
        def _enter(event):  # type: ignore[no-untyped-def]
            buffer = event.current_buffer
            if not buffer.text.strip() or buffer.document.current_line.strip() == "":
                buffer.validate_and_handle()
            else:
                buffer.insert_text("\n")

        @keys.add("c-d")
        def _done(event):  # type: ignore[no-untyped-def]
            buffer = event.current_buffer
            if buffer.text:
                buffer.validate_and_handle()
            else:
                event.app.exit(exception=EOFError)

    try:
        text = prompt(f"{label}: ", multiline=multiline, key_bindings=keys, prompt_continuation="  ... ")
    except EOFError:
        raise KeyboardInterrupt from None
    return str(text).rstrip("\n")


def _plain(label: str, multiline: bool) -> str:
    """Read from a pipe (tests, `expect` scripts): one line, or lines up to an empty one."""
    sys.stderr.write(f"{label}: ")
    sys.stderr.flush()
    lines: list[str] = []
    while True:
        line = sys.stdin.readline()
        if not line:
            if not lines:
                raise KeyboardInterrupt
            break
        line = line.rstrip("\n")
        if not multiline:
            return line
        if not line.strip():
            break
        lines.append(line)
    return "\n".join(lines)
