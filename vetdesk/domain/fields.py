"""Chinese names (with units) of the fields people see, shared by checks, templates and screens."""

from __future__ import annotations

from vetdesk.i18n import N_, _

SCHOOL_FIELDS: dict[str, str] = {
    "school_code": N_("学校标识码"),
    "name": N_("学校名称"),
    "county_code": N_("所属县区"),
    "level": N_("办学层次"),
    "category": N_("标准类别"),
    "ownership": N_("举办性质"),
    "credit_code": N_("统一社会信用代码"),
    "address": N_("地址"),
    "contact_person": N_("联系人"),
    "contact_phone": N_("联系电话"),
    "founded_year": N_("建校年份"),
    "attached_class": N_("附设中职班"),
}

CONDITION_FIELDS: dict[str, str] = {
    "full_time_students": N_("全日制在校生数（人）"),
    "converted_students": N_("折合在校生数（人，高职填）"),
    "land_area_m2": N_("校园占地面积（平方米）"),
    "building_area_m2": N_("校舍建筑面积（平方米）"),
    "teaching_admin_area_m2": N_("教学及行政用房面积（平方米）"),
    "dormitory_area_m2": N_("学生宿舍面积（平方米）"),
    "equipment_value_yuan": N_("教学仪器设备总值（元）"),
    "books": N_("纸质图书（册）"),
    "teaching_computers": N_("教学用计算机（台）"),
    "training_places": N_("实训工位（个）"),
    "majors_count": N_("专业数（个）"),
    "has_running_track": N_("200米以上环形跑道"),
    "practice_area_m2": N_("实习、实验场所建筑面积（平方米）"),
}

# Condition figures stored in 元 but typed and shown in 万元, as in the templates and
# statistical forms: the name people see for them.
WAN_YUAN_LABELS: dict[str, str] = {
    "equipment_value_yuan": N_("教学仪器设备总值（万元）"),
}

# Condition fields a school must fill in every period.
REQUIRED_CONDITION_FIELDS = (
    "full_time_students",
    "land_area_m2",
    "building_area_m2",
    "equipment_value_yuan",
    "books",
)

TEACHER_FIELDS: dict[str, str] = {
    "name": N_("姓名"),
    "id_number": N_("身份证号"),
    "role": N_("岗位类别"),
    "education": N_("最高学历"),
    "title": N_("专业技术职称"),
    "double_teacher_level": N_("“双师型”等级"),
    "double_teacher_date": N_("“双师型”认定日期"),
    "double_teacher_body": N_("“双师型”认定机构"),
    "honours": N_("荣誉称号"),
    "hired_date": N_("入职日期"),
    "degree": N_("最高学位"),
    "full_time_teachers": N_("专任教师数（人）"),
}

PRACTICE_FIELDS: dict[str, str] = {
    "enterprise": N_("实践企业"),
    "start_date": N_("开始日期"),
    "end_date": N_("结束日期"),
}

TRAINING_FIELDS: dict[str, str] = {
    "name": N_("培训项目名称"),
    "category": N_("培训类别"),
    "target_group": N_("培训对象"),
    "start_date": N_("开始日期"),
    "end_date": N_("结束日期"),
    "hours": N_("学时"),
    "enrolled": N_("参训人数"),
    "completed": N_("结业人数"),
    "certified": N_("取证人数"),
    "funding_yuan": N_("培训经费（元）"),
    "funding_source": N_("经费来源"),
    "partner_enterprise": N_("合作企业"),
}

_ALL = {**SCHOOL_FIELDS, **CONDITION_FIELDS, **TEACHER_FIELDS, **PRACTICE_FIELDS, **TRAINING_FIELDS}


def field_label(entity: str, field: str) -> str:
    """The translated label of a field of an entity ('school', 'condition', 'teacher', ...)."""
    table = {
        "school": SCHOOL_FIELDS,
        "condition": CONDITION_FIELDS,
        "teacher": TEACHER_FIELDS,
        "practice": PRACTICE_FIELDS,
        "training": TRAINING_FIELDS,
    }.get(entity, _ALL)
    label = table.get(field) or _ALL.get(field)
    return _(label) if label else field
