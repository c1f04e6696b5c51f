"""Where the office's settings come from: the rules file and the time zone.

`--rules FILE`, else `COMPLAINTCTL_RULES`, else `rules.toml` in the user config
directory, else the built-in defaults. `COMPLAINTCTL_TZ` overrides the rules' time zone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BadInput

if TYPE_CHECKING:
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
        raise RulesError([f"{path}: no such rules file; check the path given to --rules or COMPLAINTCTL_RULES"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError([f"{path}: cannot read it ({exc}); save it as UTF-8 text"]) from None
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
        more = f" (and {len(exc.problems) - 1} more: run `complaintctl rules check {path}`)" if len(exc.problems) > 1 else ""
        raise BadInput(exc.problems[0] + more) from None


def office_tz(rules: Rules | None = None) -> tzinfo:
    """COMPLAINTCTL_TZ, else the rules' time zone, else Asia/Shanghai."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = os.environ.get("COMPLAINTCTL_TZ") or (rules.timezone if rules else "") or "Asia/Shanghai"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(f"COMPLAINTCTL_TZ={name!r} is not a time zone; use a name like Asia/Shanghai") from None


_policies: dict[tuple[str, float, str], Policy] = {}


def load_policy(option: str | None) -> Policy:
    """Rules, calendar (official plus the office's days) and time zone, ready for decisions.
    Kept for the life of the process while the rules file is unchanged (the shell reuses it)."""
    from .rules import Policy
    from .workdays import official_calendar

    path = rules_path(option)
    try:
        key = (str(path), path.stat().st_mtime if path else 0.0, os.environ.get("COMPLAINTCTL_TZ", ""))
    except OSError:
        key = None
    if key is not None and key in _policies:
        return _policies[key]
    rules = load_rules(option)
    calendar = official_calendar().with_overrides(rules.days_off, rules.working_days)
    policy = Policy(rules=rules, calendar=calendar, tz=office_tz(rules))
    if key is not None:
        _policies[key] = policy
    return policy
