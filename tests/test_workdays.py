"""The working-day calendar and deadline counting on China's 2026 schedule (issue 3, acceptance 1)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from complaintctl.domain import Duration
from complaintctl.rules import deadline_for
from complaintctl.ruleset import default_rules, from_toml
from complaintctl.workdays import official_calendar

SH = ZoneInfo("Asia/Shanghai")
CAL = official_calendar()
RULES = default_rules()


def due(received: str, duration: str, rules=RULES, calendar=CAL):
    start = datetime.fromisoformat(received).replace(tzinfo=SH)
    return deadline_for(start, Duration.parse(duration), calendar=calendar, tz=SH, rules=rules)


@pytest.mark.parametrize(
    "day, working",
    [
        ("2026-01-01", False),
        ("2026-01-04", True),  # New Year; Sunday make-up day
        ("2026-02-14", True),
        ("2026-02-15", False),
        ("2026-02-23", False),
        ("2026-02-24", True),
        ("2026-02-28", True),
        ("2026-04-06", False),
        ("2026-05-01", False),
        ("2026-05-05", False),
        ("2026-05-09", True),
        ("2026-06-19", False),
        ("2026-09-20", True),
        ("2026-09-25", False),
        ("2026-10-01", False),
        ("2026-10-07", False),
        ("2026-10-08", True),
        ("2026-10-10", True),
        ("2026-10-11", False),
        ("2026-11-20", True),
        ("2026-11-21", False),
    ],
)
def test_official_2026_schedule(day: str, working: bool) -> None:
    assert CAL.is_working_day(date.fromisoformat(day)) is working


@pytest.mark.parametrize(
    "received, duration, expected",
    [
        # Spring Festival: the make-up Saturday before it counts, the nine days off do not.
        ("2026-02-13 10:00", "1wd", "2026-02-14"),
        ("2026-02-14 09:00", "1wd", "2026-02-24"),
        ("2026-02-13 10:00", "5wd", "2026-02-27"),
        ("2026-02-13 10:00", "6wd", "2026-02-28"),
        ("2026-02-18 15:00", "1wd", "2026-02-24"),  # received on a holiday
        # Labour Day and its make-up Saturday.
        ("2026-04-30 23:59", "1wd", "2026-05-06"),  # received at 23:59: the day still does not count
        ("2026-05-01 00:00", "1wd", "2026-05-06"),  # received at 00:00 on a holiday
        ("2026-05-08 10:00", "5wd", "2026-05-14"),
        ("2026-05-08 10:00", "1wd", "2026-05-09"),  # received the day before a make-up Saturday
        # National Day, the Mid-Autumn days before it and the make-up Sunday/Saturday around it.
        ("2026-09-18 00:00", "1wd", "2026-09-20"),
        ("2026-09-19 23:59", "1wd", "2026-09-20"),  # received on a weekend day
        ("2026-09-20 10:00", "1wd", "2026-09-21"),  # received on a make-up day
        ("2026-09-24 10:00", "1wd", "2026-09-28"),
        ("2026-09-30 10:00", "1wd", "2026-10-08"),
        ("2026-09-30 10:00", "5wd", "2026-10-13"),
        ("2026-09-30 10:00", "15wd", "2026-10-27"),
        ("2025-12-31 18:00", "1wd", "2026-01-04"),  # New Year's make-up Sunday
        # Calendar days include days off.
        ("2026-09-30 10:00", "3d", "2026-10-03"),
    ],
)
def test_working_day_deadlines_at_the_2026_edges(received: str, duration: str, expected: str) -> None:
    result = due(received, duration)
    assert result.due_at == datetime.combine(date.fromisoformat(expected), time(23, 59, 59), tzinfo=SH)
    assert not result.provisional


def test_hours_and_minutes_run_from_the_moment_of_receipt() -> None:
    assert due("2026-09-30 22:00", "12h").due_at == datetime(2026, 10, 1, 10, 0, tzinfo=SH)
    assert due("2026-10-01 08:00", "30min").due_at == datetime(2026, 10, 1, 8, 30, tzinfo=SH)


def test_office_hours_end_the_day_at_closing_time() -> None:
    rules = from_toml('[calendar]\noffice_hours = "09:00-18:00"\n', "office.toml")
    assert due("2026-09-30 10:00", "1wd", rules).due_at == datetime(2026, 10, 8, 18, 0, tzinfo=SH)


def test_a_year_the_calendar_does_not_know_is_provisional_and_counted_on_weekends() -> None:
    result = due("2026-12-30 10:00", "5wd")
    assert result.due_at.date() == date(2027, 1, 6)  # 12-31, 01-01 (not yet known to be a holiday), 01-04..06
    assert result.provisional
    assert "PROVISIONAL" in result.explanation and "2027" in result.explanation
    assert not due("2026-12-21 10:00", "5wd").provisional


def test_office_overrides_win_over_the_official_calendar() -> None:
    rules = from_toml("[calendar]\ndays_off = [2026-10-08]\nworking_days = [2026-10-11]\n", "office.toml")
    calendar = CAL.with_overrides(rules.days_off, rules.working_days)
    assert not calendar.is_working_day(date(2026, 10, 8))
    assert calendar.is_working_day(date(2026, 10, 11))
    assert due("2026-09-30 10:00", "1wd", rules, calendar).due_at.date() == date(2026, 10, 9)
    assert due("2026-10-10 10:00", "1wd", rules, calendar).due_at.date() == date(2026, 10, 11)


def test_a_pause_over_a_holiday_week_costs_nothing() -> None:
    start = datetime(2026, 9, 30, 23, 59, 59, tzinfo=SH)
    end = datetime(2026, 10, 8, 0, 0, tzinfo=SH)
    assert CAL.working_seconds_between(start, end, SH) == pytest.approx(1.0)
    assert CAL.working_seconds_between(datetime(2026, 10, 1, tzinfo=SH), end, SH) == 0.0


receipts = st.datetimes(min_value=datetime(2004, 1, 2), max_value=datetime(2026, 12, 31, 23, 59))
counts = st.integers(min_value=1, max_value=40)


@settings(max_examples=300, deadline=None)
@given(receipts, counts)
def test_working_day_deadline_lands_on_a_working_day_after_receipt(moment: datetime, n: int) -> None:
    start = moment.replace(tzinfo=SH)
    result = deadline_for(start, Duration(n, "wd"), calendar=CAL, tz=SH, rules=RULES)
    day = result.due_at.date()
    assert result.due_at > start
    assert day > start.date()
    assert CAL.is_working_day(day)
    if CAL.is_known(day):
        import chinese_calendar

        assert chinese_calendar.is_workday(day)
        assert not result.provisional
    else:
        assert result.provisional and day.weekday() < 5
    # exactly n working days lie after the day of receipt up to the due day
    assert CAL.working_days_between(start.date(), day) == n


@settings(max_examples=200, deadline=None)
@given(receipts, counts)
def test_deadline_grows_with_n(moment: datetime, n: int) -> None:
    start = moment.replace(tzinfo=SH)
    shorter = deadline_for(start, Duration(n, "wd"), calendar=CAL, tz=SH, rules=RULES).due_at
    longer = deadline_for(start, Duration(n + 1, "wd"), calendar=CAL, tz=SH, rules=RULES).due_at
    assert longer > shorter


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2004, 1, 2), max_value=date(2026, 12, 1)), counts)
def test_counting_forward_then_back_agrees(day: date, n: int) -> None:
    assume(CAL.is_working_day(day))
    forward, _ = CAL.nth_working_day_after(day, n)
    back, _ = CAL.nth_working_day_before(forward, n)
    assert back == day


@settings(max_examples=100, deadline=None)
@given(receipts, st.integers(min_value=1, max_value=30))
def test_calendar_days_ignore_the_calendar(moment: datetime, n: int) -> None:
    start = moment.replace(tzinfo=SH)
    result = deadline_for(start, Duration(n, "d"), calendar=CAL, tz=SH, rules=RULES)
    assert result.due_at.date() == start.date() + timedelta(days=n)
