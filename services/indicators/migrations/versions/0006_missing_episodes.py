"""Missing and away-from-placement episodes, from the placements topic.

Revision ID: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "missing_episodes",
        sa.Column("episode_id", sa.String(), primary_key=True),
        sa.Column("child_id", sa.String(), nullable=False, index=True),
        sa.Column("kind", sa.String(1), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("rhi_offered_date", sa.Date(), nullable=True),
        sa.Column("rhi_held_date", sa.Date(), nullable=True),
        sa.Column("record_version", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
