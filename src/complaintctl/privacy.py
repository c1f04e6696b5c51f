"""Customers' personal data in what leaves the office (保密): masked unless asked not to be.

One masking function for free text, `mask_text`, finds what identifies a person however a
clerk or the customer wrote it:
- mobile numbers (138 0013 8000, 138-0013-8000, 138.0013.8000, +86 13800138000,
  0086…, full-width １３８００１３８０００);
- landline numbers with their area code (010-65123456, (0755) 8888 6666, 021 6123 4567-801);
- 身份证 numbers (18 characters whose check digit is right);
- bank card numbers (13 to 19 digits that pass the Luhn check);
- e-mail addresses (full-width ＠ too).
Dates, times, money and complaint numbers (2026-11-04, 10:30, 3000.00, TS-2026-0001) are
left alone. Structured fields follow the registry's `personal` flag instead: an order or
policy number is not a card number.

Pure.
"""

from __future__ import annotations

import re
from typing import Any

# Full-width characters read as their ASCII forms, one character for one, so a match's
# span in the translated text is its span in the original.
_HALF = str.maketrans(
    {
        **{chr(0xFF01 + i): chr(0x21 + i) for i in range(0x5E)},
        "\u3000": " ",
        "\u00a0": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
    }
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# A run of digit groups joined by at most two separators, maybe a + or ( in front and an
# ID number's X at the end, not glued to letters or other digits.
_RUN = re.compile(r"(?<![0-9A-Za-z+])\+?\(?\d(?:[ \-.()]{0,2}\d)*[Xx]?(?![0-9A-Za-z])")
_GROUP = re.compile(r"\d+[Xx]?")
_MOBILE = re.compile(r"(?:0086|86)?1[3-9]\d{9}")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_BIG_CITIES = ("010", "020", "021", "022", "023", "024", "025", "027", "028", "029")


def id_number(chars: str) -> bool:
    """An 18-character 身份证 number: a region, a real birth date from 1900 on, a sequence
    and a check character. A wrong check digit still counts (a mistyped ID is still
    someone's), an impossible birth date does not."""
    if len(chars) != 18 or not chars[:17].isdigit() or not (chars[17].isdigit() or chars[17] in "Xx"):
        return False
    if chars[0] == "0":
        return False
    year, month, day = int(chars[6:10]), int(chars[10:12]), int(chars[12:14])
    if not (1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    return True


def id_check_digit_right(chars: str) -> bool:
    total = sum(int(c) * w for c, w in zip(chars[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == chars[17].upper()


def luhn(digits: str) -> bool:
    """Whether a card number's check digit is right."""
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _identifying(run: str) -> bool:
    """Whether digits written as `run` (separators kept) are a phone, ID or card number."""
    chars = "".join(c for c in run if c.isdigit() or c in "Xx")
    if chars[-1:] in ("X", "x"):
        return id_number(chars)
    separated = len(chars) != len(run.lstrip("+"))
    if _MOBILE.fullmatch(chars):
        return True
    if chars.startswith("0") and not chars.startswith("00"):
        # a landline: area code and 7–8 digits (an extension after a dash), written with a
        # separator or in a big city's form; a bare 0-led run is as often an order number
        number = chars
        if run.count("-") >= 2 or (run.count("-") == 1 and len(run.rpartition("-")[2]) <= 4 and len(chars) > 12):
            number = "".join(c for c in run.rpartition("-")[0] if c.isdigit())
        return 10 <= len(number) <= 12 and (separated or number[:3] in _BIG_CITIES)
    if id_number(chars):
        return True
    return 13 <= len(chars) <= 19 and luhn(chars)


def _mask_run(run: str) -> str:
    """The run with its middle digits starred, its separators and ends kept as written:
    138-0013-8000 → 138-****-8000; +86 13800138000 → +86 138****8000."""
    positions = [i for i, c in enumerate(run.translate(_HALF)) if c.isdigit() or c in "Xx"]
    digits = "".join(run.translate(_HALF)[i] for i in positions)
    lead = 0
    if _MOBILE.fullmatch(digits) and len(digits) > 11:
        lead = len(digits) - 11  # the country code stays
    national = len(positions) - lead
    keep_head, keep_tail = (3, 4) if national >= 11 else (2, 2) if national >= 7 else (0, 0)
    hidden = set(positions[lead + keep_head : len(positions) - keep_tail])
    return "".join("*" if i in hidden else c for i, c in enumerate(run))


def _mask_email(address: str) -> str:
    local, _at, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_text(text: str | None) -> str | None:
    """Free text with every phone, ID and bank card number and e-mail address in it masked:
    `138 0013 8000` → `138 **** 8000`, `zhang@example.com` → `z***@example.com`."""
    if not text:
        return text
    half = text.translate(_HALF)
    spans: list[tuple[int, int, str]] = []
    for match in _EMAIL.finditer(half):
        start, end = match.span()
        spans.append((start, end, _mask_email(text[start:end].translate(_HALF))))
    for match in _RUN.finditer(half):
        if any(s <= match.start() < e for s, e, _m in spans):
            continue
        groups = [(g.start() + match.start(), g.end() + match.start()) for g in _GROUP.finditer(match.group())]
        i = 0
        while i < len(groups):
            # the longest run of groups from this one that is a number identifying someone
            for j in range(len(groups), i, -1):
                start = groups[i][0]
                if i == 0 and match.group().startswith(("+", "(")):
                    start = match.start()
                end = groups[j - 1][1]
                if _identifying(half[start:end]):
                    spans.append((start, end, _mask_run(text[start:end])))
                    i = j
                    break
            else:
                i += 1
    if not spans:
        return text
    out, at = [], 0
    for start, end, masked in sorted(spans):
        if start < at:
            continue
        out += [text[at:start], masked]
        at = end
    out.append(text[at:])
    return "".join(out)


def mask_contact(contact: str | None) -> str | None:
    """A contact field masked whatever it holds: `13800138000` → `138****8000`."""
    if not contact:
        return contact
    masked = mask_text(contact)
    if masked == contact and any(c.isdigit() for c in contact):
        # not recognised as a number, but a contact: keep its ends only
        if sum(c.isdigit() for c in contact) >= 7:
            return _mask_run(contact)
        return contact[:2] + "***" if len(contact) > 4 else "*" * len(contact)
    return masked


def mask_name(name: str | None) -> str | None:
    """A customer's name as management sees it: 张三 → 张*, 欧阳娜娜 → 欧***."""
    if not name or name.startswith("（"):
        return name
    return name[0] + "*" * max(1, len(name) - 1)


def scrub(text: str | None, known: tuple[str | None, ...] = ()) -> str | None:
    """Free text with a forgotten customer's name and contact, and every number that
    identifies a person, taken out (`forget`)."""
    if not text:
        return text
    for value in known:
        if value and len(value) >= 2:
            text = text.replace(value, "（已匿名）")
    return mask_text(text)


def mask_personal(value: str | None) -> str | None:
    """A declared field the rules mark personal (住址): all but its first characters hidden."""
    if not value:
        return value
    masked = mask_text(value) or ""
    return masked[:3] + "***" if len(masked) > 3 else "***"


def mask_record(record: dict[str, Any], free_text: tuple[str, ...], personal_fields: tuple[str, ...] = ()) -> dict[str, Any]:
    """A complaint's record as it may leave the desk: contact masked, numbers and addresses
    in free text masked, declared personal fields hidden (the name stays: clerks call back)."""
    record["contact"] = mask_contact(record.get("contact"))
    for name in free_text:
        if isinstance(record.get(name), str):
            record[name] = mask_text(record[name])
    declared = record.get("fields") or {}
    for key in personal_fields:
        if key in declared:
            declared[key] = mask_personal(declared[key])
    return record
