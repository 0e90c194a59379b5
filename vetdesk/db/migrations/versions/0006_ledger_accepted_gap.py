"""ledger accepted gap: the city's reason for accepting a package that does not link to the last one

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 03:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


# Plain ALTER TABLE (SQLite >= 3.35 drops columns itself): a batch copy would rewrite the
# table's CREATE statement, and up → down → up must give the same schema.
def upgrade() -> None:
    op.add_column("package_ledger", sa.Column("gap_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("package_ledger", "gap_reason")
