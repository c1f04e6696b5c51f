"""Times typed by people: `2026-09-18 10:30`, `2026/9/18`, `2026年9月18日 10:30`,
ISO 8601 with an offset, `明天下午3点`, `今天上午9点半`, `昨天下午4点`, `周一上午9点`,
`3小时前`, `yesterday 15:00`, `3pm`, `now`, `2h ago`.

Pure: `now` and the office time zone are parameters; nothing here reads the clock.
A time without an offset is in the office time zone. Text is NFKC-normalised first,
so what an input method types full width (`２０２６－１１－２３　１５：００`) reads the same.

`read_when` says whether a time of day was given: a date alone, or a part of the day
alone (`昨天下午`), is for the caller to complete by asking (cli.py) or to refuse.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta, tzinfo
from typing import NamedTuple

from .i18n import _


class WhenError(ValueError):
    """The text is not a time this module understands."""


class Reading(NamedTuple):
    """A typed time: the moment (the day's start when no time of day was given), whether
    a time of day was given, and the part of the day named without an hour (`下午`)."""

    moment: datetime
    clock_given: bool
    period: str | None = None


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
    "明日": 1,
    "后天": 2,
}
_DAY_WORD = re.compile("|".join(sorted(map(re.escape, _RELATIVE_DAYS), key=len, reverse=True)))

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEKDAYS.update({str(n): n - 1 for n in range(1, 8)})
_EN_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY = re.compile(r"(?P<rel>上|下|本|这)?\s*(?:周|星期|礼拜)(?P<d>[一二三四五六日天1-7])")
_EN_WEEKDAY = re.compile(
    r"(?:(?P<rel>last|next|this)\s+)?(?P<d>mon|tue|wed|thu|fri|sat|sun)[a-z]*\b",
)

# The parts of the day and how they move an hour written on a 12-hour clock.
_PERIODS = {
    "凌晨": "am",
    "早上": "am",
    "早晨": "am",
    "上午": "am",
    "中午": "noon",
    "下午": "pm",
    "傍晚": "pm",
    "晚上": "pm",
    "夜里": "pm",
    "am": "am",
    "pm": "pm",
}
_PERIOD = re.compile("|".join(sorted(map(re.escape, _PERIODS), key=len, reverse=True)))

_CN_DATE = re.compile(r"(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?")
_NUM_DATE = re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?=$|[\sT])T?")
_SHORT_DATE = re.compile(r"(?P<m>\d{1,2})/(?P<d>\d{1,2})(?=$|\s)")
_CN_NUMBER = "零〇一二两三四五六七八九十"
_CLOCK = re.compile(
    rf"(?P<H>\d{{1,2}}|[{_CN_NUMBER}]{{1,3}})"
    r"(?:"
    rf"\s*[:：]\s*(?P<M>\d{{1,2}})(?:\s*[:：]\s*(?P<S>\d{{1,2}}))?"
    rf"|\s*[点时]\s*(?:(?P<half>半)|(?P<quarter>一刻|三刻)|(?P<M2>\d{{1,2}}|[{_CN_NUMBER}]{{1,3}})\s*分?)?"
    r")?"
)
_AGO = re.compile(
    rf"^(?P<n>\d+|半|[{_CN_NUMBER}]{{1,3}})\s*个?\s*"
    r"(?P<unit>minutes?|mins?|m|hours?|hrs?|h|days?|d|分钟|分|小时|钟头|天)\s*(?:ago|之前|以前|前)$"
)


def parse_when(text: str, *, now: datetime, tz: tzinfo, ahead: bool = False) -> datetime:
    """Turn a time typed by a person into an aware datetime.

    `now` must be aware; relative forms count from it in the office zone `tz`. A date
    without a time means the start of that day. A weekday alone means the last one, or
    the next one when `ahead` (a deadline being set).
    """
    return read_when(text, now=now, tz=tz, ahead=ahead).moment


def read_when(text: str, *, now: datetime, tz: tzinfo, ahead: bool = False) -> Reading:
    """Read a typed time and say whether it named a time of day (see the module doc)."""
    raw = unicodedata.normalize("NFKC", text).strip()
    if not raw:
        raise WhenError(_("empty time"))
    lowered = raw.casefold()
    local_now = now.astimezone(tz)

    if lowered in ("now", "现在", "刚才", "刚刚"):
        return Reading(now, True)

    ago = _AGO.match(lowered.replace(" ", ""))
    if ago:
        return Reading(now - _ago_delta(ago["n"], ago["unit"]), True)

    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        phrase = _phrase(lowered, raw, local_now, tz, ahead)
        if phrase is not None:
            return phrase
        parsed = _dateutil(raw, local_now)
    clock_given = len(raw) > 10 or ":" in raw
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return Reading(parsed, clock_given)


def clock_of(text: str, period: str | None = None) -> time:
    """A time of day typed alone (`15:30`, `3点半`, `3`), on the 12-hour clock of
    `period` (`下午`) when one was named before; WhenError when it is not one."""
    raw = unicodedata.normalize("NFKC", text).strip().casefold()
    own = _PERIOD.match(raw)
    if own:
        period, raw = own[0], raw[own.end() :].strip()
    clock = _CLOCK.match(raw)
    tail = raw[clock.end() :].strip() if clock else ""
    after = _PERIOD.fullmatch(tail) if tail else None
    if clock is None or (tail and after is None):
        raise WhenError(_("cannot read {text!r} as a time of day; write e.g. 15:30 or 3点半").format(text=text))
    return _clock(clock, after[0] if after else period, text)


def _phrase(lowered: str, raw: str, local_now: datetime, tz: tzinfo, ahead: bool) -> Reading | None:
    """Day word or date, then a part of the day, then a clock — each optional, in
    that order (`明天下午3点`, `周一 9:30`, `2026-11-23 15:00`, `下午3点`, `3pm`).
    None when the text is not of that shape (ISO 8601 and the rest go on)."""
    rest = lowered
    day: date | None = None
    weekday: tuple[str | None, int] | None = None
    match = _DAY_WORD.match(rest)
    if match:
        day = local_now.date() + timedelta(days=_RELATIVE_DAYS[match[0]])
    elif m := _WEEKDAY.match(rest):
        weekday = (m["rel"], _WEEKDAYS[m["d"]])
        match = m
    elif m := _EN_WEEKDAY.match(rest):
        rel = {"last": "上", "next": "下", "this": "本"}.get(m["rel"] or "")
        weekday = (rel, _EN_WEEKDAYS.index(m["d"]))
        match = m
    else:
        for pattern in (_NUM_DATE, _CN_DATE, _SHORT_DATE):
            m = pattern.match(rest)
            if m:
                day = _date(m, local_now.year, raw)
                match = m
                break
    if match:
        rest = rest[match.end() :].strip()
        if rest.startswith(("的", ",", "，")):
            rest = rest[1:].strip()
    period = None
    found = _PERIOD.match(rest)
    if found:
        period, rest = found[0], rest[found.end() :].strip()
    clock = _CLOCK.fullmatch(rest) if rest else None
    if clock is None and rest:
        head = _CLOCK.match(rest)
        tail = _PERIOD.fullmatch(rest[head.end() :].strip()) if head and period is None else None
        if head is None or tail is None:
            if match is None and period is None:
                return None  # not a phrase: ISO 8601 or dateutil's forms
            raise WhenError(_("cannot read the time of day in {text!r}; write e.g. 15:30 or 下午3点").format(text=raw))
        clock, period = head, tail[0]
    if clock is not None and match is None and period is None:
        # A bare number is not a time; a clock needs its colon or 点/时.
        if not re.search("[:：点时]", rest):
            return None
    if match is None and period is None and clock is None:
        return None
    at = _clock(clock, period, raw) if clock is not None else time(0, 0)
    if weekday is not None:
        day = _weekday(weekday, at, local_now, ahead)
    if day is None:
        day = local_now.date()
    moment = datetime.combine(day, at, tzinfo=tz)
    if clock is None:
        return Reading(moment, False, period)
    return Reading(moment, True)


def _weekday(weekday: tuple[str | None, int], at: time, local_now: datetime, ahead: bool) -> date:
    rel, wanted = weekday
    today = local_now.date()
    monday = today - timedelta(days=today.weekday())
    if rel == "上":
        return monday - timedelta(days=7 - wanted)
    if rel == "下":
        return monday + timedelta(days=7 + wanted)
    if rel in ("本", "这"):
        return monday + timedelta(days=wanted)
    now_clock = time(local_now.hour, local_now.minute, local_now.second)
    if ahead:
        day = today + timedelta(days=(wanted - today.weekday()) % 7)
        return day + timedelta(days=7) if day == today and at <= now_clock else day
    day = today - timedelta(days=(today.weekday() - wanted) % 7)
    return day - timedelta(days=7) if day == today and at > now_clock else day


def _date(match: re.Match[str], this_year: int, raw: str) -> date:
    groups = match.groupdict()
    year = int(groups["y"]) if groups.get("y") else this_year
    try:
        return date(year, int(match["m"]), int(match["d"]))
    except ValueError:
        why = (
            _("there is no month {month}").format(month=match["m"])
            if not 1 <= int(match["m"]) <= 12
            else _("that month has no day {day}").format(day=match["d"])
        )
        raise WhenError(_("{text!r} is not a real date: {why}").format(text=raw, why=why)) from None


def _number(text: str) -> int:
    """`15`, or a small number in Chinese characters (`三`, `十五`, `二十三`)."""
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(text, 0) if len(text) == 1 else int("".join(str(digits[c]) for c in text))


def _clock(clock: re.Match[str], period: str | None, raw: str) -> time:
    hour = _number(clock["H"])
    minute = 30 if clock["half"] else 0
    if clock["quarter"]:
        minute = 15 if clock["quarter"] == "一刻" else 45
    if clock["M"] or clock["M2"]:
        minute = _number(clock["M"] or clock["M2"])
    second = int(clock["S"] or 0)
    kind = _PERIODS.get(period or "")
    if kind == "pm" and hour < 12:
        hour += 12
    elif kind == "noon" and hour < 6:
        hour += 12
    elif kind == "am" and hour == 12 and period in ("am", "凌晨"):
        hour = 0
    try:
        return time(hour, minute, second)
    except ValueError:
        raise WhenError(_("{raw!r} has an impossible time of day").format(raw=raw)) from None


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


def _ago_delta(n: str, unit: str) -> timedelta:
    amount = 0.5 if n == "半" else _number(n)
    if unit.startswith(("h", "小时", "钟头")):
        return timedelta(hours=amount)
    if unit.startswith(("d", "天")):
        return timedelta(days=amount)
    return timedelta(minutes=amount)
