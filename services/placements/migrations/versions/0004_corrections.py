"""Corrections: a record entered in error is withdrawn (kept, marked), and the one-open-record rules ignore it.

Revision ID: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"  # 0003 (audit outcome) moved to the shared audit branch
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("care_periods", "placements"):
        op.add_column(table, sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.drop_index("one_open_placement_per_child", table_name="placements")
    op.drop_index("one_open_care_period_per_child", table_name="care_periods")
    op.create_index("one_open_care_period_per_child", "care_periods", ["child_id"], unique=True,
                    postgresql_where=sa.text("end_date IS NULL AND NOT withdrawn"))
    op.create_index("one_open_placement_per_child", "placements", ["child_id"], unique=True,
                    postgresql_where=sa.text("end_date IS NULL AND NOT withdrawn"))


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
