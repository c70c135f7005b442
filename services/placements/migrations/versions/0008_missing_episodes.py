"""Missing and away-from-placement episodes (SSDA903 missing table) with their return home interviews.

Revision ID: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "missing_episodes",
        sa.Column("episode_id", sa.String(), primary_key=True),
        sa.Column("child_id", sa.String(), sa.ForeignKey("children.child_id"), nullable=False, index=True),
        sa.Column("kind", sa.String(1), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("rhi_offered_date", sa.Date(), nullable=True),
        sa.Column("rhi_held_date", sa.Date(), nullable=True),
        sa.Column("record_version", sa.Integer(), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.CheckConstraint("kind IN ('M', 'A')", name="missing_kind_is_903"),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="missing_ends_after_it_starts"),
    )
    # At most one open episode per child (a child cannot go missing twice at once).
    op.create_index("one_open_missing_episode_per_child", "missing_episodes", ["child_id"], unique=True,
                    postgresql_where=sa.text("end_date IS NULL AND NOT withdrawn"))


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
