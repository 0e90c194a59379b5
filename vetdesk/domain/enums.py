"""Enumerations of the domain, with their Chinese labels.

The database stores the English ``value``; people see the ``label`` (translated
through :mod:`vetdesk.i18n`). Excel templates offer the labels in drop-down lists,
and imports accept either the label or the value.
"""

from __future__ import annotations

import enum
from functools import cache

from vetdesk.i18n import N_, _


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a translatable Chinese label."""

    _label: str

    def __new__(cls, value: str, label: str) -> LabelledEnum:  # noqa: D102
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        """The label in the current language."""
        return _(self._label)

    @property
    def label_zh(self) -> str:
        """The Chinese label, as written in templates and packages."""
        return self._label

    @classmethod
    def from_text(cls, text: str) -> LabelledEnum | None:
        """Return the member whose value or Chinese/translated label is ``text``."""
        cleaned = text.strip()
        # Values and Chinese labels by dictionary: the check and the import call this for
        # every enumerated cell. Only a translated label (it follows the language) is scanned.
        member = _members_by_text(cls).get(cleaned)
        if member is not None:
            return member
        for member in cls:
            if cleaned == member.label:
                return member
        return None


@cache
def _members_by_text(enum_type: type[LabelledEnum]) -> dict[str, LabelledEnum]:
    """An enumeration's members by value and by Chinese label (no two members share a text)."""
    table: dict[str, LabelledEnum] = {}
    for member in enum_type:
        table.setdefault(member.value, member)
        table.setdefault(member._label, member)
    return table


class Role(LabelledEnum):
    """Whether a database belongs to a county office or the city bureau."""

    COUNTY = "county", N_("县区")
    CITY = "city", N_("市级")


class PeriodState(LabelledEnum):
    """Life cycle of a reporting period."""

    OPEN = "open", N_("填报中")
    SUBMITTED = "submitted", N_("已上报")
    LOCKED = "locked", N_("已锁定")


class SchoolLevel(LabelledEnum):
    """Level of a vocational school."""

    SECONDARY = "secondary", N_("中职")
    HIGHER = "higher", N_("高职")
    TECHNICIAN = "technician", N_("技工")


class SchoolCategory(LabelledEnum):
    """Category that selects the thresholds applied to a school."""

    GENERAL = "general", N_("一般类")
    ARTS = "arts", N_("艺术类")
    REMOTE = "remote", N_("边远脱贫地区")
    TECHNICIAN = "technician", N_("技工")
    SENIOR_TECHNICIAN = "senior_technician", N_("高级技工学校")
    TECHNICIAN_COLLEGE = "technician_college", N_("技师学院")
    HIGHER_COMPREHENSIVE = "higher_comprehensive", N_("高职（综合、师范、民族院校）")
    HIGHER_ENGINEERING = "higher_engineering", N_("高职（工科、农、林院校）")


# The categories a school of each level can have (their thresholds differ).
CATEGORIES_OF_LEVEL: dict[str, frozenset[str]] = {
    "secondary": frozenset({"general", "arts", "remote"}),
    "technician": frozenset(
        {"technician", "senior_technician", "technician_college", "general", "remote"}
    ),
    "higher": frozenset({"higher_comprehensive", "higher_engineering"}),
}


class Ownership(LabelledEnum):
    """Public or private school."""

    PUBLIC = "public", N_("公办")
    PRIVATE = "private", N_("民办")


class TeacherRole(LabelledEnum):
    """Role of a member of the teaching staff."""

    GENERAL_COURSE = "general_course", N_("专任教师（公共基础课）")
    SPECIALTY_COURSE = "specialty_course", N_("专任教师（专业课）")
    PRACTICE_INSTRUCTOR = "practice_instructor", N_("实习指导教师")
    INDUSTRY_PART_TIME = "industry_part_time", N_("行业企业兼职教师")


class Education(LabelledEnum):
    """Highest education of a teacher."""

    DOCTORATE = "doctorate", N_("博士研究生")
    MASTER = "master", N_("硕士研究生")
    BACHELOR = "bachelor", N_("本科")
    ASSOCIATE = "associate", N_("专科")
    OTHER = "other", N_("高中及以下")


class Degree(LabelledEnum):
    """Highest academic degree (学位) of a teacher, distinct from the highest education (学历)."""

    DOCTOR = "doctor", N_("博士")
    MASTER = "master", N_("硕士")
    BACHELOR = "bachelor", N_("学士")
    NONE = "none", N_("无学位")


class Title(LabelledEnum):
    """Professional title (职称) of a teacher."""

    FULL_SENIOR = "full_senior", N_("正高级")
    ASSOCIATE_SENIOR = "associate_senior", N_("副高级")
    INTERMEDIATE = "intermediate", N_("中级")
    JUNIOR = "junior", N_("初级")
    NONE = "none", N_("未评")


class DoubleTeacherLevel(LabelledEnum):
    """Recognised 双师型 level (教师厅〔2022〕2号 three levels)."""

    NONE = "none", N_("无")
    JUNIOR = "junior", N_("初级")
    INTERMEDIATE = "intermediate", N_("中级")
    SENIOR = "senior", N_("高级")


class Honour(LabelledEnum):
    """Honours a teacher holds, counted by the ten-measure targets."""

    TEACHING_MASTER = "teaching_master", N_("教学名师")
    CRAFTSMAN = "craftsman", N_("名匠")
    FAMOUS_PRINCIPAL = "famous_principal", N_("名校长")
    EDUCATOR_PRINCIPAL = "educator_principal", N_("教育家型校长")
    RURAL_CRAFTSMAN = "rural_craftsman", N_("乡村工匠")
    OTHER = "other", N_("其他荣誉")


class TrainingCategory(LabelledEnum):
    """Category of a training programme."""

    SUBSIDISED = "subsidised", N_("补贴性培训")
    MARKET = "market", N_("市场化社会培训")
    ONE_PLUS_X = "one_plus_x", N_("1+X 证书培训")
    PRE_JOB = "pre_job", N_("岗前培训")
    ON_JOB = "on_job", N_("岗位培训")
    CONTINUING = "continuing", N_("继续教育")
    OTHER = "other", N_("其他培训")


class TargetGroup(LabelledEnum):
    """Who a training programme is for."""

    ENTERPRISE_STAFF = "enterprise_staff", N_("企业职工")
    VETERANS = "veterans", N_("退役军人")
    RURAL_MIGRANT = "rural_migrant", N_("农村转移劳动力")
    NEW_FARMERS = "new_farmers", N_("新型职业农民")
    STUDENTS = "students", N_("在校生")
    OTHER = "other", N_("其他")


class Severity(LabelledEnum):
    """Severity of a validation finding."""

    ERROR = "error", N_("错误")
    WARNING = "warning", N_("警告")


class MajorStatus(LabelledEnum):
    """Status of a major in the 14th five-year plan's adjustments."""

    KEPT = "kept", N_("保留")
    NEW = "new", N_("新增")
    STOPPED = "stopped", N_("停招")
    REVOKED = "revoked", N_("撤销")
    REDIRECTED = "redirected", N_("转向")


class CooperationForm(LabelledEnum):
    """Forms of school–enterprise cooperation."""

    ORDER_CLASS = "order_class", N_("订单班")
    NAMED_CLASS = "named_class", N_("冠名班")
    APPRENTICESHIP = "apprenticeship", N_("学徒制")
    INDUSTRY_COLLEGE = "industry_college", N_("产业学院")
    TRAINING_BASE = "training_base", N_("实训基地")
    OTHER = "other", N_("其他合作")


class CertificateLevel(LabelledEnum):
    """Level of a 1+X vocational skill certificate."""

    JUNIOR = "junior", N_("初级")
    INTERMEDIATE = "intermediate", N_("中级")
    SENIOR = "senior", N_("高级")


class BaseKind(LabelledEnum):
    """Kind of practice centre, base or studio counted by the ten measures."""

    PRACTICE_CENTRE = "practice_centre", N_("开放型区域产教融合实践中心")
    VIRTUAL_SIMULATION = "virtual_simulation", N_("虚拟仿真实训基地")
    MASTER_STUDIO = "master_studio", N_("名师（名匠）工作室")
    OTHER = "other", N_("其他基地")


class BaseStatus(LabelledEnum):
    """Stage of a practice centre, base or studio."""

    PLANNED = "planned", N_("规划中")
    BUILDING = "building", N_("建设中")
    BUILT = "built", N_("已建成")
    RECOGNISED = "recognised", N_("已认定")
