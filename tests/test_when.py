"""Times typed by people (pure: `now` and the zone are given)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintctl.when import WhenError, clock_of, parse_when, read_when

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 9, 20, 3, 0, tzinfo=UTC)  # 2026-09-20 11:00 in Shanghai


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-09-18 10:30", datetime(2026, 9, 18, 10, 30, tzinfo=SH)),
        ("2026-9-18 9:05", datetime(2026, 9, 18, 9, 5, tzinfo=SH)),
        ("2026/9/18", datetime(2026, 9, 18, 0, 0, tzinfo=SH)),
        ("2026.09.18 10:30:15", datetime(2026, 9, 18, 10, 30, 15, tzinfo=SH)),
        ("2026年9月18日 10:30", datetime(2026, 9, 18, 10, 30, tzinfo=SH)),
        ("2026年9月18日10点30分", datetime(2026, 9, 18, 10, 30, tzinfo=SH)),
        ("2026年9月18日", datetime(2026, 9, 18, tzinfo=SH)),
        ("9月18日 14:00", datetime(2026, 9, 18, 14, 0, tzinfo=SH)),
        ("2026-09-18T10:30:00+08:00", datetime(2026, 9, 18, 10, 30, tzinfo=SH)),
        ("2026-09-18T02:30:00Z", datetime(2026, 9, 18, 10, 30, tzinfo=SH)),
        ("2026-09-18T10:30", datetime(2026, 9, 18, 10, 30, tzinfo=SH)),
        ("yesterday 15:00", datetime(2026, 9, 19, 15, 0, tzinfo=SH)),
        ("Yesterday", datetime(2026, 9, 19, 0, 0, tzinfo=SH)),
        ("昨天 15:00", datetime(2026, 9, 19, 15, 0, tzinfo=SH)),
        ("前天 9点", datetime(2026, 9, 18, 9, 0, tzinfo=SH)),
        ("today 8:30", datetime(2026, 9, 20, 8, 30, tzinfo=SH)),
        ("10:15", datetime(2026, 9, 20, 10, 15, tzinfo=SH)),
        ("now", NOW),
        ("2h ago", NOW - timedelta(hours=2)),
        ("30 min ago", NOW - timedelta(minutes=30)),
        ("3天前", NOW - timedelta(days=3)),
        ("Sep 18 2026 10:30", datetime(2026, 9, 18, 10, 30, tzinfo=SH)),
    ],
)
def test_forms_people_type(text: str, expected: datetime) -> None:
    assert parse_when(text, now=NOW, tz=SH) == expected


@pytest.mark.parametrize(
    "text", ["", "  ", "2026-02-30", "2026-13-01", "2026年2月30日", "25:00", "someday", "yesterday noonish", "2026-09-18 24:61"]
)
def test_nonsense_is_refused(text: str) -> None:
    with pytest.raises(WhenError):
        parse_when(text, now=NOW, tz=SH)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
def test_the_printed_form_reads_back(moment: datetime) -> None:
    local = moment.replace(second=0, microsecond=0, tzinfo=SH)
    assert parse_when(local.strftime("%Y-%m-%d %H:%M"), now=NOW, tz=SH) == local
    assert parse_when(local.isoformat(), now=NOW, tz=SH) == local
    assert parse_when(f"{local.year}年{local.month}月{local.day}日 {local.hour}:{local.minute:02d}", now=NOW, tz=SH) == local


# Issue 15: times as a clerk says them. Wednesday 2026-11-25 10:00 in Shanghai.
WED = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("明天下午3点", datetime(2026, 11, 26, 15, 0, tzinfo=SH)),
        ("今天下午3点", datetime(2026, 11, 25, 15, 0, tzinfo=SH)),
        ("今天上午9点半", datetime(2026, 11, 25, 9, 30, tzinfo=SH)),
        ("昨天下午4点", datetime(2026, 11, 24, 16, 0, tzinfo=SH)),
        ("昨天晚上8点15分", datetime(2026, 11, 24, 20, 15, tzinfo=SH)),
        ("前天下午三点一刻", datetime(2026, 11, 23, 15, 15, tzinfo=SH)),
        ("周一上午9点", datetime(2026, 11, 23, 9, 0, tzinfo=SH)),
        ("星期三上午9点", datetime(2026, 11, 25, 9, 0, tzinfo=SH)),  # today, already past
        ("周三上午11点", datetime(2026, 11, 18, 11, 0, tzinfo=SH)),  # today's is still ahead: last week's
        ("上周五下午2点", datetime(2026, 11, 20, 14, 0, tzinfo=SH)),
        ("下午3点", datetime(2026, 11, 25, 15, 0, tzinfo=SH)),
        ("中午12点", datetime(2026, 11, 25, 12, 0, tzinfo=SH)),
        ("凌晨2点", datetime(2026, 11, 25, 2, 0, tzinfo=SH)),
        ("yesterday 3pm", datetime(2026, 11, 24, 15, 0, tzinfo=SH)),
        ("monday 9:00", datetime(2026, 11, 23, 9, 0, tzinfo=SH)),
        ("3小时前", WED - timedelta(hours=3)),
        ("3个小时前", WED - timedelta(hours=3)),
        ("半小时前", WED - timedelta(minutes=30)),
        ("２０２６－１１－２３　１５：００", datetime(2026, 11, 23, 15, 0, tzinfo=SH)),
        ("２０２６年１１月２３日１５点", datetime(2026, 11, 23, 15, 0, tzinfo=SH)),
        ("11月23日 下午3点", datetime(2026, 11, 23, 15, 0, tzinfo=SH)),
    ],
)
def test_times_as_a_clerk_says_them(text: str, expected: datetime) -> None:
    typed = read_when(text, now=WED, tz=SH)
    assert typed.moment == expected and typed.clock_given


@pytest.mark.parametrize(
    "text, expected",
    [
        ("周一上午9点", datetime(2026, 11, 30, 9, 0, tzinfo=SH)),
        ("周三上午9点", datetime(2026, 12, 2, 9, 0, tzinfo=SH)),  # today's has passed: next week's
        ("周三上午11点", datetime(2026, 11, 25, 11, 0, tzinfo=SH)),
        ("周五下午5点", datetime(2026, 11, 27, 17, 0, tzinfo=SH)),
    ],
)
def test_a_weekday_ahead_means_the_next_one(text: str, expected: datetime) -> None:
    assert parse_when(text, now=WED, tz=SH, ahead=True) == expected


@pytest.mark.parametrize(
    "text, period",
    [("11月23日", None), ("2026-11-23", None), ("2026/11/23", None), ("昨天", None), ("昨天下午", "下午"), ("周一上午", "上午")],
)
def test_a_day_without_a_time_of_day_says_so(text: str, period: str | None) -> None:
    typed = read_when(text, now=WED, tz=SH)
    assert not typed.clock_given and typed.period == period and typed.moment.hour == 0


@pytest.mark.parametrize(
    "text, period, expected",
    [
        ("15:30", None, time(15, 30)),
        ("3", "下午", time(15, 0)),
        ("3点半", "下午", time(15, 30)),
        ("9点", None, time(9, 0)),
        ("下午4点", None, time(16, 0)),
        ("4pm", None, time(16, 0)),
        ("１５：３０", None, time(15, 30)),
    ],
)
def test_the_time_of_day_answered_alone(text: str, period: str | None, expected: time) -> None:
    assert clock_of(text, period) == expected


@pytest.mark.parametrize("text", ["", "下午", "二十五点", "午饭后", "15:99"])
def test_an_answer_that_is_no_time_of_day(text: str) -> None:
    with pytest.raises(WhenError):
        clock_of(text)
