"""ledger accepted gap: the city's reason for accepting a package that does not link to the last one

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-07 03:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("package_ledger", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gap_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("package_ledger", schema=None) as batch_op:
        batch_op.drop_column("gap_reason")
