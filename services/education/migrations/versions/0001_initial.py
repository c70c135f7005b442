"""Virtual School notifications and initial PEPs (the shared tables: backbone's producer, audit and consumer
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
        "virtual_school_notifications",
        sa.Column("notification_id", sa.String(), primary_key=True),
        sa.Column("child_id", sa.String(), nullable=False, index=True),
        sa.Column("care_period_id", sa.String(), nullable=False, unique=True),
        sa.Column("notified_date", sa.Date(), nullable=False),
        sa.Column("record_version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "initial_peps",
        sa.Column("pep_id", sa.String(), primary_key=True),
        sa.Column("notification_id", sa.String(), sa.ForeignKey("virtual_school_notifications.notification_id"),
                  nullable=False, unique=True),
        sa.Column("child_id", sa.String(), nullable=False, index=True),
        sa.Column("completed_date", sa.Date(), nullable=False),
        sa.Column("record_version", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
