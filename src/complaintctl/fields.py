"""The field registry: one entry per field of a complaint, the one place its name, label,
kind, choices, import headings and flags are written.

Everything that lists fields is derived from here: the labels `show` prints, the record
`show --json` and `list --json` give, the register sheet's and the CSV's columns, the
headings `import` recognises and how it reads each value, the columns `verify` checks
against the history. tests/test_fields.py compares it with the schema (models.Complaint):
a column without an entry, or an entry without a column, fails.

Pure: the standard library and domain.py only.
"""

from __future__ import annotations

from typing import NamedTuple

from .domain import Channel, Choice, CompensationKind, Origin, Priority, Satisfaction, Severity, Status, Urgency
from .i18n import N_

# How a value is kept, read and shown:
#   code      the complaint number          text   one line          long   free text
#   time      an instant (UTC stored, office time shown)             date   a local date
#   choice    one of a Choice's codes       category  one of the rules' categories
#   money     fen stored, yuan shown        count  a whole number    flag   yes / no
#   link      another complaint's number
KINDS = ("code", "text", "long", "time", "date", "choice", "category", "money", "count", "flag", "link")


class Field(NamedTuple):
    """One field of a complaint."""

    name: str  # the column in the complaint table
    label: str  # the paper form's heading
    kind: str = "text"
    choice: type[Choice] | None = None
    synonyms: tuple[str, ...] = ()  # other headings a sheet may give it (besides label and name)
    exported: bool = False  # a column of the register sheet and the CSV, in registry order
    imported: bool = False  # read from a sheet by `import`
    personal: bool = False  # the customer's personal data: masked in what leaves the office
    free_text: bool = False  # typed freely (kind long is always): may hold a customer's numbers
    chained: bool = True  # written into the history, so `verify` can check the column against it
    shown: bool = True  # a row of `show`'s table
    record: bool = True  # in the record `show --json` and `list --json` give (under record_key)
    editable: bool = False  # `edit` may correct it (lifecycle fields have their own commands)
    key: str = ""  # its name in records, JSON and --map, when not the column's ("compensation_amount")

    @property
    def record_key(self) -> str:
        return self.key or self.name


def _f(name: str, label: str, kind: str = "text", **flags: object) -> Field:
    return Field(name, label, kind, **flags)  # type: ignore[arg-type]


# In the paper form's order (docs/domain.md §1): the register sheet's columns follow it.
FIELDS: tuple[Field, ...] = (
    _f(
        "no",
        N_("投诉编号"),
        "code",
        synonyms=("编号", "单号", "投诉单号", "登记编号", "number", "complaintno"),
        exported=True,
        imported=True,
        chained=False,
    ),
    _f(
        "received_at",
        N_("投诉时间"),
        "time",
        exported=True,
        imported=True,
        synonyms=("受理时间", "日期", "投诉日期", "受理日期", "来电时间", "登记时间", "时间", "顾客投诉日期", "received", "date"),
    ),
    _f(
        "channel",
        N_("投诉方式"),
        "choice",
        choice=Channel,
        exported=True,
        imported=True,
        synonyms=("渠道", N_("投诉渠道"), "方式"),
        editable=True,
    ),
    _f(
        "customer_name",
        N_("客户姓名"),
        exported=True,
        imported=True,
        personal=True,
        synonyms=(
            "姓名",
            "客户",
            "投诉人",
            "客户名称",
            "投诉人姓名",
            "投诉来源",
            "顾客的名称",
            "顾客名称",
            "顾客姓名",
            "customer",
            "name",
        ),
        editable=True,
    ),
    _f(
        "contact",
        N_("联系方式"),
        exported=True,
        imported=True,
        personal=True,
        synonyms=("联系电话", "电话", "手机", "手机号", "手机号码", "邮箱", "phone", "email"),
        editable=True,
    ),
    _f(
        "location",
        N_("地点"),
        exported=True,
        imported=True,
        free_text=True,
        synonyms=("门店", "发生地点", "地址", "网点", "store"),
        editable=True,
    ),
    _f(
        "subject",
        N_("投诉主题"),
        exported=True,
        imported=True,
        synonyms=("主题", "标题", "投诉事项", "投诉事由", "title"),
        free_text=True,
        editable=True,
    ),
    _f(
        "content",
        N_("投诉内容"),
        "long",
        exported=True,
        imported=True,
        synonyms=(
            "事情经过",
            "事件经过",
            "问题描述",
            "具体问题描述",
            "投诉描述",
            "内容",
            "投诉详情",
            "顾客投诉的问题及具体表现",
            "description",
        ),
        editable=True,
    ),
    _f(
        "demand",
        N_("客户诉求"),
        "long",
        exported=True,
        imported=True,
        synonyms=("诉求", "诉求要求", "客户要求", "要求", "顾客的要求", "顾客要求"),
        editable=True,
    ),
    _f(
        "receiver",
        N_("受理人"),
        exported=True,
        imported=True,
        synonyms=("接待人员", "接待人", "记录人", "登记人", "投诉记录人"),
        editable=True,
    ),
    _f("category", N_("投诉类别"), "category", exported=True, imported=True, synonyms=("类别", "分类", "投诉类型", "类型")),
    _f("origin", N_("投诉性质"), "choice", choice=Origin, exported=True, imported=True, synonyms=("性质",)),
    _f("severity", N_("严重程度"), "choice", choice=Severity, exported=True, imported=True, synonyms=("等级", "投诉等级")),
    _f("priority", N_("优先级"), "choice", choice=Priority, exported=True, imported=True),
    _f("department", N_("责任部门"), exported=True, imported=True, synonyms=("处理部门", "部门")),
    _f("assignee", N_("处理责任人"), exported=True, imported=True, synonyms=("处理人", "处理人员", "责任人", "经办人", "跟进人")),
    _f("cause", N_("原因分析"), "long", exported=True, imported=True, synonyms=("原因", "初步原因评估"), editable=True),
    _f(
        "solution",
        N_("处理结果"),
        "long",
        exported=True,
        imported=True,
        synonyms=("处理意见", "处理方案", "解决方案", "处理情况", "处理方法", "反馈结果", "result"),
        editable=True,
    ),
    _f(
        "corrective_action",
        N_("纠正及预防措施"),
        "long",
        exported=True,
        imported=True,
        synonyms=("纠正措施", N_("预防措施"), "整改措施"),
        editable=True,
    ),
    _f(
        "compensation_cents",
        N_("赔偿金额"),
        "money",
        exported=True,
        imported=True,
        key="compensation_amount",
        record=False,  # the record gives compensation_amount in yuan
        synonyms=("赔偿", "补偿金额", "赔付金额", "compensation"),
    ),
    _f(
        "compensation_kind",
        N_("赔偿方式"),
        "choice",
        choice=CompensationKind,
        exported=True,
        imported=True,
        synonyms=("补偿方式",),
    ),
    _f("feedback_at", N_("反馈时间"), "time", exported=True, imported=True, synonyms=("答复时间",)),
    _f("followup_at", N_("回访时间"), "time", exported=True, imported=True, synonyms=("回访日期",)),
    _f("followup_by", N_("回访人"), exported=True, imported=True, synonyms=("回访人员",)),
    _f(
        "satisfaction",
        N_("满意度"),
        "choice",
        choice=Satisfaction,
        exported=True,
        imported=True,
        synonyms=("客户满意度", N_("回访结果"), "回访满意度"),
    ),
    _f("status", N_("状态"), "choice", choice=Status, exported=True, imported=True, synonyms=("处理状态",)),
    _f(
        "first_response_at",
        N_("初次响应时间"),
        "time",
        exported=True,
        imported=True,
        synonyms=("首次响应时间", N_("响应时间"), "首次联系时间"),
    ),
    _f("resolved_at", N_("解决时间"), "time", exported=True, imported=True, synonyms=("处理完成时间", "完成时间", "处理时间")),
    _f("closed_at", N_("结案时间"), "time", exported=True, imported=True, synonyms=("关闭时间",)),
    _f("close_reason", N_("结案说明"), "long", exported=True),
    _f("remarks", N_("备注"), "long", exported=True, imported=True, synonyms=("说明", "附注", "remarks", "notes"), editable=True),
    # Derived from the department's unit when the case is assigned (a sheet may give it):
    # not part of the history, as the department it follows is.
    _f(
        "unit",
        N_("所属单位"),
        exported=True,
        imported=True,
        synonyms=("单位", "门店", "店铺", "网点", "所属门店", "unit"),
        chained=False,
    ),
    # Kept and shown, not columns of the paper form.
    _f("urgency", N_("紧急程度"), "choice", choice=Urgency, shown=False),
    _f("resolved_by", N_("解决人"), shown=False),
    _f("final_decision", N_("分管领导决定"), "flag"),
    _f("followup_note", N_("回访记录"), "long", editable=True),
    _f("reopen_count", N_("重新处理次数"), "count"),
    _f("escalation_level", N_("升级级别"), "count"),
    _f("waiting_since", N_("等待客户自"), "time", shown=False),
    _f("incident_id", N_("关联集中性投诉"), "link", key="incident_no", chained=False, record=False),
    # Bookkeeping: kept, never shown as fields.
    *(
        _f(name, label, kind, chained=False, shown=False, record=False)
        for name, label, kind in (
            ("id", N_("内部编号"), "count"),
            ("year", N_("年度"), "count"),
            ("seq", N_("序号"), "count"),
            ("received_date", N_("投诉日期"), "date"),
            ("explanation", N_("判定依据"), "long"),
            ("source_key", N_("导入来源"), "text"),
            ("created_at", N_("创建时间"), "time"),
            ("updated_at", N_("修改时间"), "time"),
            ("nonce", N_("个人信息盐值"), "text"),
        )
    ),
)

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
BY_KEY: dict[str, Field] = {f.record_key: f for f in FIELDS}


def field(name: str) -> Field:
    """The field of a column or record key."""
    return BY_NAME.get(name) or BY_KEY[name]


def label(name: str) -> str:
    return field(name).label


# Derived lists (each one place's view of the registry).
RECORD_FIELDS = tuple(f.name for f in FIELDS if f.record)
EXPORTED = tuple(f for f in FIELDS if f.exported)
IMPORTED = tuple(f for f in FIELDS if f.imported)
CHAINED = tuple(f.name for f in FIELDS if f.chained)
SHOWN = tuple(f for f in FIELDS if f.shown)
TIME_FIELDS = tuple(f.name for f in FIELDS if f.kind == "time")
PERSONAL = tuple(f.name for f in FIELDS if f.personal)
# Text a clerk types freely about the case, where a customer's numbers may be written.
FREE_TEXT = tuple(f.name for f in FIELDS if f.chained and (f.kind == "long" or f.free_text))
CHOICES: dict[str, type[Choice]] = {f.name: f.choice for f in FIELDS if f.choice is not None}


# Labels of what the history's changes name: the fields, and keys that are not fields.
CHANGE_LABELS: dict[str, str] = {
    **{f.name: f.label for f in FIELDS},
    **{f.record_key: f.label for f in FIELDS},
    "compensation_cents": N_("赔偿金额"),
    "attachments": N_("证据附件"),
    "meets": N_("达成节点"),
    "imported_step": N_("按导入表格记录"),
    "contact_entry": N_("沟通"),
    "linked": N_("关联投诉"),
    "milestone": N_("节点"),
    "due_at": N_("期限"),
    "clock": N_("时钟"),
    "step": N_("步骤"),
    "notified": N_("通知"),
    "note": N_("说明"),
    "parts": N_("报告内容"),
    "preventive": N_("预防措施"),
    "owner": N_("落实人"),
    "steps": N_("方案"),
    "method": N_("回访方式"),
    "level": N_("升级级别"),
}
