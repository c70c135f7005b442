"""Care leaver statuses and adviser allocations (the shared tables: backbone's producer, audit and consumer
branches and the care register's, which this history depends on).

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = ("producer_0001", "audit_0001", "consumer_0001", "care_register_0001")


def upgrade() -> None:
    op.create_table(
        "care_leaver_statuses",
        sa.Column("status_id", sa.String(), primary_key=True),
        sa.Column("child_id", sa.String(), nullable=False, index=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("record_version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "adviser_allocations",
        sa.Column("allocation_id", sa.String(), primary_key=True),
        sa.Column("child_id", sa.String(), nullable=False, index=True),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("record_version", sa.Integer(), nullable=False),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="allocation_dates_in_order"),
    )


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
