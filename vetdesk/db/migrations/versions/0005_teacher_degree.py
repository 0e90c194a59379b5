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
    # Plain ADD COLUMN / DROP COLUMN (SQLite 3.35+): nullable columns need no table rebuild,
    # and the stored CREATE TABLE reads the same after upgrade as after downgrade + upgrade.
    op.add_column("schools", sa.Column("founded_year", sa.Integer(), nullable=True))
    op.add_column("schools", sa.Column("attached_class", sa.Boolean(), nullable=True))
    op.add_column("teachers", sa.Column("degree", sa.String(length=20), nullable=True))
    op.add_column("school_conditions", sa.Column("practice_area_m2", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("school_conditions", "practice_area_m2")
    op.drop_column("teachers", "degree")
    op.drop_column("schools", "attached_class")
    op.drop_column("schools", "founded_year")
