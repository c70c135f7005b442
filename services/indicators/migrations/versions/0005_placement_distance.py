"""Placements carry the distance from home and whether they are outside the council's boundary.

Revision ID: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"  # 0004 (tombstones) moved to the shared consumer branch
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("placements", sa.Column("distance_miles", sa.Float(), nullable=True))
    op.add_column("placements", sa.Column("outside_boundary", sa.Boolean(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
