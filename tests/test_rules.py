"""The pure decisions: category, severity, urgency, priority, states (issue 3)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, strategies as st

from complaintctl.rules import (
    RepeatCounts,
    lateness,
    milestone_state,
    priority_for,
    resume_shift,
    severity_for,
    suggest_category,
    urgency_for,
)
from complaintctl.ruleset import default_rules, from_toml
from complaintctl.workdays import official_calendar

SH = ZoneInfo("Asia/Shanghai")
RULES = default_rules()
CAL = official_calendar()


@pytest.mark.parametrize(
    "text, category",
    [
        ("买的冰箱坏了，不制冷", "quality"),
        ("快递三天没到，物流太慢", "delivery"),
        ("收银员态度很差还骂人", "attitude"),
        ("APP登录不了，支付失败", "system"),
        ("你们好", "other"),
    ],
)
def test_category_suggested_from_keywords(text: str, category: str) -> None:
    decision = suggest_category(text, RULES)
    assert decision.value == category
    assert decision.terms


def severity(text: str, origin: str = "routine", category: str | None = None, **repeats: int) -> str:
    return severity_for(category=category, text=text, origin=origin, repeats=RepeatCounts(**repeats), rules=RULES).value


@pytest.mark.parametrize(
    "text, expected",
    [
        ("冰箱不制冷", "general"),
        ("要找记者曝光", "major"),
        ("已经打了12315", "major"),
        ("已请律师准备起诉", "critical"),
        ("孩子因此受伤住院", "critical"),
        ("店员辱骂顾客", "major"),
        ("维修工索要红包", "major"),
    ],
)
def test_text_signals_raise_severity(text: str, expected: str) -> None:
    assert severity(text) == expected


def test_mass_incident_is_critical_and_says_so() -> None:
    decision = severity_for(category=None, text="停电", origin="mass", repeats=RepeatCounts(), rules=RULES)
    assert decision.value == "critical"
    assert any("集中性" in term for term in decision.terms)


def test_repeat_complaints_raise_severity_at_the_threshold() -> None:
    assert severity("冰箱不制冷", customer=1) == "general"
    assert severity("冰箱不制冷", customer=2) == "major"
    assert severity("冰箱不制冷", department=4) == "general"
    assert severity("冰箱不制冷", department=5) == "major"
    assert severity("冰箱不制冷", assignee=3) == "major"


def test_every_term_that_fired_is_listed() -> None:
    decision = severity_for(category=None, text="记者曝光，还打了12315", origin="routine",
                            repeats=RepeatCounts(customer=2), rules=RULES)
    assert len(decision.terms) == 3
    assert "记者" in decision.terms[0] and "12315" in decision.terms[1] and "repeat" in decision.terms[2]


def test_media_and_regulator_words_make_high_priority() -> None:
    text = "再不处理就找记者曝光，还要打12315"
    level = severity(text)
    urgency = urgency_for(text, RULES)
    assert urgency.value == "urgent"
    assert priority_for(level, urgency.value, RULES).value == "high"


@pytest.mark.parametrize(
    "level, urgency, expected",
    [("general", "normal", "low"), ("general", "urgent", "medium"), ("major", "normal", "medium"),
     ("major", "urgent", "high"), ("critical", "normal", "high"), ("critical", "urgent", "high")],
)
def test_priority_matrix(level: str, urgency: str, expected: str) -> None:
    assert priority_for(level, urgency, RULES).value == expected


def test_an_office_can_change_the_matrix_and_signals() -> None:
    rules = from_toml(
        '[priority.matrix]\ngeneral = { urgent = "high", normal = "medium" }\n'
        '[severity.signals.vip]\nlabel = "VIP"\nraise_to = "critical"\nkeywords = ["VIP"]\n', "office.toml")
    assert priority_for("general", "normal", rules).value == "medium"
    assert severity_for(category=None, text="VIP客户", origin="routine", repeats=RepeatCounts(), rules=rules).value == "critical"
    # [severity.signals] replaces the built-in list: media words no longer count
    assert severity_for(category=None, text="记者曝光", origin="routine", repeats=RepeatCounts(), rules=rules).value == "general"


NOW = datetime(2026, 10, 9, 9, 0, tzinfo=SH)


@pytest.mark.parametrize(
    "due, met, state, paused, expected",
    [
        (NOW + timedelta(days=5), None, "open", False, "pending"),
        (NOW + timedelta(hours=5), None, "open", False, "due_soon"),
        (NOW - timedelta(minutes=1), None, "open", False, "overdue"),
        (NOW - timedelta(minutes=1), None, "open", True, "paused"),
        (NOW, NOW - timedelta(hours=1), "met", False, "met"),
        (NOW - timedelta(hours=2), NOW - timedelta(hours=1), "met", False, "met_late"),
        (NOW - timedelta(hours=2), None, "void", False, "void"),
    ],
)
def test_milestone_states(due, met, state, paused, expected) -> None:
    soon = NOW + timedelta(days=1)
    assert milestone_state(due_at=due, met_at=met, state=state, paused=paused, now=NOW, soon_until=soon) == expected


def test_lateness_in_hours_then_working_days() -> None:
    due = datetime(2026, 10, 8, 23, 59, 59, tzinfo=SH)
    assert lateness(due, datetime(2026, 10, 9, 9, 0, tzinfo=SH), calendar=CAL, tz=SH)[2] == "9 h late"
    # Friday 9th, make-up Saturday 10th, Monday 12th: three working days past the due day
    days, _, text = lateness(due, datetime(2026, 10, 12, 9, 0, tzinfo=SH), calendar=CAL, tz=SH)
    assert days == 3 and text == "3 working days late"


def test_waiting_over_the_national_day_holiday_moves_nothing() -> None:
    due = datetime(2026, 10, 13, 23, 59, 59, tzinfo=SH)
    moved, why = resume_shift(due, datetime(2026, 10, 1, 9, tzinfo=SH), datetime(2026, 10, 7, 18, tzinfo=SH), calendar=CAL, tz=SH)
    assert moved == due
    moved, _ = resume_shift(due, datetime(2026, 10, 8, 0, tzinfo=SH), datetime(2026, 10, 10, 0, tzinfo=SH), calendar=CAL, tz=SH)
    assert moved == datetime(2026, 10, 15, 23, 59, 59, tzinfo=SH)  # two working days later


@given(st.text(max_size=200))
def test_any_text_gets_a_category_a_severity_and_reasons(text: str) -> None:
    category = suggest_category(text, RULES)
    assert RULES.category(category.value) is not None and category.terms
    level = severity_for(category=category.value, text=text, origin="routine", repeats=RepeatCounts(), rules=RULES)
    assert level.value in ("general", "major", "critical") and level.terms
