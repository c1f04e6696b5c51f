"""Customers' personal data in what leaves the office (保密): masked unless asked not to be.

Pure.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")
_PHONE = re.compile(r"(?<!\d)(\+?\d[\d -]{5,}\d)(?!\d)")
# Phone numbers inside free text: mobiles (138 0013 8000, +86 13800138000) and landlines
# (010-65123456). Dates and complaint numbers (2026-11-04, TS-2026-0001) are left alone.
_TEXT_PHONE = re.compile(r"(?<![\dA-Za-z-])((?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}|0\d{2,3}[ -]?\d{7,8})(?![\d-])")


def mask_contact(contact: str | None) -> str | None:
    """`13800138000` → `138****8000`; `zhang@example.com` → `z***@example.com`."""
    if not contact:
        return contact
    if "@" in contact:
        return _EMAIL.sub(lambda m: f"{m[1]}***{m[2]}", contact)
    return _PHONE.sub(lambda m: _mask_number(m[1]), contact)


def _mask_number(number: str) -> str:
    digits = [c for c in number if c.isdigit()]
    if len(digits) < 7:
        return "*" * len(number)
    keep_head, keep_tail = (3, 4) if len(digits) >= 11 else (2, 2)
    return "".join(digits[:keep_head]) + "****" + "".join(digits[-keep_tail:])


def mask_text(text: str | None) -> str | None:
    """Free text with every phone number and e-mail address in it masked."""
    if not text:
        return text
    return _TEXT_PHONE.sub(lambda m: _mask_number(m[1]), _EMAIL.sub(lambda m: f"{m[1]}***{m[2]}", text))
