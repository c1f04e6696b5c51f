"""Values typed by people, checked and turned into the register's types.

Pure: every function takes text (and, for times, `now` and the office zone) and
returns a value or raises BadInput whose message names the option and the fix.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING, TypeVar

from .domain import Choice
from .errors import BadInput
from .i18n import _

if TYPE_CHECKING:
    from .when import Reading

C = TypeVar("C", bound=Choice)

MAX_TEXT = 20_000
MAX_LINE = 200

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def choice(kind: type[C], value: str, option: str) -> C:
    """The member of `kind` named by `value` (code or Chinese label, any case)."""
    try:
        return kind.parse(value)  # type: ignore[return-value]
    except ValueError:
        raise BadInput(
            _("{option}: {value!r} is not one of {choices_text}").format(
                option=option, value=value, choices_text=kind.choices_text()
            )
        ) from None


def text(value: str | None, option: str, *, required: bool = False, single_line: bool = False) -> str | None:
    """Trimmed text; None when empty and optional. Refuses control characters."""
    if value is None:
        if required:
            raise BadInput(_("{option} is required").format(option=option))
        return None
    cleaned = value.strip()
    if not cleaned:
        if required:
            raise BadInput(_("{option} must not be empty").format(option=option))
        return None
    if _CONTROL.search(cleaned):
        raise BadInput(_("{option} contains control characters; type plain text").format(option=option))
    limit = MAX_LINE if single_line else MAX_TEXT
    if single_line and "\n" in cleaned:
        raise BadInput(_("{option} must be one line").format(option=option))
    if len(cleaned) > limit:
        raise BadInput(
            _("{option} is {length} characters long; the limit is {limit}").format(
                option=option, length=len(cleaned), limit=limit
            )
        )
    return cleaned


# The contact forms the desk accepts (checked after NFKC, without spaces, dashes, dots
# and brackets): a mobile, a landline with its area code, a 400/800 or 95xxx service
# number, an overseas number, an e-mail address. `--contact-kind other` keeps anything.
_CONTACT_FORMS = {
    "mobile": re.compile(r"(?:\+86|0086)?1[3-9]\d{9}"),
    "landline": re.compile(r"(?:(?:\+86|0086)(?:10|2\d|[3-9]\d{2})|0(?:10|2\d|[3-9]\d{2}))[1-9]\d{6,7}"),
    "service": re.compile(r"(?:400|800)\d{7}|95\d{3}"),
    "overseas": re.compile(r"(?:\+|00)(?!86)[1-9]\d{6,14}"),
}
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x|#)(\d{1,6})$", re.IGNORECASE)
CONTACT_KINDS = ("mobile", "landline", "service", "overseas", "email", "other")


def contact_kind(value: str) -> str | None:
    """Which accepted form a contact has (`mobile`, `landline`, ...), None for none."""
    cleaned = unicodedata.normalize("NFKC", value).strip()
    if _EMAIL.match(cleaned):
        return "email"
    compact = re.sub(r"[\s\-().]", "", cleaned)
    extension = _EXTENSION.search(compact)
    if extension:
        compact = compact[: extension.start()]
    for kind, pattern in _CONTACT_FORMS.items():
        if pattern.fullmatch(compact) and (extension is None or kind in ("landline", "service", "overseas")):
            return kind
    return None


def contact(value: str | None, kind: str | None = None, option: str = "--contact") -> str:
    """A phone number or an e-mail address in one of the accepted forms (NFKC-normalised);
    with `kind="other"` anything on one line is kept as typed."""
    cleaned = text(unicodedata.normalize("NFKC", value) if value is not None else None, option, required=True, single_line=True)
    assert cleaned is not None
    if kind == "other" or contact_kind(cleaned) is not None:
        return cleaned
    raise BadInput(
        _(
            "{option}: {value!r} is not a contact the register knows: a mobile (13812345678, +86 138 1234 5678), a landline with its area code (010-12345678 转 123), a 400/800 or 95xxx service number, an overseas number (+852 2123 4567) or an e-mail; give --contact-kind other to keep it as typed"
        ).format(option=option, value=cleaned)
    )


# The years a typed time may fall in: wide enough for any complaint, narrow enough that
# deadlines and periods counted from it stay within what datetime can hold.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def reading(value: str, option: str, *, now: datetime, tz: tzinfo, ahead: bool = False) -> Reading:
    """A time typed by a person (see when.py), with whether it named a time of day."""
    from .when import WhenError, read_when  # its patterns compiled only when a time is typed

    try:
        typed = read_when(value, now=now, tz=tz, ahead=ahead)
        moment = typed.moment
        # An offset of a day or more (+25:00) is refused by datetime only when it is used.
        moment.utcoffset()
        in_range = EARLIEST_YEAR <= moment.year <= LATEST_YEAR and EARLIEST_YEAR <= moment.astimezone(UTC).year <= LATEST_YEAR
    except WhenError as exc:
        raise BadInput(f"{option}: {exc}") from None
    except (ValueError, OverflowError):
        raise BadInput(
            _("{option}: cannot read {value!r} as a time; write e.g. '2026-09-18 10:30'").format(option=option, value=value)
        ) from None
    if not in_range:
        raise BadInput(
            _("{option}: {value!r} is not a time the register keeps; give one between {first} and {last}").format(
                option=option, value=value, first=EARLIEST_YEAR, last=LATEST_YEAR
            )
        )
    return typed


def when(value: str, option: str, *, now: datetime, tz: tzinfo, ahead: bool = False) -> datetime:
    """A time typed by a person (see when.py), as an aware datetime; a date alone is
    the start of that day."""
    return reading(value, option, now=now, tz=tz, ahead=ahead).moment


def day(value: str, option: str, *, now: datetime, tz: tzinfo) -> date:
    """A date typed by a person, in the office calendar."""
    return when(value, option, now=now, tz=tz).astimezone(tz).date()


def amount_cents(value: str, option: str) -> int:
    """A money amount in yuan (`120`, `99.50`, `¥1,200`) as whole fen."""
    from decimal import Decimal, InvalidOperation

    cleaned = value.strip().replace(",", "").replace("，", "").lstrip("¥￥").removesuffix("元").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise BadInput(
            _("{option}: {value!r} is not an amount; write yuan like 120 or 99.50").format(option=option, value=value)
        ) from None
    if not amount.is_finite() or amount < 0:
        raise BadInput(_("{option}: {value!r} must be a positive amount of yuan").format(option=option, value=value))
    if amount > Decimal("100000000"):
        raise BadInput(
            _("{option}: {value!r} is larger than any compensation the register accepts").format(option=option, value=value)
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise BadInput(_("{option}: {value!r} has more than two decimals (fen)").format(option=option, value=value))
    return int(amount * 100)


def complaint_no(value: str) -> str:
    """A complaint number as typed: `TS-2026-0042`, `ts-2026-42`."""
    cleaned = unicodedata.normalize("NFKC", value).strip().upper()
    match = re.fullmatch(r"TS\s*[-‐‑–—_ ]?\s*(\d{4})\s*[-‐‑–—_ ]?\s*(\d{1,6})", cleaned)
    if not match:
        raise BadInput(_("{value!r} is not a complaint number; they look like TS-2026-0042").format(value=value))
    return format_no(int(match[1]), int(match[2]))


# Numbers have at least four digits and at most six: the parser and every command accept
# TS-2026-0001 ... TS-2026-999999; a year never hands out more.
MAX_SEQ = 999_999


def format_no(year: int, seq: int) -> str:
    """The printed complaint number of the `seq`-th complaint received in `year`."""
    return f"TS-{year:04d}-{seq:04d}"
