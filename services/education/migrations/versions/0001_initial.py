"""Virtual School notifications and initial PEPs; known periods of care; outbox, audit, idempotency, consumer tables.

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

import care_register
from backbone.migrations import create_audit_log_v1, create_consumer_tables_v1, create_idempotency_keys_v1, create_outbox_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


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
    care_register.create_tables_v1()
    create_outbox_v1()
    create_audit_log_v1()
    create_idempotency_keys_v1()
    create_consumer_tables_v1()


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
