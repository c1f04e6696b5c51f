"""The office's procedures as data: its milestones (what starts and stops each clock, how
long it runs, which cases it applies to, who is told as it runs), its named steps, its
escalation levels and who hears of what.

The five milestones every office had before are the built-in declaration, read from
`[deadlines]`; `[milestones.KEY]` changes one of them or adds another. Pure: merged rules
data in, typed declarations or problems (one line each, naming key and fix) out.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .domain import Duration, Severity
from .i18n import N_, _

# The events a clock may start or stop on (a closed list). `contacted` may name who made
# the contact: contacted:receiver (the first-contact owner), contacted:department.
EVENTS = (
    "received",
    "assigned",
    "reassigned",
    "contacted",
    "contacted:receiver",
    "contacted:department",
    "resolved",
    "reopened",
    "escalated",
    "followed_up",
    "closed",
)
# Steps every office may record; [steps.KEY] declares others (a written report, a
# verification, the department's reply to the front desk).
BUILTIN_STEPS = {
    "action": N_("纠正预防措施"),
    "action_approved": N_("纠正预防措施审核"),
    "plan": N_("处理方案"),
    "plan_approved": N_("处理方案审批"),
    "agreed": N_("客户同意方案"),
    "report": N_("书面处理报告"),
    "report_back": N_("回复首问人"),
}
BUILTIN_MILESTONES = ("first_response", "resolution", "feedback", "followup", "corrective_action", "action_review")
# Who a notification may go to beside the office's people, roles and departments: the
# case's own receiver (首问负责人), assignee and department.
CASE_TARGETS = ("receiver", "assignee", "department")

MILESTONE_SHAPE: dict[str, Any] = {
    "label": "",
    "start": [],
    "stop": [],
    "duration": "",
    "durations": {},
    "clock": "all",
    "categories": [],
    "severities": [],
    "signals": [],
    "escalation": [],
}
STEP_SHAPE: dict[str, Any] = {"label": "", "parts": []}
ROLE_SHAPE: dict[str, Any] = {"label": "", "reach": []}


# The labels of the milestones and steps of the rules built last, for the places that show
# a stored key with no rules at hand (a history's changes, a workbook's breaches).
LABELS: dict[str, str] = {}


def label_of(key: str) -> str:
    """A milestone's or step's label: the built-in ones translated, an office's as declared."""
    from .domain import Milestone

    try:
        return _(Milestone.of(key).label)
    except ValueError:
        pass
    if key == "action_review" and LABELS.get(key, "纠正预防措施审核") == "纠正预防措施审核":
        return _("纠正预防措施审核")
    if key in BUILTIN_STEPS and LABELS.get(key, BUILTIN_STEPS[key]) == BUILTIN_STEPS[key]:
        return _(BUILTIN_STEPS[key])
    return LABELS.get(key, key)


class LadderStep(NamedTuple):
    """Tell `notify` when the milestone has run `after` without being met."""

    after: Duration
    notify: tuple[str, ...]


class MilestoneRule(NamedTuple):
    """A clock of the office's procedure."""

    key: str
    label: str
    start: tuple[str, ...]
    stop: tuple[str, ...]
    duration: Duration | None  # None: not tracked unless `durations` gives one
    durations: dict[str, Duration]  # by "category/severity", category or severity
    clock: str  # all (round the clock) | office (office hours of working days)
    categories: tuple[str, ...]
    severities: tuple[str, ...]
    signals: tuple[str, ...]
    ladder: tuple[LadderStep, ...]

    @property
    def conditional(self) -> bool:
        return bool(self.categories or self.severities or self.signals)


class Procedures(NamedTuple):
    milestones: tuple[MilestoneRule, ...]
    steps: dict[str, str]  # key → label
    step_parts: dict[str, tuple[str, ...]]  # the parts a step's written text must have
    escalation_levels: tuple[str, ...]
    roles: dict[str, tuple[str, tuple[str, ...]]]  # key → (label, reach)
    notify: dict[str, tuple[str, ...]]  # breach | alert | daily | receiver → targets
    action_review: bool
    action_approver: tuple[str, ...]
    plan_approver: tuple[str, ...]
    followup_methods: tuple[str, ...]
    notify_failures: int


PROCEDURE_DEFAULTS: dict[str, Any] = {
    "milestones": {},
    "steps": {},
    "roles": {},
    "escalation": {"levels": ["分管领导"]},
    "notify": {"breach": [], "alert": [], "daily": [], "receiver": [], "failures": 3},
    "action": {"review": False, "review_within": "3wd", "approver": ["leader", "manager"], "start": "assigned"},
    "plan": {"approver": ["leader", "manager"]},
    "followup": {"methods": ["电话", "网上", "现场", "第三方"]},
}


def builtin_milestones(deadlines: dict[str, Any], action: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Today's five milestones as declarations, their durations from `[deadlines]`; with
    `[action] review = true`, the review of the corrective action too."""
    resolution = deadlines.get("resolution") or {}
    action_start = str(action.get("start", "assigned"))
    review = (
        {
            "action_review": {
                "label": "纠正预防措施审核",
                "start": ["step:action"],
                "stop": ["step:action_approved"],
                "duration": action.get("review_within", "3wd"),
            }
        }
        if action.get("review") is True
        else {}
    )
    return {
        "first_response": {
            "label": "初次响应",
            "start": ["received"],
            "stop": ["contacted"],
            "duration": deadlines.get("first_response", ""),
        },
        "resolution": {
            "label": "解决",
            "start": ["received", "reopened", "escalated"],
            "stop": ["resolved"],
            "duration": "",
            "durations": dict(resolution) if isinstance(resolution, dict) else {},
        },
        "feedback": {
            "label": "结果反馈",
            "start": ["resolved"],
            "stop": ["contacted"],
            "duration": deadlines.get("feedback", ""),
        },
        "followup": {"label": "回访", "start": ["resolved"], "stop": ["followed_up"], "duration": deadlines.get("followup", "")},
        "corrective_action": {
            "label": "纠正预防措施",
            "start": [action_start],
            "stop": ["step:action"],
            "duration": deadlines.get("corrective_action", ""),
        },
        **review,
    }


def build_procedures(data: dict[str, Any], *, fail: Any, categories: set[str], signals: set[str], people: Any) -> Procedures:
    """The office's procedures from merged rules data; every problem goes to `fail(key, text)`."""
    steps = dict(BUILTIN_STEPS)
    step_parts: dict[str, tuple[str, ...]] = {}
    for key, entry in data.get("steps", {}).items():
        steps[key] = str(entry.get("label") or steps.get(key) or key)
        parts = entry.get("parts", [])
        if not isinstance(parts, list) or not all(isinstance(p, str) and p.strip() for p in parts):
            fail(f"steps.{key}.parts", _('must be a list of the parts\' names, like ["事实经过", "处理结果"]'))
            parts = []
        step_parts[key] = tuple(p.strip() for p in parts)
    roles: dict[str, tuple[str, tuple[str, ...]]] = {}
    for key, entry in data.get("roles", {}).items():
        reach = entry.get("reach", [])
        if not isinstance(reach, list) or not all(isinstance(r, str) and r.strip() for r in reach):
            fail(f"roles.{key}.reach", _('must be a list of Apprise URLs, like ["dingtalk://TOKEN"]'))
            reach = []
        roles[key] = (str(entry.get("label") or key), tuple(r.strip() for r in reach))
    escalation = data.get("escalation", {})
    levels = escalation.get("levels", [])
    if not isinstance(levels, list) or not levels or not all(isinstance(v, str) and v.strip() for v in levels):
        fail("escalation.levels", _('must list the escalation levels\' names, lowest first, like ["网点负责人", "分管领导"]'))
        levels = ["分管领导"]
    known_targets = _targets(people, roles, data, levels)

    def targets(key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            fail(key, _('must be a list of whom to tell, like ["值班经理", "receiver"]'))
            return ()
        for name in value:
            if name.strip() not in known_targets:
                fail(
                    key,
                    _(
                        "{name!r} is not someone the office can tell; use a person, a role declared under [roles.KEY], a department, an escalation level or {cases}"
                    ).format(name=name, cases=", ".join(CASE_TARGETS)),
                )
        return tuple(v.strip() for v in value)

    def duration(key: str, value: Any, quiet: bool = False) -> Duration | None:
        text = str(value).strip()
        if quiet:  # [deadlines] said it, and was checked there
            try:
                return Duration.parse(text) if text not in ("", "None") else None
            except ValueError:
                return None
        if text in ("", "None"):
            return None
        if text.startswith("-"):
            fail(key, _("{value!r} is negative; a duration is 30min, 12h, 3d or 5wd").format(value=value))
            return None
        try:
            return Duration.parse(text)
        except ValueError:
            fail(key, _('{value!r} is not a duration; write 30min, 12h, 3d or 5wd, or "" to not track it').format(value=value))
            return None

    action = data.get("action", {})
    action_start = str(action.get("start", "assigned"))
    declared = builtin_milestones(data.get("deadlines", {}), action)
    for key, entry in data.get("milestones", {}).items():
        declared[key] = {**declared.get(key, {}), **entry}
    milestones = []
    for key, entry in declared.items():
        where = f"milestones.{key}"
        if key in data.get("milestones", {}) and sum(1 for k in data["milestones"] if k.casefold() == key.casefold()) > 1:
            fail(where, _("is declared twice (keys differ only in case); give each milestone its own key"))
        start = _events(entry.get("start", []), f"{where}.start", fail, steps)
        stop = _events(entry.get("stop", []), f"{where}.stop", fail, steps)
        if not entry.get("start"):
            fail(f"{where}.start", _('is missing; name the event that starts the clock, like start = "received"'))
        if not entry.get("stop"):
            fail(f"{where}.stop", _('is missing; name the event that stops the clock, like stop = "resolved"'))
        quiet = key not in data.get("milestones", {}) and key != "action_review"
        default = duration(f"{where}.duration", entry.get("duration", ""), quiet)
        by: dict[str, Duration] = {}
        raw_by = entry.get("durations", {})
        if not isinstance(raw_by, dict):
            fail(f"{where}.durations", _('must be a table like { critical = "2h", "emergency/critical" = "30min" }'))
            raw_by = {}
        severities = {s.value for s in Severity}
        for name, value in raw_by.items():
            category, _slash, level = name.partition("/")
            if (level and (category not in categories or level not in severities)) or (
                not level and name not in categories | severities
            ):
                fail(
                    f"{where}.durations.{name}",
                    _("is not a category, a severity or category/severity; categories: {categories}").format(
                        categories=", ".join(sorted(categories))
                    ),
                )
                continue
            found = duration(f"{where}.durations.{name}", value, quiet)
            if found is not None:
                by[name] = found
        clock = str(entry.get("clock", "all"))
        if clock not in ("all", "office"):
            fail(f"{where}.clock", _('{value!r}: write "all" (round the clock) or "office" (office hours)').format(value=clock))
        ladder = []
        raw_ladder = entry.get("escalation", [])
        if not isinstance(raw_ladder, list):
            fail(
                f"{where}.escalation",
                _('must be a list of steps, each a table with after (like "3min") and notify (whom to tell)'),
            )
            raw_ladder = []
        for index, step in enumerate(raw_ladder, 1):
            here = f"{where}.escalation[{index}]"
            if not isinstance(step, dict) or set(step) - {"after", "notify"}:
                fail(here, _('must be a table with after (like "3min") and notify (whom to tell)'))
                continue
            after = duration(f"{here}.after", step.get("after", ""))
            notify = targets(f"{here}.notify", step.get("notify", []))
            if after is None:
                if "after" not in step or not str(step.get("after", "")).strip():
                    fail(f"{here}.after", _('is missing; say when to tell, like after = "3min"'))
                continue
            longest = max((d for d in (default, *by.values()) if d is not None), key=_minutes, default=None)
            if longest is not None and _minutes(after) > _minutes(longest):
                fail(
                    f"{here}.after",
                    _("{after} is after the milestone ends ({duration}); a step tells people before it is due").format(
                        after=after, duration=longest
                    ),
                )
            ladder.append(LadderStep(after, notify))
        for field, known in (("categories", categories), ("severities", severities), ("signals", signals)):
            for value in entry.get(field, []) or []:
                if value not in known:
                    fail(
                        f"{where}.{field}",
                        _("{value!r} is not one of the office's {field}: {known}").format(
                            value=value, field=field, known=", ".join(sorted(known))
                        ),
                    )
        milestones.append(
            MilestoneRule(
                key=key,
                label=str(entry.get("label") or key),
                start=start,
                stop=stop,
                duration=default,
                durations=by,
                clock=clock,
                categories=tuple(entry.get("categories", []) or ()),
                severities=tuple(entry.get("severities", []) or ()),
                signals=tuple(entry.get("signals", []) or ()),
                ladder=tuple(sorted(ladder, key=lambda s: _minutes(s.after))),
            )
        )
    LABELS.update({m.key: m.label for m in milestones})
    LABELS.update(steps)
    notify_data = data.get("notify", {})
    told = {kind: targets(f"notify.{kind}", notify_data.get(kind, [])) for kind in ("breach", "alert", "daily", "receiver")}
    failures = notify_data.get("failures", 3)
    if not isinstance(failures, int) or isinstance(failures, bool) or failures < 1:
        fail("notify.failures", _("{value!r} is not a whole number of failed sends (1 or more)").format(value=failures))
        failures = 3
    review = action.get("review", False)
    if not isinstance(review, bool):
        fail("action.review", _("must be true or false"))
    if action_start not in EVENTS:
        fail(
            "action.start",
            _("{event!r} is not an event; use one of {events}").format(event=action_start, events=", ".join(EVENTS)),
        )
    methods = data.get("followup", {}).get("methods", [])
    return Procedures(
        milestones=tuple(milestones),
        steps=steps,
        step_parts=step_parts,
        escalation_levels=tuple(v.strip() for v in levels),
        roles=roles,
        notify=told,
        action_review=bool(review),
        action_approver=tuple(action.get("approver", []) or ()),
        plan_approver=tuple(data.get("plan", {}).get("approver", []) or ()),
        followup_methods=tuple(methods) if isinstance(methods, list) else (),
        notify_failures=failures,
    )


def _events(value: Any, key: str, fail: Any, steps: dict[str, str]) -> tuple[str, ...]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list):
        fail(key, _('must be an event or a list of events, like "received"'))
        return ()
    out = []
    for name in names:
        name = str(name).strip()
        if name in EVENTS or (name.startswith("step:") and name[5:] in steps):
            out.append(name)
        elif name.startswith("step:"):
            fail(key, _("{event!r} names no step; declare [steps.{step}] with its label").format(event=name, step=name[5:]))
        else:
            fail(
                key,
                _("{event!r} is not an event; use one of {events}, or step:KEY for a declared step").format(
                    event=name, events=", ".join(EVENTS)
                ),
            )
    return tuple(out)


def _targets(people: Any, roles: dict[str, Any], data: dict[str, Any], levels: list[str]) -> set[str]:
    names = set(CASE_TARGETS) | set(levels)
    for person in people:
        names.update((person.login, person.name, *person.roles))
    for key, (label, _reach) in roles.items():
        names.update((key, label))
    names.update(data.get("departments", {}))
    names.update(str(c.get("department", "")) for c in data.get("categories", {}).values())
    from .ruleset import ROLES

    names.update(ROLES)
    return names


def _minutes(duration: Duration) -> float:
    """A rough length, to compare a ladder step with its milestone (a working day is a day)."""
    return duration.amount * {"min": 1, "h": 60, "d": 1440, "wd": 1440}[duration.unit]


def masked(raw: dict[str, Any]) -> dict[str, Any]:
    """The rules with every destination URL cut to its kind (dingtalk://…): the URLs carry
    the tokens that let anyone post to the office's groups."""

    def walk(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            if key == "reach":
                return [f"{str(v).split('://', 1)[0]}://…" if "://" in str(v) else "…" for v in value]
            return [walk(v) for v in value]
        return value

    result: dict[str, Any] = walk(raw)
    return result
