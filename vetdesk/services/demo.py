"""A realistic, deterministic demo of Haidong's vocational schools.

Schools carry the real name where it is known (青海省互助县职业技术学校,
青海高等职业技术学院); the others are plausible names and all figures are invented.
Figures are drawn so that some schools pass the 达标 check and some fail; the demo
has no validation errors, and every warning already carries an example explanation,
so a demo county can export its official package at once.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.db.audit import append_entry
from vetdesk.db.database import Database
from vetdesk.db.periods import ensure_period
from vetdesk.domain.enums import (
    BaseKind,
    BaseStatus,
    CertificateLevel,
    CooperationForm,
    Degree,
    DoubleTeacherLevel,
    Education,
    Honour,
    MajorStatus,
    Role,
    SchoolCategory,
    SchoolLevel,
    TargetGroup,
    TeacherRole,
    Title,
    TrainingCategory,
)
from vetdesk.domain.identifiers import (
    credit_code_check_char,
    generate_id_number,
    organisation_code_check_char,
)
from vetdesk.domain.units import load_units
from vetdesk.errors import UsageError
from vetdesk.i18n import _
from vetdesk.services.check import store_explanations
from vetdesk.services.targets import enter_progress
from vetdesk.validation.check import run_check

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SchoolSeed:
    """The fixed part of a demo school."""

    name: str
    level: SchoolLevel
    category: SchoolCategory
    ownership: str
    students: int
    passes: bool


# Base schools per county; --scale N adds N-1 further copies ("分校") of each.
COUNTY_SCHOOLS: dict[str, list[SchoolSeed]] = {
    "630202": [
        SchoolSeed(
            "海东市乐都区职业技术学校",
            SchoolLevel.SECONDARY,
            SchoolCategory.REMOTE,
            "public",
            2300,
            True,
        ),
        SchoolSeed(
            "海东市技工学校",
            SchoolLevel.TECHNICIAN,
            SchoolCategory.TECHNICIAN,
            "public",
            1400,
            True,
        ),
    ],
    "630203": [
        SchoolSeed(
            "海东市平安区职业技术学校",
            SchoolLevel.SECONDARY,
            SchoolCategory.REMOTE,
            "public",
            1800,
            False,
        ),
        SchoolSeed(
            "平安区新时代职业技术学校",
            SchoolLevel.SECONDARY,
            SchoolCategory.GENERAL,
            "private",
            900,
            False,
        ),
    ],
    "630222": [
        SchoolSeed(
            "民和回族土族自治县职业技术学校",
            SchoolLevel.SECONDARY,
            SchoolCategory.REMOTE,
            "public",
            2600,
            True,
        )
    ],
    "630223": [
        SchoolSeed(
            "青海省互助县职业技术学校",
            SchoolLevel.SECONDARY,
            SchoolCategory.REMOTE,
            "public",
            2892,
            True,
        )
    ],
    "630224": [
        SchoolSeed(
            "化隆回族自治县职业技术学校",
            SchoolLevel.SECONDARY,
            SchoolCategory.REMOTE,
            "public",
            1500,
            False,
        )
    ],
    "630225": [
        SchoolSeed(
            "循化撒拉族自治县职业技术学校",
            SchoolLevel.SECONDARY,
            SchoolCategory.REMOTE,
            "public",
            1700,
            True,
        )
    ],
}
CITY_SCHOOLS = [
    SchoolSeed(
        "青海高等职业技术学院",
        SchoolLevel.HIGHER,
        SchoolCategory.HIGHER_COMPREHENSIVE,
        "public",
        6000,
        True,
    )
]

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高韩祁李鲁冶喇"
_GIVEN = [
    "建国",
    "海燕",
    "文军",
    "晓红",
    "志强",
    "玉兰",
    "德明",
    "秀英",
    "永福",
    "丽娟",
    "国栋",
    "春梅",
    "学军",
    "桂花",
    "成林",
    "小龙",
    "雪莲",
    "占魁",
    "有福",
    "明霞",
]
_MINORITY_NAMES = [
    "才让",
    "卓玛",
    "多杰",
    "拉毛",
    "索南",
    "旦正",
    "完玛",
    "才让措",
    "马哈麦",
    "韩努尔",
    "阿卜杜·热合曼",
    "马尔沙",
    "李措吉",
]
_ENTERPRISES = [
    "青海互助天佑德青稞酒股份有限公司",
    "海东市乐都区现代农业产业园",
    "青海盐湖工业股份有限公司",
    "中国电信海东分公司",
    "青海民和恒盛电力设备有限公司",
    "海东市第一人民医院",
    "平安高铁站客运段",
    "循化县撒拉族绿色家园饮品公司",
]
_TRAININGS = [
    ("高素质农民培育班", TrainingCategory.SUBSIDISED, TargetGroup.NEW_FARMERS),
    ("退役军人适应性培训", TrainingCategory.SUBSIDISED, TargetGroup.VETERANS),
    ("农村劳动力转移就业技能培训（焊工）", TrainingCategory.SUBSIDISED, TargetGroup.RURAL_MIGRANT),
    ("企业新型学徒制培训", TrainingCategory.ON_JOB, TargetGroup.ENTERPRISE_STAFF),
    ("1+X 幼儿照护职业技能等级证书培训", TrainingCategory.ONE_PLUS_X, TargetGroup.STUDENTS),
    ("电商直播带货培训", TrainingCategory.MARKET, TargetGroup.OTHER),
    ("拉面经济从业人员岗前培训", TrainingCategory.PRE_JOB, TargetGroup.RURAL_MIGRANT),
    ("中式烹调师继续教育", TrainingCategory.CONTINUING, TargetGroup.ENTERPRISE_STAFF),
]


@dataclass(frozen=True)
class TenMeasurePlan:
    """The ten-measure figures of one demo school (all invented)."""

    majors: tuple[tuple[str, str, MajorStatus, int | None, str, int | None], ...]
    enterprises: tuple[tuple[str, str, tuple[CooperationForm, ...], int], ...]
    pilots: tuple[tuple[str, CertificateLevel, int, int], ...]
    destinations: tuple[int, int, int]
    bases: tuple[tuple[str, BaseKind, BaseStatus, int | None], ...]
    honours: tuple[Honour, ...] = ()


_K, _N, _S, _R, _T = (
    MajorStatus.KEPT,
    MajorStatus.NEW,
    MajorStatus.STOPPED,
    MajorStatus.REVOKED,
    MajorStatus.REDIRECTED,
)
_ORDER, _NAMED, _APP, _COLLEGE, _BASE = (
    CooperationForm.ORDER_CLASS,
    CooperationForm.NAMED_CLASS,
    CooperationForm.APPRENTICESHIP,
    CooperationForm.INDUSTRY_COLLEGE,
    CooperationForm.TRAINING_BASE,
)
_J, _M = CertificateLevel.JUNIOR, CertificateLevel.INTERMEDIATE
_VS, _PC, _MS = BaseKind.VIRTUAL_SIMULATION, BaseKind.PRACTICE_CENTRE, BaseKind.MASTER_STUDIO
_BUILT, _RECOG, _BUILDING = BaseStatus.BUILT, BaseStatus.RECOGNISED, BaseStatus.BUILDING
_TIANYOUDE = "青海互助天佑德青稞酒股份有限公司"

# Flags: B brand demonstration major, D 双优, A agriculture-related. The majors' codes
# and names are illustrative, not checked against the 2021 catalogue.
TEN_MEASURE: dict[tuple[str, int], TenMeasurePlan] = {
    ("630202", 0): TenMeasurePlan(
        majors=(
            ("610201", "现代农艺技术", _K, None, "BA", 320),
            ("700601", "汽车运用与维修", _K, None, "D", 410),
            ("710201", "计算机应用", _K, None, "", 380),
            ("740101", "中餐烹饪", _N, 2022, "", 150),
            ("730701", "会计事务", _S, 2023, "", 60),
        ),
        enterprises=(
            (_TIANYOUDE, "食品制造", (_ORDER, _BASE), 2019),
            ("海东市乐都区现代农业产业园", "农业", (_APP,), 2021),
            ("青海盐湖工业股份有限公司", "化工", (_NAMED,), 2020),
        ),
        pilots=(("汽车运用与维修", _J, 60, 52), ("Web 前端开发", _J, 40, 31)),
        destinations=(690, 560, 85),
        bases=(("乐都汽修虚拟仿真实训基地", _VS, _RECOG, 2024),),
        honours=(Honour.TEACHING_MASTER,),
    ),
    ("630202", 1): TenMeasurePlan(
        majors=(
            ("660301", "焊接技术应用", _K, None, "B", 260),
            ("660601", "电气自动化设备安装与维修", _K, None, "", 240),
            ("700201", "农机设备应用与维修", _T, 2023, "A", 90),
        ),
        enterprises=(
            ("中国电信海东分公司", "通信", (_ORDER,), 2022),
            ("青海民和恒盛电力设备有限公司", "电力", (_APP, _BASE), 2020),
        ),
        pilots=(("特殊焊接技术", _M, 35, 30),),
        destinations=(420, 380, 20),
        bases=(("海东焊接技能大师工作室", _MS, _RECOG, 2023),),
        honours=(Honour.CRAFTSMAN,),
    ),
    ("630203", 0): TenMeasurePlan(
        majors=(
            ("710204", "物联网技术应用", _N, 2024, "B", 120),
            ("740201", "高星级饭店运营与管理", _K, None, "", 200),
            ("730103", "高铁乘务", _K, None, "D", 330),
            ("720101", "服装设计与工艺", _R, 2022, "", 0),
        ),
        enterprises=(
            ("平安高铁站客运段", "交通运输", (_ORDER, _NAMED), 2021),
            ("海东市平安区文旅集团", "旅游", (_APP,), 2023),
        ),
        pilots=(("轨道交通客运服务", _J, 80, 71), ("物联网安装调试与运维", _J, 30, 22)),
        destinations=(520, 430, 50),
        bases=(
            ("平安区域产教融合实践中心", _PC, _BUILDING, None),
            ("高铁乘务虚拟仿真实训室", _VS, _BUILT, 2025),
        ),
    ),
    ("630203", 1): TenMeasurePlan(
        majors=(
            ("730701", "电子商务", _K, None, "", 150),
            ("790101", "幼儿保育", _K, None, "D", 160),
            ("730702", "直播电商服务", _N, 2023, "", 70),
        ),
        enterprises=(("海东市平安区新时代电商产业园", "电子商务", (_ORDER,), 2022),),
        pilots=(("幼儿照护", _J, 50, 46),),
        destinations=(260, 200, 30),
        bases=(),
    ),
    ("630222", 0): TenMeasurePlan(
        majors=(
            ("610101", "设施农业生产技术", _K, None, "BA", 280),
            ("740101", "中餐烹饪（拉面）", _K, None, "BD", 450),
            ("700601", "汽车运用与维修", _K, None, "", 300),
            ("710201", "计算机应用", _S, 2022, "", 40),
            ("610301", "畜禽生产技术", _N, 2021, "A", 110),
        ),
        enterprises=(
            ("民和县拉面产业协会", "餐饮", (_ORDER, _COLLEGE), 2018),
            ("青海民和恒盛电力设备有限公司", "电力", (_APP,), 2021),
            ("民和县现代农业示范园", "农业", (_BASE,), 2020),
        ),
        pilots=(("中式面点", _J, 90, 84), ("农产品食品检验", _J, 25, 19)),
        destinations=(760, 640, 90),
        bases=(("拉面技艺虚拟仿真实训基地", _VS, _RECOG, 2024),),
        honours=(Honour.TEACHING_MASTER, Honour.RURAL_CRAFTSMAN),
    ),
    ("630223", 0): TenMeasurePlan(
        majors=(
            ("740102", "中西面点", _K, None, "B", 260),
            ("700601", "汽车运用与维修", _K, None, "D", 380),
            ("730701", "电子商务", _K, None, "", 300),
            ("610203", "园艺技术", _K, None, "A", 150),
            ("790102", "民族工艺品制作（土族盘绣）", _N, 2022, "B", 90),
            ("660301", "会计事务", _R, 2021, "", 0),
            ("720302", "酒店服务", _S, 2024, "", 30),
        ),
        enterprises=(
            (_TIANYOUDE, "食品制造", (_ORDER, _NAMED, _COLLEGE), 2016),
            ("互助土族盘绣合作社", "手工艺", (_APP,), 2020),
            ("青海互助威思顿精酿啤酒有限公司", "食品制造", (_ORDER,), 2021),
        ),
        pilots=(
            ("汽车运用与维修", _J, 70, 66),
            ("电子商务数据分析", _J, 45, 38),
            ("母婴护理", _J, 30, 27),
        ),
        destinations=(880, 700, 120),
        bases=(
            ("互助青稞酒酿造虚拟仿真实训基地", _VS, _RECOG, 2023),
            ("互助县区域产教融合实践中心", _PC, _BUILT, 2025),
        ),
        honours=(Honour.TEACHING_MASTER, Honour.CRAFTSMAN),
    ),
    ("630224", 0): TenMeasurePlan(
        majors=(
            ("700601", "汽车运用与维修", _K, None, "", 200),
            ("740101", "中餐烹饪", _K, None, "", 260),
            ("610201", "现代农艺技术", _S, 2023, "A", 20),
        ),
        enterprises=(("化隆县拉面经济服务中心", "餐饮", (_ORDER,), 2020),),
        pilots=(("中式面点", _J, 40, 29),),
        destinations=(450, 350, 40),
        bases=(),
    ),
    ("630225", 0): TenMeasurePlan(
        majors=(
            ("740101", "中餐烹饪", _K, None, "B", 240),
            ("790301", "民族音乐与舞蹈", _K, None, "", 120),
            ("610401", "畜禽养殖（牛羊）", _K, None, "A", 100),
            ("730702", "旅游服务与管理", _N, 2025, "", 60),
        ),
        enterprises=(
            ("循化县撒拉族绿色家园饮品公司", "食品制造", (_ORDER, _BASE), 2019),
            ("循化县文化旅游有限公司", "旅游", (_APP,), 2022),
        ),
        pilots=(("餐饮服务", _J, 55, 47),),
        destinations=(540, 450, 50),
        bases=(("循化撒拉族刺绣大师工作室", _MS, _BUILDING, None),),
    ),
    ("630200", 0): TenMeasurePlan(
        majors=(
            ("510101", "现代农业技术", _K, None, "BA", 600),
            ("460701", "新能源汽车技术", _N, 2022, "BD", 420),
            ("510301", "畜牧兽医", _K, None, "A", 380),
            ("530701", "电子商务", _K, None, "", 500),
            ("550101", "学前教育", _K, None, "", 700),
            ("490101", "护理", _N, 2021, "", 650),
            ("530302", "会计信息管理", _S, 2024, "", 80),
            ("540101", "旅游管理", _T, 2022, "", 150),
        ),
        enterprises=(
            ("青海盐湖工业股份有限公司", "化工", (_COLLEGE, _BASE), 2019),
            ("海东市第一人民医院", "卫生", (_ORDER,), 2020),
            ("比亚迪汽车工业有限公司", "汽车制造", (_ORDER, _NAMED, _COLLEGE), 2022),
            ("青海省农牧科技集团", "农业", (_APP,), 2021),
            ("海东市乐都区现代农业产业园", "农业", (_BASE,), 2022),
        ),
        pilots=(
            ("老年照护", _M, 120, 101),
            ("新能源汽车动力电池技术", _M, 80, 62),
            ("智能财税", _J, 90, 77),
        ),
        destinations=(1820, 1250, 460),
        bases=(
            ("新能源汽车虚拟仿真实训基地", _VS, _RECOG, 2024),
            ("护理虚拟仿真实训基地", _VS, _BUILT, 2025),
        ),
        honours=(Honour.EDUCATOR_PRINCIPAL, Honour.TEACHING_MASTER),
    ),
}

# The degree that usually goes with an education (学历 → 学位) in the demo roster.
_DEGREE_OF = {
    Education.DOCTORATE: Degree.DOCTOR,
    Education.MASTER: Degree.MASTER,
    Education.BACHELOR: Degree.BACHELOR,
    Education.ASSOCIATE: Degree.NONE,
    Education.OTHER: Degree.NONE,
}

# Progress the city enters by hand in the demo (documents named are invented).
CITY_ENTERED_PROGRESS = (
    ("industry_consortium", 1, "（演示）海东市现代物流产教联合体成立文件"),
    ("industry_communities", 1, "（演示）电子商务行业产教融合共同体章程"),
    ("vocational_group", 1, "（演示）海东职业教育集团理事会名单"),
    ("guidance_committees", 2, "（演示）市级行业教学指导委员会聘任通知（2 个）"),
    ("ideological_studio", 1, "（演示）市级职业教育思政教育工作室命名文件"),
)

EXAMPLE_EXPLANATION = _("（演示说明）学校已知悉，已列入本年度整改计划，具体情况见附件说明。")


def _school_code(level: SchoolLevel, serial: int) -> str:
    if level == SchoolLevel.HIGHER:
        return f"41630{serial:05d}"
    return f"3663{serial:06d}"


def _credit_code(region: str, serial: int, private: bool) -> str:
    # 登记管理部门 + 机构类别, region, then a GB 11714 组织机构代码 with its own check digit.
    organisation = f"{serial:08d}"[-8:]
    body = (
        ("52" if private else "12")
        + region
        + organisation
        + organisation_code_check_char(organisation)
    )
    return body + credit_code_check_char(body)


class _Generator:
    def __init__(
        self, session: Session, periods: Sequence[models.Period], seed: int, scale: int
    ) -> None:
        self.session = session
        # Oldest first; the last is the demo's own year, the one being written at any moment
        # is self.period.
        self.periods = periods
        self.period = periods[-1]
        self.seed = seed
        self.rng = random.Random(seed)
        self.scale = scale
        # 身份证号 are unique within a period (the same people may teach in two years).
        self.used_ids_by_period: dict[int, set[str]] = {}
        self.school_serial = 0
        self.teacher_rows: list[dict[str, object]] = []
        self.practice_rows: list[tuple[int, dict[str, object]]] = []

    def _name(self) -> str:
        if self.rng.random() < 0.25:
            return self.rng.choice(_MINORITY_NAMES)
        return self.rng.choice(_SURNAMES) + self.rng.choice(_GIVEN)

    def _id_number(self, county: str, birth: dt.date, sex: str) -> str:
        units = load_units()
        unit = units.get(county)
        regions = [county, *(unit.historical_codes if unit else ())]
        while True:
            # People born before 2013 mostly carry the old 6321xx codes (standards.md §6.2).
            region = regions[-1] if birth.year < 2013 and len(regions) > 1 else regions[0]
            number = generate_id_number(region, birth, self.rng.randrange(100), sex)
            used = self.used_ids_by_period.setdefault(self.period.id, set())
            if number not in used:
                used.add(number)
                return number

    def add_school(self, county: str, seed: SchoolSeed, index: int, copy: int) -> None:
        name = seed.name if copy == 0 else f"{seed.name}第{copy + 1}分校"
        # The code and every figure depend only on (seed, county, school), so a county's
        # demo and the city's demo describe the same schools identically.
        code = _school_code(seed.level, int(county[-2:]) * 10_000 + copy * 10 + index)
        self.rng = rng = random.Random(f"{self.seed}:{code}")
        self.school_serial += 1
        school = models.School(
            school_code=code,
            name=name,
            county_code=county,
            level=str(seed.level),
            category=str(seed.category),
            ownership=seed.ownership,
            credit_code=_credit_code(county, int(code[-6:]), seed.ownership == "private"),
            address=f"{load_units().get(county).name}教育路{rng.randrange(1, 200)}号",  # type: ignore[union-attr]
            contact_person=self._name(),
            contact_phone=f"0972-{rng.randrange(8000000, 8999999)}",
            active=True,
        )
        self.session.add(school)
        self.session.flush()
        for period in self.periods:
            self.period = period
            # The demo's own year goes on with the school's draws, exactly as a demo of one
            # year; an earlier year draws from a stream of its own, so it changes nothing else.
            self.rng = (
                rng
                if period is self.periods[-1]
                else random.Random(f"{self.seed}:{code}:{period.year}")
            )
            self._period_data(school, county, seed, index, copy)

    def _period_data(
        self, school: models.School, county: str, seed: SchoolSeed, index: int, copy: int
    ) -> None:
        rng = self.rng
        self._school_start = len(self.teacher_rows)
        passes = seed.passes if copy == 0 else rng.random() < 0.65
        students = max(300, int(seed.students * rng.uniform(0.85, 1.15))) if copy else seed.students
        self._conditions(school, seed, students, passes)
        self._teachers(school, county, seed, students, passes)
        self._trainings(school)
        self._ten_measure(school, county, index)

    def _conditions(
        self, school: models.School, seed: SchoolSeed, students: int, passes: bool
    ) -> None:
        rng = self.rng
        # A failing school misses one or two indicators by a visible margin.
        weak = (
            set()
            if passes
            else set(rng.sample(["land", "building", "equipment", "books"], rng.randint(1, 2)))
        )
        land_per = rng.uniform(26, 31) if "land" in weak else rng.uniform(36, 60)
        building_per = rng.uniform(15, 19) if "building" in weak else rng.uniform(21, 30)
        equip_per = rng.uniform(1800, 2400) if "equipment" in weak else rng.uniform(2700, 6000)
        books_per = rng.uniform(20, 28) if "books" in weak else rng.uniform(31, 45)
        higher = seed.level == SchoolLevel.HIGHER
        if higher:
            equip_per, books_per = rng.uniform(4200, 7000), rng.uniform(82, 100)
        land = max(int(students * land_per), 41000 if "land" not in weak else 0)
        building = max(int(students * building_per), 24500 if "building" not in weak else 0)
        equipment = max(int(students * equip_per), 3_100_000 if "equipment" not in weak else 0)
        self.session.add(
            models.SchoolCondition(
                school_id=school.id,
                period_id=self.period.id,
                full_time_students=students,
                converted_students=students if higher else None,
                land_area_m2=land,
                building_area_m2=building,
                teaching_admin_area_m2=int(students * rng.uniform(15, 18)) if higher else None,
                dormitory_area_m2=int(students * rng.uniform(6.6, 9)),
                equipment_value_yuan=equipment,
                books=int(students * books_per),
                teaching_computers=int(students * rng.uniform(0.1, 0.2)),
                training_places=max(
                    int(students * rng.uniform(0.8, 1.4)),
                    # 技工学校 第九条: a practice place for every student.
                    students if seed.level == SchoolLevel.TECHNICIAN else 0,
                ),
                majors_count=rng.randint(6, 24),
                has_running_track=rng.random() < 0.9,
                # Practice and experiment rooms: about three tenths of the buildings (no
                # extra random draw, so the rest of the demo stays as it was).
                practice_area_m2=building * 3 // 10,
            )
        )

    def _teachers(
        self, school: models.School, county: str, seed: SchoolSeed, students: int, passes: bool
    ) -> None:
        rng = self.rng
        ratio = rng.uniform(12, 17) if passes else rng.uniform(14, 19)
        full_time = max(62, int(students / ratio))
        specialty = int(full_time * rng.uniform(0.52, 0.66))
        practice_instructors = max(2, specialty // 10)
        general = full_time - specialty
        part_time = int(full_time * rng.uniform(0.12, 0.28))
        double_share = rng.uniform(0.35, 0.65) if rng.random() < 0.8 else rng.uniform(0.2, 0.28)
        statistics_date = self.period.statistics_date
        roles = (
            [TeacherRole.GENERAL_COURSE] * general
            + [TeacherRole.SPECIALTY_COURSE] * (specialty - practice_instructors)
            + [TeacherRole.PRACTICE_INSTRUCTOR] * practice_instructors
            + [TeacherRole.INDUSTRY_PART_TIME] * part_time
        )
        specialty_seen = 0
        for role in roles:
            is_specialty = role in (TeacherRole.SPECIALTY_COURSE, TeacherRole.PRACTICE_INSTRUCTOR)
            age = (
                rng.randint(24, 58)
                if role != TeacherRole.INDUSTRY_PART_TIME
                else rng.randint(28, 62)
            )
            birth = dt.date(statistics_date.year - age, rng.randint(1, 12), rng.randint(1, 28))
            sex = rng.choice(["男", "女"])
            hired = dt.date(
                max(birth.year + 22, statistics_date.year - rng.randint(0, 30)),
                rng.choice([7, 8, 9]),
                1,
            )
            if hired > statistics_date:
                hired = dt.date(statistics_date.year - 1, 9, 1)
            level = DoubleTeacherLevel.NONE
            if is_specialty:
                specialty_seen += 1
                if specialty_seen <= round((specialty) * double_share):
                    level = rng.choice(
                        [
                            DoubleTeacherLevel.JUNIOR,
                            DoubleTeacherLevel.INTERMEDIATE,
                            DoubleTeacherLevel.INTERMEDIATE,
                            DoubleTeacherLevel.SENIOR,
                        ]
                    )
            elif role == TeacherRole.INDUSTRY_PART_TIME and rng.random() < 0.2:
                level = DoubleTeacherLevel.JUNIOR
            title = rng.choices(list(Title), weights=[2, 20, 40, 25, 13])[0]
            education = rng.choices(list(Education), weights=[1, 14, 75, 9, 1])[0]
            honours = None
            row: dict[str, object] = {
                "school_id": school.id,
                "period_id": self.period.id,
                "name": self._name(),
                "id_number": self._id_number(county, birth, sex),
                "role": str(role),
                "education": str(education),
                "title": str(title),
                "double_teacher_level": str(level),
                "double_teacher_date": (
                    dt.date(statistics_date.year - rng.randint(0, 3), rng.randint(1, 12), 15)
                    if level != DoubleTeacherLevel.NONE
                    else None
                ),
                "double_teacher_body": "青海省教育厅" if level != DoubleTeacherLevel.NONE else None,
                "honours": honours,
                "hired_date": hired,
                "degree": str(_DEGREE_OF[education]),
            }
            self.teacher_rows.append(row)
            if is_specialty:
                index = len(self.teacher_rows) - 1
                # About nine in ten specialty teachers meet the six-months-in-five-years rule.
                if rng.random() < 0.9:
                    lengths = rng.choice([[190], [95, 100], [200, 60], [120, 70, 60]])
                else:
                    lengths = rng.choice([[], [45], [90]])
                for n, days in enumerate(lengths):
                    start = dt.date(statistics_date.year - 1 - n, rng.choice([1, 3, 5]), 1)
                    end = min(start + dt.timedelta(days=days), statistics_date)
                    self.practice_rows.append(
                        (
                            index,
                            {
                                "enterprise": rng.choice(_ENTERPRISES),
                                "start_date": start,
                                "end_date": end,
                            },
                        )
                    )

    def _trainings(self, school: models.School) -> None:
        rng = self.rng
        year = self.period.year
        for name, category, group in rng.sample(_TRAININGS, rng.randint(3, 6)):
            start = dt.date(year, rng.randint(1, 10), rng.randint(1, 28))
            end = min(start + dt.timedelta(days=rng.randint(3, 60)), dt.date(year, 12, 31))
            enrolled = rng.randint(20, 150)
            completed = enrolled - rng.randint(0, enrolled // 10)
            certified = int(completed * rng.uniform(0.5, 1.0))
            self.session.add(
                models.TrainingProgramme(
                    school_id=school.id,
                    period_id=self.period.id,
                    name=name,
                    category=str(category),
                    target_group=str(group),
                    start_date=start,
                    end_date=end,
                    hours=rng.choice([16, 24, 40, 56, 80, 120, 160]),
                    enrolled=enrolled,
                    completed=completed,
                    certified=certified,
                    funding_yuan=enrolled * rng.choice([300, 500, 800, 1200]),
                    funding_source=rng.choice(
                        ["中央财政职业技能提升行动资金", "县级财政", "企业自筹", "学校自筹"]
                    ),
                    partner_enterprise=rng.choice(_ENTERPRISES) if rng.random() < 0.6 else None,
                )
            )

    def _ten_measure(self, school: models.School, county: str, index: int) -> None:
        """The ten-measure figures of a school: fixed per base school, so totals are checkable."""
        plan = TEN_MEASURE.get((county, index))
        if plan is None:
            return
        period = self.period.id
        for code, name, status, year, flags, enrolment in plan.majors:
            self.session.add(
                models.Major(
                    school_id=school.id,
                    period_id=period,
                    major_code=code,
                    name=name,
                    status=str(status),
                    status_year=year,
                    brand="B" in flags,
                    double_excellent="D" in flags,
                    agriculture="A" in flags,
                    enrolment=enrolment,
                )
            )
        for name, industry, forms, since in plan.enterprises:
            self.session.add(
                models.CooperatingEnterprise(
                    school_id=school.id,
                    period_id=period,
                    name=name,
                    credit_code=None,
                    industry=industry,
                    forms=",".join(str(f) for f in forms),
                    since_year=since,
                )
            )
        for certificate, level, candidates, certified in plan.pilots:
            self.session.add(
                models.CertificatePilot(
                    school_id=school.id,
                    period_id=period,
                    certificate=certificate,
                    level=str(level),
                    candidates=candidates,
                    certified=certified,
                )
            )
        graduates, employed, further = plan.destinations
        self.session.add(
            models.GraduateDestination(
                school_id=school.id,
                period_id=period,
                graduates=graduates,
                employed=employed,
                further_study=further,
            )
        )
        for name, kind, stage, built in plan.bases:
            self.session.add(
                models.TrainingBase(
                    school_id=school.id,
                    period_id=period,
                    name=name,
                    kind=str(kind),
                    status=str(stage),
                    year=built,
                )
            )
        # Honours go to the school's first specialty teachers, in the order listed.
        honoured = [
            r
            for r in self.teacher_rows[self._school_start :]
            if r["role"]
            in (str(TeacherRole.SPECIALTY_COURSE), str(TeacherRole.PRACTICE_INSTRUCTOR))
        ]
        for row, honour in zip(honoured, plan.honours, strict=False):
            row["honours"] = str(honour)

    def flush_roster(self) -> None:
        if not self.teacher_rows:
            return
        # One executemany for the whole roster. render_nulls: without it the ORM leaves out
        # each row's None values and sends a batch per pattern of them. The ids are read
        # back by the roster's unique key: an ordered RETURNING goes row by row on SQLite.
        self.session.execute(
            insert(models.Teacher).execution_options(render_nulls=True), self.teacher_rows
        )
        teacher = models.Teacher
        ids: dict[tuple[object, ...], int] = {
            (period_id, school_id, id_number): teacher_id
            for teacher_id, period_id, school_id, id_number in self.session.execute(
                select(teacher.id, teacher.period_id, teacher.school_id, teacher.id_number)
            )
        }
        practices = []
        for index, row in self.practice_rows:
            owner = self.teacher_rows[index]
            key = (owner["period_id"], owner["school_id"], owner["id_number"])
            practices.append({"teacher_id": ids[key], **row})
        if practices:
            self.session.execute(insert(models.EnterprisePractice), practices)


def generate_demo(
    db: Database,
    *,
    year: int,
    scale: int = 1,
    seed: int = 2024,
    progress: Progress | None = None,
    periods: int = 1,
) -> None:
    """Fill a freshly initialised database with the demo for its unit (county or city).

    ``periods`` > 1 also fills the years before ``year`` (for the checks that compare a
    period with the last one); the data of ``year`` itself is the same either way.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    if periods < 1:
        raise ValueError("periods must be at least 1")
    info = db.info()
    with db.transaction() as session:
        if session.scalar(select(models.School.id).limit(1)) is not None:
            raise UsageError(_("数据库中已有学校数据；演示数据只能生成到新建的数据库中。"))
        years = range(year - periods + 1, year + 1)
        generator = _Generator(session, [ensure_period(session, y) for y in years], seed, scale)
        if info.role == Role.CITY:
            plan = [
                (code, i, seed_)
                for code, seeds in COUNTY_SCHOOLS.items()
                for i, seed_ in enumerate(seeds)
            ]
            plan += [(info.unit_code, i, seed_) for i, seed_ in enumerate(CITY_SCHOOLS)]
        else:
            plan = [
                (info.unit_code, i, seed_) for i, seed_ in enumerate(COUNTY_SCHOOLS[info.unit_code])
            ]
        total = len(plan) * scale
        done = 0
        for copy in range(scale):
            for county, index, school_seed in plan:
                generator.add_school(county, school_seed, index, copy)
                done += 1
                if progress:
                    progress(done, total)
        generator.flush_roster()
        append_entry(
            session,
            action="demo",
            table_name="*",
            record_key=f"period:{year}",
            new_value=f"demo scale={scale} seed={seed}",
        )
    if info.role == Role.CITY:
        for target_id, value, evidence in CITY_ENTERED_PROGRESS:
            enter_progress(db, year, target_id, value, evidence)
    report = run_check(db, year)
    errors = report.errors
    if errors:  # a bug in the generator, not a user problem
        raise RuntimeError(f"demo data has validation errors: {[e.message for e in errors[:3]]}")
    # The demo's own data, as a county's package would carry it (a city's too): written
    # beside the write policy, which keeps a city's users from explaining warnings.
    with db.transaction() as session:
        store_explanations(
            session,
            ensure_period(session, year),
            [
                (w.rule, w.record_key, w.field, EXAMPLE_EXPLANATION)
                for w in report.unexplained_warnings
            ],
            info.operator,
        )
