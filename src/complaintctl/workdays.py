"""The working-day calendar: China's official schedule plus the office's own days.

Working days are Monday to Friday, minus public holidays, plus the make-up working
days (调休上班) the State Council moves onto weekends; an office may add days off and
working days of its own, which win over the official schedule. Years the official
calendar does not know yet are counted on weekends only, and every answer that
touched such a year says it is provisional.

Pure: the official schedule is read once from chinese-calendar into sets (the
package's own `is_workday` re-checks its range on every call and is ~100x slower).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from .i18n import N_, _
from .reasons import label

ONE_DAY = timedelta(days=1)
# Counting never runs further than this from its start: a guard against a typo
# like "500000wd" spinning forever.
MAX_SPAN_DAYS = 366 * 20


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days, and which years the official schedule knows."""

    holidays: frozenset[date] = frozenset()
    makeup_days: frozenset[date] = frozenset()
    first_year: int = 0
    last_year: int = -1
    days_off: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()
    names: dict[date, str] = field(default_factory=dict, compare=False, hash=False)

    def with_overrides(self, days_off: Iterable[date] = (), working_days: Iterable[date] = ()) -> WorkCalendar:
        """This calendar with the office's own days off and working days added."""
        return WorkCalendar(
            self.holidays,
            self.makeup_days,
            self.first_year,
            self.last_year,
            frozenset(days_off),
            frozenset(working_days),
            self.names,
        )

    def is_known(self, day: date) -> bool:
        """Whether the official schedule covers the year of `day`."""
        return self.first_year <= day.year <= self.last_year

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is a working day: office overrides, then the official schedule,
        then (for years it does not know) Monday to Friday."""
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        if day in self.makeup_days:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def describe(self, day: date) -> str:
        """Why `day` is or is not a working day, in a few words (a reason, reasons.py)."""
        if day in self.working_days:
            return label(N_("office working day"))
        if day in self.days_off:
            return label(N_("office day off"))
        if day in self.makeup_days:
            return label(N_("调休上班"))
        if day in self.holidays:
            return label(self.names.get(day, N_("public holiday")))
        return label(N_("weekday") if day.weekday() < 5 else N_("weekend"))

    def nth_working_day_after(self, day: date, n: int) -> tuple[date, bool]:
        """The n-th working day after `day` (n >= 1; `day` itself never counts), and
        whether the answer is provisional (it crossed a year the calendar does not know).
        With n == 0, `day` itself."""
        if n < 0:
            raise ValueError(_("n must not be negative"))
        provisional = not self.is_known(day) if n == 0 else False
        current = day
        found = 0
        limit = day + timedelta(days=MAX_SPAN_DAYS)
        while found < n:
            current += ONE_DAY
            if current > limit:
                raise ValueError(_("{n} working days run past {limit}").format(n=n, limit=limit.isoformat()))
            if not self.is_known(current):
                provisional = True
            if self.is_working_day(current):
                found += 1
        return current, provisional

    def nth_working_day_before(self, day: date, n: int) -> tuple[date, bool]:
        """The n-th working day before `day` (n >= 1; `day` itself never counts)."""
        if n < 0:
            raise ValueError(_("n must not be negative"))
        provisional = False
        current = day
        found = 0
        limit = day - timedelta(days=MAX_SPAN_DAYS)
        while found < n:
            current -= ONE_DAY
            if current < limit:
                raise ValueError(_("{n} working days run past {limit}").format(n=n, limit=limit.isoformat()))
            if not self.is_known(current):
                provisional = True
            if self.is_working_day(current):
                found += 1
        return current, provisional

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie after `start` up to and including `end` (0 if end <= start)."""
        count = 0
        current = start
        while current < end:
            current += ONE_DAY
            if self.is_working_day(current):
                count += 1
        return count

    def working_seconds_between(self, start: datetime, end: datetime, tz: tzinfo) -> float:
        """Time between two instants that falls on working days (whole days, office time)."""
        if end <= start:
            return 0.0
        total = 0.0
        local_start, local_end = start.astimezone(tz), end.astimezone(tz)
        day = local_start.date()
        while day <= local_end.date():
            if self.is_working_day(day):
                day_start = datetime.combine(day, time(0), tzinfo=tz)
                day_end = day_start + ONE_DAY
                overlap = min(day_end, local_end) - max(day_start, local_start)
                total += max(overlap.total_seconds(), 0.0)
            day += ONE_DAY
        return total

    def add_working_seconds(self, moment: datetime, seconds: float, tz: tzinfo) -> datetime:
        """`moment` moved forward by `seconds` of working-day time."""
        remaining = timedelta(seconds=seconds)
        current = moment.astimezone(tz)
        limit = current + timedelta(days=MAX_SPAN_DAYS)
        while remaining > timedelta(0):
            if current > limit:
                raise ValueError(_("the pause runs past any sensible deadline"))
            day_end = datetime.combine(current.date() + ONE_DAY, time(0), tzinfo=tz)
            if self.is_working_day(current.date()):
                step = min(day_end - current, remaining)
                current += step
                remaining -= step
                if remaining == timedelta(0):
                    break
            current = day_end
        return current


@lru_cache(maxsize=1)
def official_calendar() -> WorkCalendar:
    """China's official calendar from the chinese-calendar package, read once."""
    from chinese_calendar import constants

    holidays = frozenset(constants.holidays)
    makeup = frozenset(constants.workdays)
    chinese = {
        "New Year's Day": N_("元旦"),
        "Spring Festival": N_("春节"),
        "Tomb-sweeping Day": N_("清明节"),
        "Labour Day": N_("劳动节"),
        "Dragon Boat Festival": N_("端午节"),
        "National Day": N_("国庆节"),
        "Mid-autumn Festival": N_("中秋节"),
    }
    names = {day: chinese.get(str(name), str(name)) for day, name in constants.holidays.items()}
    years = [d.year for d in holidays | makeup]
    return WorkCalendar(holidays, makeup, min(years), max(years), names=names)
