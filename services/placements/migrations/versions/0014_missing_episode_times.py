"""The local times of day of a missing episode's start, return and return home interview, where known.

Revision ID: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TIMES = ("start_time", "end_time", "rhi_offered_time", "rhi_held_time")


def upgrade() -> None:
    for name in TIMES:
        op.add_column("missing_episodes", sa.Column(name, sa.Time(), nullable=True))
    # A time is the time of a date: never one without the other.
    for name in TIMES:
        day = name.replace("_time", "_date")
        op.create_check_constraint(f"{name}_has_its_date", "missing_episodes", f"{name} IS NULL OR {day} IS NOT NULL")


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
