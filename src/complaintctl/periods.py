"""Report periods: a month, a quarter, a year or any range of days, and the one before.

Pure: `today` is a parameter.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import NamedTuple

from .i18n import _


class Period(NamedTuple):
    """Days `start`..`end`, both included, with the name people use for them."""

    start: date
    end: date
    label: str
    kind: str  # month | quarter | year | range

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        if self.kind == "month":
            return month_period(_shift_month(self.start, -1))
        if self.kind == "quarter":
            return quarter_period(_shift_month(self.start, -3))
        if self.kind == "year":
            return year_period(self.start.year - 1)
        end = self.start - timedelta(days=1)
        start = end - timedelta(days=self.days - 1)
        return Period(start, end, f"{start.isoformat()}~{end.isoformat()}", "range")

    def year_before(self) -> Period:
        """The same period one year earlier (同比); 29 February becomes the 28th."""

        def back(day: date) -> date:
            return day.replace(year=day.year - 1, day=min(day.day, 28 if day.month == 2 else day.day))

        if self.kind == "month":
            return month_period(back(self.start))
        if self.kind == "quarter":
            return quarter_period(back(self.start))
        if self.kind == "year":
            return year_period(self.start.year - 1)
        start, end = back(self.start), back(self.end)
        return Period(start, end, f"{start.isoformat()}~{end.isoformat()}", "range")

    def months(self) -> list[str]:
        """Every month the period touches, as YYYY-MM."""
        out, current = [], self.start.replace(day=1)
        while current <= self.end:
            out.append(f"{current:%Y-%m}")
            current = _shift_month(current, 1)
        return out


def _shift_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_period(first: date) -> Period:
    first = first.replace(day=1)
    end = _shift_month(first, 1) - timedelta(days=1)
    return Period(first, end, f"{first:%Y-%m}", "month")


def quarter_period(first: date) -> Period:
    first = date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
    end = _shift_month(first, 3) - timedelta(days=1)
    return Period(first, end, f"{first.year}Q{(first.month - 1) // 3 + 1}", "quarter")


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), str(year), "year")


def parse_month(text: str) -> Period:
    match = re.fullmatch(r"\s*(\d{4})[-/年.]?(\d{1,2})月?\s*", text)
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(_("--month {text!r}: write the month as 2026-11").format(text=text))
    return month_period(date(int(match[1]), int(match[2]), 1))


def parse_quarter(text: str) -> Period:
    match = re.fullmatch(r"\s*(\d{4})\s*[-]?\s*[Qq]([1-4])\s*", text)
    if not match:
        raise ValueError(_("--quarter {text!r}: write the quarter as 2026Q4").format(text=text))
    return quarter_period(date(int(match[1]), (int(match[2]) - 1) * 3 + 1, 1))


def parse_year(text: str) -> Period:
    if not re.fullmatch(r"\s*\d{4}\s*", text):
        raise ValueError(_("--year {text!r}: write the year as 2026").format(text=text))
    return year_period(int(text))


def range_period(start: date, end: date) -> Period:
    if end < start:
        raise ValueError(_("--to {end} is before --from {start}").format(end=end.isoformat(), start=start.isoformat()))
    return Period(start, end, f"{start.isoformat()}~{end.isoformat()}", "range")


def last_month(today: date) -> Period:
    """The default report period: the month before `today`'s."""
    return month_period(_shift_month(today, -1))


def last_quarter(today: date) -> Period:
    """The quarter before `today`'s: the one a quarterly analysis is written about."""
    return quarter_period(_shift_month(today, -3))


def trailing_months(today: date, count: int = 12) -> Period:
    """The `count` whole months ending with `today`'s month."""
    first = _shift_month(today, -(count - 1))
    end = _shift_month(today, 1) - timedelta(days=1)
    return Period(first, end, f"{first:%Y-%m}~{end:%Y-%m}", "range")
