"""teacher degree, practice space, 达标 scope: 学位, 实习、实验场所, 建校年份 and 附设中职班

The 高职 研究生 share counts teachers with a postgraduate degree (学位), which the
highest education (学历) alone does not tell; 技工学校 are judged on the floor area of
their practice and experiment rooms (人社部发〔2012〕8号 第八条); the 达标 rate leaves
out 附设中职班 and schools founded in 2022 or later (教职成〔2022〕5号). All columns are
nullable: rows from earlier versions keep them empty (not recorded), nothing is lost.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 03:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("founded_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("attached_class", sa.Boolean(), nullable=True))
    with op.batch_alter_table("teachers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("degree", sa.String(length=20), nullable=True))
    with op.batch_alter_table("school_conditions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("practice_area_m2", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("school_conditions", schema=None) as batch_op:
        batch_op.drop_column("practice_area_m2")
    with op.batch_alter_table("teachers", schema=None) as batch_op:
        batch_op.drop_column("degree")
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_column("attached_class")
        batch_op.drop_column("founded_year")
