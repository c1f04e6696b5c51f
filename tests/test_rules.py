"""The pure decisions: category, severity, urgency, priority, states (issue 3)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintctl.reasons import shown
from complaintctl.rules import (
    LoadAlert,
    RepeatCounts,
    lateness,
    load_alert,
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


def test_a_busy_department_or_person_is_an_alert_not_a_severity() -> None:
    # Issue 11: 5 in 7 days lifted nearly every complaint of a busy department to 重大.
    assert load_alert("department", "售后服务部", 4, RULES) is None
    assert load_alert("department", "售后服务部", 5, RULES) == LoadAlert("department", "售后服务部", 5, "7d")
    assert load_alert("assignee", "王五", 3, RULES) == LoadAlert("assignee", "王五", 3, "7d")
    assert load_alert("assignee", None, 9, RULES) is None


@pytest.mark.parametrize(
    "text",
    [
        # seed 002 §3.1.2, the examples of a serious complaint, as written there...
        "服务人员态度恶劣、言辞不当,严重影响本厂声誉的",  # (a)
        "数次约定数次违约,致使企业经营发生困难,后果严重的",  # (b)
        "因服务不到位,致使企业经营发生困难,被媒体爆光的",  # (c)
        "违反本厂管理规定,随意向企业推销产品、乱收费、接受或索取企业财物的",  # (e)
        "其它有损本厂信誉,受到国家税务部门批评的",  # (f)
        # ...and as a clerk shortens them (the four that stayed 一般 before issue 11)
        "数次违约",
        "推销产品",
        "接受或索取财物",
        "受到税务部门批评",
    ],
)
def test_the_seeds_examples_of_a_serious_complaint_are_serious(text: str) -> None:
    assert severity(text) in ("major", "critical")


@pytest.mark.parametrize(
    "text, fires",
    [
        ("请回电13812345678", False),  # a phone number that contains 12345
        ("打了12345投诉", True),
        ("已经打过12345", True),
        ("投诉到12315了", True),
        ("订单号 A1231599", False),
        ("投诉到１２３１５", True),  # full-width digits from the IME
    ],
)
def test_signals_match_words_not_digits_inside_longer_numbers(text: str, fires: bool) -> None:
    assert (severity(text) == "major") is fires
    assert (urgency_for(text, RULES).value == "urgent") is fires


def test_a_tie_between_categories_goes_to_the_longer_keywords_and_shows_every_score() -> None:
    from complaintctl.ruleset import from_toml

    rules = from_toml(
        """
[categories.facilities]
label = "设施设备"
department = "工程部"
keywords = ["电梯", "路灯"]
[categories.emergency]
label = "突发事件"
department = "客服中心"
keywords = ["电梯困人", "停电"]
[classification]
default_category = "facilities"
""",
        "test",
    )
    decision = suggest_category("3号楼电梯困人了", rules)
    assert decision.value == "emergency"
    candidates = next(shown(t) for t in decision.terms if shown(t).startswith("candidates"))
    assert "突发事件 1 keyword, 4 characters" in candidates and "设施设备 1 keyword, 2 characters" in candidates
    # equal count and length: the category listed first
    assert suggest_category("路灯停电", rules).value == "facilities"


def test_every_term_that_fired_is_listed() -> None:
    decision = severity_for(
        category=None, text="记者曝光，还打了12315", origin="routine", repeats=RepeatCounts(customer=2), rules=RULES
    )
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
    [
        ("general", "normal", "low"),
        ("general", "urgent", "medium"),
        ("major", "normal", "medium"),
        ("major", "urgent", "high"),
        ("critical", "normal", "high"),
        ("critical", "urgent", "high"),
    ],
)
def test_priority_matrix(level: str, urgency: str, expected: str) -> None:
    assert priority_for(level, urgency, RULES).value == expected


def test_an_office_can_change_the_matrix_and_signals() -> None:
    rules = from_toml(
        '[priority.matrix]\ngeneral = { urgent = "high", normal = "medium" }\n'
        '[severity.signals.vip]\nlabel = "VIP"\nraise_to = "critical"\nkeywords = ["VIP"]\n',
        "office.toml",
    )
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
    assert shown(lateness(due, datetime(2026, 10, 9, 9, 0, tzinfo=SH), calendar=CAL, tz=SH)[2]) == "9 h late"
    # Friday 9th, make-up Saturday 10th, Monday 12th: three working days past the due day
    days, _, text = lateness(due, datetime(2026, 10, 12, 9, 0, tzinfo=SH), calendar=CAL, tz=SH)
    assert days == 3 and shown(text) == "3 working days late"


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
