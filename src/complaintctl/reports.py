"""Reports: every figure computed by the database (GROUP BY over indexed columns), the
result plain data. Read-only: a report never changes the register. The queries are
statements of statements.py run on the DB-API path (dbapi.Register): `report --month`
imports no SQLAlchemy, and the export runs the same ones inside its Session.

Most figures are about the cohort of complaints *received* in the period (their
categories, deadlines, satisfaction, compensation, breaches); `resolved` and `closed`
count the events that happened in it, `open_at_end` the cases still open when it ended.
Each figure is given beside the same figure for the previous period.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import datetime, time, timedelta
from typing import Any, NamedTuple

from . import fields
from . import rules as policy_rules
from .dbapi import Register
from .domain import NOT_ASSIGNED, NOT_GIVEN, Duration, Milestone, Satisfaction, Severity
from .i18n import _
from .periods import Period
from .privacy import mask_text
from .procedures import BUILTIN_MILESTONES
from .rules import Policy

SATISFIED = ("A", "B", "C")


class Scope(NamedTuple):
    """Optional narrowing of a report to one department, category or unit (with every
    unit below it: unit_scope)."""

    department: str | None = None
    category: str | None = None
    unit: str | None = None
    units: tuple[str, ...] = ()  # the unit and every unit below it
    # Their departments: a case with no unit of its own belongs to its department's.
    unit_departments: tuple[str, ...] = ()


def unit_scope(rules: Any, key: str, base: Scope = Scope()) -> Scope:
    """`base` narrowed to the unit `key` and every unit below it (a roll-up)."""
    units = rules.unit_subtree(key)
    departments = tuple(d.name for d in rules.departments if d.unit in units)
    return base._replace(unit=key, units=units, unit_departments=departments)


def in_unit(scope: Scope, unit: str | None, department: str | None) -> bool:
    """Whether a case of this unit (or, with none, this department) is within the scope's unit."""
    if not scope.unit:
        return True
    return unit in scope.units if unit else (department or "") in scope.unit_departments


def _instant(day: Any, policy: Policy) -> datetime:
    return datetime.combine(day, time(0), tzinfo=policy.tz)


def _scope(scope: Scope) -> list[tuple[str, dict[str, Any]]]:
    """The scope as conditions on the complaint (a statement's __WHERE__)."""
    where: list[tuple[str, dict[str, Any]]] = []
    if scope.department:
        where.append(("department_is", {"department": scope.department}))
    if scope.category:
        where.append(("category_is", {"category": scope.category}))
    if scope.unit:
        where.append(("unit_in", {"units": list(scope.units), "unit_departments": list(scope.unit_departments)}))
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


def period_figures(register: Register, period: Period, scope: Scope, *, policy: Policy, now: datetime) -> dict[str, Any]:
    """Every figure of one period."""
    where = _scope(scope)
    cohort = {"first_day": period.start, "last_day": period.end}
    start_i = _instant(period.start, policy)
    end_i = _instant(period.end + timedelta(days=1), policy)
    asof = min(now, end_i)

    # Two passes over the period's complaints, each grouped on several dimensions at once.
    # (One pass on all nine returned a row per combination, 6,000 for a month of 28,000
    # complaints, and SQLite sorted on nine keys: 54 ms against 19 + 28.)
    names = ("category", "channel", "severity", "origin", "department", "status")
    by: dict[str, dict[str, int]] = {name: defaultdict(int) for name in names}
    received = 0
    for category, channel, severity, origin, count in register.tuples("report_by_dimensions", where, **cohort):
        received += count
        for name, value in (("category", category), ("channel", channel), ("severity", severity), ("origin", origin)):
            by[name][value or ""] += count
    compensation: dict[str, int] = defaultdict(int)
    for department, status, kind, count, cents in register.tuples("report_by_owner", where, **cohort):
        by["department"][department or ""] += count
        by["status"][status or ""] += count
        if kind:
            compensation[kind] += int(cents)

    closed = register.tuples("report_closed_between", where, start=start_i, until=end_i)[0][0]
    # Open at the end: received by then and not closed by then. Counted as the cases never
    # closed plus those closed since, both small whatever the register's age; counting
    # everything received and closed up to then read the whole of both indexes (1,000,000
    # complaints: 4 x 30 ms -> 4 x 3 ms).
    open_at_end = (
        register.tuples("report_never_closed", where, last_day=period.end)[0][0]
        + register.tuples("report_closed_after", where, last_day=period.end, until=end_i)[0][0]
    )
    events = period_events(register, start_i, asof, scope, policy)
    by_department: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_assignee: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (milestone, department, assignee), late_count in events.late_by_owner.items():
        by_department[department][milestone] += late_count
        by_assignee[(department, assignee)][milestone] += late_count

    return {
        "period": {"label": period.label, "from": period.start.isoformat(), "to": period.end.isoformat()},
        "as_of": asof,
        "complete": now >= end_i,
        "revised": _revised(register, start_i, end_i) if now >= end_i else None,
        "totals": {"received": received, "resolved": events.resolved, "closed": closed, "open_at_end": open_at_end},
        "by": {name: dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) for name, counts in by.items()},
        "indicators": {
            **{f"{m.value}_on_time": events.rate_of(m.value) for m in Milestone if m != Milestone.RESOLUTION},
            "resolution_on_time": {
                "all": events.rate_of(Milestone.RESOLUTION.value),
                **{s.value: events.rate_of(Milestone.RESOLUTION.value, f"severity:{s.value}") for s in Severity},
            },
            "resolution_on_time_by_department": {
                key.split(":", 1)[1]: {**cell, "rate": _rate(cell["on_time"], cell["on_time"] + cell["late"])}
                for (milestone, key), cell in sorted(events.on_time.items())
                if milestone == Milestone.RESOLUTION.value and key.startswith("department:")
            },
            "handling_working_days": events.handling(),
            "resolution_success": {
                "satisfied": events.first_satisfied,
                "first_visits": events.first_visits,
                "rate": _rate(events.first_satisfied, events.first_visits),
            },
            "satisfaction": events.first_ratings,
            "satisfaction_final": events.final_ratings,
            "repeat_complaints": repeat_complaints(register, period, scope, policy),
            "reopen": {"reopened": events.reopened, "visits": events.visits, "rate": _rate(events.reopened, events.visits)},
            "compensation": {
                "total": sum(compensation.values()) / 100,
                "by_kind": {k: v / 100 for k, v in sorted(compensation.items())},
            },
            # docs/kpi.md: the office's own milestones, the corrective action, the ladders
            "milestones_on_time": {
                m.key: events.rate_of(m.key) for m in policy.rules.milestones if m.key not in BUILTIN_MILESTONES
            },
            "corrective_actions": {
                "filed_on_time": events.rate_of("corrective_action")["on_time"],
                "late_or_missing": events.rate_of("corrective_action")["late"],
                "reviewed_on_time": events.rate_of("action_review")["on_time"],
                "review_late": events.rate_of("action_review")["late"],
            },
            "ladder_steps_fired": events.ladder_steps,
        },
        "breaches": {
            "total": sum(sum(m.values()) for m in by_department.values()),
            "by_department": {d: dict(m) for d, m in sorted(by_department.items())},
            "by_assignee": [{"department": d, "assignee": a, **dict(m)} for (d, a), m in sorted(by_assignee.items())],
        },
        "alerts": _alerts(register, start_i, asof, scope),
    }


# Actions that record a derived fact (a deadline passed) rather than something typed in:
# written by the morning check after the moment they are dated at, they revise nothing.
_DERIVED = ("breached", "missed")


def _revised(register: Register, start_i: datetime, end_i: datetime) -> dict[str, Any] | None:
    """Entries dated inside an ended period but recorded after it ended (typed in late,
    imported): how many, and when the last one was recorded."""
    ((count, last),) = register.tuples("report_late_entries", start=start_i, until=end_i, derived=_DERIVED)
    return {"late_entries": int(count), "last_recorded_at": last} if count else None


def _alerts(register: Register, start_i: datetime, asof: datetime, scope: Scope) -> list[dict[str, Any]]:
    """Load alerts raised in the period (a department or person drawing many complaints)."""
    where = [("alert_subject_is", {"department": scope.department})] if scope.department else []
    rows = register.tuples("report_alerts", where, start=start_i, until=asof)
    return [
        {"kind": k, "subject": s, "count": n, "window": w, "at": at, "no": no}
        for k, s, n, w, at, no in rows
        if not scope.unit or k != "department" or s in scope.unit_departments
    ]


class PeriodEvents(NamedTuple):
    """What happened between two instants: deadlines decided on time or late, resolutions,
    follow-up visits and reopenings, and the handling time of the first resolutions.
    The one definition behind the KPI table and the trend (docs/kpi.md)."""

    on_time: dict[tuple[str, str], dict[str, int]]
    late_by_owner: dict[tuple[str, str, str], int]
    resolved: int
    handling_days: list[int]
    first_ratings: dict[str, int]
    final_ratings: dict[str, int]
    first_visits: int
    first_satisfied: int
    visits: int
    reopened: int
    ladder_steps: int = 0

    def rate_of(self, milestone: str, key: str = "all") -> dict[str, Any]:
        cell = self.on_time.get((milestone, key), {"on_time": 0, "late": 0})
        return {**cell, "rate": _rate(cell["on_time"], cell["on_time"] + cell["late"])}

    def handling(self) -> dict[str, Any]:
        pairs = list(Counter(self.handling_days).items())
        median = _median(pairs)
        return {
            "resolved": len(self.handling_days),
            "median": None if median is None else round(median, 1),
            "p90": _percentile(pairs, 0.9),
        }


def period_events(register: Register, start_i: datetime, asof: datetime, scope: Scope, policy: Policy) -> PeriodEvents:
    """Every event-based figure of [start_i, asof), from the deadlines and the history."""
    where = _scope(scope)
    rows = register.tuples("report_deadline_outcomes", where, start=start_i, until=asof)
    on_time: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"on_time": 0, "late": 0})
    late_by_owner: dict[tuple[str, str, str], int] = defaultdict(int)
    for milestone, severity, department, assignee, late, count in rows:
        outcome = "late" if late else "on_time"
        for key in ("all", f"severity:{severity}", f"department:{department or ''}"):
            on_time[(milestone, key)][outcome] += count
        if late:
            late_by_owner[(milestone, department or "", assignee or "")] += count

    # Resolutions and visits: history entries dated in the period. A case's first
    # resolution gives its handling time; its first visit, its satisfaction.
    history_rows = register.each(
        "report_history_events",
        where,
        actions=_RESOLVED + ("followed_up", "reopened", "escalated", "notified"),
        start=start_i,
        until=asof,
    )
    resolved = reopened = ladder_steps = 0
    resolutions: dict[int, tuple[datetime, Any]] = {}
    visited: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for cid, action, at, changes, received_day in history_rows:
        if action in _RESOLVED:
            resolved += 1
            resolutions.setdefault(cid, (at, received_day))
        elif action == "followed_up":
            rating = (json.loads(changes).get("satisfaction") or [None, None])[1]
            if rating:
                visited[cid].append((at, rating))
        elif action == "notified":
            told = (json.loads(changes).get("notified") or [None, {}])[1] or {}
            ladder_steps += told.get("kind") == "ladder" and not told.get("retry")
        else:
            reopened += 1
    first_resolution = _first_at(register, _RESOLVED, list(resolutions))
    handling_days = []
    for cid, (at, received_day) in resolutions.items():
        if first_resolution.get(cid) == at:
            handling_days.append(policy.calendar.working_days_between(received_day, at.astimezone(policy.tz).date()))
    first_visit = _first_at(register, ("followed_up",), list(visited))
    first_ratings = {level.value: 0 for level in Satisfaction}
    final_ratings = {level.value: 0 for level in Satisfaction}
    for cid, visits in visited.items():
        at, rating = visits[0]
        if first_visit.get(cid) == at:
            first_ratings[rating] = first_ratings.get(rating, 0) + 1
        final = visits[-1][1]
        final_ratings[final] = final_ratings.get(final, 0) + 1
    first_visits = sum(first_ratings.values())
    return PeriodEvents(
        on_time=dict(on_time),
        late_by_owner=dict(late_by_owner),
        resolved=resolved,
        handling_days=handling_days,
        first_ratings=first_ratings,
        final_ratings=final_ratings,
        first_visits=first_visits,
        first_satisfied=sum(first_ratings.get(level, 0) for level in SATISFIED),
        visits=sum(len(v) for v in visited.values()),
        reopened=reopened,
        ladder_steps=ladder_steps,
    )


_RESOLVED = ("resolved", "final_decision")


def _first_at(register: Register, actions: tuple[str, ...], ids: list[int]) -> dict[int, datetime]:
    """When each case first had one of `actions`, for these cases."""
    found: dict[int, datetime] = {}
    for chunk in range(0, len(ids), 500):
        for cid, first in register.tuples("report_first_at", ids=ids[chunk : chunk + 500], actions=actions):
            found[cid] = first
    return found


def customer_key(contact: str | None, name: str | None) -> str:
    """Who the customer is, for repeats: the contact with its punctuation, spaces and +86
    dropped (e-mail in lower case), else the name."""
    if contact:
        text = unicodedata.normalize("NFKC", contact).strip().casefold()
        if "@" not in text:
            text = re.sub(r"[\s\-().]", "", text)
            text = re.sub(r"^(\+?86)(?=1\d{10}$)", "", text)
        if text:
            return "c:" + text
    return "n:" + (name or "").strip()


_DUPLICATE = re.compile(r"重复|duplicate", re.IGNORECASE)


def repeat_complaints(register: Register, period: Period, scope: Scope, policy: Policy) -> dict[str, Any]:
    """重复投诉率 (seed 001 §8.2(4)): complaints received in the period whose customer had
    a complaint of the same category received within the [repeat] window before it (across
    the period's start), over complaints received in the period; complaints closed as
    duplicates count in neither."""
    rule = policy.rules.repeat.get("customer")
    window = rule.window if rule is not None else Duration(30, "d")
    first_instant = _instant(period.start, policy)
    since = policy_rules.window_start(first_instant, window, calendar=policy.calendar, tz=policy.tz)
    rows = register.each("report_repeat_candidates", first_day=since.astimezone(policy.tz).date(), last_day=period.end)
    seen: dict[tuple[str, str | None], list[datetime]] = defaultdict(list)
    received = repeats = 0
    for contact, name, category, at, close_reason, department, unit in rows:
        if close_reason and _DUPLICATE.search(close_reason):
            continue
        key = (customer_key(contact, name), category)
        earlier = seen[key]
        in_period = (
            at >= first_instant
            and (not scope.department or department == scope.department)
            and (not scope.category or category == scope.category)
            and in_unit(scope, unit, department)
        )
        if in_period:
            received += 1
            start = policy_rules.window_start(at, window, calendar=policy.calendar, tz=policy.tz)
            if any(start <= before < at for before in earlier):
                repeats += 1
        earlier.append(at)
    return {"repeats": repeats, "received": received, "window": str(window), "rate": _rate(repeats, received)}


def _ranked(counts: dict[str, int]) -> dict[str, int]:
    """Most first, then by key; empty keys (not recorded) left out."""
    return dict(sorted(((k, n) for k, n in counts.items() if k), key=lambda kv: (-kv[1], kv[0])))


def _subjects_and_locations(register: Register, period: Period, scope: Scope) -> tuple[dict[str, int], dict[str, int]]:
    """How many complaints named each subject and each location, in one pass over the period."""
    subjects: dict[str, int] = defaultdict(int)
    locations: dict[str, int] = defaultdict(int)
    for subject, location, count in register.tuples(
        "report_subjects_and_locations", _scope(scope), first_day=period.start, last_day=period.end
    ):
        # Masked: a report leaves the office (a number a clerk typed into 地点 or 主题 stays in).
        subjects[mask_text(subject) or ""] += count  # "" for none: keys that survive JSON (stored figures)
        locations[mask_text(location) or ""] += count
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
            "top": [{"key": k, "count": c, "previous": before_counts.get(k, 0)} for k, c in list(now_counts.items())[:limit]],
            "growing": [
                {"key": k, "count": now_counts[k], "previous": before_counts.get(k, 0), "change": g}
                for k, g in growth[:limit]
                if g > 0
            ],
        }
    return out


def breach_list(register: Register, period: Period, scope: Scope, *, policy: Policy, now: datetime) -> Iterable[dict[str, Any]]:
    """Every deadline missed in the period (the breaches 超期次数 counts), by department and
    assignee."""
    asof = min(now, _instant(period.end + timedelta(days=1), policy))
    names = register.column_names("report_breaches")
    for values in register.each("report_breaches", _scope(scope), start=_instant(period.start, policy), until=asof):
        yield dict(zip(names, values))


def report(
    register: Register,
    period: Period,
    scope: Scope,
    *,
    policy: Policy,
    now: datetime,
    beside: Callable[[], AbstractContextManager[Register]] | None = None,
    kept: list[dict[str, Any]] | None = None,
    fresh: bool = False,
) -> dict[str, Any]:
    """The period's figures beside the previous period's and the same period a year
    before, and the hot spots.

    An ended period's figures come from the register's stored figures when they are still
    true (stored_figures); with `kept`, those computed afresh are added to it, for the
    caller to store (store_figures) once the report is out: the report itself only reads.
    `fresh` computes every period from the history, whatever is stored.

    With `beside` (another read-only transaction on the same register), the previous period
    is computed on it, in a second thread, while this one computes the current period:
    the database does each on its own core (1,000,000 complaints: 520 -> 300 ms). Its
    figures are kept only if both sessions read the same register, as the history chain's
    head shows (every change to a case appends to the chain); when another office wrote
    in between, the previous period is computed again here."""
    previous, year_before = period.previous(), period.year_before()
    basis = figures_basis(policy)
    stored = {
        which: None if fresh else stored_figures(register, which, scope, basis, policy)
        for which in (period, previous, year_before)
        if now >= _instant(which.end + timedelta(days=1), policy)
    }

    def side(on: Register, which: Period) -> tuple[dict[str, Any], tuple[dict[str, int], ...]]:
        found = stored.get(which)
        if found is not None:
            return found["figures"], tuple(found["counts"])
        ended = which in stored
        # Read before the figures: an entry written meanwhile is newer, so it is checked
        # when they are used.
        through = on.tuples("history_newest") if ended else []
        figures = period_figures(on, which, scope, policy=policy, now=now)
        counts = (figures["by"]["category"], *_subjects_and_locations(on, which, scope))
        if ended and kept is not None:
            kept.append(
                {
                    "key": _figures_key(which, scope),
                    "basis": basis,
                    "through": tuple(through[0]) if through else (0, None),
                    "figures": {"figures": figures, "counts": counts},
                }
            )
        return figures, counts

    if beside is None or stored.get(previous) is not None:
        (current, counts), (before, counts_before) = side(register, period), side(register, previous)
    else:
        from concurrent.futures import ThreadPoolExecutor

        def previous_side() -> tuple[Any, tuple[dict[str, Any], tuple[dict[str, int], ...]]]:
            with beside() as other:
                return _chain_head(other), side(other, previous)

        head = _chain_head(register)  # also fixes what this transaction reads (SQLite's snapshot)
        with ThreadPoolExecutor(max_workers=1) as pool:
            later = pool.submit(previous_side)
            current, counts = side(register, period)
            other_head, (before, counts_before) = later.result()
        if other_head != head:
            before, counts_before = side(register, previous)
    ago, _counts_ago = side(register, year_before)
    return {
        "scope": {
            "department": scope.department,
            "category": scope.category,
            "unit": scope.unit,
            **({"unit_label": next(u.label for u in policy.rules.units if u.key == scope.unit)} if scope.unit else {}),
        },
        **current,
        "units": unit_rows(register, period, scope, policy=policy, now=now),
        "previous": before,
        "year_before": ago,
        "hot_spots": hot_spots(counts, counts_before),
    }


def unit_rows(register: Register, period: Period, scope: Scope, *, policy: Policy, now: datetime) -> list[dict[str, Any]]:
    """One row per unit directly below the scope's unit (or per top unit), each counting its
    whole subtree: the store → 营运部 → 客服中心 roll-up (docs/kpi.md)."""
    rules = policy.rules
    children = rules.unit_children(scope.unit) if scope.unit else tuple(u for u in rules.units if not u.parent)
    rows = []
    for child in children:
        figures = period_figures(register, period, unit_scope(rules, child.key, scope), policy=policy, now=now)
        ind = figures["indicators"]
        rows.append(
            {
                "unit": child.key,
                "label": child.label,
                **figures["totals"],
                "resolution_on_time_rate": ind["resolution_on_time"]["all"]["rate"],
                "breaches": figures["breaches"]["total"],
                "satisfied_rate": ind["resolution_success"]["rate"],
            }
        )
    return rows


# The definition of the stored figures: raise it whenever a figure is computed differently,
# and every register recomputes its stored periods once.
FIGURES_VERSION = 3  # 2: hot spots masked; 3: declared milestones, corrective actions, ladder steps


def figures_basis(policy: Policy) -> str:
    """Everything an ended period's figures depend on besides the register, as canonical
    JSON: their definition, the office rules, the official calendar and the time zone.
    Kept whole beside the figures and compared whole (a digest would import OpenSSL's
    hashlib, ~4 ms of every report)."""
    from chinese_calendar import __version__ as official_calendar

    calendar = policy.calendar
    basis = {
        "figures": FIGURES_VERSION,
        "rules": policy.rules.raw,  # the office's own days off and working days included
        "tz": str(policy.tz),
        # The official schedule is the package's data: its version says which.
        "calendar": [official_calendar, calendar.first_year, calendar.last_year],
    }
    return json.dumps(basis, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _figures_key(period: Period, scope: Scope) -> dict[str, str]:
    return {
        "period": f"{period.start.isoformat()}~{period.end.isoformat()}",
        "scope": json.dumps([scope.department, scope.category, *([scope.unit] if scope.unit else [])], ensure_ascii=False),
    }


def stored_figures(register: Register, period: Period, scope: Scope, basis: str, policy: Policy) -> dict[str, Any] | None:
    """An ended period's stored figures, if they are still true: the history they were
    computed from is still there (the chain up to their newest entry ends in the same
    hash, which covers every entry before it), and no entry written since touches the
    period (is dated before its end, or belongs to a complaint received by then: every
    figure of a period is about such complaints or such entries)."""
    found = register.tuples("stored_figures_of", (), **_figures_key(period, scope))
    if not found:
        return None
    kept_basis, through, through_hash, text = found[0]
    if kept_basis != basis:
        return None
    if through and register.scalar("history_hash_of", id=through) != through_hash:
        return None
    touching = register.tuples(
        "history_touching_since",
        through=through,
        until=_instant(period.end + timedelta(days=1), policy),
        last_day=period.end,
    )
    if touching:
        return None
    return json.loads(text, object_hook=_from_json)  # type: ignore[no-any-return]


def store_figures(register: Register, kept: list[dict[str, Any]], now: datetime) -> int:
    """Store the figures a report computed for ended periods, replacing those kept for the
    same period and scope (one row each: rules since changed leave no litter); how many."""
    for item in kept:
        through, through_hash = item["through"]
        register.execute("stored_figures_delete", **item["key"])
        register.execute(
            "stored_figures_insert",
            **item["key"],
            basis=item["basis"],
            through_entry=through,
            through_hash=through_hash,
            figures=json.dumps(item["figures"], ensure_ascii=False, default=_to_json),
            computed_at=now,
        )
    return len(kept)


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$instant": value.isoformat()}
    raise TypeError(f"{type(value).__name__} is not stored in figures")


def _from_json(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and "$instant" in obj:
        return datetime.fromisoformat(obj["$instant"])
    return obj


def _chain_head(register: Register) -> Any:
    found = register.tuples("chain_head_now")
    return tuple(found[0]) if found else None


def trend(register: Register, months: Period, scope: Scope, *, policy: Policy, now: datetime) -> list[dict[str, Any]]:
    """Month by month over `months`, by the same definitions as the report (period_events):
    received (and per category), on-time rates, the first visits' satisfied share and the
    median handling time. Months not yet begun are left out; the running month is marked
    `complete: False` with its `as_of`."""
    from .periods import month_period, parse_month

    received: dict[str, dict[str, int]] = defaultdict(dict)
    year_before = months.year_before()
    for key, category, count in register.tuples(
        "report_received_by_month", _scope(scope), first_day=year_before.start, last_day=months.end
    ):
        received[key][category or ""] = count
    # 同比 only where the register has a year before: from its first month on (0 where none came).
    first_month = min(received, default=None)
    out = []
    for key in months.months():
        first = parse_month(key).start
        start_i = _instant(first, policy)
        if start_i > now:
            break
        end_i = _instant(month_period(first).end + timedelta(days=1), policy)
        asof = min(now, end_i)
        events = period_events(register, start_i, asof, scope, policy)
        per_category = received.get(key, {})
        ago = f"{int(key[:4]) - 1:04d}{key[4:]}"
        out.append(
            {
                "month": key,
                "complete": now >= end_i,
                "as_of": asof,
                "received": sum(per_category.values()),
                "received_year_before": (
                    sum(received.get(ago, {}).values()) if first_month is not None and ago >= first_month else None
                ),
                "by_category": dict(sorted(per_category.items(), key=lambda kv: (-kv[1], kv[0]))),
                "first_response_on_time_rate": events.rate_of(Milestone.FIRST_RESPONSE.value)["rate"],
                "resolution_on_time_rate": events.rate_of(Milestone.RESOLUTION.value)["rate"],
                "satisfied_rate": _rate(events.first_satisfied, events.first_visits) if events.first_visits else None,
                "handling_median": events.handling()["median"],
            }
        )
    return out


# ---------------------------------------------------------------- report as tables


def trend_table(points: list[dict[str, Any]]) -> Table:
    """The trend as one table: a running month is marked with *."""
    return Table(
        _("月度趋势 {first} ~ {last}").format(first=points[0]["month"], last=points[-1]["month"]) if points else _("月度趋势"),
        (_("月份"), _("受理"), _("去年同月"), _("初次响应按时率"), _("解决按时率"), _("满意率"), _("处理时长中位数 (工作日)")),
        [
            (
                p["month"] + ("" if p["complete"] else " *"),
                Figure(p["received"]),
                Figure(p["received_year_before"]),
                _pct(p["first_response_on_time_rate"]),
                _pct(p["resolution_on_time_rate"]),
                _pct(p["satisfied_rate"]),
                Figure(p["handling_median"], "days"),
            )
            for p in points
        ],
    )


# The dimensions reports count by, labelled by the registry.
LABELS = {name: fields.label(name) for name in ("category", "channel", "severity", "origin", "department", "status")}


def _key_label(dimension: str, key: str, policy: Policy) -> str:
    if not key:
        return _(NOT_GIVEN) if dimension != "department" else _(NOT_ASSIGNED)
    if dimension == "category":
        return policy.rules.category_label(key)
    kind = fields.CHOICES.get(dimension)
    if kind is not None:
        try:
            return _(kind.of(key).label)
        except ValueError:
            return key
    return key


# How each kind of figure reads: as text (terminal, CSV, Markdown) and as an Excel number format.
FIGURE_FORMATS = {
    "count": "#,##0",
    "days": "0.0",
    "percent": "0.0%",
    "money": "#,##0.00",
    "change": "+#,##0;-#,##0;0",
    "change_days": "+0.0;-0.0;0.0",
    "change_money": "+#,##0.00;-#,##0.00;0.00",
    "change_pt": '+0.0"pt";-0.0"pt";0.0"pt"',
}


class Figure(NamedTuple):
    """A figure of a report table: a number (or None: no figure) and the kind that says how
    it reads. Excel gets the number with FIGURE_FORMATS[kind]; everything else its text."""

    value: float | int | None
    kind: str = "count"

    def __str__(self) -> str:
        v = self.value
        if v is None:
            return "" if self.kind.startswith("change") else "—"
        if self.kind == "percent":
            return f"{v * 100:.1f}%"
        if self.kind == "money":
            return f"{v:.2f}"
        if self.kind == "change_pt":
            return f"{v:+.1f}pt"
        if self.kind == "change_money":
            return f"{v:+.2f}"
        if self.kind.startswith("change"):
            return f"{v:+.1f}" if isinstance(v, float) and not v.is_integer() else f"{int(v):+d}"
        return str(v)

    @property
    def number_format(self) -> str:
        return FIGURE_FORMATS[self.kind]


def _pct(value: float | None) -> Figure:
    return Figure(value, "percent")


def _change(now: float | int | None, before: float | int | None, unit: str = "count") -> Figure:
    """The difference now − before: percentage points for rates (stored as points)."""
    kind = {"percent": "change_pt", "money": "change_money", "days": "change_days"}.get(unit, "change")
    if now is None or before is None:
        return Figure(None, kind)
    diff = now - before
    if unit == "percent":
        return Figure(round(diff * 100, 10), kind)
    if unit == "money":
        return Figure(round(diff, 2), kind)
    return Figure(diff, kind)


class Table(NamedTuple):
    """One table of a report: what the terminal, CSV, Markdown and Excel all show."""

    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def status_line(data: dict[str, Any], tz: Any) -> str:
    """Which figures these are: a running period "as of" its instant, an ended one as
    final, or revised by entries dated into it after it ended (docs/kpi.md)."""
    label = data["period"]["label"]
    if not data.get("complete", True):
        return _("{label}: as of {at} (the period is still running)").format(
            label=label, at=f"{data['as_of'].astimezone(tz):%Y-%m-%d %H:%M}"
        )
    revised = data.get("revised")
    if revised:
        return _("{label}: revised {day} by {count} late entries").format(
            label=label, day=f"{revised['last_recorded_at'].astimezone(tz):%Y-%m-%d}", count=revised["late_entries"]
        )
    return _("{label}: final as of the period's end").format(label=label)


def report_tables(data: dict[str, Any], policy: Policy) -> list[Table]:
    """The report as titled tables, each figure beside the previous period's (环比) and the
    same period a year before (同比)."""
    prev = data["previous"]
    ago = data.get("year_before", prev)
    period, before, year_ago = data["period"]["label"], prev["period"]["label"], ago["period"]["label"]
    head = ("", period, before, _("环比"), year_ago, _("同比"))
    tables: list[Table] = []

    def row(name: str, now: Any, then: Any, last_year: Any, percent: bool = False, unit: str = "count") -> tuple[Any, ...]:
        unit = "percent" if percent else unit
        return (
            name,
            Figure(now, unit),
            Figure(then, unit),
            _change(now, then, unit),
            Figure(last_year, unit),
            _change(now, last_year, unit),
        )

    totals = [
        (_("受理"), "received"),
        (_("解决"), "resolved"),
        (_("结案"), "closed"),
        (_("期末未结"), "open_at_end"),
    ]
    tables.append(
        Table(
            _("投诉总量"), head, [row(name, data["totals"][key], prev["totals"][key], ago["totals"][key]) for name, key in totals]
        )
    )

    if data.get("units"):
        tables.append(
            Table(
                _("按单位"),
                (_("单位"), _("受理"), _("解决"), _("结案"), _("期末未结"), _("解决按时率"), _("超期次数"), _("处理成功率")),
                [
                    (
                        u["label"],
                        Figure(u["received"]),
                        Figure(u["resolved"]),
                        Figure(u["closed"]),
                        Figure(u["open_at_end"]),
                        _pct(u["resolution_on_time_rate"]),
                        Figure(u["breaches"]),
                        _pct(u["satisfied_rate"]),
                    )
                    for u in data["units"]
                ],
            )
        )

    ind, pind, aind = data["indicators"], prev["indicators"], ago["indicators"]

    def rate(*path: str) -> tuple[Any, Any, Any]:
        def get(i: dict[str, Any]) -> Any:
            for key in path:
                i = i[key]
            return i

        return get(ind), get(pind), get(aind)

    rows: list[tuple[Any, ...]] = []
    for name, key in (
        (_("初次响应按时率"), "first_response_on_time"),
        (_("结果反馈按时率"), "feedback_on_time"),
        (_("回访按时率"), "followup_on_time"),
    ):
        rows.append(row(name, *rate(key, "rate"), percent=True))
        if key == "first_response_on_time":
            rows.append(row(_("解决按时率"), *rate("resolution_on_time", "all", "rate"), percent=True))
            for level in Severity:
                rows.append(
                    row(
                        "  " + _("解决按时率 · {level}").format(level=_(level.label)),
                        *rate("resolution_on_time", level.value, "rate"),
                        percent=True,
                    )
                )
    for name, key in ((_("处理时长中位数 (工作日)"), "median"), (_("处理时长 P90 (工作日)"), "p90")):
        rows.append(row(name, *rate("handling_working_days", key), unit="days"))
    rows.append(row(_("处理成功率 (首次回访 A–C)"), *rate("resolution_success", "rate"), percent=True))
    rows.append(row(_("重复投诉率"), *rate("repeat_complaints", "rate"), percent=True))
    rows.append(row(_("重新处理率 (D 重开/回访)"), *rate("reopen", "rate"), percent=True))
    rows.append(row(_("赔偿总额 (元)"), *rate("compensation", "total"), unit="money"))
    rows.append(row(_("超期次数"), data["breaches"]["total"], prev["breaches"]["total"], ago["breaches"]["total"]))
    if policy.rules.milestone("corrective_action") and policy.rules.milestone("corrective_action").duration:  # type: ignore[union-attr]
        rows.append(row(_("纠正预防措施按时率"), *rate("corrective_action_on_time", "rate"), percent=True))
        rows.append(row(_("纠正预防措施 逾期或缺失"), *rate("corrective_actions", "late_or_missing")))
        if policy.rules.milestone("action_review"):
            rows.append(row(_("纠正预防措施 按时审核"), *rate("corrective_actions", "reviewed_on_time")))
    for key in ind.get("milestones_on_time", {}):
        if key in pind.get("milestones_on_time", {}) and key in aind.get("milestones_on_time", {}):
            rows.append(
                row(
                    _("{label}按时率").format(label=policy.rules.milestone_label(key)),
                    *rate("milestones_on_time", key, "rate"),
                    percent=True,
                )
            )
    if ind.get("ladder_steps_fired"):
        rows.append(row(_("升级提醒次数"), *rate("ladder_steps_fired")))
    tables.append(Table(_("考核指标"), head, rows))

    sat_head = ("", period, before, _("环比"))
    for title, key in ((_("满意度 · 首次回访"), "satisfaction"), (_("满意度 · 最终回访"), "satisfaction_final")):
        tables.append(
            Table(
                title,
                sat_head,
                [
                    (
                        f"{level.value} {_(level.label)}",
                        Figure(ind[key][level.value]),
                        Figure(pind[key][level.value]),
                        _change(ind[key][level.value], pind[key][level.value]),
                    )
                    for level in Satisfaction
                ],
            )
        )
    if data.get("alerts"):
        tables.append(
            Table(
                _("负荷预警"),
                (_("对象"), _("名称"), _("件数"), _("窗口"), _("时间")),
                [
                    (
                        _("部门") if a["kind"] == "department" else _("处理人"),
                        a["subject"],
                        a["count"],
                        Duration.parse(a["window"]).label if a["window"] else "",
                        f"{a['at'].astimezone(policy.tz):%Y-%m-%d %H:%M}",
                    )
                    for a in data["alerts"]
                ],
            )
        )
    for dimension, counts in data["by"].items():
        before_counts = prev["by"][dimension]
        keys = list(counts) + [k for k in before_counts if k not in counts]
        tables.append(
            Table(
                _("按{field}").format(field=_(LABELS[dimension])),
                (_(LABELS[dimension]), period, before, _("变化")),
                [
                    (
                        _key_label(dimension, k, policy),
                        Figure(counts.get(k, 0)),
                        Figure(before_counts.get(k, 0)),
                        _change(counts.get(k, 0), before_counts.get(k, 0)),
                    )
                    for k in keys
                ],
            )
        )

    kinds = ind["compensation"]["by_kind"]
    if kinds:
        from .domain import CompensationKind

        tables.append(
            Table(
                _("赔偿方式"),
                (_("方式"), _("金额 (元)")),
                [
                    (
                        _(CompensationKind.of(k).label) if k in CompensationKind._value2member_map_ else k,
                        Figure(v, "money"),
                    )
                    for k, v in kinds.items()
                ],
            )
        )

    departments = ind["resolution_on_time_by_department"]
    if departments:
        tables.append(
            Table(
                _("各部门解决按时率"),
                (_("责任部门"), _("按时"), _("超期"), _("按时率")),
                [
                    (d or _(NOT_ASSIGNED), Figure(c["on_time"]), Figure(c["late"]), _pct(c["rate"]))
                    for d, c in departments.items()
                ],
            )
        )

    if data["breaches"]["by_assignee"]:
        milestones = [m.value for m in Milestone]
        tables.append(
            Table(
                _("超期责任 (责任追究)"),
                (_("责任部门"), _("处理责任人"), *[_(m.label) for m in Milestone], _("合计")),
                [
                    (
                        row["department"] or _(NOT_ASSIGNED),
                        row["assignee"] or _(NOT_ASSIGNED),
                        *[row.get(m, 0) for m in milestones],
                        sum(row.get(m, 0) for m in milestones),
                    )
                    for row in data["breaches"]["by_assignee"]
                ],
            )
        )

    spots = data["hot_spots"]
    for name, heading in ((n, _(fields.label(n))) for n in ("category", "subject", "location")):
        top = spots[name]["top"]
        if top:
            tables.append(
                Table(
                    _("投诉热点 · {field}").format(field=heading),
                    (heading, period, before),
                    [
                        (_key_label("category", t["key"], policy) if name == "category" else t["key"], t["count"], t["previous"])
                        for t in top
                    ],
                )
            )
        growing = spots[name]["growing"]
        if growing:
            tables.append(
                Table(
                    _("增长最快 · {field}").format(field=heading),
                    (heading, period, before, _("变化")),
                    [
                        (
                            _key_label("category", g["key"], policy) if name == "category" else g["key"],
                            Figure(g["count"]),
                            Figure(g["previous"]),
                            Figure(g["change"], "change"),
                        )
                        for g in growing
                    ],
                )
            )
    return tables
