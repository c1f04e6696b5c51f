"""Reports on a seeded register, every figure computed by hand (issue 4, acceptance 1).

September 2026 (the previous period) has S1; October 2026 has N1–N5:
  N1 quality, 售后服务部/王五: answered, resolved and visited back on time, ¥200 refund, A.
  N2 delivery, 物流部/赵六: answered late, resolved late, D → reopened, resolved on time, ¥50 gift, B.
  N3 quality, same customer as N1 (a repeat: major), 售后服务部/王五: answered, never resolved.
  N4 attitude: closed at once (withdrawn).
  N5 attitude, 辱骂 + 记者曝光 (major, urgent), 客服部/孙八: never answered.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC

import pytest

from conftest import Cli


def log(cli: Cli, when: str, contact: str, content: str, channel: str, *extra: str) -> str:
    return cli.ok(
        "log",
        "--customer",
        f"客户{contact[-2:]}",
        "--contact",
        contact,
        "--channel",
        channel,
        "--content",
        content,
        "--received",
        when,
        *extra,
    ).stdout.strip()


@pytest.fixture
def seeded(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("COMPLAINTCTL_NOW", "2026-11-23T09:00+08:00")  # no figure depends on today's date
    s1 = log(
        cli,
        "2026-09-14 09:00",
        "13900000001",
        "快递一周没到",
        "phone",
        "--category",
        "delivery",
        "--subject",
        "快递延误",
        "--location",
        "仓库",
    )
    cli.ok("assign", s1, "--department", "物流部", "--to", "赵六", "--at", "2026-09-14 10:00")
    cli.ok("contact", s1, "--via", "phone", "--summary", "已受理", "--at", "2026-09-14 11:00")
    cli.ok("resolve", s1, "--solution", "补发", "--at", "2026-09-16 10:00")
    cli.ok("followup", s1, "--satisfaction", "A", "--at", "2026-09-17 10:00")

    n1 = log(
        cli,
        "2026-10-08 09:00",
        "13900000011",
        "冰箱不制冷",
        "phone",
        "--category",
        "quality",
        "--subject",
        "冰箱不制冷",
        "--location",
        "朝阳店",
    )
    cli.ok("assign", n1, "--department", "售后服务部", "--to", "王五", "--at", "2026-10-08 10:00")
    cli.ok("contact", n1, "--via", "phone", "--summary", "已受理", "--at", "2026-10-08 11:00")
    cli.ok(
        "resolve", n1, "--solution", "换新", "--compensation", "200", "--compensation-kind", "refund", "--at", "2026-10-09 15:00"
    )
    cli.ok("contact", n1, "--via", "phone", "--summary", "告知结果", "--at", "2026-10-09 16:00")
    cli.ok("followup", n1, "--satisfaction", "A", "--at", "2026-10-10 10:00")

    n2 = log(
        cli,
        "2026-10-09 09:00",
        "n2@example.com",
        "快递一直没到",
        "email",
        "--category",
        "delivery",
        "--subject",
        "快递延误",
        "--location",
        "仓库",
    )
    cli.ok("assign", n2, "--department", "物流部", "--to", "赵六", "--at", "2026-10-09 10:00")
    cli.ok("contact", n2, "--via", "email", "--summary", "已受理", "--at", "2026-10-13 10:00")
    cli.ok("resolve", n2, "--solution", "补发", "--at", "2026-10-19 10:00")
    cli.ok("followup", n2, "--satisfaction", "D", "--at", "2026-10-20 10:00")
    cli.ok(
        "resolve", n2, "--solution", "退运费", "--compensation", "50", "--compensation-kind", "gift", "--at", "2026-10-22 10:00"
    )
    cli.ok("followup", n2, "--satisfaction", "B", "--at", "2026-10-23 10:00")

    n3 = log(cli, "2026-10-12 09:00", "13900000011", "冰箱又坏了", "web", "--subject", "冰箱不制冷", "--location", "朝阳店")
    cli.ok("assign", n3, "--department", "售后服务部", "--to", "王五", "--at", "2026-10-12 10:00")
    cli.ok("contact", n3, "--via", "phone", "--summary", "已受理", "--at", "2026-10-12 11:00")

    n4 = log(cli, "2026-10-15 09:00", "13900000014", "收银员态度很差", "phone", "--subject", "服务态度差", "--location", "朝阳店")
    cli.ok("close", n4, "--reason", "客户撤诉", "--at", "2026-10-15 12:00")

    n5 = log(cli, "2026-10-20 09:00", "13900000015", "店员辱骂顾客，要找记者曝光", "phone", "--subject", "店员辱骂")
    cli.ok("assign", n5, "--department", "客服部", "--to", "孙八", "--at", "2026-10-20 10:00")
    return {"s1": s1, "n1": n1, "n2": n2, "n3": n3, "n4": n4, "n5": n5}


def test_october_figures(cli: Cli, seeded: dict[str, str]) -> None:
    assert cli.json("show", seeded["n3"])["severity"] == "major"  # the same customer twice in 30 days
    data = cli.json("report", "--month", "2026-10")
    assert data["period"] == {"label": "2026-10", "from": "2026-10-01", "to": "2026-10-31"}
    # resolved counts resolutions dated in October: N1, N2, and N2 again after its reopening
    assert data["totals"] == {"received": 5, "resolved": 3, "closed": 3, "open_at_end": 2}
    assert data["by"]["category"] == {"attitude": 2, "quality": 2, "delivery": 1}
    assert data["by"]["channel"] == {"phone": 3, "email": 1, "web": 1}
    assert data["by"]["severity"] == {"general": 3, "major": 2}
    assert data["by"]["origin"] == {"routine": 5}
    assert data["by"]["department"] == {"售后服务部": 2, "": 1, "客服部": 1, "物流部": 1}
    assert data["by"]["status"] == {"closed": 3, "assigned": 2}
    # every entry was typed in on 11-23, after October ended: the month says it was revised
    # (7 entries of N1, 9 of N2, 3 of N3, 2 each of N4 and N5; breaches are not typed in)
    assert data["complete"] is True
    assert data["revised"] == {"late_entries": 23, "last_recorded_at": "2026-11-23T09:00:00+08:00"}

    # Deadlines decided in October (docs/kpi.md), worked out by hand (Oct 1-7 off, Oct 10 a
    # make-up Saturday): first response N1 on time, N2 late (due 10-10, answered 10-13),
    # N3 on time, N5 late (due 10-21, never); resolution N1 on time, N2 late (due 10-15,
    # resolved 10-19), N2 after its reopening on time, N3 late (due 10-26); N5's is due
    # 11-03, not decided in October. Outcome report: N1 on time; N2's two never made (the
    # D reopened it, then the B closed it): missed twice. Follow-up visits: three, on time.
    ind = data["indicators"]
    assert ind["first_response_on_time"] == {"on_time": 2, "late": 2, "rate": 0.5}
    assert ind["resolution_on_time"]["all"] == {"on_time": 2, "late": 2, "rate": 0.5}
    assert ind["resolution_on_time"]["general"] == {"on_time": 2, "late": 1, "rate": 0.6667}
    assert ind["resolution_on_time"]["major"] == {"on_time": 0, "late": 1, "rate": 0.0}
    assert ind["resolution_on_time"]["critical"]["rate"] is None
    assert ind["feedback_on_time"] == {"on_time": 1, "late": 2, "rate": 0.3333}
    assert ind["followup_on_time"] == {"on_time": 3, "late": 0, "rate": 1.0}
    assert ind["resolution_on_time_by_department"]["售后服务部"]["rate"] == 0.5
    assert ind["resolution_on_time_by_department"]["物流部"]["rate"] == 0.5
    assert "客服部" not in ind["resolution_on_time_by_department"]
    # first resolutions: N1 1 working day (10-08 → 10-09), N2 7 (10-09 → 10-19)
    assert ind["handling_working_days"] == {"resolved": 2, "median": 4.0, "p90": 7.0}
    # first visits: N1 A, N2 D; the D does not vanish behind N2's later B
    assert ind["satisfaction"] == {"A": 1, "B": 0, "C": 0, "D": 1}
    assert ind["satisfaction_final"] == {"A": 1, "B": 1, "C": 0, "D": 0}
    assert ind["resolution_success"] == {"satisfied": 1, "first_visits": 2, "rate": 0.5}
    # N3: the same customer and category as N1, four days after it
    assert ind["repeat_complaints"] == {"repeats": 1, "received": 5, "window": "30d", "rate": 0.2}
    assert ind["reopen"] == {"reopened": 1, "visits": 3, "rate": 0.3333}
    assert ind["compensation"] == {"total": 250.0, "by_kind": {"gift": 50.0, "refund": 200.0}}

    breaches = data["breaches"]
    assert breaches["total"] == 6
    assert breaches["by_department"] == {
        "售后服务部": {"resolution": 1},
        "客服部": {"first_response": 1},
        "物流部": {"first_response": 1, "resolution": 1, "feedback": 2},
    }
    assert {(b["department"], b["assignee"]) for b in breaches["by_assignee"]} == {
        ("售后服务部", "王五"),
        ("客服部", "孙八"),
        ("物流部", "赵六"),
    }

    spots = data["hot_spots"]
    assert spots["subject"]["top"][0] == {"key": "冰箱不制冷", "count": 2, "previous": 0}
    assert spots["location"]["top"] == [{"key": "朝阳店", "count": 3, "previous": 0}, {"key": "仓库", "count": 1, "previous": 1}]
    assert [g["key"] for g in spots["location"]["growing"]] == ["朝阳店"]
    assert "快递延误" not in [g["key"] for g in spots["subject"]["growing"]]
    # Category hot spots are the period's category counts, beside the previous period's.
    assert spots["category"]["top"] == [
        {"key": k, "count": n, "previous": data["previous"]["by"]["category"].get(k, 0)}
        for k, n in [(k, n) for k, n in data["by"]["category"].items() if k][:5]
    ]
    assert spots["category"]["top"]


def test_previous_period_beside_it(cli: Cli, seeded: dict[str, str]) -> None:
    data = cli.json("report", "--month", "2026-10")
    before = data["previous"]
    assert before["period"]["label"] == "2026-09"
    assert before["totals"] == {"received": 1, "resolved": 1, "closed": 1, "open_at_end": 0}
    assert before["indicators"]["first_response_on_time"]["rate"] == 1.0
    assert before["indicators"]["handling_working_days"]["median"] == 2.0
    # S1 closed at its follow-up visit without an outcome report: that milestone is missed
    assert before["breaches"]["total"] == 1 and before["breaches"]["by_department"] == {"物流部": {"feedback": 1}}
    table = cli.ok("report", "--month", "2026-10").stdout
    assert "2026-10" in table and "2026-09" in table and "+4" in table  # received 5 vs 1


def test_quarter_and_year(cli: Cli, seeded: dict[str, str]) -> None:
    quarter = cli.json("report", "--quarter", "2026Q4")
    assert quarter["period"]["from"] == "2026-10-01" and quarter["period"]["to"] == "2026-12-31"
    assert quarter["totals"]["received"] == 5
    # As of today N5's resolution deadline (2026-11-03) has passed too.
    assert quarter["indicators"]["resolution_on_time"]["all"]["late"] == 3
    assert quarter["previous"]["period"]["label"] == "2026Q3" and quarter["previous"]["totals"]["received"] == 1
    year = cli.json("report", "--year", "2026")
    assert year["totals"]["received"] == 6 and year["previous"]["totals"]["received"] == 0
    ranged = cli.json("report", "--from", "2026-10-08", "--to", "2026-10-09")
    assert ranged["totals"]["received"] == 2
    assert ranged["previous"]["period"] == {"label": "2026-10-06~2026-10-07", "from": "2026-10-06", "to": "2026-10-07"}


def test_scope_by_department_and_category(cli: Cli, seeded: dict[str, str]) -> None:
    assert cli.json("report", "--month", "2026-10", "--department", "售后服务部")["totals"]["received"] == 2
    data = cli.json("report", "--month", "2026-10", "--category", "物流交付")
    assert data["totals"]["received"] == 1 and data["previous"]["totals"]["received"] == 1


def test_formats_parse(cli: Cli, seeded: dict[str, str]) -> None:
    as_json = json.loads(cli.ok("report", "--month", "2026-10", "--format", "json").stdout)
    assert as_json["totals"]["received"] == 5
    text = cli.ok("report", "--month", "2026-10", "--format", "csv").stdout
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert ["受理", "5", "1", "+4", "0", "+5"] in rows  # beside September, and October 2025
    assert ["初次响应按时率", "50.0%", "100.0%", "-50.0pt", "—", ""] in rows
    md = cli.ok("report", "--month", "2026-10", "--format", "md").stdout
    assert "| 受理 | 5 | 1 | +4 | 0 | +5 |" in md and md.startswith("# 客户投诉案件统计表 2026-10")


def test_an_empty_period_is_a_clear_empty_report(cli: Cli, seeded: dict[str, str]) -> None:
    result = cli.ok("report", "--month", "2025-01")
    assert "无投诉" in result.stdout
    data = cli.json("report", "--month", "2025-01")
    assert data["totals"] == {"received": 0, "resolved": 0, "closed": 0, "open_at_end": 0}
    assert data["indicators"]["first_response_on_time"]["rate"] is None


def test_a_report_never_changes_the_register(cli: Cli, seeded: dict[str, str], db_url: str) -> None:
    """Only the figures of ended periods are kept (stored_figures: derived data, like an index)."""
    from conftest import snapshot

    before = snapshot(db_url, without=("stored_figures",))
    cli.ok("report", "--month", "2026-11")
    cli.ok("report", "--month", "2026-10")
    cli.ok("report", "trend")
    cli.ok("export", "--month", "2026-10", "-o", "october.xlsx")
    assert snapshot(db_url, without=("stored_figures",)) == before


def test_trend_shows_twelve_months_with_bars(cli: Cli, seeded: dict[str, str]) -> None:
    rows = cli.json("report", "trend")
    assert len(rows) == 12
    by_month = {r["month"]: r for r in rows}
    assert by_month["2026-10"]["received"] == 5 and by_month["2026-09"]["received"] == 1
    assert by_month["2026-09"]["resolution_on_time_rate"] == 1.0
    out = cli.ok("report", "trend").stdout
    assert "█" in out and "2026-10" in out


@pytest.mark.parametrize(
    "args, words",
    [
        (["--month", "2026-13"], "--month"),
        (["--quarter", "2026Q5"], "--quarter"),
        (["--year", "26"], "--year"),
        (["--month", "2026-10", "--year", "2026"], "one period"),
        (["--from", "2026-10-01"], "--from and --to"),
        (["--from", "2026-10-09", "--to", "2026-10-01"], "before"),
        (["--format", "pdf"], "--format"),
        (["--category", "weather"], "--category"),
    ],
)
def test_bad_report_options_are_one_line(cli: Cli, args: list[str], words: str) -> None:
    result = cli("report", *args)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and words in result.stderr


def _report_of(month: str, beside=None) -> dict:  # type: ignore[no-untyped-def]
    from datetime import datetime

    from complaintctl import dbapi, periods, reports
    from complaintctl.settings import load_policy

    with dbapi.open_register(None, write=False) as register:
        return reports.report(
            register,
            periods.parse_month(month),
            reports.Scope(),
            policy=load_policy(None),
            now=datetime(2026, 11, 5, tzinfo=UTC),
            beside=beside,
        )


def test_previous_period_on_a_second_connection_gives_the_same_report(cli: Cli, seeded: dict[str, str]) -> None:
    from complaintctl import dbapi

    assert _report_of("2026-10", beside=lambda: dbapi.open_register(None, write=False)) == _report_of("2026-10")


def test_previous_period_is_computed_again_when_the_register_changed_in_between(cli: Cli, register) -> None:  # type: ignore[no-untyped-def]
    from complaintctl import dbapi

    log(cli, "2026-09-14 09:00", "13900000001", "快递一周没到", "phone")

    def another_office_writes_first():  # type: ignore[no-untyped-def]
        log(cli, "2026-09-15 09:00", "13900000002", "快递丢了", "phone")
        return dbapi.open_register(None, write=False)

    data = _report_of("2026-10", beside=another_office_writes_first)
    # The report reads one state of the register: the second connection saw the new
    # September complaint, this one did not, so September was counted again here.
    assert data["previous"]["totals"]["received"] == 1
    assert _report_of("2026-10")["previous"]["totals"]["received"] == 2


# -- the figures of ended periods, kept in the register (issue 13)

OCTOBER = "2026-10-01~2026-10-31"


def _october(cli: Cli, *more: str) -> str:
    return cli.ok("report", "--month", "2026-10", "--json", *more).stdout


def test_an_ended_periods_figures_are_kept_and_read_by_the_next_report(cli: Cli, seeded: dict[str, str], db_url: str) -> None:
    from conftest import change, query

    first = _october(cli)
    assert sorted(r[0] for r in query(db_url, "SELECT period FROM stored_figures")) == [
        "2025-10-01~2025-10-31",
        "2026-09-01~2026-09-30",
        OCTOBER,
    ]
    assert _october(cli) == first
    # What the next report reads: changed behind the tool's back, the report shows it ...
    change(
        db_url,
        f"""UPDATE stored_figures SET figures = replace(figures, '"received": 5', '"received": 55') WHERE period = '{OCTOBER}'""",
    )
    assert json.loads(_october(cli))["totals"]["received"] == 55
    # ... and --fresh computes from the history and puts the true figures back.
    assert _october(cli, "--fresh") == first
    assert _october(cli) == first


def test_a_running_period_is_not_kept(cli: Cli, seeded: dict[str, str], db_url: str) -> None:
    from conftest import query

    cli.ok("report", "--month", "2026-11")
    assert sorted(r[0] for r in query(db_url, "SELECT period FROM stored_figures")) == [
        "2025-11-01~2025-11-30",
        OCTOBER,
    ]


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda cli, s: cli.ok("classify", s["n3"], "--category", "attitude", "--reason", "复核"), id="reclassified"),
        pytest.param(
            lambda cli, s: log(cli, "2026-10-25 09:00", "13900000031", "发票开错", "phone", "--subject", "发票问题"),
            id="logged-late-into-the-month",
        ),
        pytest.param(
            lambda cli, s: cli.ok("resolve", s["n3"], "--solution", "上门维修", "--at", "2026-10-30 10:00"), id="backdated"
        ),
        pytest.param(
            lambda cli, s: cli.ok("contact", s["n5"], "--via", "phone", "--summary", "已受理", "--at", "2026-10-20 10:30"),
            id="contact-typed-in-late",
        ),
        pytest.param(
            lambda cli, s: cli.ok("edit", s["n1"], "--field", "联系方式=13900000099", "--reason", "记错号码"),
            id="repeat-customer",
        ),
        pytest.param(
            lambda cli, s: log(cli, "2026-09-25 09:00", "13900000032", "门店关门太早", "phone"),
            id="logged-late-into-the-month-before",
        ),
    ],
)
def test_kept_figures_follow_every_change_that_touches_their_period(cli: Cli, seeded: dict[str, str], write) -> None:  # type: ignore[no-untyped-def]
    before = _october(cli)
    write(cli, seeded)
    after = _october(cli)
    assert after != before
    assert after == _october(cli, "--fresh")


def test_kept_figures_outlive_changes_elsewhere(cli: Cli, seeded: dict[str, str], db_url: str) -> None:
    from conftest import query

    before = _october(cli)
    kept = query(db_url, f"SELECT through_entry, computed_at FROM stored_figures WHERE period = '{OCTOBER}'")
    november = log(cli, "2026-11-20 09:00", "13900000041", "空调漏水", "phone")
    cli.ok("assign", november, "--department", "售后服务部", "--to", "王五")
    assert _october(cli) == before
    assert query(db_url, f"SELECT through_entry, computed_at FROM stored_figures WHERE period = '{OCTOBER}'") == kept


def test_kept_figures_of_another_history_are_not_used(cli: Cli, seeded: dict[str, str], db_url: str) -> None:
    """A register restored from a backup, or its history rewritten: the chain no longer
    ends in the hash the figures were computed up to."""
    from conftest import change

    first = _october(cli)
    change(
        db_url,
        "UPDATE stored_figures SET through_hash = 'x', "
        f"""figures = replace(figures, '"received": 5', '"received": 55') WHERE period = '{OCTOBER}'""",
    )
    assert _october(cli) == first


def test_a_report_whose_figures_cannot_be_kept_still_prints(
    cli: Cli, seeded: dict[str, str], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A register the user may read but not write (a read-only file or role)."""
    from complaintctl import reports
    from complaintctl.errors import StorageError
    from conftest import query

    def refused(*_args: object) -> int:
        raise StorageError("the register at x cannot be used: attempt to write a readonly database")

    monkeypatch.setattr(reports, "store_figures", refused)
    result = cli.ok("report", "--month", "2026-10")
    assert "客户投诉案件统计表 2026-10" in result.stdout and "error" not in result.stderr
    assert query(db_url, "SELECT count(*) FROM stored_figures")[0][0] == 0


def test_kept_figures_follow_the_rules(cli: Cli, seeded: dict[str, str], db_url: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Rules that count differently (a repeat window of one day: N3 is no longer a repeat of
    N1) give other figures; the old ones are replaced, not left beside them."""
    from conftest import query

    before = json.loads(_october(cli))
    assert before["indicators"]["repeat_complaints"]["repeats"] == 1
    rules = tmp_path / "rules.toml"
    rules.write_text('[repeat.customer]\nwindow = "1d"\n', encoding="utf-8")
    monkeypatch.setenv("COMPLAINTCTL_RULES", str(rules))
    after = json.loads(_october(cli))
    assert after["indicators"]["repeat_complaints"]["repeats"] == 0
    assert after == json.loads(_october(cli, "--fresh"))
    assert query(db_url, f"SELECT count(*) FROM stored_figures WHERE period = '{OCTOBER}'")[0][0] == 1


def test_a_new_register_reports_in_one_line(cli: Cli) -> None:
    """Issue 15: a bare `report` on a new register printed ten empty frames."""
    out = cli.ok("report", "--month", "2026-10").stdout
    assert out.splitlines() == ["2026-10: 本期、上期及去年同期均无投诉, 也无未结投诉"]
    assert cli.json("report", "--month", "2026-10")["totals"]["received"] == 0  # JSON as ever
