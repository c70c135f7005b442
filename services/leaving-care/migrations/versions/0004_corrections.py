"""Corrections: a status or allocation entered in error is withdrawn (kept, marked).

Revision ID: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"  # 0002 and 0003 (audit outcome, tombstones) moved to the shared branches
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("care_leaver_statuses", "adviser_allocations"):
        op.add_column(table, sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
