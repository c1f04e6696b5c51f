"""Values as a spreadsheet receives them: text a person typed never runs as a formula.

A CSV cell that starts with = + - @ (or a tab or carriage return) is read by Excel and
LibreOffice as a formula; OWASP's advice on CSV injection is to write it with a leading
apostrophe. Figures the tool computes (12, -27, +0.8pt, 91.4%) stay as they are. In an
xlsx file only a string starting with = would become a formula, and it is stored as a
string instead (export.py). Pure.
"""

from __future__ import annotations

import re
from typing import Any

_ACTIVE_START = ("=", "+", "-", "@", "\t", "\r")
# A signed figure, as the report writes its changes: +3, -27, +0.8pt, -5.0%.
_FIGURE = re.compile(r"[+-]?\d+(?:\.\d+)?(?:pt|%)?")


def for_csv(value: Any) -> Any:
    """`value` as a CSV cell that no spreadsheet evaluates."""
    if isinstance(value, str) and value.startswith(_ACTIVE_START) and not _FIGURE.fullmatch(value):
        return "'" + value
    return value


def is_formula_text(value: Any) -> bool:
    """Whether openpyxl would take this text for a formula (it must be stored as text)."""
    return isinstance(value, str) and value.startswith("=")
