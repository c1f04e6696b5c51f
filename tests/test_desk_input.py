"""The clerk's input as typed (issue 15, point 2 and 3): IME full-width forms, times and
durations as people say them, contacts in their real forms, prompts that ask again."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Cli, snapshot

LOG = ["log", "--customer", "张三", "--channel", "phone", "--content", "不制冷"]


def unmasked(cli: Cli, no: str) -> dict:
    return next(r for r in cli.json("list", "--unmasked") if r["no"] == no)


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch) -> None:
    """A person at the keyboard on Wednesday 2026-11-04 12:00: prompts are asked (read
    from the test's input)."""
    monkeypatch.setattr("complaintctl.cli._interactive", lambda: True)
    monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-11-04T12:00+08:00")


def test_full_width_case_numbers_and_choices_from_the_ime(cli: Cli) -> None:
    no = cli.log()
    assert no == "TS-2026-0001"
    assert cli.json("show", "ＴＳ－２０２６－０００１")["no"] == no
    assert cli.json("show", "ts-2026-1")["no"] == no
    cli.ok("resolve", "ｔｓ－２０２６－０００１", "--solution", "换新", "--at", "2026-11-03 10:00")
    cli.ok("followup", no, "--satisfaction", "Ｂ", "--at", "2026-11-04 10:00")
    assert cli.json("show", no)["satisfaction"] == "B"


@pytest.mark.parametrize("within", ["2天", "3个工作日", "4小时", "２ｗｄ", "30分钟"])
def test_durations_in_chinese_for_within(cli: Cli, within: str) -> None:
    cli.log()
    result = cli("overdue", "--within", within, "--at", "2026-11-02 10:00")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("contact", ["1381234567", "138123456789", "12345", "abc", "010-1234"])
def test_contacts_in_no_known_form_are_refused_with_the_forms(cli: Cli, db_url: str, contact: str) -> None:
    before = snapshot(db_url)
    result = cli(*LOG, "--contact", contact)
    assert result.exit_code == 2
    assert "--contact-kind other" in result.stderr and "a mobile (13812345678" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(db_url) == before


@pytest.mark.parametrize(
    "contact, stored",
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "+86 138 1234 5678"),
        ("0086-13812345678", "0086-13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("010-12345678 转 123", "010-12345678 转 123"),
        ("0755-8765432", "0755-8765432"),
        ("400-810-8888", "400-810-8888"),
        ("95588", "95588"),
        ("+852 2123 4567", "+852 2123 4567"),
        ("li@example.com", "li@example.com"),
    ],
)
def test_contacts_in_their_real_forms_are_kept(cli: Cli, contact: str, stored: str) -> None:
    no = cli.ok(*LOG, "--contact", contact).stdout.strip()
    assert unmasked(cli, no)["contact"] == stored


def test_contact_kind_other_keeps_anything_on_one_line(cli: Cli) -> None:
    no = cli.ok(*LOG, "--contact", "12345", "--contact-kind", "other").stdout.strip()
    assert unmasked(cli, no)["contact"] == "12345"
    assert cli(*LOG, "--contact", "12345", "--contact-kind", "mobile").exit_code == 2


def test_import_warns_about_contacts_in_no_known_form(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_text(
        "投诉时间,客户姓名,联系电话,投诉内容\n2026-09-18 10:30,张三,12345,冰箱不制冷\n2026-09-18 11:30,李四,13800138000,快递慢\n"
    )
    result = cli("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "1 rows have a contact" in result.stderr and "old.csv row 2" in result.stderr


def test_a_date_without_a_time_is_refused_in_a_script(cli: Cli, db_url: str) -> None:
    before = snapshot(db_url)
    result = cli(*LOG, "--contact", "13800138000", "--received", "11月2日")
    assert result.exit_code == 2 and "gives no time of day" in result.stderr
    assert snapshot(db_url) == before


def test_a_date_without_a_time_is_asked_for_at_the_desk(cli: Cli, desk: None) -> None:
    result = cli(*LOG, "--contact", "13800138000", "--received", "2026年11月2日", input="二十五点\n下午3点半\n")
    assert result.exit_code == 0, result.stderr
    assert "try again" in result.stderr  # 二十五点 is no time of day: asked again
    assert cli.json("show", result.stdout.strip())["received_at"] == "2026-11-02T15:30:00+08:00"


def test_a_part_of_the_day_without_the_hour_asks_for_it(cli: Cli, desk: None) -> None:
    result = cli(*LOG, "--contact", "13800138000", "--received", "2026-11-02 下午", input="3\n")
    assert result.exit_code == 0, result.stderr
    assert cli.json("show", result.stdout.strip())["received_at"] == "2026-11-02T15:00:00+08:00"


def test_a_time_in_another_year_is_confirmed_at_the_desk(cli: Cli, db_url: str, desk: None) -> None:
    before = snapshot(db_url)
    refused = cli(*LOG, "--contact", "13800138000", "--received", "2025-11-23 10:00", input="n\n")
    assert refused.exit_code == 2 and "is that right?" in refused.stderr and "not confirmed" in refused.stderr
    assert snapshot(db_url) == before
    taken = cli(*LOG, "--contact", "13800138000", "--received", "2025-11-23 10:00", input="y\n")
    assert taken.exit_code == 0, taken.stderr
    assert cli.json("show", taken.stdout.strip())["received_at"] == "2025-11-23T10:00:00+08:00"


def test_a_script_is_never_asked_to_confirm(cli: Cli) -> None:
    result = cli(*LOG, "--contact", "13800138000", "--received", "2025-11-23 10:00")
    assert result.exit_code == 0 and "is that right" not in result.stderr


def test_a_bad_answer_asks_the_same_field_again(cli: Cli, desk: None) -> None:
    answers = "王五\n12345\n13900139000\n飞鸽\n微信\n   \n空调漏水\n第二行\n\n"
    result = cli("log", input=answers)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("try again") == 2  # the contact, the channel
    assert "cannot be empty" in result.stderr  # the spaces-only content
    record = unmasked(cli, result.stdout.strip().splitlines()[-1])
    assert (record["customer_name"], record["contact"], record["channel"]) == ("王五", "13900139000", "social")
    assert record["content"] == "空调漏水\n第二行"


def test_extend_to_a_weekday_means_the_next_one(cli: Cli, desk: None) -> None:
    no = cli.log()
    cli.ok("assign", no, "--department", "售后服务部")
    cli.ok("extend", no, "--to", "周二下午5点", "--reason", "等配件")  # Wednesday → the next Tuesday
    deadlines = cli.json("show", no)["deadlines"]
    resolution = next(d for d in deadlines if d["milestone"] == "resolution")
    assert resolution["due_at"] == "2026-11-10T17:00:00+08:00"


def test_office_time_in_errors_and_in_the_history_json(cli: Cli, desk: None) -> None:
    no = cli.log()
    cli.ok("assign", no, "--department", "售后服务部")
    late = cli(*["contact", no, "--via", "phone", "--summary", "x", "--at", "2026-11-01 23:30"])
    assert "2026-11-01 23:30" in late.stderr and "2026-11-02 09:15" in late.stderr and "+00:00" not in late.stderr
    cli.ok("extend", no, "--to", "2026-12-07", "--reason", "等配件")
    history = cli.json("show", no)["history"]
    extended = next(h for h in history if h["action"] == "extended")
    assert extended["changes"]["due.resolution"][1] == "2026-12-07T23:59:59+08:00"
    assert all("+00:00" not in str(h["changes"]) for h in history)
