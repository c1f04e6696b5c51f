"""The words of the register: choices with their English codes and Chinese labels.

Standard library only: every other layer speaks these types.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import Self

from .i18n import N_, NN_, _, ngettext


class Choice(str, Enum):
    """A closed set of codes, each with a Chinese label and accepted synonyms."""

    label: str
    synonyms: tuple[str, ...]

    def __new__(cls, code: str, label: str, *synonyms: str) -> Choice:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        member.synonyms = synonyms
        return member

    def __str__(self) -> str:
        return str(self._value_)

    @classmethod
    def of(cls, code: str) -> Self:
        """The member whose code is `code` (ValueError otherwise): `Severity.of("major")`."""
        return cls(code)  # type: ignore[call-arg]  # Enum's lookup by value, not __new__

    @classmethod
    def parse(cls, text: str) -> Choice:
        """Find the member named by `text`: its code or Chinese label, any case.

        Raises ValueError naming the accepted values.
        """
        wanted = unicodedata.normalize("NFKC", text).strip().casefold()
        for member in cls:
            names = (member.value, member.label, _(member.label), *member.synonyms)
            if wanted in (n.casefold() for n in names):
                return member
        raise ValueError(_("{text!r} is not one of: {choices_text}").format(text=text, choices_text=cls.choices_text()))

    @classmethod
    def choices_text(cls) -> str:
        return ", ".join(f"{m.value} ({_(m.label)})" for m in cls)


class Channel(Choice):
    PHONE = "phone", N_("电话"), "tel", "热线"
    EMAIL = "email", N_("邮件"), "e-mail", "电子邮件"
    WEB = "web", N_("官网/在线"), "官网", "在线", "online", "网站"
    SOCIAL = "social", N_("社交媒体"), "微信", "微博"
    ONSITE = "onsite", N_("现场"), "on-site", "来访"
    LETTER = "letter", N_("信函"), "书面", "来信"
    OTHER = "other", N_("其他")


class Origin(Choice):
    ROUTINE = "routine", N_("常规")
    DISCOVERED = "discovered", N_("发掘性")
    MASS = "mass", N_("集中性")


class Severity(Choice):
    GENERAL = "general", N_("一般")
    MAJOR = "major", N_("重大"), "严重"
    CRITICAL = "critical", N_("特殊复杂"), "特殊", "复杂"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Priority(Choice):
    HIGH = "high", N_("高")
    MEDIUM = "medium", N_("中")
    LOW = "low", N_("低")


class Status(Choice):
    # The synonyms are the words register templates use (import reads them).
    RECEIVED = "received", N_("已登记"), "已受理", "待处理", "新建", "未处理"
    ASSIGNED = "assigned", N_("处理中"), "已分派", "跟进中", "办理中", "已派单", "已转办"
    RESOLVED = "resolved", N_("已解决"), "待回访", "已处理", "已完成", "处理完毕"
    CLOSED = "closed", N_("已结案"), "已办结", "办结", "已关闭", "结案", "已回访"


# Every status but closed: the case still needs work or a visit.
OPEN_STATUSES = (Status.RECEIVED.value, Status.ASSIGNED.value, Status.RESOLVED.value)


class Satisfaction(Choice):
    A = "A", N_("很满意")
    B = "B", N_("满意")
    C = "C", N_("基本满意")
    D = "D", N_("不满意")


class CompensationKind(Choice):
    REFUND = "refund", N_("退款")
    REPLACEMENT = "replacement", N_("更换")
    REPAIR = "repair", N_("维修"), "免费维修"
    DISCOUNT = "discount", N_("折扣"), "优惠券", "折扣/优惠券"
    GIFT = "gift", N_("赠品")
    OTHER = "other", N_("其他")


class Milestone(Choice):
    FIRST_RESPONSE = "first_response", N_("初次响应")
    RESOLUTION = "resolution", N_("解决")
    FEEDBACK = "feedback", N_("结果反馈")
    FOLLOWUP = "followup", N_("回访")
    CORRECTIVE_ACTION = "corrective_action", N_("纠正预防措施")


_DURATION = re.compile(r"^\s*(\d{1,6})\s*(wd|d|h|min|[^\d\s].*?)\s*$")
# The units as people write them, beside the short codes the rules use.
_DURATION_UNITS = {
    "wd": "wd",
    "个工作日": "wd",
    "工作日": "wd",
    "working day": "wd",
    "working days": "wd",
    "d": "d",
    "天": "d",
    "日": "d",
    "day": "d",
    "days": "d",
    "h": "h",
    "小时": "h",
    "个小时": "h",
    "hour": "h",
    "hours": "h",
    "min": "min",
    "分钟": "min",
    "minute": "min",
    "minutes": "min",
}
# Each with a plural form for the languages that have one (the Chinese is the same).
_DURATION_LABELS = {
    "wd": NN_("{count}个工作日", "{count}个工作日"),
    "d": NN_("{count}天", "{count}天"),
    "h": NN_("{count}小时", "{count}小时"),
    "min": NN_("{count}分钟", "{count}分钟"),
}


@dataclass(frozen=True)
class Duration:
    """A deadline's length: working days (`5wd`), calendar days (`3d`), hours (`12h`)
    or minutes (`30min`)."""

    amount: int
    unit: str

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Read `1wd`, `3d`, `12h`, `30min` (or `3个工作日`, `2天`, `4小时`, `30分钟`,
        `2 days`); ValueError says how to write one."""
        match = _DURATION.match(unicodedata.normalize("NFKC", str(text)).casefold())
        unit = _DURATION_UNITS.get(match[2].strip()) if match else None
        if match is None or unit is None:
            raise ValueError(
                _("{text!r} is not a duration; write 1wd (working days), 3d, 12h or 30min, or 3个工作日, 2天, 4小时").format(
                    text=text
                )
            )
        return cls(int(match[1]), unit)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    @property
    def label(self) -> str:
        """As a person says it, in the reader's language: 3个工作日, 3 working days."""
        return ngettext(*_DURATION_LABELS[self.unit], self.amount).format(count=self.amount)

    @property
    def term(self) -> str:
        """The same, kept in a reason (reasons.py) and shown in the reader's language."""
        from .reasons import term

        return term(_DURATION_LABELS[self.unit], count=self.amount)


class Urgency(Choice):
    URGENT = "urgent", N_("紧急")
    NORMAL = "normal", N_("普通"), "一般"


# One word each for what is not there: no department or person yet, a field left empty.
NOT_ASSIGNED = N_("未分派")
NOT_GIVEN = N_("未填")

# Labels of the history actions, for people reading `show`.
ACTION_LABELS: dict[str, str] = {
    "logged": N_("登记"),
    "attached": N_("附证据"),
    "backup": N_("备份"),
    "chain_resealed": N_("重新封存历史"),
    "classified": N_("分类评估"),
    "assigned": N_("分派"),
    "contacted": N_("客户沟通"),
    "resolved": N_("处理完成"),
    "final_decision": N_("分管领导决定"),
    "followed_up": N_("回访"),
    "reopened": N_("重新处理"),
    "escalated": N_("升级至分管领导"),
    "extended": N_("延期"),
    "closed": N_("结案"),
    "incident_linked": N_("关联集中性投诉"),
    "breached": N_("超期"),
    "missed": N_("未完成 (已结案或重新处理)"),
    "load_alert": N_("负荷预警"),
    "waiting": N_("等待客户"),
    "resumed": N_("恢复处理"),
    "recomputed": N_("期限重算"),
    "imported": N_("导入"),
    "forgotten": N_("个人信息已删除"),
    "step": N_("处理步骤"),
    "notified": N_("已通知"),
}
