"""The office's rules: built-in defaults (docs/domain.md §2–3) and an optional TOML file.

A rules file is merged over the defaults: every key you write replaces the built-in
one; `[categories]` and `[severity.signals]`, when present, replace the whole built-in
list (an industry has its own categories). Loading checks the whole file and reports
every problem, one line each, naming the key and the fix.

Pure: text in, frozen settings or a list of problems out (reading the file is the
caller's `load_file`).
"""

from __future__ import annotations

import copy
import re
from datetime import date, time
from typing import Any, NamedTuple

from .domain import Duration, Priority, Severity, Urgency
from .fields import IMPORTED as BUILTIN_FIELDS
from .i18n import _
from .procedures import MILESTONE_SHAPE, PROCEDURE_DEFAULTS, ROLE_SHAPE, STEP_SHAPE, MilestoneRule, Procedures, build_procedures

DEFAULTS: dict[str, Any] = {
    "calendar": {
        "timezone": "Asia/Shanghai",
        "days_off": [],
        "working_days": [],
        "due_soon": "1wd",
        "office_hours": "",
    },
    "deadlines": {
        "first_response": "1wd",
        "resolution": {"general": "5wd", "major": "10wd", "critical": "15wd"},
        "feedback": "2wd",
        "followup": "2wd",
        "corrective_action": "",
    },
    "classification": {"default_category": "other"},
    "categories": {
        "quality": {
            "label": "产品质量",
            "department": "质量管理部",
            "severity": "general",
            "keywords": ["质量", "坏了", "故障", "损坏", "破损", "不制冷", "漏水", "异味", "过期", "变质", "假货", "瑕疵"],
        },
        "attitude": {
            "label": "服务态度",
            "department": "客服部",
            "severity": "general",
            "keywords": ["态度", "不耐烦", "辱骂", "骂人", "冷漠", "不理", "推诿", "服务差"],
        },
        "after_sales": {
            "label": "售后服务",
            "department": "售后服务部",
            "severity": "general",
            "keywords": ["售后", "维修", "保修", "退货", "换货", "安装", "报修", "上门"],
        },
        "pricing": {
            "label": "价格收费",
            "department": "财务部",
            "severity": "general",
            "keywords": ["价格", "收费", "多收", "乱收费", "扣费", "退款", "发票", "价钱"],
        },
        "delivery": {
            "label": "物流交付",
            "department": "物流部",
            "severity": "general",
            "keywords": ["物流", "快递", "送货", "配送", "延误", "未送达", "没到", "发货"],
        },
        "facilities": {
            "label": "环境设施",
            "department": "行政部",
            "severity": "general",
            "keywords": ["环境", "卫生", "停车", "设施", "电梯", "空调", "噪音", "厕所"],
        },
        "system": {
            "label": "系统操作",
            "department": "技术部",
            "severity": "general",
            "keywords": ["系统", "网站", "app", "APP", "登录", "页面", "闪退", "支付失败", "小程序"],
        },
        "other": {"label": "其他", "department": "客服部", "severity": "general", "keywords": []},
    },
    "severity": {
        "mass_incident": "critical",
        "signals": {
            "media": {
                "label": "媒体曝光",
                "raise_to": "major",
                "urgent": True,
                "keywords": ["媒体", "记者", "曝光", "爆光", "微博", "抖音", "电视台", "报社", "热搜"],
            },
            "regulator": {
                "label": "监管/消协",
                "raise_to": "major",
                "urgent": True,
                "keywords": ["12315", "消协", "市场监管", "监管部门", "工商", "银保监", "12345", "税务"],
            },
            # seed 002 §3.1.2(b): promises made and broken again and again
            "broken_promise": {
                "label": "屡次违约",
                "raise_to": "major",
                "urgent": False,
                "keywords": ["违约", "失约", "爽约", "说话不算"],
            },
            "legal": {
                "label": "法律诉讼",
                "raise_to": "critical",
                "urgent": False,
                "keywords": ["律师", "起诉", "法院", "仲裁", "诉讼", "律师函"],
            },
            "safety": {
                "label": "人身安全",
                "raise_to": "critical",
                "urgent": True,
                "keywords": ["受伤", "人身", "火灾", "触电", "食物中毒", "电梯困人", "爆炸", "住院"],
            },
            "abuse": {
                "label": "辱骂威胁",
                "raise_to": "major",
                "urgent": False,
                "keywords": ["辱骂", "态度恶劣", "威胁", "殴打", "骂人"],
            },
            # seed 002 §3.1.2(e): pushing sales, overcharging, taking or asking for money or goods
            "money": {
                "label": "乱收费/推销/索要财物",
                "raise_to": "major",
                "urgent": False,
                "keywords": ["乱收费", "索要", "回扣", "红包", "索取", "推销", "财物", "收受"],
            },
        },
    },
    # The same customer complaining again raises the severity (and is what 重复投诉率 counts).
    "repeat": {
        "customer": {"count": 2, "window": "30d", "raise_to": "major"},
        # seed 002 §3.1.2(d): a person complained about again and again (涉及人员)
        "person": {"count": 3, "window": "90d", "raise_to": "major"},
    },
    # A department or person drawing many complaints in a short window is an alarm about the
    # handling side (负荷预警), recorded once per window: it says nothing of how serious each
    # customer's complaint is, so it leaves the severity alone.
    "alerts": {
        "department": {"count": 5, "window": "7d"},
        "assignee": {"count": 3, "window": "7d"},
    },
    "priority": {
        "urgent_keywords": ["紧急", "马上", "立即", "立刻", "尽快", "加急", "停水", "停电", "困人"],
        "matrix": {
            "critical": {"urgent": "high", "normal": "high"},
            "major": {"urgent": "high", "normal": "medium"},
            "general": {"urgent": "medium", "normal": "low"},
        },
    },
}

# Fields the office declares beside the built-in ones (fields.py): stored by key, so a
# label may be renamed safely. These four are built in; an office adds its own
# ([fields.order_no] label = "订单号" ...) or changes one of these by its key.
DEFAULTS["fields"] = {
    "address": {
        "label": "住址",
        "kind": "text",
        "personal": True,
        "synonyms": ["家庭住址", "联系地址", "客户地址", "顾客的地址"],
    },
    "referral": {
        "label": "来源",
        "kind": "choice",
        "choices": ["96296", "消协", "政府部门", "媒体", "部门转发", "意见调查表", "其他"],
        "synonyms": ["转办来源", "转办单位"],
    },
    "people_involved": {
        "label": "涉及人员",
        "kind": "text",
        "synonyms": ["被投诉人", "投诉对象", "被投诉方", "涉及员工", "当事人", "人员"],
    },
    "cause_code": {
        "label": "原因类别",
        "kind": "choice",
        "choices": ["产品缺陷", "服务失误", "流程问题", "沟通不足", "外部原因", "客户误解", "其他"],
        "synonyms": ["原因分类"],
    },
}
# The office itself: its name, how the files the tool writes may be read, the limits of
# what a file brought in may hold, its units (store → region → centre), its people (by
# their login: name, unit, department, roles, where to reach them) and what each role
# may do. One model: the later features (department lists, alerts, roll-ups) read it.
ROLES = ("clerk", "handler", "leader", "manager", "auditor")
# The actions that need a role, and the roles that may take them (seed 001 §7.2.1).
PERMISSIONS: dict[str, list[str]] = {
    "resolve_final": ["leader", "manager"],
    "export_unmasked": ["manager", "auditor"],
    "forget": ["manager"],
    "extend_late": ["leader", "manager"],
    "close": ["handler", "leader", "manager"],
    "lower_severity": ["leader", "manager"],
    "restore": ["manager"],
    "rules_install": ["manager"],
}
DEFAULTS["office"] = {"name": "", "file_mode": "0600", "language": "zh_CN"}
DEFAULTS["limits"] = {"import_rows": 200_000, "import_cells": 10_000_000, "import_mb": 200, "attachment_mb": 20}
# How the desk checks what it is typed: a time further back than this many days, or in
# another year, is asked about once at a terminal (a typo in the year files a case in
# the wrong year); imports are never asked.
DEFAULTS["input"] = {"confirm_days_back": 7}
DEFAULTS["units"] = {}
# The reporting calendar (seed 002 统计分析制度): the day of the next month each level's
# monthly report is due (次月3日/5日/10日前), and the day of the next quarter the stores'
# written analysis is (次季度初3日前).
DEFAULTS["org"] = {"report_due": {"store": 3, "region": 5, "centre": 10}, "analysis_due": 3}
# The reporting calendar's levels, in the order reports go up.
UNIT_LEVELS = ("store", "region", "centre")
# The office's departments beside those its categories route to (routing departments are
# known without being listed): `assign --department` and imports take only these, so a
# typo cannot make a second after-sales department. `complaintctl department add` records one.
DEFAULTS["departments"] = {}
DEFAULTS["people"] = {}
DEFAULTS["permissions"] = {action: list(roles) for action, roles in PERMISSIONS.items()}
# The procedures (procedures.py): milestones beyond the built-in five, named steps, the
# positions people are told as (值班经理), escalation levels, who hears of what.
DEFAULTS.update(copy.deepcopy(PROCEDURE_DEFAULTS))
UNIT_SHAPE: dict[str, Any] = {"label": "", "parent": "", "level": ""}
DEPARTMENT_SHAPE: dict[str, Any] = {"unit": "", "synonyms": [], "reach": []}
PERSON_SHAPE: dict[str, Any] = {"name": "", "unit": "", "department": "", "roles": [], "reach": []}

# The keys a [fields.KEY] table may have.
FIELD_SHAPE: dict[str, Any] = {"label": "", "kind": "text", "required": False, "synonyms": [], "personal": False, "choices": []}
FIELD_KINDS = ("text", "number", "date", "choice")

REPLACED_WHOLE = (("categories",), ("severity", "signals"))


class Limits(NamedTuple):
    """How much a file brought in may hold: refused past these, in one line."""

    import_rows: int
    import_cells: int
    import_bytes: int  # uncompressed
    attachment_bytes: int


class Unit(NamedTuple):
    """A unit of the office's organisation (store → 营运部 → 客服中心): its reports roll up
    to its parent. `level` names its place in the reporting calendar ([org] report_due)."""

    key: str
    label: str
    parent: str
    level: str = ""


def _day_of_month(text: Any) -> int | None:
    """3 from "3rd", "3", "3日", "3号"; None when it is not a day."""
    import re

    found = re.fullmatch(r"\s*(\d{1,2})\s*(?:st|nd|rd|th|日|号)?\s*", str(text))
    return int(found.group(1)) if found else None


def _folded(name: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


class Department(NamedTuple):
    """A department of the office: its name, its unit, other names people type for it."""

    name: str
    unit: str = ""
    synonyms: tuple[str, ...] = ()
    reach: tuple[str, ...] = ()  # Apprise URLs: where the department is told


class Person(NamedTuple):
    """Someone of the office, known by their login (the account the system vouches for)."""

    login: str
    name: str
    unit: str
    department: str
    roles: tuple[str, ...]
    reach: tuple[str, ...]


class CategoryRule(NamedTuple):
    code: str
    label: str
    department: str
    severity: Severity
    keywords: tuple[str, ...]


class SignalRule(NamedTuple):
    code: str
    label: str
    raise_to: Severity
    urgent: bool
    keywords: tuple[str, ...]


class DeclaredField(NamedTuple):
    """A field the office's rules declare (订单号, 保单号, 住址 ...), kept by its key."""

    key: str
    label: str
    kind: str  # text | number | date | choice
    required: bool
    synonyms: tuple[str, ...]
    personal: bool
    choices: tuple[str, ...]

    def parse(self, text: str) -> str:
        """The value as stored; ValueError says what is accepted."""
        value = " ".join(str(text).split())
        if not value:
            raise ValueError(_("is empty"))
        if self.kind == "number":
            from decimal import Decimal, InvalidOperation

            try:
                number = Decimal(value.replace(",", "").replace("，", ""))
            except InvalidOperation:
                raise ValueError(_("{value!r} is not a number").format(value=value)) from None
            if not number.is_finite():
                raise ValueError(_("{value!r} is not a number").format(value=value))
            return format(number.normalize(), "f")
        if self.kind == "date":
            import re

            match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", value)
            try:
                if match is None:
                    raise ValueError
                return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
            except ValueError:
                raise ValueError(_("{value!r} is not a date; write it like 2026-11-02").format(value=value)) from None
        if self.kind == "choice":
            for choice in self.choices:
                if value.casefold() == choice.casefold():
                    return choice
            raise ValueError(_("{value!r} is not one of: {choices}").format(value=value, choices=", ".join(self.choices)))
        return value


class RepeatRule(NamedTuple):
    count: int  # type: ignore[assignment]  # shadows tuple.count, never called on these
    window: Duration
    raise_to: Severity


class AlertRule(NamedTuple):
    count: int  # type: ignore[assignment]  # shadows tuple.count, never called on these
    window: Duration


class Rules(NamedTuple):
    """The rules in force, checked and typed."""

    source: str
    timezone: str
    days_off: tuple[date, ...]
    working_days: tuple[date, ...]
    due_soon: Duration
    office_hours: tuple[time, time] | None
    first_response: Duration | None
    resolution: dict[Severity, Duration]
    feedback: Duration | None
    followup: Duration | None
    corrective_action: Duration | None
    categories: tuple[CategoryRule, ...]
    default_category: str
    mass_incident: Severity
    signals: tuple[SignalRule, ...]
    repeat: dict[str, RepeatRule]
    alerts: dict[str, AlertRule]
    urgent_keywords: tuple[str, ...]
    matrix: dict[tuple[Severity, Urgency], Priority]
    raw: dict[str, Any]
    fields: tuple[DeclaredField, ...] = ()
    office_name: str = ""
    file_mode: int = 0o600
    language: str = "zh_CN"
    limits: Limits = Limits(200_000, 10_000_000, 200_000_000, 20_000_000)
    confirm_days_back: int = 7
    units: tuple[Unit, ...] = ()
    report_due: dict[str, int] = {}
    analysis_due: int = 3
    departments: tuple[Department, ...] = ()
    people: tuple[Person, ...] = ()
    permissions: dict[str, tuple[str, ...]] = {}
    procedures: Procedures | None = None

    @property
    def milestones(self) -> tuple[MilestoneRule, ...]:
        return self.procedures.milestones if self.procedures else ()

    def milestone(self, key: str) -> MilestoneRule | None:
        return next((m for m in self.milestones if m.key == key), None)

    def milestone_label(self, key: str) -> str:
        """A milestone's label as the office declares it (translated when built in)."""
        found = self.milestone(key)
        if found is None:
            return key
        from .procedures import BUILTIN_MILESTONES

        return _(found.label) if key in BUILTIN_MILESTONES else found.label

    def step_label(self, key: str) -> str:
        from .procedures import BUILTIN_STEPS

        label = self.procedures.steps.get(key, key) if self.procedures else key
        return _(label) if BUILTIN_STEPS.get(key) == label else label

    def person(self, login: str) -> Person | None:
        return next((p for p in self.people if p.login == login), None)

    def find_department(self, name: str) -> Department | None:
        """The department called `name` (its name or a synonym; full-width, case and
        spaces forgiven)."""
        wanted = _folded(name)
        return next((d for d in self.departments if wanted in (_folded(n) for n in (d.name, *d.synonyms))), None)

    def find_unit(self, name: str) -> Unit | None:
        """The unit called `name` (its key or its label)."""
        wanted = _folded(name)
        return next((u for u in self.units if wanted in (_folded(u.key), _folded(u.label))), None)

    def unit_children(self, key: str) -> tuple[Unit, ...]:
        """The units directly below `key`."""
        return tuple(u for u in self.units if u.parent == key)

    def unit_subtree(self, key: str) -> tuple[str, ...]:
        """`key` and every unit below it, top first: the units a roll-up of `key` counts."""
        out, todo = [key], [key]
        while todo:
            below = [u.key for u in self.unit_children(todo.pop(0)) if u.key not in out]
            out += below
            todo += below
        return tuple(out)

    def unit_of_department(self, name: str | None) -> str | None:
        """The unit a department belongs to, if the rules say."""
        found = self.find_department(name) if name else None
        return found.unit or None if found else None

    def find_person(self, name: str) -> Person | None:
        """Someone of the office by their name or login."""
        wanted = _folded(name)
        return next((p for p in self.people if wanted in (_folded(p.name), _folded(p.login))), None)

    @staticmethod
    def closest(name: str, known: list[str]) -> list[str]:
        """The known names `name` most likely meant: those containing it or contained in it
        (物流 → 物流部), then the close spellings."""
        import difflib

        wanted = _folded(name)
        near = [k for k in known if wanted and (wanted in _folded(k) or _folded(k) in wanted)]
        near += [k for k in difflib.get_close_matches(name, known, n=3, cutoff=0.5) if k not in near]
        return near[:3]

    def declared_field(self, name: str) -> DeclaredField | None:
        """A declared field by its key, label or a heading synonym, any case."""
        wanted = name.strip().casefold()
        for entry in self.fields:
            if wanted in (entry.key.casefold(), entry.label.casefold(), *(s.casefold() for s in entry.synonyms)):
                return entry
        return None

    @property
    def day_end(self) -> time:
        """When a day ends for "N working days": office closing time, else 23:59:59."""
        return self.office_hours[1] if self.office_hours else time(23, 59, 59)

    def category(self, code: str | None) -> CategoryRule | None:
        for rule in self.categories:
            if rule.code == code:
                return rule
        return None

    def find_category(self, text: str) -> CategoryRule | None:
        """The category named by its code or label, any case."""
        wanted = text.strip().casefold()
        for rule in self.categories:
            if wanted in (rule.code.casefold(), rule.label.casefold()):
                return rule
        return None

    def category_label(self, code: str | None) -> str:
        rule = self.category(code)
        return rule.label if rule else (code or "")

    def category_choices(self) -> str:
        return ", ".join(f"{r.code} ({r.label})" for r in self.categories)


class RulesError(ValueError):
    """A rules file with problems: one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def default_rules() -> Rules:
    return build(copy.deepcopy(DEFAULTS), "built-in")


def from_toml(text: str, source: str) -> Rules:
    """Rules from the text of a TOML file merged over the defaults; RulesError lists
    every problem."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        twice = re.match(r"Cannot (?:declare|overwrite a value) \(?(.*?)\)? (?:twice )?\(at line (\d+)", str(exc))
        if twice:
            key = ".".join(part.strip(" '\"") for part in twice[1].split(",") if part.strip())
            raise RulesError(
                [
                    _("{source}: line {line}: {key} is declared twice; keep one (or give the second its own key)").format(
                        source=source, line=twice[2], key=key or twice[1]
                    )
                ]
            ) from None
        raise RulesError([f"{source}: not valid TOML ({exc}); check quotes and brackets on that line"]) from None
    problems: list[str] = []
    _check_keys(data, DEFAULTS, (), source, problems)
    if problems:
        raise RulesError(problems)
    return build(_merge(copy.deepcopy(DEFAULTS), data, ()), source)


def _merge(base: dict[str, Any], over: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    for key, value in over.items():
        here = (*path, key)
        if isinstance(value, dict) and isinstance(base.get(key), dict) and here not in REPLACED_WHOLE:
            base[key] = _merge(base[key], value, here)
        else:
            base[key] = value
    return base


# Tables whose keys are names the office chooses; the value is the shape of each entry.
_OPEN_TABLES: dict[tuple[str, ...], Any] = {
    ("categories",): "quality",
    ("severity", "signals"): "media",
    ("fields",): "",
    ("units",): UNIT_SHAPE,
    ("departments",): DEPARTMENT_SHAPE,
    ("people",): PERSON_SHAPE,
    ("milestones",): MILESTONE_SHAPE,
    ("steps",): STEP_SHAPE,
    ("roles",): ROLE_SHAPE,
}


def _check_keys(data: dict[str, Any], shape: dict[str, Any], path: tuple[str, ...], source: str, problems: list[str]) -> None:
    for key, value in data.items():
        here = (*path, key)
        dotted = ".".join(here)
        if path in _OPEN_TABLES:
            template = _OPEN_TABLES[path]
            template = FIELD_SHAPE if path == ("fields",) else template if isinstance(template, dict) else shape[template]
            if not isinstance(value, dict):
                problems.append(
                    _("{source}: {dotted} must be a table like [{dotted}] with label, keywords, ...").format(
                        source=source, dotted=dotted
                    )
                )
                continue
            _check_keys(value, template, here, source, problems)
            continue
        if path == ("repeat",) and key in ("department", "assignee"):
            problems.append(
                _(
                    "{source}: [{dotted}] moved to [alerts.{key}] (count, window): a {key} drawing many complaints raises an alert, not the severity of each customer's complaint"
                ).format(source=source, dotted=dotted, key=key)
            )
            continue
        if key not in shape:
            known = ", ".join(sorted(shape)) or "none"
            problems.append(
                _("{source}: unknown key {dotted!r}; known keys here: {known}").format(source=source, dotted=dotted, known=known)
            )
            continue
        expected = shape[key]
        if isinstance(expected, dict) and not expected and path:  # a table of the office's own names
            if not isinstance(value, dict):
                problems.append(
                    _("{source}: {dotted} must be a table ([{dotted}]), not {kind}").format(
                        source=source, dotted=dotted, kind=type(value).__name__
                    )
                )
            continue
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                problems.append(
                    _("{source}: {dotted} must be a table ([{dotted}]), not {kind}").format(
                        source=source, dotted=dotted, kind=type(value).__name__
                    )
                )
            else:
                _check_keys(value, expected, here, source, problems)


def build(data: dict[str, Any], source: str) -> Rules:
    """Typed rules from merged data; RulesError lists every problem."""
    problems: list[str] = []

    def fail(key: str, message: str) -> None:
        problems.append(f"{source}: {key}: {message}")

    def duration(key: str, value: Any, optional: bool = False) -> Duration | None:
        if optional and value in ("", None):
            return None
        try:
            return Duration.parse(str(value))
        except ValueError:
            fail(
                key,
                _("{value!r} is not a duration; write 1wd (working days), 3d, 12h or 30min").format(value=value)
                + (_(', or "" to not track it') if optional else ""),
            )
            return None

    def severity(key: str, value: Any) -> Severity:
        try:
            return Severity.parse(str(value))  # type: ignore[return-value]
        except ValueError:
            fail(key, _("{value!r} is not a severity; use general, major or critical").format(value=value))
            return Severity.GENERAL

    def words(key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            fail(key, _('must be a list of non-empty strings, like ["媒体", "记者"]'))
            return ()
        return tuple(v.strip() for v in value)

    def days(key: str, value: Any) -> tuple[date, ...]:
        out = []
        if not isinstance(value, list):
            fail(key, _("must be a list of dates, like [2026-12-31]"))
            return ()
        for item in value:
            if isinstance(item, date):
                out.append(item)
                continue
            try:
                out.append(date.fromisoformat(str(item)))
            except ValueError:
                fail(key, _("{item!r} is not a date; write 2026-12-31").format(item=item))
        return tuple(out)

    calendar = data["calendar"]
    timezone = str(calendar.get("timezone", ""))
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(timezone)
    except Exception:
        fail("calendar.timezone", _("{timezone!r} is not a time zone; use a name like Asia/Shanghai").format(timezone=timezone))
    office_hours = None
    if calendar.get("office_hours"):
        office_hours = _office_hours(str(calendar["office_hours"]))
        if office_hours is None:
            fail(
                "calendar.office_hours",
                _("{office_hours!r} is not office hours; write 09:00-18:00").format(office_hours=calendar["office_hours"]),
            )
    due_soon = duration("calendar.due_soon", calendar.get("due_soon")) or Duration(1, "wd")

    deadlines = data["deadlines"]
    resolution_raw = deadlines.get("resolution")
    resolution: dict[Severity, Duration] = {}
    if not isinstance(resolution_raw, dict):
        fail("deadlines.resolution", _("must be a table with general, major and critical durations"))
    else:
        for level in Severity:
            if level.value not in resolution_raw:
                fail(f"deadlines.resolution.{level.value}", _("is missing; give a duration like 5wd"))
                continue
            found = duration(f"deadlines.resolution.{level.value}", resolution_raw[level.value])
            if found:
                resolution[level] = found
        for key in resolution_raw:
            if key not in {s.value for s in Severity}:
                fail(f"deadlines.resolution.{key}", _("unknown severity; use general, major or critical"))

    categories: list[CategoryRule] = []
    raw_categories = data["categories"]
    if not raw_categories:
        fail("categories", _("no categories; define at least one [categories.NAME] with label and department"))
    for code, entry in raw_categories.items():
        key = f"categories.{code}"
        department = str(entry.get("department", "")).strip()
        if not department:
            fail(f"{key}.department", _('is missing: every category must route to a department; add department = "..."'))
        label = str(entry.get("label", "")).strip()
        if not label:
            fail(f"{key}.label", _("is missing; give the Chinese name shown to staff"))
        categories.append(
            CategoryRule(
                code=code,
                label=label or code,
                department=department,
                severity=severity(f"{key}.severity", entry.get("severity", "general")),
                keywords=words(f"{key}.keywords", entry.get("keywords", [])),
            )
        )
    default_category = str(data["classification"].get("default_category", ""))
    if raw_categories and default_category not in raw_categories:
        fail(
            "classification.default_category",
            _("{default_category!r} is not one of the categories ({choices})").format(
                default_category=default_category, choices=", ".join(raw_categories)
            ),
        )

    signals: list[SignalRule] = []
    for code, entry in data["severity"].get("signals", {}).items():
        key = f"severity.signals.{code}"
        urgent = entry.get("urgent", False)
        if not isinstance(urgent, bool):
            fail(f"{key}.urgent", _("must be true or false"))
        signals.append(
            SignalRule(
                code=code,
                label=str(entry.get("label", code)),
                raise_to=severity(f"{key}.raise_to", entry.get("raise_to", "major")),
                urgent=bool(urgent),
                keywords=words(f"{key}.keywords", entry.get("keywords", [])),
            )
        )

    def count_within(key: str, entry: dict[str, Any], what: str) -> tuple[int, Duration] | None:
        """A `count` within a `window` ([repeat.*], [alerts.*]); None when turned off or wrong."""
        count = entry.get("count", 0)
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            message = (
                _("{count!r} must be a whole number (0 turns the rule off)")
                if what == "rule"
                else _("{count!r} must be a whole number (0 turns the alert off)")
            )
            fail(f"{key}.count", message.format(count=count))
            return None
        window = duration(f"{key}.window", entry.get("window", ""))
        if count == 1:
            fail(
                f"{key}.count",
                _("1 would raise every complaint; use 2 or more, or 0 to turn the rule off")
                if what == "rule"
                else _("1 would alert on every complaint; use 2 or more, or 0 to turn the alert off"),
            )
        return (count, window) if count >= 2 and window is not None else None

    repeat: dict[str, RepeatRule] = {}
    for who, entry in data["repeat"].items():
        limit = count_within(f"repeat.{who}", entry, "rule")
        raise_to = severity(f"repeat.{who}.raise_to", entry.get("raise_to", "major"))
        if limit is not None:
            repeat[who] = RepeatRule(*limit, raise_to)

    alerts: dict[str, AlertRule] = {}
    for who, entry in data["alerts"].items():
        limit = count_within(f"alerts.{who}", entry, "alert")
        if limit is not None:
            alerts[who] = AlertRule(*limit)

    matrix: dict[tuple[Severity, Urgency], Priority] = {}
    raw_matrix = data["priority"].get("matrix", {})
    for level in Severity:
        row = raw_matrix.get(level.value)
        if not isinstance(row, dict):
            fail(f"priority.matrix.{level.value}", _('is missing; write { urgent = "high", normal = "medium" }'))
            continue
        for urgency in Urgency:
            value = row.get(urgency.value)
            try:
                matrix[(level, urgency)] = Priority.parse(str(value))  # type: ignore[assignment]
            except ValueError:
                fail(
                    f"priority.matrix.{level.value}.{urgency.value}",
                    _("{value!r} is not a priority; use high, medium or low").format(value=value),
                )
        for key in row:
            if key not in {u.value for u in Urgency}:
                fail(f"priority.matrix.{level.value}.{key}", _("unknown; the columns are urgent and normal"))
    for key in raw_matrix:
        if key not in {s.value for s in Severity}:
            fail(f"priority.matrix.{key}", _("unknown severity; use general, major or critical"))

    declared: list[DeclaredField] = []
    taken = {
        n.casefold(): _("the built-in field {label}").format(label=_(f.label))
        for f in BUILTIN_FIELDS
        for n in (f.label, f.record_key, *f.synonyms)
    }
    for key, entry in data.get("fields", {}).items():
        where = f"fields.{key}"
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", key):
            fail(where, _("a field's key is lower-case letters, digits and _ (like order_no); the label is its Chinese name"))
            continue
        label = str(entry.get("label", "")).strip()
        kind = entry.get("kind", "text")
        choices = entry.get("choices", [])
        if not label:
            fail(f"{where}.label", _('is required, like label = "订单号"'))
        if kind not in FIELD_KINDS:
            fail(f"{where}.kind", _("{kind!r} is not a kind; use {choices}").format(kind=kind, choices=", ".join(FIELD_KINDS)))
        if kind == "choice" and (
            not isinstance(choices, list) or not choices or not all(isinstance(c, str) and c.strip() for c in choices)
        ):
            fail(f"{where}.choices", _('a choice field needs its choices, like choices = ["消协", "媒体"]'))
        for flag in ("required", "personal"):
            if not isinstance(entry.get(flag, False), bool):
                fail(f"{where}.{flag}", _("must be true or false"))
        synonyms = words(f"{where}.synonyms", entry.get("synonyms", []))
        for name in (label, *synonyms):
            clash = taken.get(name.casefold())
            if name and clash:
                fail(
                    where,
                    _("{name!r} is already {clash}; give the field another label or heading").format(name=name, clash=clash),
                )
            taken[name.casefold()] = _("the field {label}").format(label=label or key)
        declared.append(
            DeclaredField(
                key=key,
                label=label or key,
                kind=kind,
                required=bool(entry.get("required", False)),
                synonyms=synonyms,
                personal=bool(entry.get("personal", False)),
                choices=tuple(str(c).strip() for c in choices) if kind == "choice" else (),
            )
        )

    office = data["office"]
    file_mode = 0o600
    mode_text = str(office.get("file_mode", "0600"))
    if not re.fullmatch(r"0?[0-7]{3}", mode_text) or int(mode_text, 8) & 0o133:
        fail(
            "office.file_mode",
            _("{mode_text!r} is not a file mode the register's files may take; write 0600 or 0640").format(mode_text=mode_text),
        )
    else:
        file_mode = int(mode_text, 8)
    from .i18n import LANGUAGES, normalise

    language = normalise(str(office.get("language", "zh_CN")))
    if language not in LANGUAGES:
        choices = ", ".join(f"{code} ({label})" for code, label in LANGUAGES.items())
        fail(
            "office.language",
            _("{value!r} is not a language of the tool; write one of {choices}").format(
                value=office.get("language"), choices=choices
            ),
        )
    limits_data = data["limits"]
    numbers = {}
    for key in ("import_rows", "import_cells", "import_mb", "attachment_mb"):
        value = limits_data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            fail(f"limits.{key}", _("{value!r} is not a positive whole number").format(value=value))
            value = DEFAULTS["limits"][key]
        numbers[key] = value
    confirm_days_back = data["input"].get("confirm_days_back", 7)
    if not isinstance(confirm_days_back, int) or isinstance(confirm_days_back, bool) or confirm_days_back < 0:
        fail(
            "input.confirm_days_back",
            _("{confirm_days_back!r} is not a whole number of days (0 or more)").format(confirm_days_back=confirm_days_back),
        )
        confirm_days_back = 7
    units = []
    parents = {key: str(entry.get("parent", "")) for key, entry in data["units"].items()}
    for key, entry in data["units"].items():
        place = str(entry.get("level", ""))
        if place and place not in UNIT_LEVELS:
            fail(
                f"units.{key}.level",
                _("{level!r} is not a level; use {levels}").format(level=place, levels=", ".join(UNIT_LEVELS)),
            )
        if not place:  # by its place in the tree: the top is the centre, a unit with nothing below a store
            below = any(parent == key for parent in parents.values())
            place = "centre" if not parents[key] and below else "region" if below else "store"
        units.append(Unit(key, str(entry.get("label") or key), parents[key], place))
    unit_keys = {u.key for u in units}
    for unit in units:
        if unit.parent and unit.parent not in unit_keys:
            fail(
                f"units.{unit.key}.parent",
                _("{unit_parent!r} is not a unit; declare [units.{unit_parent}] or leave it empty").format(
                    unit_parent=unit.parent
                ),
            )
        seen, up = {unit.key}, unit.parent
        while up in parents:
            if up in seen:
                fail(f"units.{unit.key}.parent", _("the units' parents go round in a circle; one of them must have none"))
                break
            seen.add(up)
            up = parents[up]
    org = data["org"]
    report_due: dict[str, int] = {}
    for due_level, day in dict(org.get("report_due", {})).items():
        number = day if isinstance(day, int) and not isinstance(day, bool) else _day_of_month(day)
        if due_level not in UNIT_LEVELS or number is None or not 1 <= number <= 28:
            fail(
                f"org.report_due.{due_level}",
                _('{day!r} for {level!r}: give a level ({levels}) and a day of the month, 1 to 28 ("3rd" or 3)').format(
                    day=day, level=due_level, levels=", ".join(UNIT_LEVELS)
                ),
            )
            continue
        report_due[due_level] = number
    analysis_due = org.get("analysis_due", 3)
    analysis_day = (
        analysis_due if isinstance(analysis_due, int) and not isinstance(analysis_due, bool) else _day_of_month(analysis_due)
    )
    if analysis_day is None or not 1 <= analysis_day <= 28:
        fail("org.analysis_due", _('{day!r} is not a day of the month, 1 to 28 ("3rd" or 3)').format(day=analysis_due))
        analysis_day = 3
    departments: dict[str, Department] = {}
    for name, entry in data["departments"].items():
        unit_key = str(entry.get("unit", ""))
        if unit_key and unit_key not in unit_keys:
            fail(
                f"departments.{name}.unit", _("{unit_key!r} is not a unit; declare [units.{unit_key}]").format(unit_key=unit_key)
            )
        reach = entry.get("reach", [])
        departments[name] = Department(
            name,
            unit_key,
            words(f"departments.{name}.synonyms", entry.get("synonyms", [])),
            words(f"departments.{name}.reach", reach) if reach else (),
        )
    for category in categories:  # routing names a department: it is one
        departments.setdefault(category.department, Department(category.department))
    people = []
    for login, entry in data["people"].items():
        roles = words(f"people.{login}.roles", entry.get("roles", []))
        for role in roles:
            if role not in ROLES and role not in data["roles"]:
                fail(
                    f"people.{login}.roles",
                    _("{role!r} is not a role; use {choices}").format(role=role, choices=", ".join(ROLES)),
                )
        unit_key = str(entry.get("unit", ""))
        if unit_key and unit_key not in unit_keys:
            fail(f"people.{login}.unit", _("{unit_key!r} is not a unit; declare [units.{unit_key}]").format(unit_key=unit_key))
        reach = entry.get("reach", [])
        people.append(
            Person(
                login=login,
                name=str(entry.get("name") or login),
                unit=unit_key,
                department=str(entry.get("department", "")),
                roles=roles,
                reach=words(f"people.{login}.reach", reach) if reach else (),
            )
        )
    for person in people:  # a person's department is one of the office's too
        if person.department:
            departments.setdefault(person.department, Department(person.department))
    permissions: dict[str, tuple[str, ...]] = {}
    for action, roles in data["permissions"].items():
        if action not in PERMISSIONS:
            fail(f"permissions.{action}", _("unknown action; known: {choices}").format(choices=", ".join(PERMISSIONS)))
            continue
        allowed = words(f"permissions.{action}", roles) if roles else ()
        for role in allowed:
            if role not in ROLES:
                fail(
                    f"permissions.{action}",
                    _("{role!r} is not a role; use {choices}").format(role=role, choices=", ".join(ROLES)),
                )
        permissions[action] = allowed

    procedures = build_procedures(
        data,
        fail=fail,
        categories={c.code for c in categories},
        signals={s.code for s in signals},
        people=people,
    )
    rules = Rules(
        source=source,
        timezone=timezone,
        days_off=days("calendar.days_off", calendar.get("days_off", [])),
        working_days=days("calendar.working_days", calendar.get("working_days", [])),
        due_soon=due_soon,
        office_hours=office_hours,
        first_response=duration("deadlines.first_response", deadlines.get("first_response"), optional=True),
        resolution=resolution,
        feedback=duration("deadlines.feedback", deadlines.get("feedback"), optional=True),
        followup=duration("deadlines.followup", deadlines.get("followup"), optional=True),
        corrective_action=duration("deadlines.corrective_action", deadlines.get("corrective_action"), optional=True),
        categories=tuple(categories),
        default_category=default_category,
        mass_incident=severity("severity.mass_incident", data["severity"].get("mass_incident", "critical")),
        signals=tuple(signals),
        repeat=repeat,
        alerts=alerts,
        urgent_keywords=words("priority.urgent_keywords", data["priority"].get("urgent_keywords", [])),
        matrix=matrix,
        raw=data,
        fields=tuple(declared),
        office_name=str(office.get("name", "")),
        file_mode=file_mode,
        language=language if language in LANGUAGES else "zh_CN",
        limits=Limits(
            numbers["import_rows"],
            numbers["import_cells"],
            numbers["import_mb"] * 1_000_000,
            numbers["attachment_mb"] * 1_000_000,
        ),
        confirm_days_back=confirm_days_back,
        units=tuple(units),
        report_due=report_due,
        analysis_due=analysis_day,
        departments=tuple(departments.values()),
        people=tuple(people),
        permissions=permissions,
        procedures=procedures,
    )
    if problems:
        raise RulesError(problems)
    return rules


def _office_hours(text: str) -> tuple[time, time] | None:
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        return None
    return (start, end) if start < end else None


def with_departments(text: str, names: list[str], unit: str = "") -> str:
    """The rules file `text` with a `[departments."NAME"]` table appended for each name (its
    comments and layout kept as they are)."""
    import json

    tables = []
    for name in names:
        quoted = json.dumps(name, ensure_ascii=False)
        tables.append(f"[departments.{quoted}]\n" + (f"unit = {json.dumps(unit, ensure_ascii=False)}\n" if unit else ""))
    return text.rstrip("\n") + "\n\n" + "\n".join(tables)


def to_toml(data: dict[str, Any]) -> str:
    """The rules as a TOML file an office can copy and edit."""
    lines: list[str] = []

    def scalar(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, list):
            return "[" + ", ".join(scalar(v) for v in value) + "]"
        if isinstance(value, dict):
            return "{ " + ", ".join(f"{k} = {scalar(v)}" for k, v in value.items()) + " }"
        escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'

    def key_of(key: str) -> str:
        return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else scalar(key)

    def table(path: tuple[str, ...], body: dict[str, Any]) -> None:
        inline = path == ("priority", "matrix")  # its rows read best as inline tables
        plain = {k: v for k, v in body.items() if inline or not isinstance(v, dict)}
        nested = {k: v for k, v in body.items() if k not in plain}
        if path and (plain or not nested):  # an empty table is kept: [departments."门店管理部"]
            lines.append(f"\n[{'.'.join(map(key_of, path))}]")
        for key, value in plain.items():
            lines.append(f"{key_of(key)} = {scalar(value)}")
        for key, value in nested.items():
            table((*path, key), value)

    table((), data)
    return "\n".join(lines).lstrip("\n") + "\n"
