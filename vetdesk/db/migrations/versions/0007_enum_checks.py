"""enum checks: every enumerated column accepts only its enumeration's codes

A value stored as its Chinese label (or with stray spaces or capitals) is rewritten as its
code first; any other value outside the enumeration refuses the upgrade, naming table, row,
column and value, before anything is changed (the backup taken before every migration and
the database itself stay as they were).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 03:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from vetdesk.db.migrate import MigrationRefused
from vetdesk.i18n import _

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The codes (and Chinese labels) of every enumerated column when this revision was written:
# frozen here, so later changes to the enumerations need migrations of their own.
ENUMERATIONS: dict[str, dict[str, dict[str, str]]] = {
    "schools": {
        "level": {
            "secondary": "中职",
            "higher": "高职",
            "technician": "技工",
        },
        "category": {
            "general": "一般类",
            "arts": "艺术类",
            "remote": "边远脱贫地区",
            "technician": "技工",
            "higher_comprehensive": "高职（综合、师范、民族院校）",
            "higher_engineering": "高职（工科、农、林院校）",
        },
        "ownership": {
            "public": "公办",
            "private": "民办",
        },
    },
    "teachers": {
        "role": {
            "general_course": "专任教师（公共基础课）",
            "specialty_course": "专任教师（专业课）",
            "practice_instructor": "实习指导教师",
            "industry_part_time": "行业企业兼职教师",
        },
        "education": {
            "doctorate": "博士研究生",
            "master": "硕士研究生",
            "bachelor": "本科",
            "associate": "专科",
            "other": "高中及以下",
        },
        "title": {
            "full_senior": "正高级",
            "associate_senior": "副高级",
            "intermediate": "中级",
            "junior": "初级",
            "none": "未评",
        },
        "double_teacher_level": {
            "none": "无",
            "junior": "初级",
            "intermediate": "中级",
            "senior": "高级",
        },
        "degree": {
            "doctor": "博士",
            "master": "硕士",
            "bachelor": "学士",
            "none": "无学位",
        },
    },
    "training_programmes": {
        "category": {
            "subsidised": "补贴性培训",
            "market": "市场化社会培训",
            "one_plus_x": "1+X 证书培训",
            "pre_job": "岗前培训",
            "on_job": "岗位培训",
            "continuing": "继续教育",
            "other": "其他培训",
        },
        "target_group": {
            "enterprise_staff": "企业职工",
            "veterans": "退役军人",
            "rural_migrant": "农村转移劳动力",
            "new_farmers": "新型职业农民",
            "students": "在校生",
            "other": "其他",
        },
    },
    "majors": {
        "status": {
            "kept": "保留",
            "new": "新增",
            "stopped": "停招",
            "revoked": "撤销",
            "redirected": "转向",
        },
    },
    "certificate_pilots": {
        "level": {
            "junior": "初级",
            "intermediate": "中级",
            "senior": "高级",
        },
    },
    "training_bases": {
        "kind": {
            "practice_centre": "开放型区域产教融合实践中心",
            "virtual_simulation": "虚拟仿真实训基地",
            "master_studio": "名师（名匠）工作室",
            "other": "其他基地",
        },
        "status": {
            "planned": "规划中",
            "building": "建设中",
            "built": "已建成",
            "recognised": "已认定",
        },
    },
}


def _reading(codes: dict[str, str], value: str) -> str | None:
    """The code a stored value stands for, if it is one written another way."""
    cleaned = value.strip()
    for code, label in codes.items():
        if cleaned.lower() == code or cleaned == label:
            return code
    return None


def _scan(conn: sa.Connection) -> tuple[list[tuple[str, str, int, str]], list[str]]:
    """Values written another way (to rewrite as codes), and values to refuse."""
    fixes: list[tuple[str, str, int, str]] = []
    refused: list[str] = []
    inspector = sa.inspect(conn)
    present = set(inspector.get_table_names())
    for table, columns in ENUMERATIONS.items():
        if table not in present:  # before 0003: no ten-measure tables yet, nothing to check
            continue
        # The pre-flight runs before every pending migration: before 0005 there is no
        # teachers.degree yet, so nothing of it to check.
        existing = {c["name"] for c in inspector.get_columns(table)}
        for column, codes in columns.items():
            if column not in existing:
                continue
            quoted = ", ".join(f"'{code}'" for code in codes)
            rows = conn.execute(
                sa.text(
                    f"SELECT id, {column} FROM {table} "
                    f"WHERE {column} IS NOT NULL AND {column} NOT IN ({quoted}) ORDER BY id"
                )
            ).all()
            for row_id, value in rows:
                code = _reading(codes, str(value))
                if code is None:
                    refused.append(
                        _("表 {table} 第 {id} 条记录的 {column} 为“{value}”").format(
                            table=table, id=row_id, column=column, value=value
                        )
                    )
                else:
                    fixes.append((table, column, int(row_id), code))
    return fixes, refused


def preflight(conn: sa.Connection) -> None:
    """Refuse, before any migration runs, a database holding values outside an enumeration."""
    _fixes, refused = _scan(conn)
    if refused:
        more = "…" if len(refused) > 5 else ""
        raise MigrationRefused(
            _(
                "数据库中有 {n} 个值不在可选列表中，无法升级：{where}。数据库未作任何修改；"
                "请用旧版本改正这些记录后再升级。"
            ).format(n=len(refused), where="；".join(refused[:5]) + more)
        )


def upgrade() -> None:
    conn = op.get_bind()
    preflight(conn)  # again, inside the migration's transaction
    fixes, _refused = _scan(conn)
    for table, column, row_id, code in fixes:
        conn.execute(
            sa.text(f"UPDATE {table} SET {column} = :code WHERE id = :id"),
            {"code": code, "id": row_id},
        )
    for table, columns in ENUMERATIONS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, codes in columns.items():
                quoted = ", ".join(f"'{code}'" for code in codes)
                batch_op.create_check_constraint(
                    op.f(f"ck_{table}_{column}_enum"), f"{column} IN ({quoted})"
                )


def downgrade() -> None:
    for table, columns in ENUMERATIONS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_constraint(op.f(f"ck_{table}_{column}_enum"), type_="check")
