"""The database forbids impossible states: at most one open period of care and one open placement per child.

Revision ID: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("one_open_care_period_per_child", "care_periods", ["child_id"], unique=True,
                    postgresql_where=sa.text("end_date IS NULL"))
    op.create_index("one_open_placement_per_child", "placements", ["child_id"], unique=True,
                    postgresql_where=sa.text("end_date IS NULL"))


def downgrade() -> None:
    op.drop_index("one_open_placement_per_child", table_name="placements")
    op.drop_index("one_open_care_period_per_child", table_name="care_periods")
