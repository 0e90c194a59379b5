"""package rejections: the city remembers which packages it refused, and why

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 02:22:05.335096
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "package_rejections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=6), nullable=False),
        sa.Column("period_year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=True),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("rejected_at", sa.DateTime(), nullable=False),
        sa.Column("operator", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_package_rejections_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_rejections")),
    )
    with op.batch_alter_table("package_rejections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_package_rejections_unit_code"), ["unit_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("package_rejections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_package_rejections_unit_code"))

    op.drop_table("package_rejections")
