"""Withdrawn periods of care learnt from the placements topic stay withdrawn: tombstones.

Revision ID: 0003
"""
from alembic import op

from backbone.migrations import create_withdrawn_records_v1

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_withdrawn_records_v1()


def downgrade() -> None:
    op.drop_table("withdrawn_records")
