"""Reports: every figure computed by the database (GROUP BY over indexed columns), the
result plain data. Read-only: a report never changes the register. Queries go through
the session's connection: their rows are plain columns, and the ORM's result layer cost
~10 ms per period on a large month.

Most figures are about the cohort of complaints *received* in the period (their
categories, deadlines, satisfaction, compensation, breaches); `resolved` and `closed`
count the events that happened in it, `open_at_end` the cases still open when it ended.
Each figure is given beside the same figure for the previous period.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Callable, ContextManager, Iterable

from sqlalchemy import Date, case, cast, func, select
from sqlmodel import Session

from .domain import Channel, Milestone, Origin, Satisfaction, Severity, Status
from .tables import chain_head, complaint, deadline

# The column collections, named after the ORM classes they stand in for.
Complaint, Deadline, ChainHead = complaint.c, deadline.c, chain_head.c
from .periods import Period
from .rules import Policy

SATISFIED = ("A", "B", "C")


@dataclass(frozen=True)
class Scope:
    """Optional narrowing of a report to one department or category."""

    department: str | None = None
    category: str | None = None


def _instant(day: Any, policy: Policy) -> datetime:
    return datetime.combine(day, time(0), tzinfo=policy.tz)


def _local_date(column: Any, session: Session, policy: Policy, near: datetime) -> Any:
    """The office-local date of a stored UTC instant, computed by the database."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone(str(policy.tz), column), Date)
    offset = policy.tz.utcoffset(near.replace(tzinfo=None))
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return func.date(column, f"{minutes:+d} minutes")


def _month(column: Any, session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.substr(column, 1, 7)


def _cohort(period: Period, scope: Scope) -> list[Any]:
    where = [Complaint.received_date >= period.start, Complaint.received_date <= period.end]  # type: ignore[operator]
    if scope.department:
        where.append(Complaint.department == scope.department)  # type: ignore[arg-type]
    if scope.category:
        where.append(Complaint.category == scope.category)  # type: ignore[arg-type]
    return where


def _scoped(scope: Scope) -> list[Any]:
    where = []
    if scope.department:
        where.append(Complaint.department == scope.department)  # type: ignore[arg-type]
    if scope.category:
        where.append(Complaint.category == scope.category)  # type: ignore[arg-type]
    return where


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _percentile(pairs: list[tuple[int, int]], fraction: float) -> float | None:
    """The nearest-rank percentile of values given as (value, how many)."""
    total = sum(n for _, n in pairs)
    if not total:
        return None
    rank = max(1, -(-int(total * fraction * 1000) // 1000))  # ceil without float drift
    seen = 0
    for value, n in sorted(pairs):
        seen += n
        if seen >= rank:
            return float(value)
    return float(sorted(pairs)[-1][0])


def _median(pairs: list[tuple[int, int]]) -> float | None:
    total = sum(n for _, n in pairs)
    if not total:
        return None
    ordered = sorted(pairs)

    def nth(k: int) -> int:
        seen = 0
        for value, n in ordered:
            seen += n
            if seen > k:
                return value
        return ordered[-1][0]

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


def period_figures(session: Session, period: Period, scope: Scope, *, policy: Policy, now: datetime) -> dict[str, Any]:
    """Every figure of one period."""
    cohort = _cohort(period, scope)
    start_i = _instant(period.start, policy)
    end_i = _instant(period.end + timedelta(days=1), policy)
    asof = min(now, end_i)
    conn = session.connection()

    # Two passes over the period's complaints, each grouped on several dimensions at once.
    # (One pass on all nine returned a row per combination, 6,000 for a month of 28,000
    # complaints, and SQLite sorted on nine keys: 54 ms against 19 + 28.)
    names = ("category", "channel", "severity", "origin", "department", "status")
    by: dict[str, dict[str, int]] = {name: defaultdict(int) for name in names}
    received = 0
    for category, channel, severity, origin, count in conn.execute(
        select(Complaint.category, Complaint.channel, Complaint.severity, Complaint.origin, func.count())
        .where(*cohort).group_by(Complaint.category, Complaint.channel, Complaint.severity, Complaint.origin)
    ):
        received += count
        for name, value in (("category", category), ("channel", channel), ("severity", severity), ("origin", origin)):
            by[name][value or ""] += count
    satisfaction: dict[str, int] = {s.value: 0 for s in Satisfaction}
    compensation: dict[str, int] = defaultdict(int)
    reopened_total = followed_up = satisfied_closed = 0
    closed_status = Status.CLOSED.value
    reopened = case((Complaint.reopen_count > 0, 1), else_=0)
    for department, status, level, kind, was_reopened, count, cents, with_followup in conn.execute(
        select(Complaint.department, Complaint.status, Complaint.satisfaction, Complaint.compensation_kind, reopened,
               func.count(), func.coalesce(func.sum(Complaint.compensation_cents), 0), func.count(Complaint.followup_at))
        .where(*cohort)
        .group_by(Complaint.department, Complaint.status, Complaint.satisfaction, Complaint.compensation_kind, reopened)
    ):
        by["department"][department or ""] += count
        by["status"][status or ""] += count
        if level:
            satisfaction[level] = satisfaction.get(level, 0) + count
            if level in SATISFIED and status == closed_status:
                satisfied_closed += count
        if kind:
            compensation[kind] += int(cents)
        reopened_total += count if was_reopened else 0
        followed_up += int(with_followup)

    scoped = _scoped(scope)
    resolved = conn.execute(select(func.count()).select_from(complaint).where(
        Complaint.resolved_at >= start_i, Complaint.resolved_at < end_i, *scoped)).scalar_one()  # type: ignore[operator]
    closed = conn.execute(select(func.count()).select_from(complaint).where(
        Complaint.closed_at >= start_i, Complaint.closed_at < end_i, *scoped)).scalar_one()  # type: ignore[operator]
    # Open at the end: received by then and not closed by then. Counted as the cases never
    # closed plus those closed since, both small whatever the register's age; counting
    # everything received and closed up to then read the whole of both indexes (1,000,000
    # complaints: 4 x 30 ms -> 4 x 3 ms).
    # (Two queries, not one with OR: SQLite would answer the OR from the received_date index.)
    open_at_end = sum(
        conn.execute(select(func.count()).select_from(complaint).where(
            not_closed, Complaint.received_date <= period.end, *scoped)).scalar_one()  # type: ignore[operator]
        for not_closed in (Complaint.closed_at.is_(None), Complaint.closed_at >= end_i)  # type: ignore[union-attr,operator]
    )

    # Deadlines of the period's complaints: on time, late, or still running; the late ones
    # are also the breaches by department and assignee (one join for both).
    met_on_time = Deadline.met_at <= Deadline.due_at  # type: ignore[operator]
    late = _late_condition(asof)
    deadline_rows = conn.execute(
        select(Deadline.milestone, Complaint.severity, Complaint.department, Complaint.assignee,
               func.sum(case((met_on_time, 1), else_=0)), func.sum(case((late, 1), else_=0)), func.count())
        .join(complaint, Complaint.id == Deadline.complaint_id)  # type: ignore[arg-type]
        .where(*cohort, Deadline.state != "void", Deadline.due_at.is_not(None))  # type: ignore[union-attr,arg-type]
        .group_by(Deadline.milestone, Complaint.severity, Complaint.department, Complaint.assignee)
    ).all()
    on_time: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"on_time": 0, "late": 0, "running": 0})
    by_department: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_assignee: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for milestone, severity, department, assignee, on_time_count, late_count, count in deadline_rows:
        on_time_count, late_count = int(on_time_count), int(late_count)
        for key in ((milestone, "all"), (milestone, f"severity:{severity}"), (milestone, f"department:{department or ''}")):
            cell = on_time[key]
            cell["on_time"] += on_time_count
            cell["late"] += late_count
            cell["running"] += count - on_time_count - late_count
        if late_count:
            by_department[department or ""][milestone] += late_count
            by_assignee[(department or "", assignee or "")][milestone] += late_count

    def rate_of(milestone: str, key: str = "all") -> dict[str, Any]:
        cell = on_time.get((milestone, key), {"on_time": 0, "late": 0, "running": 0})
        return {**cell, "rate": _rate(cell["on_time"], cell["on_time"] + cell["late"])}

    # Handling time in working days, from the pairs (day received, day resolved) the database groups.
    resolved_day = _local_date(Complaint.resolved_at, session, policy, start_i)
    pairs = conn.execute(
        select(Complaint.received_date, resolved_day, func.count())
        .where(*cohort, Complaint.resolved_at.is_not(None))  # type: ignore[union-attr]
        .group_by(Complaint.received_date, resolved_day)
    ).all()
    durations: list[tuple[int, int]] = []
    for received_day, resolved_on, count in pairs:
        if isinstance(received_day, str):
            received_day = datetime.fromisoformat(received_day).date()
        if isinstance(resolved_on, str):
            resolved_on = datetime.fromisoformat(resolved_on).date()
        durations.append((policy.calendar.working_days_between(received_day, resolved_on), count))

    per_customer = (select(Complaint.contact, func.count().label("n")).where(*cohort).group_by(Complaint.contact)).subquery()
    customers, repeat_customers = conn.execute(
        select(func.count(), func.coalesce(func.sum(case((per_customer.c.n > 1, 1), else_=0)), 0))
    ).one()

    return {
        "period": {"label": period.label, "from": period.start.isoformat(), "to": period.end.isoformat()},
        "totals": {"received": received, "resolved": resolved, "closed": closed,
                   "open_at_end": open_at_end},
        "by": {name: dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) for name, counts in by.items()},
        "indicators": {
            "first_response_on_time": rate_of(Milestone.FIRST_RESPONSE.value),
            "resolution_on_time": {
                "all": rate_of(Milestone.RESOLUTION.value),
                **{s.value: rate_of(Milestone.RESOLUTION.value, f"severity:{s.value}") for s in Severity},
            },
            "resolution_on_time_by_department": {
                key.split(":", 1)[1]: {**cell, "rate": _rate(cell["on_time"], cell["on_time"] + cell["late"])}
                for (milestone, key), cell in sorted(on_time.items())
                if milestone == Milestone.RESOLUTION.value and key.startswith("department:")
            },
            "handling_working_days": {"resolved": sum(n for _, n in durations), "median": _median(durations),
                                      "p90": _percentile(durations, 0.9)},
            "resolution_success": {"satisfied_closed": satisfied_closed, "followed_up": followed_up,
                                   "rate": _rate(satisfied_closed, followed_up)},
            "satisfaction": satisfaction,
            "repeat_customers": {"customers": customers, "repeat": int(repeat_customers),
                                 "rate": _rate(int(repeat_customers), customers)},
            "reopen": {"reopened": reopened_total, "received": received, "rate": _rate(reopened_total, received)},
            "compensation": {"total": sum(compensation.values()) / 100,
                             "by_kind": {k: v / 100 for k, v in sorted(compensation.items())}},
        },
        "breaches": {
            "total": sum(sum(m.values()) for m in by_department.values()),
            "by_department": {d: dict(m) for d, m in sorted(by_department.items())},
            "by_assignee": [{"department": d, "assignee": a, **dict(m)} for (d, a), m in sorted(by_assignee.items())],
        },
    }


def _late_condition(asof: datetime) -> Any:
    return (
        (Deadline.met_at.is_not(None) & (Deadline.met_at > Deadline.due_at))  # type: ignore[union-attr,operator]
        | (Deadline.met_at.is_(None) & (Deadline.due_at < asof))  # type: ignore[union-attr,operator]
    )


def _ranked(counts: dict[str, int]) -> dict[str, int]:
    """Most first, then by key; empty keys (not recorded) left out."""
    return dict(sorted(((k, n) for k, n in counts.items() if k), key=lambda kv: (-kv[1], kv[0])))


def _subjects_and_locations(session: Session, period: Period, scope: Scope) -> tuple[dict[str, int], dict[str, int]]:
    """How many complaints named each subject and each location, in one pass over the period."""
    subjects: dict[str, int] = defaultdict(int)
    locations: dict[str, int] = defaultdict(int)
    for subject, location, count in session.connection().execute(
        select(Complaint.subject, Complaint.location, func.count()).where(*_cohort(period, scope))
        .group_by(Complaint.subject, Complaint.location)
    ):
        subjects[subject] += count
        locations[location] += count
    return subjects, locations


def hot_spots(now: tuple[dict[str, int], ...], before: tuple[dict[str, int], ...], *, limit: int = 5) -> dict[str, Any]:
    """The categories, subjects and locations that drew the most complaints, and those that
    grew most: from each period's (categories, subjects, locations) counts."""
    out: dict[str, Any] = {}
    for name, now_counts, before_counts in zip(("category", "subject", "location"), now, before):
        now_counts, before_counts = _ranked(now_counts), _ranked(before_counts)
        growth = sorted(
            ((key, count - before_counts.get(key, 0)) for key, count in now_counts.items()),
            key=lambda kv: (-kv[1], kv[0]),
        )
        out[name] = {
            "top": [{"key": k, "count": c, "previous": before_counts.get(k, 0)}
                    for k, c in list(now_counts.items())[:limit]],
            "growing": [{"key": k, "count": now_counts[k], "previous": before_counts.get(k, 0), "change": g}
                        for k, g in growth[:limit] if g > 0],
        }
    return out


def breach_list(session: Session, period: Period, scope: Scope, *, policy: Policy, now: datetime) -> Iterable[dict[str, Any]]:
    """Every missed deadline of the period's complaints, by department and assignee."""
    asof = min(now, _instant(period.end + timedelta(days=1), policy))
    stmt = (
        select(Complaint.no, Complaint.department, Complaint.assignee, Complaint.severity, Complaint.customer_name,
               Complaint.subject, Deadline.milestone, Deadline.due_at, Deadline.met_at)
        .join(complaint, Complaint.id == Deadline.complaint_id)  # type: ignore[arg-type]
        .where(*_cohort(period, scope), Deadline.state != "void", _late_condition(asof))  # type: ignore[arg-type]
        .order_by(Complaint.department, Complaint.assignee, Deadline.due_at)
    )
    for row in session.connection().execute(stmt):
        yield dict(row._mapping)


def report(session: Session, period: Period, scope: Scope, *, policy: Policy, now: datetime,
           beside: Callable[[], ContextManager[Session]] | None = None) -> dict[str, Any]:
    """The period's figures beside the previous period's, and the hot spots.

    With `beside` (another read-only session on the same register), the previous period
    is computed on it, in a second thread, while this one computes the current period:
    the database does each on its own core (1,000,000 complaints: 520 -> 300 ms). Its
    figures are kept only if both sessions read the same register, as the history chain's
    head shows (every change to a case appends to the chain); when another office wrote
    in between, the previous period is computed again here."""
    previous = period.previous()

    def side(on: Session, which: Period) -> tuple[dict[str, Any], tuple[dict[str, int], ...]]:
        figures = period_figures(on, which, scope, policy=policy, now=now)
        return figures, (figures["by"]["category"], *_subjects_and_locations(on, which, scope))

    if beside is None:
        (current, counts), (before, counts_before) = side(session, period), side(session, previous)
    else:
        from concurrent.futures import ThreadPoolExecutor

        def previous_side() -> tuple[Any, tuple[dict[str, Any], tuple[dict[str, int], ...]]]:
            with beside() as other:
                return _chain_head(other), side(other, previous)

        head = _chain_head(session)  # also fixes what this session reads (SQLite's snapshot)
        with ThreadPoolExecutor(max_workers=1) as pool:
            later = pool.submit(previous_side)
            current, counts = side(session, period)
            other_head, (before, counts_before) = later.result()
        if other_head != head:
            before, counts_before = side(session, previous)
    return {
        "scope": {"department": scope.department, "category": scope.category},
        **current,
        "previous": before,
        "hot_spots": hot_spots(counts, counts_before),
    }


def _chain_head(session: Session) -> Any:
    return session.connection().execute(select(ChainHead.entries, ChainHead.last_hash)).one_or_none()


def trend(session: Session, months: Period, scope: Scope, *, policy: Policy, now: datetime) -> list[dict[str, Any]]:
    """Month by month over `months`: received, resolution on-time rate, satisfied share."""
    month = _month(Complaint.received_date, session)
    cohort = _cohort(months, scope)
    received = dict(session.connection().execute(select(month, func.count()).where(*cohort).group_by(month)).all())
    asof = now
    outcome = case(
        (Deadline.met_at.is_not(None) & (Deadline.met_at <= Deadline.due_at), "on_time"),  # type: ignore[union-attr,operator]
        (Deadline.met_at.is_not(None) | (Deadline.due_at < asof), "late"),  # type: ignore[union-attr,operator]
        else_="running",
    )
    deadline_rows = session.connection().execute(
        select(month, outcome, func.count())
        .join(complaint, Complaint.id == Deadline.complaint_id)  # type: ignore[arg-type]
        .where(*cohort, Deadline.milestone == Milestone.RESOLUTION.value, Deadline.state != "void")  # type: ignore[arg-type]
        .group_by(month, outcome)
    ).all()
    rates: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, result, count in deadline_rows:
        rates[key][result] += count
    satisfaction_rows = session.connection().execute(
        select(month, Complaint.satisfaction, func.count()).where(*cohort, Complaint.satisfaction.is_not(None))  # type: ignore[union-attr]
        .group_by(month, Complaint.satisfaction)
    ).all()
    satisfied: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key, level, count in satisfaction_rows:
        satisfied[key][1] += count
        if level in SATISFIED:
            satisfied[key][0] += count
    out = []
    for key in months.months():
        r = rates.get(key, {})
        out.append({
            "month": key,
            "received": int(received.get(key, 0)),
            "resolution_on_time_rate": _rate(r.get("on_time", 0), r.get("on_time", 0) + r.get("late", 0)),
            "satisfied_rate": _rate(*satisfied[key]) if key in satisfied else None,
        })
    return out


# ---------------------------------------------------------------- report as tables

LABELS = {
    "category": "投诉类别", "channel": "投诉方式", "severity": "严重程度", "origin": "投诉性质",
    "department": "责任部门", "status": "状态",
}
_CHOICE_OF = {"channel": Channel, "severity": Severity, "origin": Origin, "status": Status}


def _key_label(dimension: str, key: str, policy: Policy) -> str:
    if not key:
        return "(未填)"
    if dimension == "category":
        return policy.rules.category_label(key)
    kind = _CHOICE_OF.get(dimension)
    if kind is not None:
        try:
            return kind(key).label
        except ValueError:
            return key
    return key


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _change(now: float | int | None, before: float | int | None, percent: bool = False) -> str:
    if now is None or before is None:
        return ""
    diff = now - before
    if percent:
        return f"{diff * 100:+.1f}pt"
    if isinstance(diff, float) and not diff.is_integer():
        return f"{diff:+.1f}"
    return f"{int(diff):+d}"


@dataclass(frozen=True)
class Table:
    """One table of a report: what the terminal, CSV, Markdown and Excel all show."""

    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def report_tables(data: dict[str, Any], policy: Policy) -> list[Table]:
    """The report as titled tables, each figure beside the previous period's and the change."""
    prev = data["previous"]
    period, before = data["period"]["label"], prev["period"]["label"]
    head = ("", period, before, "变化")
    tables: list[Table] = []

    totals = [("受理 received", "received"), ("解决 resolved", "resolved"), ("结案 closed", "closed"),
              ("期末未结 open at end", "open_at_end")]
    tables.append(Table("投诉总量", head, [
        (name, data["totals"][key], prev["totals"][key], _change(data["totals"][key], prev["totals"][key]))
        for name, key in totals]))

    ind, pind = data["indicators"], prev["indicators"]
    rows: list[tuple[Any, ...]] = [
        ("初次响应按时率", _pct(ind["first_response_on_time"]["rate"]), _pct(pind["first_response_on_time"]["rate"]),
         _change(ind["first_response_on_time"]["rate"], pind["first_response_on_time"]["rate"], True)),
        ("解决按时率", _pct(ind["resolution_on_time"]["all"]["rate"]), _pct(pind["resolution_on_time"]["all"]["rate"]),
         _change(ind["resolution_on_time"]["all"]["rate"], pind["resolution_on_time"]["all"]["rate"], True)),
    ]
    for level in Severity:
        now_rate, before_rate = ind["resolution_on_time"][level.value]["rate"], pind["resolution_on_time"][level.value]["rate"]
        rows.append((f"  解决按时率 · {level.label}", _pct(now_rate), _pct(before_rate), _change(now_rate, before_rate, True)))
    for name, key in (("处理时长中位数 (工作日)", "median"), ("处理时长 P90 (工作日)", "p90")):
        a, b = ind["handling_working_days"][key], pind["handling_working_days"][key]
        rows.append((name, "—" if a is None else a, "—" if b is None else b, _change(a, b)))
    for name, key in (("处理成功率 (A–C 结案/已回访)", "resolution_success"), ("重复投诉率", "repeat_customers"),
                      ("重新处理率", "reopen")):
        rows.append((name, _pct(ind[key]["rate"]), _pct(pind[key]["rate"]), _change(ind[key]["rate"], pind[key]["rate"], True)))
    rows.append(("赔偿总额 (元)", f"{ind['compensation']['total']:.2f}", f"{pind['compensation']['total']:.2f}",
                 _change(ind["compensation"]["total"], pind["compensation"]["total"])))
    rows.append(("超期次数", data["breaches"]["total"], prev["breaches"]["total"],
                 _change(data["breaches"]["total"], prev["breaches"]["total"])))
    tables.append(Table("考核指标", head, rows))

    tables.append(Table("满意度", head, [
        (f"{level.value} {level.label}", ind["satisfaction"][level.value], pind["satisfaction"][level.value],
         _change(ind["satisfaction"][level.value], pind["satisfaction"][level.value]))
        for level in Satisfaction]))

    for dimension, counts in data["by"].items():
        before_counts = prev["by"][dimension]
        keys = list(counts) + [k for k in before_counts if k not in counts]
        tables.append(Table(f"按{LABELS[dimension]}", (LABELS[dimension], period, before, "变化"), [
            (_key_label(dimension, k, policy), counts.get(k, 0), before_counts.get(k, 0),
             _change(counts.get(k, 0), before_counts.get(k, 0)))
            for k in keys]))

    kinds = ind["compensation"]["by_kind"]
    if kinds:
        from .domain import CompensationKind

        tables.append(Table("赔偿方式", ("方式", "金额 (元)"), [
            (CompensationKind(k).label if k in CompensationKind._value2member_map_ else k, f"{v:.2f}")
            for k, v in kinds.items()]))

    departments = ind["resolution_on_time_by_department"]
    if departments:
        tables.append(Table("各部门解决按时率", ("责任部门", "按时", "超期", "按时率"), [
            (d or "(未分派)", c["on_time"], c["late"], _pct(c["rate"])) for d, c in departments.items()]))

    if data["breaches"]["by_assignee"]:
        milestones = [m.value for m in Milestone]
        tables.append(Table("超期责任 (责任追究)", ("责任部门", "处理责任人", *[m.label for m in Milestone], "合计"), [
            (row["department"] or "(未分派)", row["assignee"] or "(未指定)", *[row.get(m, 0) for m in milestones],
             sum(row.get(m, 0) for m in milestones))
            for row in data["breaches"]["by_assignee"]]))

    spots = data["hot_spots"]
    for name, heading in (("category", "投诉类别"), ("subject", "投诉主题"), ("location", "地点")):
        top = spots[name]["top"]
        if top:
            tables.append(Table(f"投诉热点 · {heading}", (heading, period, before), [
                (_key_label("category", t["key"], policy) if name == "category" else t["key"], t["count"], t["previous"])
                for t in top]))
        growing = spots[name]["growing"]
        if growing:
            tables.append(Table(f"增长最快 · {heading}", (heading, period, before, "变化"), [
                (_key_label("category", g["key"], policy) if name == "category" else g["key"], g["count"], g["previous"],
                 f"{g['change']:+d}") for g in growing]))
    return tables
