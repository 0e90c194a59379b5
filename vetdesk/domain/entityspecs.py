"""One description per record kind: its columns, their kinds, names, hints and choices.

Every front that reads or writes a kind's records uses this declaration: the record forms
(:mod:`vetdesk.services.records`), the template writer, the importer, the exporter, the
annotated error workbook, the signed package's canonical form, the check messages' field
names and the database's CHECK constraints on enumerated columns. A column's ``form_*``
facets say where a form deliberately differs from a template (a shorter hint, a label
without "（是/否）"); everything else is the same for both.

Qt-free and SQLAlchemy-free: plain data over :mod:`vetdesk.domain.enums`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from vetdesk.domain.enums import (
    CATEGORIES_OF_LEVEL,
    BaseKind,
    BaseStatus,
    CertificateLevel,
    CooperationForm,
    Degree,
    DoubleTeacherLevel,
    Education,
    Honour,
    LabelledEnum,
    MajorStatus,
    Ownership,
    SchoolCategory,
    SchoolLevel,
    TargetGroup,
    TeacherRole,
    Title,
    TrainingCategory,
)
from vetdesk.i18n import N_, _


class Kind(enum.StrEnum):
    """How a column's cells are read and written."""

    TEXT = "text"
    NAME = "name"
    CODE = "code"
    ID_NUMBER = "id_number"
    COUNTY = "county"
    INT = "int"
    WAN_YUAN = "wan_yuan"  # typed in 万元 (up to 4 decimals), stored in 元
    DATE = "date"
    ENUM = "enum"
    BOOL = "bool"
    MULTI = "multi"  # several choices of an enum, separated by 、 or commas
    YEAR = "year"


@dataclass(frozen=True)
class Column:
    """One column of a sheet."""

    key: str
    header: str
    kind: Kind
    required: bool = False
    enum: type[LabelledEnum] | None = None
    width: int = 14
    hint: str = ""
    aliases: tuple[str, ...] = ()
    max_length: int = 200
    informational: bool = False  # shown for people, ignored on import
    # Where a record form differs from a template, on purpose:
    form_label: str = ""  # the name in forms and messages when the header says more
    form_hint: str | None = None  # the form's input hint (None: the template's hint)
    form_required: bool | None = None  # None: as in the template
    # A choice narrowed by another column of the record: that column, and the codes
    # allowed for each of its values (a value not listed allows every code).
    narrowed_by: str = ""
    narrowing: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def header_text(self) -> str:
        """The header as written in a workbook (required columns marked with *)."""
        return ("*" if self.required else "") + _(self.header)

    @property
    def label(self) -> str:
        """The column's name in forms and messages, in the current language."""
        return _(self.form_label or self.header)

    @property
    def label_source(self) -> str:
        """The untranslated name in forms and messages."""
        return self.form_label or self.header

    @property
    def input_hint(self) -> str:
        """The untranslated hint a form shows under the field ("" for none)."""
        return self.hint if self.form_hint is None else self.form_hint

    @property
    def required_in_form(self) -> bool:
        """Whether a form refuses the record without this value."""
        return self.required if self.form_required is None else self.form_required

    @property
    def enumerated(self) -> bool:
        """Whether every stored value is one code of ``enum`` (the database checks it)."""
        return self.kind == Kind.ENUM and self.enum is not None


@dataclass(frozen=True)
class SheetSpec:
    """A data sheet: its title, columns and the columns that identify a row."""

    key: str
    title: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    description: str
    aliases: tuple[str, ...] = ()
    max_rows: int = 200_000
    extra_titles: tuple[str, ...] = field(default=())
    entity: str = ""  # the record kind whose rows the sheet holds ("" : none of its own)
    table: str = ""  # the database table those rows are stored in

    @property
    def form_columns(self) -> tuple[Column, ...]:
        """The columns a record form asks for.

        A school's code is a field of the school's own form; every other kind's form takes
        the school from its context (the school box or the school being edited).
        """
        return tuple(
            c for c in self.data_columns if c.key != "school_code" or self.entity == "school"
        )

    @property
    def enumerated_columns(self) -> tuple[Column, ...]:
        """The columns whose values the database restricts to an enumeration."""
        return tuple(c for c in self.data_columns if c.enumerated)

    def column(self, key: str) -> Column:
        """The column with a key."""
        return self._columns_by_key[key]

    @cached_property
    def _columns_by_key(self) -> dict[str, Column]:
        # Looked up for every key cell of every imported or compared row: a dict, not a scan.
        by_key: dict[str, Column] = {}
        for column in self.columns:
            by_key.setdefault(column.key, column)
        return by_key

    @cached_property
    def key_columns(self) -> tuple[tuple[str, Column], ...]:
        """The natural key's columns with their keys, in key order."""
        return tuple((key, self.column(key)) for key in self.natural_key)

    @cached_property
    def data_columns(self) -> tuple[Column, ...]:
        """Columns whose values are imported."""
        return tuple(c for c in self.columns if not c.informational)

    @property
    def sheet_title(self) -> str:
        """The sheet's name as shown to people: the Chinese name a workbook has, glossed in English.

        Workbooks always carry the Chinese names (schools and the city work in Chinese), so a
        message in English still names a sheet that exists: "教师名册 (Teacher roster)".
        """
        translated = _(self.title)
        return self.title if translated == self.title else f"{self.title} ({translated})"


SCHOOL_CODE = Column(
    "school_code",
    N_("学校标识码"),
    Kind.CODE,
    required=True,
    width=14,
    hint=N_("10 位学校（机构）标识码，如 3663xxxxxx"),
    aliases=("学校代码", "标识码"),
    form_hint=N_("10位数字，如 3663230001"),
)
SCHOOL_NAME_INFO = Column(
    "school_name",
    N_("学校名称"),
    Kind.TEXT,
    width=28,
    informational=True,
    hint=N_("仅供核对，导入时以学校标识码为准"),
)

SCHOOLS = SheetSpec(
    key="schools",
    entity="school",
    table="schools",
    title=N_("学校名录"),
    natural_key=("school_code",),
    description=N_("本单位职业学校名录，以市局下发的为准；新设学校请先与市局核对标识码。"),
    columns=(
        SCHOOL_CODE,
        Column("name", N_("学校名称"), Kind.NAME, required=True, width=30),
        Column(
            "county_code",
            N_("所属县区"),
            Kind.COUNTY,
            required=True,
            width=18,
            hint=N_("县区名称或 6 位区划代码"),
        ),
        Column("level", N_("办学层次"), Kind.ENUM, required=True, enum=SchoolLevel, width=10),
        Column(
            "category",
            N_("标准类别"),
            Kind.ENUM,
            required=True,
            enum=SchoolCategory,
            width=22,
            narrowed_by="level",
            narrowing=CATEGORIES_OF_LEVEL,
        ),
        Column("ownership", N_("举办性质"), Kind.ENUM, required=True, enum=Ownership, width=10),
        Column(
            "credit_code", N_("统一社会信用代码"), Kind.CODE, width=22, form_hint=N_("18位，可不填")
        ),
        Column("address", N_("地址"), Kind.TEXT, width=30),
        Column("contact_person", N_("联系人"), Kind.NAME, width=10),
        Column("contact_phone", N_("联系电话"), Kind.CODE, width=16, max_length=30),
        # Schema 0005: whether the school counts in the 达标 rate (教职成〔2022〕5号).
        Column(
            "founded_year",
            N_("建校年份"),
            Kind.YEAR,
            width=10,
            aliases=("建校时间",),
            form_hint=N_("如 1985；用于判断是否计入达标率"),
        ),
        Column(
            "attached_class",
            N_("附设中职班（是/否）"),
            Kind.BOOL,
            width=12,
            form_label=N_("附设中职班"),
            form_hint=N_("附设中职班不计入达标率"),
        ),
    ),
)

CONDITIONS = SheetSpec(
    key="conditions",
    entity="condition",
    table="school_conditions",
    title=N_("办学条件"),
    natural_key=("school_code",),
    description=N_("每校一行，填写统计时点的数据。面积填平方米，仪器设备总值填万元。"),
    columns=(
        SCHOOL_CODE,
        SCHOOL_NAME_INFO,
        Column(
            "full_time_students",
            N_("全日制在校生数（人）"),
            Kind.INT,
            required=True,
            aliases=("在校生数", "全日制在校生"),
        ),
        Column(
            "converted_students",
            N_("折合在校生数（人，高职填）"),
            Kind.INT,
            aliases=("折合在校生数",),
        ),
        Column(
            "land_area_m2",
            N_("校园占地面积（平方米）"),
            Kind.INT,
            required=True,
            hint=N_("不含教职工宿舍和相对独立的附属机构"),
            aliases=("占地面积",),
            form_hint="",
        ),
        Column(
            "building_area_m2",
            N_("校舍建筑面积（平方米）"),
            Kind.INT,
            required=True,
            aliases=("校舍面积",),
        ),
        Column("teaching_admin_area_m2", N_("教学及行政用房面积（平方米）"), Kind.INT),
        Column("dormitory_area_m2", N_("学生宿舍面积（平方米）"), Kind.INT),
        Column(
            "equipment_value_yuan",
            N_("教学仪器设备总值（万元）"),
            Kind.WAN_YUAN,
            required=True,
            hint=N_("单位：万元，最多 4 位小数"),
            aliases=("仪器设备总值", "仪器设备值"),
            form_hint=N_("单位：万元，如 325.5"),
        ),
        Column(
            "books", N_("纸质图书（册）"), Kind.INT, required=True, aliases=("图书", "图书册数")
        ),
        Column("teaching_computers", N_("教学用计算机（台）"), Kind.INT),
        Column("training_places", N_("实训工位（个）"), Kind.INT),
        Column("majors_count", N_("专业数（个）"), Kind.INT),
        Column(
            "has_running_track",
            N_("200米以上环形跑道（是/否）"),
            Kind.BOOL,
            width=12,
            form_label=N_("200米以上环形跑道"),
        ),
        # Added with schema 0005 (技工学校 第八条); a workbook without it still imports.
        Column(
            "practice_area_m2",
            N_("实习、实验场所建筑面积（平方米）"),
            Kind.INT,
            aliases=("实习实验场所面积",),
        ),
    ),
)

TEACHERS = SheetSpec(
    key="teachers",
    entity="teacher",
    table="teachers",
    title=N_("教师名册"),
    natural_key=("school_code", "id_number"),
    description=N_("每位教师一行，包括行业企业兼职教师。身份证号请按文本填写（18 位）。"),
    columns=(
        SCHOOL_CODE,
        SCHOOL_NAME_INFO,
        Column("name", N_("姓名"), Kind.NAME, required=True, width=12, max_length=50),
        Column(
            "id_number",
            N_("身份证号"),
            Kind.ID_NUMBER,
            required=True,
            width=22,
            hint=N_("18 位，末位 X 大小写均可；请设为文本格式，勿以数字形式输入"),
            aliases=("身份证号码", "公民身份号码"),
            form_hint=N_("18位"),
        ),
        Column("role", N_("岗位类别"), Kind.ENUM, required=True, enum=TeacherRole, width=22),
        Column("education", N_("最高学历"), Kind.ENUM, required=True, enum=Education, width=12),
        Column(
            "title",
            N_("专业技术职称"),
            Kind.ENUM,
            required=True,
            enum=Title,
            width=12,
            aliases=("职称",),
        ),
        Column(
            "double_teacher_level",
            N_("“双师型”等级"),
            Kind.ENUM,
            enum=DoubleTeacherLevel,
            width=12,
            aliases=("双师型等级", "双师型"),
            # A blank cell imports as 无; a form asks for a choice.
            form_required=True,
        ),
        Column(
            "double_teacher_date",
            N_("“双师型”认定日期"),
            Kind.DATE,
            width=14,
            aliases=("双师型认定日期",),
            form_hint=N_("如 2024-06-30"),
        ),
        Column(
            "double_teacher_body",
            N_("“双师型”认定机构"),
            Kind.TEXT,
            width=18,
            aliases=("双师型认定机构",),
        ),
        Column(
            "honours",
            N_("荣誉称号"),
            Kind.MULTI,
            enum=Honour,
            width=16,
            hint=N_(
                "可多选，用逗号或顿号分隔：教学名师、名匠、名校长、教育家型校长、乡村工匠、其他荣誉"
            ),
            form_hint=N_("多个用逗号分隔"),
        ),
        Column("hired_date", N_("入职日期"), Kind.DATE, width=12, form_hint=N_("如 2015-09-01")),
        # Added with schema 0005: a workbook without it still imports (学位 left unrecorded).
        Column("degree", N_("最高学位"), Kind.ENUM, enum=Degree, width=10, aliases=("学位",)),
    ),
)

PRACTICES = SheetSpec(
    key="practices",
    entity="practice",
    table="enterprise_practices",
    title=N_("企业实践"),
    natural_key=("school_code", "id_number", "start_date"),
    description=N_("专业课教师（含实习指导教师）每段企业实践一行，用身份证号对应教师名册。"),
    columns=(
        SCHOOL_CODE,
        Column(
            "id_number",
            N_("身份证号"),
            Kind.ID_NUMBER,
            required=True,
            width=22,
            aliases=("身份证号码",),
        ),
        Column("teacher_name", N_("教师姓名"), Kind.TEXT, width=12, informational=True),
        Column(
            "enterprise", N_("实践企业"), Kind.TEXT, required=True, width=30, aliases=("企业名称",)
        ),
        Column("start_date", N_("开始日期"), Kind.DATE, required=True, width=12),
        Column("end_date", N_("结束日期"), Kind.DATE, required=True, width=12),
    ),
)

TRAININGS = SheetSpec(
    key="trainings",
    entity="training",
    table="training_programmes",
    title=N_("培训项目"),
    natural_key=("school_code", "name", "start_date"),
    description=N_("本年度学校承办的各类培训，每个项目（期次）一行。"),
    columns=(
        SCHOOL_CODE,
        SCHOOL_NAME_INFO,
        Column(
            "name", N_("培训项目名称"), Kind.TEXT, required=True, width=30, aliases=("项目名称",)
        ),
        Column(
            "category", N_("培训类别"), Kind.ENUM, required=True, enum=TrainingCategory, width=16
        ),
        Column(
            "target_group", N_("培训对象"), Kind.ENUM, required=True, enum=TargetGroup, width=16
        ),
        Column(
            "start_date",
            N_("开始日期"),
            Kind.DATE,
            required=True,
            width=12,
            form_hint=N_("如 2025-03-01"),
        ),
        Column(
            "end_date",
            N_("结束日期"),
            Kind.DATE,
            required=True,
            width=12,
            form_hint=N_("如 2025-03-20"),
        ),
        Column("hours", N_("学时"), Kind.INT, required=True, width=8),
        Column("enrolled", N_("参训人数"), Kind.INT, required=True, width=10),
        Column("completed", N_("结业人数"), Kind.INT, required=True, width=10),
        Column("certified", N_("取证人数"), Kind.INT, required=True, width=10),
        Column("funding_yuan", N_("培训经费（元）"), Kind.INT, width=12),
        Column("funding_source", N_("经费来源"), Kind.TEXT, width=20),
        Column("partner_enterprise", N_("合作企业"), Kind.TEXT, width=24),
    ),
)

MAJORS = SheetSpec(
    key="majors",
    entity="major",
    table="majors",
    title=N_("专业设置"),
    natural_key=("school_code", "major_code"),
    description=N_("每个专业一行，包括本规划期内新增、停招、撤销、转向的专业。"),
    columns=(
        SCHOOL_CODE,
        SCHOOL_NAME_INFO,
        Column(
            "major_code",
            N_("专业代码"),
            Kind.CODE,
            required=True,
            width=12,
            max_length=12,
            hint=N_("《职业教育专业目录（2021年）》中的 6 位专业代码"),
        ),
        Column("name", N_("专业名称"), Kind.TEXT, required=True, width=24),
        Column("status", N_("专业状态"), Kind.ENUM, required=True, enum=MajorStatus, width=10),
        Column(
            "status_year",
            N_("状态变动年份"),
            Kind.YEAR,
            width=12,
            hint=N_("新增、停招、撤销或转向的年份"),
        ),
        Column("brand", N_("品牌示范专业（是/否）"), Kind.BOOL, width=12),
        Column("double_excellent", N_("“双优”专业（是/否）"), Kind.BOOL, width=12),
        Column("agriculture", N_("涉农专业（是/否）"), Kind.BOOL, width=12),
        Column("enrolment", N_("在校生数（人）"), Kind.INT, width=10),
    ),
)

ENTERPRISES = SheetSpec(
    key="enterprises",
    entity="enterprise",
    table="cooperating_enterprises",
    title=N_("合作企业"),
    natural_key=("school_code", "name"),
    description=N_("与学校开展校企合作的企业，每家企业一行。"),
    columns=(
        SCHOOL_CODE,
        SCHOOL_NAME_INFO,
        Column("name", N_("企业名称"), Kind.TEXT, required=True, width=30),
        Column("credit_code", N_("统一社会信用代码"), Kind.CODE, width=22),
        Column("industry", N_("所属行业"), Kind.TEXT, width=16),
        Column(
            "forms",
            N_("合作形式"),
            Kind.MULTI,
            required=True,
            enum=CooperationForm,
            width=24,
            hint=N_(
                "可多选，用顿号或逗号分隔：订单班、冠名班、学徒制、产业学院、实训基地、其他合作"
            ),
        ),
        Column("since_year", N_("合作起始年份"), Kind.YEAR, width=12),
    ),
)

PILOTS = SheetSpec(
    key="pilots",
    entity="pilot",
    table="certificate_pilots",
    title=N_("1+X证书试点"),
    natural_key=("school_code", "certificate", "level"),
    description=N_("学校承担的 1+X 职业技能等级证书试点，每个证书（等级）一行。"),
    columns=(
        SCHOOL_CODE,
        SCHOOL_NAME_INFO,
        Column("certificate", N_("证书名称"), Kind.TEXT, required=True, width=30),
        Column("level", N_("证书等级"), Kind.ENUM, required=True, enum=CertificateLevel, width=10),
        Column("candidates", N_("参加考核人数"), Kind.INT, required=True, width=12),
        Column("certified", N_("取得证书人数"), Kind.INT, required=True, width=12),
    ),
)

DESTINATIONS = SheetSpec(
    key="destinations",
    entity="destination",
    table="graduate_destinations",
    title=N_("毕业生去向"),
    natural_key=("school_code",),
    description=N_("本年度毕业生的去向，每校一行。"),
    columns=(
        SCHOOL_CODE,
        SCHOOL_NAME_INFO,
        Column("graduates", N_("毕业生数（人）"), Kind.INT, required=True, width=12),
        Column("employed", N_("就业人数（人）"), Kind.INT, required=True, width=12),
        Column("further_study", N_("升学人数（人）"), Kind.INT, required=True, width=12),
    ),
)

BASES = SheetSpec(
    key="bases",
    entity="base",
    table="training_bases",
    title=N_("实践中心与工作室"),
    natural_key=("school_code", "name"),
    description=N_("开放型区域产教融合实践中心、虚拟仿真实训基地、名师（名匠）工作室等。"),
    columns=(
        SCHOOL_CODE,
        SCHOOL_NAME_INFO,
        Column("name", N_("名称"), Kind.TEXT, required=True, width=30),
        Column("kind", N_("类型"), Kind.ENUM, required=True, enum=BaseKind, width=26),
        Column("status", N_("建设状态"), Kind.ENUM, required=True, enum=BaseStatus, width=10),
        Column("year", N_("建成或认定年份"), Kind.YEAR, width=12),
    ),
)

EXPLANATIONS = SheetSpec(
    key="explanations",
    table="warning_explanations",
    title=N_("警告说明"),
    natural_key=("rule", "record_key", "field"),
    description=N_("对核验警告填写的说明，随数据一并上报。"),
    columns=(
        Column("rule", N_("规则编号"), Kind.TEXT, required=True, width=30),
        Column("record_key", N_("记录键"), Kind.TEXT, required=True, width=36),
        Column("field", N_("字段"), Kind.TEXT, width=18),
        Column("text", N_("说明"), Kind.TEXT, required=True, width=60, max_length=2000),
    ),
)


# The sheet of each record kind that has one, by the kind's name (``services.entities``).
ENTITY_SHEETS: dict[str, SheetSpec] = {
    s.entity: s
    for s in (
        SCHOOLS,
        CONDITIONS,
        TEACHERS,
        PRACTICES,
        TRAININGS,
        MAJORS,
        ENTERPRISES,
        PILOTS,
        DESTINATIONS,
        BASES,
    )
}


def enumerated_columns() -> dict[str, tuple[Column, ...]]:
    """Per database table, the columns restricted to an enumeration (CHECK constraints)."""
    found: dict[str, tuple[Column, ...]] = {}
    for sheet in ENTITY_SHEETS.values():
        if sheet.enumerated_columns:
            found[sheet.table] = sheet.enumerated_columns
    return found


def enum_check(column: Column) -> str:
    """The SQL condition that keeps a column to its enumeration's codes (NULL allowed)."""
    assert column.enum is not None
    codes = ", ".join(f"'{member.value}'" for member in column.enum)
    return f"{column.key} IN ({codes})"
