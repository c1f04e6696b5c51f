"""Where the office's settings come from: the rules and the time zone.

The rules installed in the register (`complaintctl rules install FILE`) when there are
some: every clerk and the cron job on that register then use the same rules, and neither
`--rules` nor a per-user file can change them. A register without installed rules uses
`--rules FILE`, else `COMPLAINTCTL_RULES`, else `rules.toml` in the user config directory,
else the built-in defaults. `COMPLAINTCTL_TZ` overrides the rules' time zone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BadInput
from .i18n import _

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import tzinfo

    from .rules import Policy
    from .ruleset import Rules


def rules_path(option: str | None) -> Path | None:
    """The rules file in force, or None for the built-in defaults."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get("COMPLAINTCTL_RULES")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_path

    default = user_config_path("complaintctl", appauthor=False) / "rules.toml"
    return default if default.exists() else None


def read_rules(path: Path) -> Rules:
    """The rules in a file; RulesError lists every problem."""
    from .ruleset import RulesError, from_toml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError(
            [_("{path}: no such rules file; check the path given to --rules or COMPLAINTCTL_RULES").format(path=path)]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError([_("{path}: cannot read it ({exc}); save it as UTF-8 text").format(path=path, exc=exc)]) from None
    return from_toml(text, str(path))


def load_rules(option: str | None) -> Rules:
    """The rules in force; a broken file is one line naming its first problem."""
    from .ruleset import RulesError, default_rules

    path = rules_path(option)
    if path is None:
        return default_rules()
    try:
        return read_rules(path)
    except RulesError as exc:
        more = (
            _(" (and {value} more: run `complaintctl rules check {path}`)").format(value=len(exc.problems) - 1, path=path)
            if len(exc.problems) > 1
            else ""
        )
        raise BadInput(exc.problems[0] + more) from None


def office_tz(rules: Rules | None = None) -> tzinfo:
    """COMPLAINTCTL_TZ, else the rules' time zone, else Asia/Shanghai."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = os.environ.get("COMPLAINTCTL_TZ") or (rules.timezone if rules else "") or "Asia/Shanghai"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(
            _("COMPLAINTCTL_TZ={name!r} is not a time zone; use a name like Asia/Shanghai").format(name=name)
        ) from None


_policies: dict[tuple[str, float, str], Policy] = {}


def load_policy(option: str | None, installed: str | None = None) -> Policy:
    """Rules, calendar (official plus the office's days) and time zone, ready for decisions.
    `installed` is the text of the rules installed in the register, which win. Kept for
    the life of the process while the rules are unchanged (the shell reuses it)."""
    from .rules import Policy
    from .workdays import official_calendar

    tz_env = os.environ.get("COMPLAINTCTL_TZ", "")
    if installed is not None:
        if option or os.environ.get("COMPLAINTCTL_RULES"):
            given = option or os.environ.get("COMPLAINTCTL_RULES")
            raise BadInput(
                _(
                    "this register has its office rules installed, so {given} cannot change them; try a file with `complaintctl rules check {given}`, install it with `complaintctl rules install {given}`"
                ).format(given=given)
            )
        key: tuple[str, float, str] | None = (installed, -1.0, tz_env)
    else:
        path = rules_path(option)
        try:
            key = (str(path), path.stat().st_mtime if path else 0.0, tz_env)
        except OSError:
            key = None
    if key is not None and key in _policies:
        return _policies[key]
    rules = installed_rules(installed) if installed is not None else load_rules(option)
    calendar = official_calendar().with_overrides(rules.days_off, rules.working_days)
    policy = Policy(rules=rules, calendar=calendar, tz=office_tz(rules))
    if key is not None:
        _policies[key] = policy
    return policy


def installed_rules(text: str) -> Rules:
    """The rules installed in a register (checked when installed; a tool that cannot read
    them any more says so in one line)."""
    from .ruleset import RulesError, from_toml

    try:
        return from_toml(text, _("the rules installed in the register"))
    except RulesError as exc:
        raise BadInput(exc.problems[0] + _("; install corrected rules with `complaintctl rules install FILE`")) from None


def office_language(argv: list[str], read_setting: Callable[[str | None, str], str | None] | None = None) -> str | None:
    """The `[office] language` of the rules in force for the command in `argv` (its --db
    and --rules), or None: asked before the help is built, so anything that goes wrong
    here is left for the command itself to report."""
    from .errors import ComplaintError

    db, rules = _given(argv, "--db"), _given(argv, "--rules")
    try:
        if read_setting is None:
            from .db import setting

            read_setting = setting
        text = read_setting(db, "rules")
        if text is None:
            path = rules_path(rules)
            text = path.read_text(encoding="utf-8") if path else None
    except (ComplaintError, OSError, UnicodeDecodeError, ValueError):
        return None
    if not text or "language" not in text:
        return None
    quick = _office_language_line(text)
    if quick is not None:
        return quick
    import tomllib

    try:
        office = tomllib.loads(text).get("office", {})
    except tomllib.TOMLDecodeError:
        return None
    value = office.get("language") if isinstance(office, dict) else None
    return value if isinstance(value, str) else None


def _office_language_line(text: str) -> str | None:
    """`language = "en"` under `[office]`, read from the lines without parsing the whole
    file (each start pays for this; TOML is parsed when the form is any other)."""
    import re

    section = ""
    for line in text.splitlines():
        header = re.match(r"\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$", line)
        if header:
            section = header[1]
            continue
        if section == "office":
            found = re.match(r"\s*language\s*=\s*\"([^\"\\]*)\"\s*(?:#.*)?$", line)
            if found:
                return found[1]
    return None


def _given(argv: list[str], option: str) -> str | None:
    """The value of `option` in a command line not parsed yet (`--db X` or `--db=X`)."""
    for index, arg in enumerate(argv):
        if arg == option and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith(option + "="):
            return arg[len(option) + 1 :]
    return None
