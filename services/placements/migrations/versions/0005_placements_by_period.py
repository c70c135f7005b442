"""The commands read a period's placements on every placement write: an index, not a scan of them all.

Revision ID: 0005
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("placements_care_period", "placements", ["care_period_id"])


def downgrade() -> None:
    op.drop_index("placements_care_period", table_name="placements")
