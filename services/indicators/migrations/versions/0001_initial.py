"""KPI projections (the shared tables: backbone's consumer and audit branches, which this history depends on).

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = ("consumer_0001", "audit_0001")


def _versioned(name: str, *columns: sa.Column) -> None:
    op.create_table(name, *columns, sa.Column("record_version", sa.Integer(), nullable=False))


def upgrade() -> None:
    _versioned(
        "care_periods",
        sa.Column("care_period_id", sa.String(), primary_key=True),
        sa.Column("child_id", sa.String(), nullable=False, index=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("legal_status", sa.String(), nullable=False),
        sa.Column("reason_ceased", sa.String(), nullable=True),
    )
    _versioned(
        "placements",
        sa.Column("placement_id", sa.String(), primary_key=True),
        sa.Column("care_period_id", sa.String(), nullable=False),
        sa.Column("child_id", sa.String(), nullable=False, index=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("placement_type", sa.String(), nullable=False),
        sa.Column("provider", sa.String(), nullable=True),
        sa.Column("carer_id", sa.String(), nullable=True),
    )
    _versioned(
        "initial_health_assessments",
        sa.Column("assessment_id", sa.String(), primary_key=True),
        sa.Column("child_id", sa.String(), nullable=False, index=True),
        sa.Column("completed_date", sa.Date(), nullable=False),
    )
    _versioned(
        "virtual_school_notifications",
        sa.Column("notification_id", sa.String(), primary_key=True),
        sa.Column("child_id", sa.String(), nullable=False, index=True),
        sa.Column("notified_date", sa.Date(), nullable=False),
    )
    _versioned(
        "initial_peps",
        sa.Column("pep_id", sa.String(), primary_key=True),
        sa.Column("notification_id", sa.String(), nullable=False, index=True),
        sa.Column("child_id", sa.String(), nullable=False),
        sa.Column("completed_date", sa.Date(), nullable=False),
    )
    _versioned(
        "care_leaver_statuses",
        sa.Column("status_id", sa.String(), primary_key=True),
        sa.Column("child_id", sa.String(), nullable=False, index=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
    )
    _versioned(
        "adviser_allocations",
        sa.Column("allocation_id", sa.String(), primary_key=True),
        sa.Column("child_id", sa.String(), nullable=False, index=True),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
    )


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
