"""The local times of day of a missing episode's start, return and return home interview, where known
(rhi_within_72h counts hours where the return's time and the offer's are both known).

Revision ID: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for name in ("start_time", "end_time", "rhi_offered_time", "rhi_held_time"):
        op.add_column("missing_episodes", sa.Column(name, sa.Time(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
