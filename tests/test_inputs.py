"""Checking values typed by people (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintctl import inputs
from complaintctl.domain import Channel, Satisfaction, Severity
from complaintctl.errors import BadInput


@pytest.mark.parametrize(
    "value, expected", [("电话", Channel.PHONE), ("PHONE", Channel.PHONE), (" 现场 ", Channel.ONSITE), ("官网", Channel.WEB)]
)
def test_choices_by_code_or_label(value: str, expected: Channel) -> None:
    assert inputs.choice(Channel, value, "--channel") is expected


def test_every_choice_reads_back_from_its_code_and_label() -> None:
    for kind in (Channel, Severity, Satisfaction):
        for member in kind:
            assert kind.parse(member.value) is member
            assert kind.parse(member.label) is member


@pytest.mark.parametrize("value", ["13800138000", "+86 138 0013 8000", "010-6512 3456", "0755-8888888 转 123", "z@example.com"])
def test_contacts_accepted(value: str) -> None:
    assert inputs.contact(value) == value


@pytest.mark.parametrize("value", ["", "abc", "12", "z@", "@x.com", "1380013800\n0"])
def test_contacts_refused(value: str) -> None:
    with pytest.raises(BadInput, match="--contact"):
        inputs.contact(value)


@pytest.mark.parametrize("value, cents", [("120", 12000), ("99.5", 9950), ("¥1,200.00", 120000), ("0", 0), ("35元", 3500)])
def test_amounts(value: str, cents: int) -> None:
    assert inputs.amount_cents(value, "--compensation") == cents


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "1e400", "abc", "1.001", "", "1000000000"])
def test_bad_amounts(value: str) -> None:
    with pytest.raises(BadInput, match="--compensation"):
        inputs.amount_cents(value, "--compensation")


@pytest.mark.parametrize(
    "value, no", [("TS-2026-0042", "TS-2026-0042"), ("ts-2026-42", "TS-2026-0042"), (" TS-2026-12345 ", "TS-2026-12345")]
)
def test_complaint_numbers(value: str, no: str) -> None:
    assert inputs.complaint_no(value) == no


@given(st.text())
def test_text_either_passes_clean_or_says_which_option(value: str) -> None:
    try:
        cleaned = inputs.text(value, "--summary")
    except BadInput as exc:
        assert exc.message.startswith("--summary")
        assert "\n" not in exc.message
    else:
        assert cleaned is None or (cleaned == cleaned.strip() and cleaned)
