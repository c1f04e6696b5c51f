"""THE POLICY: category, severity, urgency, priority, deadlines and milestone states.

Pure: text, times and the rules in force go in; a decision and the terms that made it
come out (Taskwarrior's `info` is the model: every number explains itself).
`now` is always a parameter; nothing here reads the clock or the register.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Any, NamedTuple

from .domain import Duration, Origin, Severity, Urgency
from .i18n import N_, NN_, _
from .procedures import MilestoneRule
from .reasons import joined, term
from .reasons import label as label_of
from .ruleset import Rules
from .workdays import WorkCalendar


class Policy(NamedTuple):
    """The rules in force, the working-day calendar and the office time zone."""

    rules: Rules
    calendar: WorkCalendar
    tz: tzinfo


class Decision(NamedTuple):
    """A decided value and the terms that fired, in the order they were weighed."""

    value: str
    terms: tuple[str, ...]


class RepeatCounts(NamedTuple):
    """How many complaints (this one included) fall in each repeat rule's window."""

    customer: int = 0
    person: int = 0  # about the person involved named most often (涉及人员)
    person_name: str = ""


# The declared field naming the people complained about (seed 002 §3.1.2(d)).
# A time typed for an event may run this far ahead of the clock (clocks drift).
FUTURE_TOLERANCE = timedelta(minutes=5)

PEOPLE_FIELD = "people_involved"
_PEOPLE_SPLIT = re.compile(r"[、,，;；/\s]+")


def people(text: str | None) -> tuple[str, ...]:
    """The names in a 涉及人员 value: "王五、李四" → ("王五", "李四")."""
    return tuple(dict.fromkeys(name for name in _PEOPLE_SPLIT.split(text or "") if name))


class LoadAlert(NamedTuple):
    """A department or person that drew `count` complaints within the alert's window."""

    kind: str  # department | assignee
    subject: str
    count: int  # type: ignore[assignment]  # shadows tuple.count, never called on these
    window: str


class Due(NamedTuple):
    """When a milestone is due, whether the calendar could only guess, and why."""

    due_at: datetime
    provisional: bool
    rule: str
    explanation: str


# ---------------------------------------------------------------- classification


def _fold(text: str) -> str:
    """Text as keywords are matched in it: full-width forms folded (１２３１５ → 12315), any case."""
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=4096)
def _pattern(word: str) -> re.Pattern[str]:
    """A keyword as a pattern. Chinese words match anywhere; a run of Latin letters or
    digits at either end of the keyword must not continue in the text, so 12345 fires in
    "打了12345投诉" but not inside the phone number 13812345678, nor "app" inside "happy"."""
    folded = _fold(word)
    before = r"(?<![0-9a-z])" if folded[:1].isascii() and folded[:1].isalnum() else ""
    after = r"(?![0-9a-z])" if folded[-1:].isascii() and folded[-1:].isalnum() else ""
    return re.compile(before + re.escape(folded) + after)


def keyword_hits(text: str, keywords: tuple[str, ...]) -> list[str]:
    """The keywords that occur in `text` as words (see `_pattern`), in the rules' order."""
    folded = _fold(text)
    return [word for word in dict.fromkeys(keywords) if _pattern(word).search(folded)]


def suggest_category(text: str, rules: Rules) -> Decision:
    """The category with the most distinct keywords in the text; a tie goes to the one whose
    matched keywords are longest in total (电梯困人 says more than 电梯), then to the one
    listed first in the rules. The default when no keyword occurs. The terms give every
    candidate's score."""
    scores: dict[str, tuple[int, int]] = {}
    hits: dict[str, list[str]] = {}
    for category in rules.categories:
        found = keyword_hits(text, category.keywords)
        if found:
            scores[category.code] = (len(found), sum(len(word) for word in found))
            hits[category.code] = found
    if not scores:
        label = rules.category_label(rules.default_category)
        return Decision(rules.default_category, (term(N_("no category keyword in the text → default {label}"), label=label),))
    order = {c.code: i for i, c in enumerate(rules.categories)}
    ranked = sorted(scores, key=lambda code: (-scores[code][0], -scores[code][1], order[code]))
    best = ranked[0]
    terms = [term(N_("keywords {words} → {label}"), words=", ".join(hits[best]), label=rules.category_label(best))]
    candidates = [
        term(
            NN_(
                "{label} {count} keyword, {length} characters ({words})",
                "{label} {count} keywords, {length} characters ({words})",
            ),
            label=rules.category_label(code),
            count=scores[code][0],
            length=scores[code][1],
            words=", ".join(hits[code]),
        )
        for code in ranked
    ]
    terms.append(term(N_("candidates: {candidates}"), candidates=joined(*candidates)))
    if len(ranked) > 1 and scores[ranked[1]][0] == scores[best][0]:
        why = N_("longer keywords") if scores[ranked[1]][1] < scores[best][1] else N_("listed first in the rules")
        terms.append(
            term(N_("tie on keyword count with {label}: {why}"), label=rules.category_label(ranked[1]), why=label_of(why))
        )
    return Decision(best, tuple(terms))


def severity_for(*, category: str | None, text: str, origin: str, repeats: RepeatCounts, rules: Rules) -> Decision:
    """Severity from the category, the text's signals, the origin and repeat complaints:
    the highest level any term raises it to."""
    level = Severity.GENERAL
    terms: list[str] = []

    def raise_to(target: Severity, why: str) -> None:
        nonlocal level
        terms.append(term(N_("{why} → {level}"), why=why, level=label_of(target.label)))
        if target.rank > level.rank:
            level = target

    rule = rules.category(category)
    if rule is not None and rule.severity != Severity.GENERAL:
        raise_to(rule.severity, term(N_("category {label}"), label=rule.label))
    for signal in rules.signals:
        found = keyword_hits(text, signal.keywords)
        if found:
            raise_to(signal.raise_to, term(N_("{label}: {words}"), label=signal.label, words=", ".join(found)))
    if origin == Origin.MASS.value:
        raise_to(rules.mass_incident, label_of(N_("集中性投诉")))
    repeat = rules.repeat.get("customer")
    if repeat is not None and repeats.customer >= repeat.count:
        raise_to(
            repeat.raise_to,
            term(
                N_("repeat: {count} complaints from this customer within {window}"),
                count=repeats.customer,
                window=repeat.window.term,
            ),
        )
    person = rules.repeat.get("person")
    if person is not None and repeats.person >= person.count:
        raise_to(
            person.raise_to,
            term(
                N_("repeat: {count} complaints about {name} within {window}"),
                count=repeats.person,
                name=repeats.person_name,
                window=person.window.term,
            ),
        )
    if not terms:
        terms.append(term(N_("no signal, routine, no repeat → {level}"), level=label_of(Severity.GENERAL.label)))
    return Decision(level.value, tuple(terms))


def urgency_for(text: str, rules: Rules) -> Decision:
    """Urgent when the text has an urgent word or an urgent signal (media, safety…)."""
    terms = []
    found = keyword_hits(text, rules.urgent_keywords)
    if found:
        terms.append(term(N_("urgent words: {words}"), words=", ".join(found)))
    for signal in rules.signals:
        if signal.urgent:
            hits = keyword_hits(text, signal.keywords)
            if hits:
                terms.append(term(N_("{label} is urgent: {words}"), label=signal.label, words=", ".join(hits)))
    if terms:
        return Decision(Urgency.URGENT.value, tuple(terms))
    return Decision(Urgency.NORMAL.value, (label_of(N_("no urgent word or signal")),))


def priority_for(severity: str, urgency: str, rules: Rules) -> Decision:
    """Priority from the matrix of severity × urgency."""
    level, pace = Severity.of(severity), Urgency.of(urgency)
    priority = rules.matrix[(level, pace)]
    return Decision(
        priority.value,
        (
            term(
                N_("{severity} × {urgency} → {priority}"),
                severity=label_of(level.label),
                urgency=label_of(pace.label),
                priority=label_of(priority.label),
            ),
        ),
    )


def load_alert(kind: str, subject: str | None, count: int, rules: Rules) -> LoadAlert | None:
    """An alert when a department or person has drawn `count` complaints (this one
    included) within the alert's window, reaching its threshold."""
    rule = rules.alerts.get(kind)
    if rule is None or not subject or count < rule.count:
        return None
    return LoadAlert(kind, subject, count, str(rule.window))


def window_start(at: datetime, window: Duration, *, calendar: WorkCalendar, tz: tzinfo) -> datetime:
    """Where a look-back window of this length, ending at `at`, begins: N working days back
    start at the beginning of the N-th working day before `at`'s day."""
    if window.unit == "wd":
        day, _skipped = calendar.nth_working_day_before(at.astimezone(tz).date(), window.amount)
        return datetime.combine(day, time(0), tzinfo=tz)
    span = {"d": timedelta(days=window.amount), "h": timedelta(hours=window.amount), "min": timedelta(minutes=window.amount)}[
        window.unit
    ]
    return at - span


# ---------------------------------------------------------------- deadlines


def duration_for(milestone: MilestoneRule, category: str | None, severity: str | None) -> tuple[Duration | None, str]:
    """A milestone's service level for a case: by category and severity, else by category,
    else by severity, else its default; and which of these it was."""
    level = severity or Severity.GENERAL.value
    for key in (f"{category}/{level}", category or "", level):
        if key in milestone.durations:
            return milestone.durations[key], key
    return milestone.duration, ""


def applies(milestone: MilestoneRule, *, category: str | None, severity: str | None, text: str, rules: Rules) -> bool:
    """Whether a milestone applies to a case: always, unless it names categories,
    severities or signals, of which the case must match one of each named kind."""
    if milestone.categories and category not in milestone.categories:
        return False
    if milestone.severities and (severity or Severity.GENERAL.value) not in milestone.severities:
        return False
    if milestone.signals:
        wanted = [s for s in rules.signals if s.code in milestone.signals]
        if not any(keyword_hits(text, s.keywords) for s in wanted):
            return False
    return True


def start_clock(key: str, start: datetime, category: str | None, severity: str | None, policy: Policy) -> Due | None:
    """When a milestone started at `start` is due for a case of this category and severity;
    None when the rules do not track it. The one way a clock starts."""
    milestone = policy.rules.milestone(key)
    if milestone is None:
        return None
    duration, _by = duration_for(milestone, category, severity)
    if duration is None:
        return None
    if milestone.clock == "office" and duration.unit in ("h", "min") and policy.rules.office_hours:
        return _office_time_due(start, duration, policy)
    return deadline_for(start, duration, calendar=policy.calendar, tz=policy.tz, rules=policy.rules)


def _office_time_due(start: datetime, duration: Duration, policy: Policy) -> Due:
    """Hours or minutes counted only within office hours on working days."""
    assert policy.rules.office_hours is not None
    opens, closes = policy.rules.office_hours
    left = timedelta(hours=duration.amount) if duration.unit == "h" else timedelta(minutes=duration.amount)
    moment = start.astimezone(policy.tz)
    for _day in range(800):
        day = moment.date()
        if policy.calendar.is_working_day(day):
            begin = max(moment, datetime.combine(day, opens, tzinfo=policy.tz))
            end = datetime.combine(day, closes, tzinfo=policy.tz)
            if begin < end:
                if begin + left <= end:
                    due = begin + left
                    break
                left -= end - begin
        moment = datetime.combine(day + timedelta(days=1), time(0), tzinfo=policy.tz)
    else:  # pragma: no cover - office hours of zero length are refused by the rules
        due = moment
    return Due(
        due,
        False,
        str(duration),
        term(
            N_("{duration} of office hours from {start}"),
            duration=duration.term,
            start=f"{start.astimezone(policy.tz):%Y-%m-%d %H:%M}",
        ),
    )


def ladder_due(milestone: MilestoneRule, started_at: datetime, policy: Policy) -> list[datetime]:
    """When each step of the milestone's escalation ladder is due, in the ladder's order."""
    return [
        due_at(
            started_at.astimezone(policy.tz), step.after, calendar=policy.calendar, tz=policy.tz, day_end=policy.rules.day_end
        )[0]
        for step in milestone.ladder
    ]


def deadline_for(start: datetime, duration: Duration, *, calendar: WorkCalendar, tz: tzinfo, rules: Rules) -> Due:
    """When a milestone started at `start` with this service level is due.

    N working days end at the end of the N-th working day after the day of `start`
    (that day never counts, whatever the hour); N calendar days at the end of the N-th
    day after it; hours and minutes run from the moment itself.
    """
    local = start.astimezone(tz)
    if duration.unit in ("h", "min"):
        due, _provisional = due_at(local, duration, calendar=calendar, tz=tz, day_end=rules.day_end)
        return Due(
            due,
            False,
            str(duration),
            term(N_("{duration} from {start}"), duration=duration.term, start=f"{local:%Y-%m-%d %H:%M}"),
        )
    # Day units depend on the day of `start` only: an import of 100,000 rows asks for the
    # same few thousand days again and again.
    return _due_after_day(local.date(), duration, calendar, tz, rules.day_end)


def due_at(local: datetime, duration: Duration, *, calendar: WorkCalendar, tz: tzinfo, day_end: time) -> tuple[datetime, bool]:
    """The instant a duration started at `local` (office time) runs out, and whether it is
    provisional (it crossed a year the official calendar does not know): the one place the
    units are counted. Hours and minutes run from the moment; N calendar days end at the
    end of the N-th day after its day, N working days at the end of the N-th working day
    after it (that day never counts, whatever the hour)."""
    if duration.unit in ("h", "min"):
        delta = timedelta(hours=duration.amount) if duration.unit == "h" else timedelta(minutes=duration.amount)
        return local + delta, False
    if duration.unit == "d":
        return datetime.combine(local.date() + timedelta(days=duration.amount), day_end, tzinfo=tz), False
    day, provisional = calendar.nth_working_day_after(local.date(), duration.amount)
    return datetime.combine(day, day_end, tzinfo=tz), provisional


@lru_cache(maxsize=4096)
def _due_after_day(start_day: date, duration: Duration, calendar: WorkCalendar, tz: tzinfo, day_end: time) -> Due:
    local = datetime.combine(start_day, time(0), tzinfo=tz)
    due, provisional = due_at(local, duration, calendar=calendar, tz=tz, day_end=day_end)
    day = due.date()
    if duration.unit == "d":
        return Due(
            due,
            False,
            str(duration),
            term(
                N_("{duration} (non-working days included) after {start} → end of {end}"),
                duration=duration.term,
                start=f"{local:%Y-%m-%d}",
                end=f"{day:%Y-%m-%d}",
            ),
        )
    skipped = _skipped(calendar, local.date(), day)
    parts = [
        term(
            N_("{duration} after {start} (that day not counted) → end of {end}"),
            duration=duration.term,
            start=f"{local:%Y-%m-%d}",
            end=f"{day:%Y-%m-%d}",
        )
    ]
    if skipped:
        parts.append(term(N_("skipped {days}"), days=skipped))
    made_up = [d for d in _days(local.date(), day) if calendar.is_working_day(d) and d.weekday() >= 5]
    if made_up:
        parts.append(term(N_("counted make-up working days {days}"), days=", ".join(f"{d:%m-%d}" for d in made_up)))
    if provisional:
        unknown = sorted({d.year for d in _days(local.date(), day) if not calendar.is_known(d)})
        parts.append(
            term(
                N_("PROVISIONAL: the official calendar does not know {years} yet, counted on weekends only"),
                years=", ".join(map(str, unknown)),
            )
        )
    return Due(due, provisional, str(duration), joined(*parts))


def _days(start: date, end: date) -> Iterator[date]:
    current = start
    while current < end:
        current += timedelta(days=1)
        yield current


def _skipped(calendar: WorkCalendar, start, end) -> str:  # type: ignore[no-untyped-def]
    reasons: Counter[str] = Counter()
    for day in _days(start, end):
        if not calendar.is_working_day(day):
            reasons[calendar.describe(day)] += 1
    if not reasons:
        return ""
    return joined(*(term(N_("{why} ×{count}"), why=why, count=n) for why, n in reasons.items()))


def due_soon_until(
    now: datetime, *, calendar: WorkCalendar, tz: tzinfo, rules: Rules, within: Duration | None = None
) -> datetime:
    """Deadlines up to this instant count as due soon."""
    local = now.astimezone(tz)
    return due_at(local, within or rules.due_soon, calendar=calendar, tz=tz, day_end=rules.day_end)[0]


def milestone_state(
    *,
    due_at: datetime | None,
    met_at: datetime | None,
    state: str,
    paused: bool,
    now: datetime,
    soon_until: datetime,
    missed_at: datetime | None = None,
) -> str:
    """pending, due_soon, overdue, met, met_late, missed, paused or void. A milestone missed
    once (a late extension) stays late when met: met_late."""
    if state == "void":
        return "void"
    if state == "missed":
        return "missed"
    if met_at is not None:
        return "met_late" if missed_at is not None or (due_at is not None and met_at > due_at) else "met"
    if paused:
        return "paused"
    if due_at is None:
        return "pending"
    if due_at < now:
        return "overdue"
    if due_at <= soon_until:
        return "due_soon"
    return "pending"


def lateness(due_at: datetime, now: datetime, *, calendar: WorkCalendar, tz: tzinfo) -> tuple[int, float, str]:
    """How late: working days past the due day, hours past the due moment, and a phrase."""
    hours = (now - due_at).total_seconds() / 3600
    working = calendar.working_days_between(due_at.astimezone(tz).date(), now.astimezone(tz).date())
    if working >= 1 and hours >= 24:
        return working, hours, term(NN_("{count} working day late", "{count} working days late"), count=working)
    if hours >= 1:
        return 0, hours, term(N_("{count} h late"), count=int(hours))
    return 0, hours, term(N_("{count} min late"), count=max(int(hours * 60), 1))


def resume_shift(
    due_at: datetime, paused_from: datetime, resumed_at: datetime, *, calendar: WorkCalendar, tz: tzinfo
) -> tuple[datetime, str]:
    """The deadline moved by the working time spent waiting on the customer."""
    seconds = calendar.working_seconds_between(paused_from, resumed_at, tz)
    moved = calendar.add_working_seconds(due_at, seconds, tz)
    return (
        moved,
        term(
            N_("waited {days} working days ({start} – {end})"),
            days=f"{seconds / 86400:.2f}",
            start=f"{paused_from.astimezone(tz):%m-%d %H:%M}",
            end=f"{resumed_at.astimezone(tz):%m-%d %H:%M}",
        ),
    )


ACTION_NAMES = {
    "resolve_final": "resolve --final (分管领导's final decision)",
    "export_unmasked": "export --unmasked",
    "forget": "forget",
    "extend_late": "extend --late",
    "close": "close",
    "lower_severity": "lowering a severity",
    "restore": "restore",
    "rules_install": "rules install",
}


def refusal(rules: Rules, login: str, action: str) -> str | None:
    """Why `login` may not take `action` under the office's people and roles; None when
    they may. An office that declares no people runs without roles (one desk, one person)."""
    if not rules.people:
        return None
    person = rules.person(login)
    allowed = rules.permissions.get(action, ())
    if person is None:
        return _(
            "{action} is refused: your login {login!r} is not among the office's people; a manager adds you under [people.{login}] in the office rules"
        ).format(action=ACTION_NAMES[action], login=login)
    if set(person.roles) & set(allowed):
        return None
    return _("{action} needs the role {allowed}; {name} ({login}) has {roles}").format(
        action=ACTION_NAMES[action],
        allowed=" or ".join(allowed) or _("(no role may)"),
        name=person.name,
        login=login,
        roles=", ".join(person.roles) or _("no role"),
    )


class ReportReminder(NamedTuple):
    """A report a unit still owes (seed 002 统计分析制度): its monthly report of last month,
    or, in a quarter's first month, a store's written analysis of the last quarter."""

    unit: str
    label: str
    kind: str  # monthly | analysis
    period: str  # 2026-10 | 2026Q3
    due: date


def report_reminders(
    units: Iterable[Any], report_due: dict[str, int], analysis_due: int, today: date, submitted: set[tuple[str, str, str]]
) -> list[ReportReminder]:
    """What each unit still owes as of `today`, through the month after the period: the
    levels in `report_due` their monthly report by that day, the stores their quarterly
    analysis by day `analysis_due` of the quarter's first month; `submitted` holds
    (unit, kind, period) already sent."""
    first = today.replace(day=1)
    last_month = first - timedelta(days=1)
    month = f"{last_month:%Y-%m}"
    out = []
    for unit in units:
        day = report_due.get(unit.level)
        if day and (unit.key, "monthly", month) not in submitted:
            out.append(ReportReminder(unit.key, unit.label, "monthly", month, first.replace(day=day)))
    if today.month in (1, 4, 7, 10):
        quarter = f"{last_month.year}Q{(last_month.month - 1) // 3 + 1}"
        for unit in units:
            if unit.level == "store" and (unit.key, "analysis", quarter) not in submitted:
                out.append(ReportReminder(unit.key, unit.label, "analysis", quarter, first.replace(day=analysis_due)))
    return sorted(out, key=lambda r: (r.due, r.kind, r.unit))
