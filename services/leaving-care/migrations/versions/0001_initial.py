"""Care leaver statuses and adviser allocations; known periods of care; outbox, audit, idempotency, consumer tables.

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
    care_register.create_tables_v1()
    create_outbox_v1()
    create_audit_log_v1()
    create_idempotency_keys_v1()
    create_consumer_tables_v1()


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
