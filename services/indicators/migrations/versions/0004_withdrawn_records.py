"""Withdrawn records leave the projections and stay out: tombstones.

Revision ID: 0004
"""
from alembic import op

from backbone.migrations import create_withdrawn_records_v1

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_withdrawn_records_v1()


def downgrade() -> None:
    op.drop_table("withdrawn_records")
