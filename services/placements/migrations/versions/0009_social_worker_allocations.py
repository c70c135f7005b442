"""Social worker allocations (SSDA903 social worker episodes): the board reads changes of social worker.

Revision ID: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "social_worker_allocations",
        sa.Column("allocation_id", sa.String(), primary_key=True),
        sa.Column("child_id", sa.String(), sa.ForeignKey("children.child_id"), nullable=False, index=True),
        sa.Column("worker_id", sa.String(64), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("record_version", sa.Integer(), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="allocation_ends_after_it_starts"),
    )
    # One allocated social worker at a time.
    op.create_index("one_open_social_worker_per_child", "social_worker_allocations", ["child_id"], unique=True,
                    postgresql_where=sa.text("end_date IS NULL AND NOT withdrawn"))


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
