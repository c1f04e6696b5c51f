"""Times typed by people: `2026-09-18 10:30`, `2026/9/18`, `2026年9月18日 10:30`,
ISO 8601 with an offset, `yesterday 15:00`, `昨天 15:00`, `now`, `2h ago`.

Pure: `now` and the office time zone are parameters; nothing here reads the clock.
A time without an offset is in the office time zone.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo

from .i18n import _

_RELATIVE_DAYS = {
    "today": 0,
    "今天": 0,
    "今日": 0,
    "yesterday": -1,
    "昨天": -1,
    "昨日": -1,
    "前天": -2,
    "tomorrow": 1,
    "明天": 1,
}

_CN_DATE = re.compile(
    r"^(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:\s*(?P<H>\d{1,2})\s*(?:[:：点时]\s*(?P<M>\d{1,2})?\s*分?)?(?:\s*[:：]\s*(?P<S>\d{1,2}))?)?$"
)
_NUM_DATE = re.compile(
    r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"(?:[ T]+(?P<H>\d{1,2})(?::(?P<M>\d{2}))?(?::(?P<S>\d{2}))?)?$"
)
_CLOCK = re.compile(r"^(?P<H>\d{1,2})(?:[:：点时](?P<M>\d{1,2})?分?)?(?::(?P<S>\d{2}))?$")
_AGO = re.compile(r"^(?P<n>\d+)\s*(?P<unit>min|mins|minutes?|m|h|hours?|d|days?|分钟|小时|天)\s*(?:ago|前)$")


class WhenError(ValueError):
    """The text is not a time this module understands."""


def parse_when(text: str, *, now: datetime, tz: tzinfo) -> datetime:
    """Turn a time typed by a person into an aware datetime.

    `now` must be aware; relative forms (`yesterday 15:00`, `2h ago`) count from it
    in the office zone `tz`. A date without a time means the start of that day.
    """
    raw = text.strip()
    if not raw:
        raise WhenError(_("empty time"))
    lowered = raw.casefold()
    local_now = now.astimezone(tz)

    if lowered in ("now", "现在", "刚才"):
        return now

    ago = _AGO.match(lowered)
    if ago:
        return now - _ago_delta(int(ago["n"]), ago["unit"])

    for word, offset in _RELATIVE_DAYS.items():
        if lowered.startswith(word):
            rest = lowered[len(word) :].strip()
            day = local_now.date() + timedelta(days=offset)
            if not rest:
                return _local(day, time(0, 0), tz)
            clock = _CLOCK.match(rest)
            if clock:
                return _local(day, _clock(clock["H"], clock["M"], clock["S"], raw), tz)
            raise WhenError(_("cannot read the time of day in {text!r}").format(text=text))

    for pattern in (_NUM_DATE, _CN_DATE):
        match = pattern.match(raw)
        if match:
            year = int(match["y"]) if match["y"] else local_now.year
            try:
                day = date(year, int(match["m"]), int(match["d"]))
            except ValueError:
                why = (
                    _("there is no month {month}").format(month=match["m"])
                    if not 1 <= int(match["m"]) <= 12
                    else _("that month has no day {day}").format(day=match["d"])
                )
                raise WhenError(_("{text!r} is not a real date: {why}").format(text=text, why=why)) from None
            return _local(day, _clock(match["H"], match["M"], match["S"], raw), tz)

    clock = _CLOCK.match(raw)
    if clock and (":" in raw or "：" in raw or "点" in raw):
        return _local(local_now.date(), _clock(clock["H"], clock["M"], clock["S"], raw), tz)

    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        parsed = _dateutil(raw, local_now)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=tz)
    return parsed


def _dateutil(raw: str, local_now: datetime) -> datetime:
    # The last resort, imported only when the common forms above did not match.
    from dateutil import parser

    try:
        parsed: datetime = parser.parse(raw, default=local_now.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None))
        return parsed
    except (ValueError, OverflowError, parser.ParserError):
        raise WhenError(
            _(
                "cannot read {raw!r} as a time; write e.g. '2026-09-18 10:30', '2026/9/18', '2026年9月18日 10:30' or 'yesterday 15:00'"
            ).format(raw=raw)
        ) from None


def _clock(hour: str | None, minute: str | None, second: str | None, raw: str) -> time:
    try:
        return time(int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        raise WhenError(_("{raw!r} has an impossible time of day").format(raw=raw)) from None


def _local(day: date, clock: time, tz: tzinfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz)


def _ago_delta(n: int, unit: str) -> timedelta:
    if unit.startswith(("h", "小时")):
        return timedelta(hours=n)
    if unit.startswith(("d", "天")):
        return timedelta(days=n)
    return timedelta(minutes=n)
