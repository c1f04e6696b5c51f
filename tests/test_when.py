"""Times typed by people (pure: `now` and the zone are given)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintctl.when import WhenError, parse_when

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
